"""Every staff page at the size of a large client: 10,000 respondents over 30 departments.

For each page prints the first request (charts not yet cached), then CPU time of this process,
CPU time of the PostgreSQL backend serving it and wall time, min and median over repeated
requests, and the number of queries both for a 40-respondent campaign and for the large one
(a page whose count grows with the campaign reads row by row). The floor, measured in the same
run, is `/livez` (no database) and a one-query page. Target: every page <= 300 ms CPU median.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/scale.py \
        [--respondents 10000] [--departments 30] [--repeat 5] [--only report]

Builds its own throwaway test database (COPY on PostgreSQL: about 10-20 s for 10,000).
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessment.models import Campaign, Membership, Organisation  # noqa: E402
from assessment.services import framework_load  # noqa: E402
from bench.population import campaign_populate, departments_create  # noqa: E402
from bench.timing import HEADER, db_backend_pid, measure  # noqa: E402

FRAMEWORK = ROOT / "fixtures/framework/innovation-readiness-1.0.yaml"
TARGET_CPU = 0.300


def organisation_with_campaign(*, framework, slug, respondents, departments, consultant):
    organisation = Organisation.objects.create(slug=slug, name_en=f"Org {slug}", name_ja=f"組織 {slug}")
    now = timezone.now()
    campaign = Campaign.objects.create(
        organisation=organisation,
        framework=framework,
        name=f"{slug} 2026",
        join_code=f"{slug[:4]}0000".upper()[:8],
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=10),
        anonymity_threshold=5,
    )
    Membership.objects.create(user=consultant, organisation=organisation, role=Membership.Role.CONSULTANT)
    depts = departments_create(organisation=organisation, count=departments)
    campaign_populate(campaign=campaign, respondents=respondents, departments=depts)
    return campaign


def pages(campaign):
    pk, org = campaign.pk, campaign.organisation_id
    return [
        ("console dashboard", reverse("console:dashboard")),
        ("organisation list", reverse("console:organisation_list")),
        ("organisation detail", reverse("console:organisation_detail", args=[org])),
        ("campaign detail", reverse("console:campaign_detail", args=[pk])),
        ("campaign edit", reverse("console:campaign_edit", args=[pk])),
        ("campaign reopen", reverse("console:campaign_reopen", args=[pk])),
        ("campaign clone", reverse("console:campaign_clone", args=[pk])),
        ("respondent list", reverse("console:campaign_respondents", args=[pk])),
        ("response rates", reverse("console:campaign_response_rates", args=[pk])),
        ("organisation report", reverse("reports:organisation", args=[pk])),
        ("department report", reverse("reports:department", args=[pk, "d00"])),
        ("exports page", reverse("reports:exports", args=[pk])),
        ("workshop facilitate", reverse("workshop:facilitate", args=[pk])),
        ("workshop live", reverse("workshop:live", args=[pk])),
        ("workshop summary", reverse("workshop:summary", args=[pk])),
    ]


def get(client, url):
    reply = client.get(url)
    assert reply.status_code == 200, (url, reply.status_code)
    return reply


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--departments", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    args = parser.parse_args()
    caches = {
        **settings.CACHES,
        "reports": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "bench-scale",
            "TIMEOUT": None,
        },
    }
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with override_settings(CACHES=caches, DEBUG=False):
            run(args)
    finally:
        teardown_databases(old, verbosity=0)


def run(args):
    framework, _ = framework_load(path=FRAMEWORK)
    consultant = get_user_model().objects.create_user("bench-consultant", password="x" * 12)
    start = time.perf_counter()
    small = organisation_with_campaign(
        framework=framework, slug="small", respondents=40, departments=3, consultant=consultant
    )
    large = organisation_with_campaign(
        framework=framework,
        slug="large",
        respondents=args.respondents,
        departments=args.departments,
        consultant=consultant,
    )
    print(
        f"database: {connection.vendor}; built {args.respondents} respondents over {args.departments} departments "
        f"({int(args.respondents * 0.8)} submitted, 42 answers each) in {time.perf_counter() - start:.1f} s; "
        f"repeat {args.repeat}"
    )
    client = Client()
    client.force_login(consultant)
    db_pid = db_backend_pid()

    floor_http, _ = measure(lambda: get(client, "/livez"), args.repeat * 4, "livez", db_pid)
    floor_db, _ = measure(lambda: get(client, reverse("console:organisation_list")), args.repeat * 2, "", db_pid)
    print(f"{'page':22} {'first cpu':>9} | {HEADER} | queries @40 @{args.respondents}")
    print(f"{'floor: /livez':22} {'':>9} | {floor_http.row()} |")
    print(f"{'floor: one-query page':22} {'':>9} | {floor_db.row()} |")
    over = []
    for (name, small_url), (_name, url) in zip(pages(small), pages(large), strict=True):
        if args.only and args.only not in name:
            continue
        first, _ = measure(lambda url=url: get(client, url), 1, name, db_pid)
        sample, _ = measure(lambda url=url: get(client, url), args.repeat, name, db_pid)
        get(client, small_url)  # as for the large campaign: its first read cuts the release
        counts = query_count(client, small_url), query_count(client, url)
        flag = "" if sample.cpu_median <= TARGET_CPU else "  OVER 300 ms"
        if flag:
            over.append(name)
        print(f"{name:22} {first.cpu[0] * 1000:9.0f} | {sample.row()} | {counts[0]:6} {counts[1]:6}{flag}")
    print(
        "target: every page <= 300 ms CPU median at 10,000 respondents: "
        + ("met" if not over else f"NOT met ({', '.join(over)})")
    )


if __name__ == "__main__":
    main()
