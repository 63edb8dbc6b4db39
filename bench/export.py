"""The HR batch export: organisation + every department report, Japanese and English, into one ZIP.

Builds a campaign of `--respondents` over `--departments` departments (all above the anonymity
threshold), then runs the export job in this process as a worker would: the campaign is read
once, the parts are printed by EXPORT_PROCESSES forked processes. Prints CPU (this process and
its printers) and wall time, the number of parts, and per part. The floor, in the same run, is
one organisation PDF printed alone. Target: organisation + 20 departments x 2 languages at
2,000 respondents <= 15 s.

Two exports are timed: cold (nothing cached: every part printed while HR waits) and as HR meets
it in the product, after the release's PDFs were printed ahead in the background
(reports/release_pdfs.py, timed on its own line).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/export.py \
        [--respondents 2000] [--departments 20] [--processes 2]
"""

import argparse
import os
import sys
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessment.models import Campaign, Organisation, Release  # noqa: E402
from assessment.services import framework_load  # noqa: E402
from bench.population import campaign_populate, departments_create  # noqa: E402
from bench.timing import HEADER, measure  # noqa: E402
from reports import exports  # noqa: E402
from reports.models import ExportJob  # noqa: E402
from reports.release_pdfs import release_pdfs_print  # noqa: E402
from reports.services import report_pdf  # noqa: E402

FILES = "django.core.cache.backends.filebased.FileBasedCache"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--departments", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    off = {**settings.CACHES, "reports": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with tempfile.TemporaryDirectory() as folder, override_settings(CACHES=off, EXPORTS_DIR=Path(folder)):
            framework, _ = framework_load(path=ROOT / "fixtures/framework/innovation-readiness-1.0.yaml")
            organisation = Organisation.objects.create(slug="export", name_en="Export Co.", name_ja="輸出株式会社")
            now = timezone.now()
            campaign = Campaign.objects.create(
                organisation=organisation,
                framework=framework,
                name="export",
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=1),
            )
            departments = departments_create(organisation=organisation, count=args.departments)
            campaign_populate(campaign=campaign, respondents=args.respondents, departments=departments)
            campaign = Campaign.objects.select_related("organisation", "framework").get(pk=campaign.pk)
            report_pdf(campaign=campaign, lang="ja")  # warm: imports, fonts, templates
            floor, _ = measure(lambda: report_pdf(campaign=campaign, lang="ja"), 1, "floor: one organisation PDF")
            exports.EXPORT_PROCESSES = args.processes

            def export():
                job = ExportJob.objects.create(campaign=campaign, total_parts=0)
                exports.export_job_run.call(job.pk)
                return len(zipfile.ZipFile(exports.export_zip_path(job)).namelist())

            cold, parts = measure(export, 1, "cold export")
            cache = {**settings.CACHES, "reports": {"BACKEND": FILES, "LOCATION": str(Path(folder) / "cache")}}
            with override_settings(CACHES=cache):
                number = Release.objects.filter(campaign=campaign).order_by("-number").first().number
                ahead, printed = measure(lambda: release_pdfs_print.call(campaign.pk, number), 1, "ahead")
                warm, _ = measure(export, 1, "export after printing ahead")
            print(
                f"{args.respondents} respondents, {args.departments} departments, {parts} PDFs "
                f"({printed} printed ahead), {args.processes} printing processes"
            )
            print(f"{'':44} {HEADER}")
            print(f"{'floor: one organisation PDF, nothing cached':44} {floor.row()}")
            print(f"{'cold export, nothing cached (one run)':44} {cold.row()}")
            print(f"{'background: the release printed ahead':44} {ahead.row()}")
            print(f"{'export after the release was printed ahead':44} {warm.row()}")
            print(f"per part, cold: CPU {cold.cpu[0] / parts:.2f} s, wall {cold.wall[0] / parts:.2f} s")
            for name, sample in (("cold", cold), ("after printing ahead", warm)):
                verdict = "met" if sample.wall[0] <= 15 else "NOT met"
                print(f"target <= 15 s wall, {name}: {verdict} ({sample.wall[0]:.1f} s)")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
