"""A web worker's first requests: what a fresh process pays before it is warm.

Each run starts a new Python process that loads the application the way gunicorn does, then
times (CPU of that process, and wall) its first and second respondent page, its first autosave,
and its first organisation report page. Two ways of starting are compared in the same run:

- `lazy`: the process imports config.wsgi without the warm-up (WSGI_WARM=false): everything
  is imported on first use, as under the development server;
- `preload`: a process imports config.wsgi as the gunicorn master does with --preload
  (URL configuration and report libraries loaded, config/wsgi.py) and forks; the child is the
  worker timed. (gunicorn without --preload runs the same warm-up in each worker at boot.)

The floor is the same process's `/livez` (no database, no template). Prints min and median
over `--runs` processes. Target: first respondent page <= 0.3 s CPU.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/coldstart.py [--runs 5]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
mode, token, campaign_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0, w0 = time.process_time(), time.perf_counter()
os.environ["WSGI_WARM"] = "true" if mode == "preload" else "false"  # config/wsgi.py
import config.wsgi  # noqa: E402
load = (time.process_time() - t0, time.perf_counter() - w0)
if mode == "preload":
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        data = os.read(read, 100000)
        os.waitpid(pid, 0)
        out = json.loads(data)
        out["load"] = load
        print(json.dumps(out))
        sys.exit(0)
    os.close(read)
from django.test import Client  # noqa: E402
client = Client()
out = {{}}
def timed(name, call):
    c, w = time.process_time(), time.perf_counter()
    reply = call()
    assert reply.status_code in (200, 302), (name, reply.status_code)
    out[name] = (time.process_time() - c, time.perf_counter() - w)
timed("livez", lambda: client.get("/livez"))
timed("respondent page, first", lambda: client.get(f"/r/{{token}}/d/vision/"))
timed("respondent page, second", lambda: client.get(f"/r/{{token}}/d/vision/"))
timed("autosave, first", lambda: client.post(f"/r/{{token}}/answer/", {{"item": "vision_01", "value": "4"}},
                                              HTTP_ACCEPT="application/json"))
from django.contrib.auth import get_user_model  # noqa: E402
client.force_login(get_user_model().objects.get(username="bench-cold"))
timed("report page, first", lambda: client.get(f"/reports/campaigns/{{campaign_id}}/"))
if mode == "preload":
    os.write(write, json.dumps(out).encode())
    os._exit(0)
out["load"] = load
print(json.dumps(out))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    old = setup_databases(verbosity=0, interactive=False)
    try:
        token, campaign_id = build()
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            url = f"sqlite:///{db['NAME']}"
        else:
            url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        from django.db import connections

        connections.close_all()
        env = {**os.environ, "DATABASE_URL": url, "REPORT_CACHE": "off"}
        results = {"lazy": [], "preload": []}
        for _ in range(args.runs):
            for mode in results:
                done = subprocess.run(
                    [sys.executable, "-c", CHILD.format(root=str(ROOT)), mode, token, str(campaign_id)],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                if done.returncode:
                    sys.exit(done.stderr[-3000:])
                results[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(
            f"database: {db['ENGINE'].rsplit('.', 1)[-1]}; {args.runs} fresh processes per mode; CPU of the worker process"
        )
        print(f"{'':26} {'lazy (no warm-up)':>27} | {'preload (forked)':>27}")
        print(f"{'':26} {'cpu min  med':>13} {'wall min med':>13} | {'cpu min  med':>13} {'wall min med':>13}  (ms)")
        for name in (
            "load",
            "livez",
            "respondent page, first",
            "respondent page, second",
            "autosave, first",
            "report page, first",
        ):
            cells = []
            for mode in results:
                cpu = [r[name][0] * 1000 for r in results[mode]]
                wall = [r[name][1] * 1000 for r in results[mode]]
                cells.append(
                    f"{min(cpu):6.0f} {statistics.median(cpu):6.0f} {min(wall):6.0f} {statistics.median(wall):6.0f}"
                )
            label = "import config.wsgi" if name == "load" else name
            print(f"{label:26} {cells[0]:>27} | {cells[1]:>27}")
        worst = max(statistics.median(r["respondent page, first"][0] for r in results[m]) for m in results)
        print(
            f"first respondent page <= 300 ms CPU: {'met' if worst <= 0.3 else 'NOT met'} (worst median {worst * 1000:.0f} ms)"
        )
    finally:
        teardown_databases(old, verbosity=0)


def build():
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessment.models import Campaign, Organisation
    from assessment.selectors import invitation_get_for_token
    from assessment.services import framework_load, invitation_create, response_start
    from bench.population import campaign_populate, departments_create

    framework, _ = framework_load(path=ROOT / "fixtures/framework/innovation-readiness-1.0.yaml")
    organisation = Organisation.objects.create(slug="cold", name_en="Cold start", name_ja="初回")
    now = timezone.now()
    campaign = Campaign.objects.create(
        organisation=organisation,
        framework=framework,
        name="cold",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    campaign_populate(
        campaign=campaign, respondents=50, departments=departments_create(organisation=organisation, count=3)
    )
    _invitation, token = invitation_create(campaign=campaign, role_group="business")
    response_start(invitation=invitation_get_for_token(token=token), role_group="business", department=None, tenure="")
    user = get_user_model().objects.create_superuser("bench-cold", password="x" * 12)
    assert user.pk
    return token, campaign.pk


if __name__ == "__main__":
    main()
