"""The autosave request against its floor: a view that does one INSERT, on the same stack.

Both go through the same middleware, the same WSGI handler and the same database; the floor view
inserts one row and answers `{"ok": true}`. Prints CPU of this process and of the PostgreSQL
backend serving it, wall time, min and median over repeated requests, the number of queries, and
the ratio of CPU medians (process + database). Target: autosave <= 3x the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/autosave.py \
        [--requests 300] [--rounds 5]

Each round times `--requests` requests of each kind, interleaved, so that neighbours on shared
cores weigh on both alike; the figures are per request. Builds its own throwaway test database.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from assessment.models import Campaign, Department, Item, Organisation  # noqa: E402
from assessment.services import framework_load, invitation_create, response_start  # noqa: E402
from bench.timing import db_backend_pid, process_cpu  # noqa: E402

FRAMEWORK = ROOT / "fixtures/framework/innovation-readiness-1.0.yaml"


@require_POST
def one_insert(request):
    """The floor: one INSERT through the same stack (middleware, handler, database)."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (value) VALUES (%s)", [int(request.POST.get("value", 0))])
    return JsonResponse({"ok": True})


urlpatterns = [path("floor/", one_insert), path("", include("config.urls"))]


def build():
    from datetime import timedelta

    from django.utils import timezone

    framework, _ = framework_load(path=FRAMEWORK)
    organisation = Organisation.objects.create(slug="autosave", name_en="Autosave", name_ja="自動保存")
    department = Department.objects.create(organisation=organisation, key="rd", name_en="R&D", name_ja="研究開発")
    now = timezone.now()
    campaign = Campaign.objects.create(
        organisation=organisation,
        framework=framework,
        name="autosave",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    _invitation, token = invitation_create(campaign=campaign, role_group="business", department=department)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (id serial PRIMARY KEY, value integer)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE bench_floor (id integer PRIMARY KEY AUTOINCREMENT, value integer)"
        )
    return campaign, token, list(Item.objects.filter(framework=framework).values_list("key", flat=True))


def start(client, token, campaign):
    """Answer the profile page as a respondent would (the autosave needs a started response)."""
    from assessment.models import Invitation
    from assessment.selectors import invitation_get_for_token

    invitation = invitation_get_for_token(token=token)
    response_start(invitation=invitation, role_group="business", department=invitation.department, tenure="")
    assert Invitation.objects.filter(campaign=campaign).count() == 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            run(args)
    finally:
        teardown_databases(old, verbosity=0)


def run(args):
    campaign, token, keys = build()
    client = Client()
    start(client, token, campaign)
    answer_url = reverse("respondent:answer", args=[token])
    db_pid = db_backend_pid()
    kinds = {
        "floor (one INSERT)": lambda n: client.post("/floor/", {"value": n % 5}),
        "autosave": lambda n: client.post(
            answer_url, {"item": keys[n % len(keys)], "value": str(n % 5 + 1)}, HTTP_ACCEPT="application/json"
        ),
    }
    for name, post in kinds.items():  # warm up, and check both work
        reply = post(0)
        assert reply.status_code == 200 and reply.json()["ok"], (name, reply.content)
    queries = {}
    for name, post in kinds.items():
        with CaptureQueriesContext(connection) as captured:
            post(1)
        queries[name] = [q["sql"] for q in captured.captured_queries]
    results = {name: {"cpu": [], "db": [], "wall": []} for name in kinds}
    for _round in range(args.rounds):
        for name, post in kinds.items():
            db0, cpu0, wall0 = process_cpu(db_pid) if db_pid else 0, time.process_time(), time.perf_counter()
            for n in range(args.requests):
                post(n)
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            db = (process_cpu(db_pid) - db0) if db_pid else 0
            for key, value in (("cpu", cpu), ("db", db), ("wall", wall)):
                results[name][key].append(value / args.requests)
    print(f"database: {connection.vendor}; {args.rounds} rounds x {args.requests} requests of each kind, interleaved")
    print(
        f"{'request':20} {'cpu min  med':>13} | {'db min  med':>12} | {'cpu+db med':>10} | {'wall min  med':>13} | queries (ms)"
    )
    totals = {}
    for name, r in results.items():
        total = [c + d for c, d in zip(r["cpu"], r["db"], strict=True)]
        totals[name] = statistics.median(total)
        print(
            f"{name:20} {min(r['cpu']) * 1000:6.2f} {statistics.median(r['cpu']) * 1000:6.2f} | "
            f"{min(r['db']) * 1000:5.2f} {statistics.median(r['db']) * 1000:6.2f} | {totals[name] * 1000:10.2f} | "
            f"{min(r['wall']) * 1000:6.2f} {statistics.median(r['wall']) * 1000:6.2f} | {len(queries[name])}"
        )
    ratio = totals["autosave"] / totals["floor (one INSERT)"]
    print(
        f"autosave / floor (CPU of process + database, medians) = {ratio:.2f}  (target <= 3: {'met' if ratio <= 3 else 'NOT met'})"
    )
    print("autosave queries:")
    for sql in queries["autosave"]:
        print("  ", " ".join(sql.split())[:160])


if __name__ == "__main__":
    main()
