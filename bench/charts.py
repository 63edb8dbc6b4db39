"""Time each report chart alone, drawn from the arguments the demo organisation's report passes.

Prints CPU time (`time.process_time`) and wall time in ms, min and median over repeated draws
with the chart cache off (and the memo of text widths emptied before each draw, where there is
one), and the size of each SVG. The delta chart, which the demo report lacks (no
previous campaign), is drawn from the same labels with made-up previous scores.

    .venv/bin/python bench/charts.py [--repeat 7] [--lang ja]

Builds its own throwaway test database.
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

from django.test import override_settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from assessment.demo import demo_organisation_create  # noqa: E402
from assessment.services import framework_load  # noqa: E402
from bench.render import caches_setting  # noqa: E402
from bench.timing import Sample  # noqa: E402
from reports import charts  # noqa: E402
from reports.services import report_context_for  # noqa: E402

NAMES = ("radar_svg", "gap_svg", "heatmap_svg", "delta_svg")


def captured_arguments(campaign, lang):
    """{chart function name: the keyword arguments the report called it with}."""
    calls, originals = {}, {name: getattr(charts, name) for name in NAMES}

    def spy(name):
        def record(**kwargs):
            calls[name] = kwargs
            return originals[name](**kwargs)

        return record

    try:
        for name in NAMES:
            setattr(charts, name, spy(name))
        report_context_for(campaign=campaign, lang=lang)
    finally:
        for name, function in originals.items():
            setattr(charts, name, function)
    if "delta_svg" not in calls:
        radar = calls["radar_svg"]
        current = radar["series"][0]["values"]
        calls["delta_svg"] = {
            "labels": radar["labels"],
            "previous": [None if v is None else max(0, v - 7) for v in current],
            "current": current,
            "title": "Change since the previous assessment",
            "legend": {"previous": "2025", "current": "2026"},
            "rings": radar.get("rings"),
        }
    return calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    args = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        framework, _ = framework_load(path=ROOT / "fixtures/framework/innovation-readiness-1.0.yaml")
        campaign = demo_organisation_create(framework=framework, seed=1)
        with override_settings(CACHES=caches_setting("off")):
            calls = captured_arguments(campaign, args.lang)
            print(f"charts of the demo report ({args.lang}), {args.repeat} draws each, cache off")
            print(f"{'':12} {'cpu min':>8} {'median':>8} {'wall min':>9} {'median':>8}   SVG kB")
            forget_widths = getattr(getattr(charts, "_em_width", None), "cache_clear", lambda: None)
            for name in NAMES:
                function = getattr(charts, name)
                svg = function(**calls[name])  # first draw: imports and fonts
                sample = Sample(name)
                for _ in range(args.repeat):
                    forget_widths()
                    cpu, wall = time.process_time(), time.perf_counter()
                    function(**calls[name])
                    sample.add(time.process_time() - cpu, time.perf_counter() - wall)
                cpu_ms = [min(sample.cpu) * 1000, statistics.median(sample.cpu) * 1000]
                wall_ms = [min(sample.wall) * 1000, statistics.median(sample.wall) * 1000]
                print(
                    f"{name:12} {cpu_ms[0]:8.2f} {cpu_ms[1]:8.2f} {wall_ms[0]:9.2f} {wall_ms[1]:8.2f}"
                    f"   {len(svg.encode()) / 1024:6.1f}"
                )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
