"""Render the Japanese organisation report of the demo organisation.

Prints, as medians of repeated runs in this process:
- a cold render (nothing cached: data, charts, HTML and PDF), and its HTML-to-PDF step alone;
- a repeat request for the unchanged report, served by the chart and PDF cache (reports/cache.py);
- the floor: ten pages of plain Japanese paragraphs, no stylesheet and no charts, in WeasyPrint;
- the same report HTML printed by headless Chromium (`--print-to-pdf`, process start included,
  as a caller would pay it) in the same run, and the ratios.

    .venv/bin/python bench/render.py [--repeat 5] [--lang ja]

Builds its own throwaway test database and cache folder.
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from bench.timing import timed  # noqa: E402

from django.conf import settings  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from assessment.demo import demo_organisation_create  # noqa: E402
from assessment.services import framework_load  # noqa: E402
from reports.pdf import html_to_pdf  # noqa: E402
from reports.services import report_context_for, report_pdf  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]




def chromium_pdf(html, folder):
    """Print the same HTML with Chromium; the stylesheet is inlined since file:// has no /static/."""
    css = (ROOT / "static/css/report.css").read_text(encoding="utf-8")
    page = folder / "report.html"
    page.write_text(html.replace('<link rel="stylesheet" href="/static/css/report.css">', f"<style>{css}</style>"),
                    encoding="utf-8")
    out = folder / "chromium.pdf"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return out.read_bytes()


FLOOR_TEXT = "経営層が示す方向性を各部門が自分の言葉で説明でき、予算が年度をまたいで続くかを確かめる。"


def floor_html(pages=10):
    """Plain Japanese paragraphs in the report's body type, filling about `pages` A4 pages."""
    paragraphs = "".join(f"<p>{FLOOR_TEXT * 8}</p>" for _ in range(pages * 6))
    style = "font-family: IPAexGothic; font-size: 9.5pt; line-height: 1.5"
    return f'<html lang="ja"><body style="{style}">{paragraphs}</body></html>'


def caches_setting(kind, folder=None):
    backend = {"off": "django.core.cache.backends.dummy.DummyCache",
               "files": "django.core.cache.backends.filebased.FileBasedCache"}[kind]
    return {**settings.CACHES, "reports": {"BACKEND": backend, "LOCATION": str(folder or "")}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    args = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        framework, _ = framework_load(path=ROOT / "fixtures/framework/innovation-readiness-1.0.yaml")
        campaign = demo_organisation_create(framework=framework, seed=1)
        render = lambda: report_pdf(campaign=campaign, lang=args.lang)  # noqa: E731
        with override_settings(CACHES=caches_setting("off")):
            render()  # warm up: fonts, templates, matplotlib
            cold, pdf = timed(render, args.repeat)
            context_time, context = timed(lambda: report_context_for(campaign=campaign, lang=args.lang), args.repeat)
            with translation.override(args.lang):
                html = render_to_string("reports/report_pdf.html", context)
            weasy_time, _ = timed(lambda: html_to_pdf(html), args.repeat)
            floor = floor_html()
            floor_time, floor_pdf = timed(lambda: html_to_pdf(floor), args.repeat)
        with tempfile.TemporaryDirectory() as folder, override_settings(CACHES=caches_setting("files", folder)):
            render()  # the first request fills the cache
            repeat, cached = timed(render, args.repeat)
            assert cached == pdf, "the cache must hand back the very PDF a cold render makes"
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        floor_pages = len(PdfReader(io.BytesIO(floor_pdf)).pages)
        print(f"report: {args.lang}, {pages} pages, {len(pdf) // 1024} kB (medians of {args.repeat})")
        print(f"cold render, nothing cached (data + charts + PDF): {cold * 1000:7.0f} ms")
        print(f"  of which data and charts:                        {context_time * 1000:7.0f} ms")
        print(f"  of which HTML to PDF:                            {weasy_time * 1000:7.0f} ms ({weasy_time * 1000 / pages:.0f} ms a page)")
        print(f"repeat request, unchanged data (cache):            {repeat * 1000:7.0f} ms")
        print(f"floor: plain Japanese text, {floor_pages} pages, WeasyPrint: {floor_time * 1000:7.0f} ms "
              f"({floor_time * 1000 / floor_pages:.0f} ms a page)")
        if Path(CHROMIUM).exists():
            with tempfile.TemporaryDirectory() as folder:
                chromium_time, chromium = timed(lambda: chromium_pdf(html, Path(folder)), args.repeat)
            chromium_pages = len(PdfReader(io.BytesIO(chromium)).pages)
            print(f"Chromium --print-to-pdf, same HTML:                {chromium_time * 1000:7.0f} ms ({chromium_pages} pages)")
            print(f"cold HTML to PDF / Chromium = {weasy_time / chromium_time:.2f}; "
                  f"cold whole report / Chromium = {cold / chromium_time:.2f}  (target < 1.00)")
        else:
            print("Chromium not installed: no comparison")
        target = 0.5 * pages / 10
        for label, seconds in (("cold render", cold), ("repeat request", repeat)):
            verdict = "met" if seconds <= target else "NOT met"
            print(f"target <= 0.5 s per 10 pages ({target:.2f} s for {pages}), {label}: {verdict} ({seconds:.2f} s)")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
