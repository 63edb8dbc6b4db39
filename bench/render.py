"""Render the Japanese organisation report of the demo organisation.

Prints CPU time (this process and its waited-for children) and wall time, min and median of
repeated runs in this process:
- the first render in the process (imports, fonts, templates), once;
- a cold render (charts and PDF not cached, data read afresh), its data-and-charts step and its
  HTML-to-PDF step alone;
- a repeat request for the unchanged report, served by the chart and PDF cache (reports/cache.py);
- the HTML-to-PDF step printed whole in this process, and in two halves at once (reports/pdf_parts.py:
  the second half by a child kept between prints, started by the first render);
- the floor: ten pages of plain Japanese paragraphs, no stylesheet and no charts, in WeasyPrint;
- the same report HTML printed by Chromium, cold (`--print-to-pdf`, a new browser each time) and
  warm (a running browser via Playwright; CPU of the browser's processes counted from /proc), and
  the floor's HTML by the warm Chromium: the two engines' ratio on plain text.

    .venv/bin/python bench/render.py [--repeat 5] [--lang ja] [--profile 25]

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


from django.conf import settings  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from assessment.demo import demo_organisation_create  # noqa: E402
from assessment.services import framework_load  # noqa: E402
from bench.timing import HEADER, measure  # noqa: E402
from reports.pdf import html_to_pdf, html_to_pdf_whole  # noqa: E402
from reports.services import report_context_for, report_pdf  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


def chromium_pdf(html, folder):
    """Print the same HTML with Chromium; the stylesheet is inlined since file:// has no /static/."""
    css = (ROOT / "static/css/report.css").read_text(encoding="utf-8")
    page = folder / "report.html"
    page.write_text(
        html.replace('<link rel="stylesheet" href="/static/css/report.css">', f"<style>{css}</style>"), encoding="utf-8"
    )
    out = folder / "chromium.pdf"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", page.as_uri()],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return out.read_bytes()


FLOOR_TEXT = "経営層が示す方向性を各部門が自分の言葉で説明でき、予算が年度をまたいで続くかを確かめる。"


def floor_html(pages=10):
    """Plain Japanese paragraphs in the report's body type, filling about `pages` A4 pages."""
    paragraphs = "".join(f"<p>{FLOOR_TEXT * 8}</p>" for _ in range(pages * 6))
    style = "font-family: IPAexGothic; font-size: 9.5pt; line-height: 1.5"
    return f'<html lang="ja"><body style="{style}">{paragraphs}</body></html>'


def caches_setting(kind, folder=None):
    backend = {
        "off": "django.core.cache.backends.dummy.DummyCache",
        "files": "django.core.cache.backends.filebased.FileBasedCache",
    }[kind]
    return {**settings.CACHES, "reports": {"BACKEND": backend, "LOCATION": str(folder or "")}}


def chromium_warm_printer():
    """A running headless Chromium (Playwright): what a PDF service keeping its browser pays per print."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=[f for f in CHROMIUM_FLAGS if f != "--headless"]
    )
    page = browser.new_page()
    css = (ROOT / "static/css/report.css").read_text(encoding="utf-8")

    def print_pdf(html):
        page.set_content(html.replace('<link rel="stylesheet" href="/static/css/report.css">', f"<style>{css}</style>"))
        return page.pdf(format="A4", prefer_css_page_size=True)

    def close():
        browser.close()
        playwright.stop()

    return print_pdf, close


def profile_weasyprint(html, top):
    """Where WeasyPrint spends a render: cumulative time of its stages, and the top functions."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    html_to_pdf(html)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    stages = {
        "css: parse and cascade (weasyprint/css)": "/weasyprint/css/",
        "layout (weasyprint/layout)": "/weasyprint/layout/",
        "text shaping (weasyprint/text, pango)": "/weasyprint/text/",
        "drawing (weasyprint/draw)": "/weasyprint/draw/",
        "PDF writing (weasyprint/pdf, pydyf)": "/weasyprint/pdf/",
        "HTML parsing and boxes (html5lib/tinyhtml5, formatting_structure)": "/formatting_structure/",
    }
    print(f"WeasyPrint profile of one render (cProfile, {total:.2f} s with profiling overhead), own time by stage:")
    for label, part in stages.items():
        own = sum(row[2] for func, row in stats.stats.items() if part in func[0])
        print(f"  {label:66} {own:6.2f} s  {own / total * 100:4.0f} %")
    stats.sort_stats("tottime").print_stats(top)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    parser.add_argument("--profile", type=int, default=0, help="also print WeasyPrint's top N functions")
    args = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        framework, _ = framework_load(path=ROOT / "fixtures/framework/innovation-readiness-1.0.yaml")
        campaign = demo_organisation_create(framework=framework, seed=1)
        render = lambda: report_pdf(campaign=campaign, lang=args.lang)  # noqa: E731
        rows = []
        with override_settings(CACHES=caches_setting("off")):
            first, pdf = measure(render, 1, "first render in this process (imports, fonts, templates)")
            rows.append(first)
            cold, pdf = measure(render, args.repeat, "cold render: data + charts + PDF, nothing cached")
            rows.append(cold)
            context_sample, context = measure(
                lambda: report_context_for(campaign=campaign, lang=args.lang),
                args.repeat,
                "  data and charts (report context)",
            )
            rows.append(context_sample)
            with translation.override(args.lang):
                html = render_to_string("reports/report_pdf.html", context)
            halves, _ = measure(
                lambda: html_to_pdf(html), args.repeat, "  HTML to PDF, two halves at once (WeasyPrint)"
            )
            rows.append(halves)
            weasy, _ = measure(lambda: html_to_pdf_whole(html), args.repeat, "  HTML to PDF, one print (WeasyPrint)")
            rows.append(weasy)
            floor = floor_html()
            floor_sample, floor_pdf = measure(
                lambda: html_to_pdf(floor), args.repeat, "floor: plain Japanese text, WeasyPrint"
            )
            rows.append(floor_sample)
        with tempfile.TemporaryDirectory() as folder, override_settings(CACHES=caches_setting("files", folder)):
            render()  # the first request fills the cache
            repeat, cached = measure(render, args.repeat, "repeat request, unchanged data (cache)")
            rows.append(repeat)
            assert cached == pdf, "the cache must hand back the very PDF a cold render makes"
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        floor_pages = len(PdfReader(io.BytesIO(floor_pdf)).pages)
        chromium_cold = chromium_warm = None
        if Path(CHROMIUM).exists():
            with tempfile.TemporaryDirectory() as folder:
                chromium_cold, chromium = measure(
                    lambda: chromium_pdf(html, Path(folder)),
                    args.repeat,
                    "Chromium cold: process start + print (children CPU)",
                )
            rows.append(chromium_cold)
            print_pdf, close = chromium_warm_printer()
            try:
                print_pdf(html)  # the first print loads fonts
                chromium_warm, _ = measure(  # the browser's processes are living children: counted
                    lambda: print_pdf(html), args.repeat, "Chromium warm: running browser, print only"
                )
                warm_pdf = print_pdf(html)
                print_pdf(floor)
                chromium_floor, _ = measure(
                    lambda: print_pdf(floor), args.repeat, "Chromium warm: the plain-text floor"
                )
            finally:
                close()
            rows.append(chromium_warm)
            rows.append(chromium_floor)
            chromium_pages = len(PdfReader(io.BytesIO(chromium)).pages)
            warm_pages = len(PdfReader(io.BytesIO(warm_pdf)).pages)
        print(
            f"report: {args.lang}, {pages} pages, {len(pdf) // 1024} kB; floor {floor_pages} pages; "
            f"{args.repeat} runs each; CPU includes child processes (the kept half printer too)"
        )
        print(f"{'':58} {HEADER}")
        for sample in rows:
            print(f"{sample.name:58} {sample.row()}")
        if chromium_warm is not None:
            print(f"Chromium pages: cold {chromium_pages}, warm {warm_pages}")
            print(
                f"WeasyPrint / warm Chromium, CPU medians: {weasy.cpu_median / chromium_warm.cpu_median:.2f} "
                f"(target 1.5); / cold Chromium: {weasy.cpu_median / chromium_cold.cpu_median:.2f}"
            )
            print(
                f"the same ratio on plain text (the engines' own, whatever the report's markup): "
                f"{floor_sample.cpu_median / chromium_floor.cpu_median:.2f}"
            )
        print(
            f"WeasyPrint / floor, CPU per page: {(weasy.cpu_median / pages) / (floor_sample.cpu_median / floor_pages):.2f}"
        )
        print(
            f"two halves at once: wall {halves.wall_median / weasy.wall_median:.2f} of one print's, "
            f"CPU {halves.cpu_median / weasy.cpu_median:.2f} of it (second parse, page-count swap, join)"
        )
        floor_per_page = floor_sample.cpu_median / floor_pages
        print(
            f"lower bound on two cores if every page cost no more than the plain-text floor: "
            f"{floor_per_page * pages / 2 + context_sample.cpu_median:.2f} s wall "
            f"({pages} pages x {floor_per_page * 1000:.0f} ms / 2 + data and charts)"
        )
        verdict = "met" if cold.wall_median <= 0.6 else "NOT met"
        print(
            f"target: cold render <= 0.6 s wall on two free cores: {verdict} here (wall median {cold.wall_median:.2f} s, "
            f"CPU median {cold.cpu_median:.2f} s; cores shared with others inflate wall)"
        )
        if args.profile:
            profile_weasyprint(html, args.profile)
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
