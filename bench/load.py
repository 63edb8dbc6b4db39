"""Load: simulated respondents answering the whole questionnaire against gunicorn on PostgreSQL.

Runs `--repeat` waves of `--respondents` new people and prints, min and median over the waves:
requests per second, the median and p95 latency of the answer-save request, CPU per request of
gunicorn, the PostgreSQL backends and this client (from /proc), and the floor measured after
each wave: the same server on a trivial view (/livez). Then answers stored against answers sent
(must be equal). Everything stays on 127.0.0.1; every loop is bounded in count and time.

    .venv/bin/python bench/load.py [--respondents 200] [--think 1.0] [--workers 4] [--repeat 3]

It creates (and drops afterwards) its own PostgreSQL database, readiness_load_bench, on the
server in BENCH_PG (default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "readiness_load_bench"
HOST, PORT = "127.0.0.1", 8765
BASE = f"http://{HOST}:{PORT}"
TIME_LIMIT = 600  # seconds: the whole run stops by itself


def run(*args, env):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT, capture_output=True)


def prepare_database(env, respondents):
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    run("migrate", "--noinput", env=env)
    run("load_framework", str(ROOT / "fixtures/framework/innovation-readiness-1.0.yaml"), env=env)
    script = f"""
from datetime import timedelta
from django.utils import timezone
from assessment.models import Campaign, Department, Organisation
from assessment.selectors import framework_latest
from assessment.services import invitation_create
org = Organisation.objects.create(slug="load", name_en="Load Co.", name_ja="負荷株式会社")
Department.objects.create(organisation=org, key="rd", name_en="R&D", name_ja="研究開発")
now = timezone.now()
campaign = Campaign.objects.create(organisation=org, framework=framework_latest(key="innovation-readiness"),
    name="load", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
for _ in range({respondents}):
    print(invitation_create(campaign=campaign, role_group="business")[1])
"""
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return [line.strip() for line in done.stdout.splitlines() if re.fullmatch(r"[\w-]{20,}", line.strip())]


def drop_database():
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def start_server(env, workers):
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
    for _ in range(100):
        try:
            if opener.open(f"{BASE}/livez", timeout=1).status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


class Browser:
    """A minimal HTTP/1.1 client with a cookie jar: a Python client light enough not to be
    the bottleneck (httpx's async client tops out near 150 requests/s on this machine)."""

    def __init__(self):
        self.cookies = {}

    async def request(self, method, path, data=None):
        body = urlencode(data).encode() if data else b""
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nConnection: close\r\n"
            f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        reader, writer = await asyncio.open_connection(HOST, PORT)
        try:
            writer.write(head.encode() + body)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), 60)
        finally:
            writer.close()
        header, _, content = raw.partition(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        for line in lines[1:]:
            if line.lower().startswith("set-cookie:"):
                name, _, rest = line.split(":", 1)[1].strip().partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return int(lines[0].split()[1]), content.decode("utf-8", "replace")


async def respondent(token, items, think, latencies, counters):
    """One person: profile, every answer saved as chosen (with think time), submit."""
    browser = Browser()
    start = f"/r/{token}/"
    _status, page = await browser.request("GET", start)
    csrf = browser.cookies["csrftoken"]
    department = re.search(r'<option value="(\d+)"', page).group(1)
    await browser.request("POST", start, {"csrfmiddlewaretoken": csrf, "department": department, "tenure": "lt3"})
    for key in items:
        await asyncio.sleep(random.uniform(0, 2 * think))
        began = time.perf_counter()
        status, _ = await browser.request(
            "POST", f"{start}answer/", {"csrfmiddlewaretoken": csrf, "item": key, "value": str(random.randint(1, 5))}
        )
        latencies.append(time.perf_counter() - began)
        counters["sent"] += 1
        counters["errors"] += status != 200
    status, _ = await browser.request("POST", f"{start}submit/", {"csrfmiddlewaretoken": csrf})
    counters["submitted"] += status == 302


async def respondents(tokens, items, think):
    latencies, counters = [], {"sent": 0, "errors": 0, "submitted": 0}
    began = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(*(respondent(t, items, think, latencies, counters) for t in tokens)), TIME_LIMIT
    )
    elapsed = time.perf_counter() - began
    requests = counters["sent"] + 3 * len(tokens)
    return latencies, counters, requests / elapsed, elapsed


async def ceiling(seconds=10, concurrency=16):
    """Requests per second on /livez with the same client, for a fixed time."""
    count = 0
    deadline = time.perf_counter() + seconds

    async def hammer():
        nonlocal count
        browser = Browser()
        while time.perf_counter() < deadline:
            await browser.request("GET", "/livez")
            count += 1

    began = time.perf_counter()
    await asyncio.gather(*(hammer() for _ in range(concurrency)))
    return count / (time.perf_counter() - began)


def server_cpu(pid):
    """CPU seconds of gunicorn's master and its living workers (from /proc)."""
    from bench.timing import descendants_cpu, process_cpu

    return (process_cpu(pid) or 0) + descendants_cpu(pid)


def database_cpu():
    """CPU seconds of the PostgreSQL backends connected to the bench database (persistent
    connections: each was opened for this run, so its whole CPU is this run's)."""
    from bench.timing import process_cpu

    with psycopg.connect(f"{SERVER}/postgres") as conn:
        pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB_NAME])]
    return sum(process_cpu(pid) or 0 for pid in pids)


def stored_answers():
    with psycopg.connect(f"{SERVER}/{DB_NAME}") as conn:
        answers = conn.execute("SELECT count(*) FROM assessment_answer").fetchone()[0]
        submitted = conn.execute("SELECT count(*) FROM assessment_response WHERE submitted_at IS NOT NULL").fetchone()[
            0
        ]
    return answers, submitted


def spread(values, scale=1.0, digits=1):
    """`min / median` of one figure over the waves."""
    return f"{min(values) * scale:.{digits}f} / {statistics.median(values) * scale:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between two answers of one person")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--repeat", type=int, default=3, help="waves of --respondents new people each")
    args = parser.parse_args()
    env = dict(
        os.environ,
        DATABASE_URL=f"{SERVER}/{DB_NAME}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="load-bench-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_MANIFEST_STATIC="false",
        DB_CONN_MAX_AGE="60",
    )
    tokens = prepare_database(env, args.respondents * args.repeat)
    printed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "shell",
            "-c",
            "from assessment.models import Item; print(' '.join(Item.objects.order_by('dimension__order','order').values_list('key', flat=True)))",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    items = re.findall(r"\b[a-z_]+_\d\d\b", printed)  # the shell also prints a notice of its own
    server = start_server(env, args.workers)
    waves, floors, sent, errors = [], [], 0, 0
    try:
        for wave in range(args.repeat):
            people = tokens[wave * args.respondents : (wave + 1) * args.respondents]
            web0, client0, db0 = server_cpu(server.pid), time.process_time(), database_cpu()
            latencies, counters, rps, elapsed = asyncio.run(respondents(people, items, args.think))
            web, client = server_cpu(server.pid) - web0, time.process_time() - client0
            requests = rps * elapsed
            waves.append(
                {
                    "rps": rps,
                    "median": statistics.median(latencies),
                    "p95": statistics.quantiles(latencies, n=100)[94],
                    "web": web / requests,
                    "db": (database_cpu() - db0) / requests,
                    "client": client / requests,
                }
            )
            sent, errors = sent + counters["sent"], errors + counters["errors"]
            web1 = server_cpu(server.pid)
            top = asyncio.run(ceiling())
            floors.append({"rps": top, "web": (server_cpu(server.pid) - web1) / (top * 10)})
    finally:
        server.terminate()
        server.wait(20)
    answers, submitted = stored_answers()
    drop_database()
    print(
        f"{args.repeat} waves of {args.respondents} respondents x {len(items)} answers, think time ~{args.think:.1f} s, "
        f"gunicorn {args.workers} workers, PostgreSQL; figures are min / median over the waves"
    )
    print(f"requests per second (questionnaire):   {spread([w['rps'] for w in waves])}")
    print(f"answer-save latency, median (ms):      {spread([w['median'] for w in waves], 1000, 0)}")
    print(f"answer-save latency, p95 (ms):         {spread([w['p95'] for w in waves], 1000, 0)}  (target < 100 ms)")
    print(
        f"CPU per questionnaire request (ms):    gunicorn {spread([w['web'] for w in waves], 1000)}, "
        f"PostgreSQL {spread([w['db'] for w in waves], 1000)}, this client {spread([w['client'] for w in waves], 1000)}"
    )
    print(
        f"floor, trivial view /livez after each wave: {spread([f['rps'] for f in floors])} requests per second, "
        f"{spread([f['web'] for f in floors], 1000, 2)} ms of gunicorn CPU each"
    )
    print(
        f"answers sent {sent}, stored {answers}, errors {errors}; submitted {submitted} of {len(tokens)}  "
        f"({'none lost' if answers == sent else 'LOST ANSWERS'})"
    )
    print(
        "(requests per second are wall clock on cores shared by client, server and database: contention, "
        "not capacity; the CPU per request is what a dedicated machine would pay)"
    )


if __name__ == "__main__":
    main()
