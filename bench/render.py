"""Render the Japanese organisation report of the demo organisation.

Prints the median time to render it in-process with WeasyPrint (context + charts + HTML + PDF, and
the PDF step alone), its page count, and the same HTML printed by headless Chromium
(`--print-to-pdf`, process start included, as a caller would pay it) in the same run, as a ratio.

    .venv/bin/python bench/render.py [--repeat 5] [--lang ja]

Builds its own throwaway test database.
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from bench.timing import timed  # noqa: E402

from django.template.loader import render_to_string  # noqa: E402
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    args = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        framework, _ = framework_load(path=ROOT / "fixtures/framework/innovation-readiness-1.0.yaml")
        campaign = demo_organisation_create(framework=framework, seed=1)
        report_pdf(campaign=campaign, lang=args.lang)  # warm up: fonts, templates, matplotlib
        whole, pdf = timed(lambda: report_pdf(campaign=campaign, lang=args.lang), args.repeat)
        context = report_context_for(campaign=campaign, lang=args.lang)
        with translation.override(args.lang):
            html = render_to_string("reports/report_pdf.html", context)
        context_time, _ = timed(lambda: report_context_for(campaign=campaign, lang=args.lang), args.repeat)
        weasy_time, _ = timed(lambda: html_to_pdf(html), args.repeat)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"report: {args.lang}, {pages} pages, {len(pdf) // 1024} kB")
        print(f"WeasyPrint, whole report (data + charts + PDF): {whole * 1000:7.0f} ms median of {args.repeat}")
        print(f"  of which data and charts:                    {context_time * 1000:7.0f} ms")
        print(f"  of which HTML to PDF:                        {weasy_time * 1000:7.0f} ms")
        print(f"  per page (HTML to PDF):                      {weasy_time * 1000 / pages:7.0f} ms")
        if Path(CHROMIUM).exists():
            with tempfile.TemporaryDirectory() as folder:
                chromium_time, chromium = timed(lambda: chromium_pdf(html, Path(folder)), args.repeat)
            chromium_pages = len(PdfReader(io.BytesIO(chromium)).pages)
            print(f"Chromium --print-to-pdf, same HTML:            {chromium_time * 1000:7.0f} ms ({chromium_pages} pages)")
            print(f"WeasyPrint HTML-to-PDF / Chromium = {weasy_time / chromium_time:.2f}  (target < 1.00)")
        else:
            print("Chromium not installed: no comparison")
        target = 0.5 * pages / 10
        print(f"target: <= 0.5 s for 10 pages, i.e. {target:.2f} s for {pages}: "
              f"{'met' if whole <= target else 'NOT met'} ({whole:.2f} s)")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
