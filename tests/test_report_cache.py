"""Charts and PDFs are reused only for identical inputs, and a broken cache costs time, not reports."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from reports import cache, charts, pdf
from reports.services import report_pdf

from .factories import CampaignFactory
from .test_reports import pdf_text, squeeze

ROOT = Path(__file__).resolve().parent.parent


def radar(values=(62, 45.5, 38, 55, 71, 49), labels=("経営陣", "予算", "協力", "現地", "チーム", "統治")):
    return charts.radar_svg(
        labels=list(labels), title="観点別", series=[{"name": "全回答者", "values": list(values), "style": "all"}]
    )


def test_a_chart_is_drawn_once_for_the_same_data(report_cache):
    with mock.patch.object(charts, "_to_svg", wraps=charts._to_svg) as draw:
        first, second = radar(), radar()
    assert first == second and draw.call_count == 1


def test_other_data_or_other_labels_draw_a_new_chart(report_cache):
    with mock.patch.object(charts, "_to_svg", wraps=charts._to_svg) as draw:
        base = radar()
        moved = radar(values=(62, 45.5, 38, 55, 71, 50))
        english = radar(labels=("Vision", "Budget", "Buy-in", "Exposure", "Team", "Governance"))
    assert draw.call_count == 3
    assert len({base, moved, english}) == 3
    assert "Vision" in english and "経営陣" not in english


def test_chart_keys_change_with_the_drawing_code(monkeypatch, report_cache):
    radar()
    monkeypatch.setattr(cache, "_source_digest", lambda path: "edited")
    with mock.patch.object(charts, "_to_svg", wraps=charts._to_svg) as draw:
        radar()
    assert draw.call_count == 1


def test_the_same_report_is_printed_once(demo_campaign, report_cache):
    with mock.patch.object(pdf, "html_to_pdf", wraps=pdf.html_to_pdf) as render:
        first = report_pdf(campaign=demo_campaign, lang="ja")
        second = report_pdf(campaign=demo_campaign, lang="ja")
        english = report_pdf(campaign=demo_campaign, lang="en")
    assert render.call_count == 2  # ja once, en once
    assert first == second and first != english
    assert "エグゼクティブサマリー" in squeeze(pdf_text(second)[1])


@pytest.fixture
def demo_campaign(framework):
    from assessment.demo import demo_organisation_create

    return demo_organisation_create(framework=framework, seed=3)


def test_no_organisation_is_given_another_ones_pdf(framework, report_cache):
    """Two campaigns alike in everything but their names: each PDF names its own organisation."""
    texts = []
    for name in ("Alpha Holdings", "Beta Trading"):
        campaign = CampaignFactory(framework=framework, organisation__name_en=name, name="Spring")
        texts.append(squeeze(pdf_text(report_pdf(campaign=campaign, lang="en"))[1]))
    assert "AlphaHoldings" in texts[0] and "BetaTrading" not in texts[0]
    assert "BetaTrading" in texts[1] and "AlphaHoldings" not in texts[1]


def test_pdf_fingerprint_follows_stylesheet_fonts_and_weasyprint(tmp_path, monkeypatch):
    html = '<html><head><link rel="stylesheet" href="/static/css/report.css"></head><body>x</body></html>'
    original = pdf.pdf_fingerprint(html)
    assert pdf.pdf_fingerprint(html) == original
    assert pdf.pdf_fingerprint(html.replace("report.css", "missing.css")) != original

    edited = tmp_path / "report.css"
    edited.write_text(Path(pdf.StaticOnlyURLFetcher.static_file_for_url("/static/css/report.css")).read_text() + "p{}")
    with mock.patch.object(pdf.StaticOnlyURLFetcher, "static_file_for_url", return_value=str(edited)):
        assert pdf.pdf_fingerprint(html) != original
    with mock.patch.object(pdf, "font_digest", return_value="IPAexGothic=/elsewhere.ttf:1:1"):
        assert pdf.pdf_fingerprint(html) != original
    monkeypatch.setattr(pdf.weasyprint, "__version__", "0.0")
    assert pdf.pdf_fingerprint(html) != original


def test_chart_keys_change_with_the_fonts(report_cache):
    radar()
    with (
        mock.patch.object(cache, "font_digest", return_value="IPAexGothic=/elsewhere.ttf:1:1"),
        mock.patch.object(charts, "_to_svg", wraps=charts._to_svg) as draw,
    ):
        radar()
    assert draw.call_count == 1


def test_font_digest_names_a_japanese_font_file():
    from reports.fonts import font_digest

    digest = font_digest()
    assert "IPAexGothic=/" in digest and ":0:0" not in digest.split("|")[0]


def test_the_static_lookup_never_leaves_the_static_folders():
    lookup = pdf.StaticOnlyURLFetcher.static_file_for_url
    assert lookup("/static/css/report.css").endswith("report.css")
    for url in (
        "/static/../config/settings.py",
        "/static/%2e%2e/config/settings.py",
        "/media/x.css",
        "https://example.com/static/css/report.css",
        "file:///etc/passwd",
    ):
        assert lookup(url) is None, url


class BrokenCache:
    def get(self, key):
        raise ConnectionError("cache down")

    def set(self, key, value):
        raise ConnectionError("cache down")


def test_a_broken_cache_costs_time_not_the_report(monkeypatch, caplog):
    monkeypatch.setattr(cache, "_cache", BrokenCache)
    rendered = []
    result = cache.pdf_for_html("<p>x</p>", fingerprint="f", render=lambda html: rendered.append(html) or b"%PDF")
    assert result == b"%PDF" and rendered == ["<p>x</p>"]
    assert "cache unavailable" in caplog.text
    assert radar().startswith("<svg")


def test_without_a_cache_every_request_renders(no_report_cache):
    calls = []
    for _ in range(2):
        cache.pdf_for_html("<p>x</p>", fingerprint="f", render=lambda html: calls.append(html) or b"%PDF")
    assert len(calls) == 2


@pytest.mark.parametrize(
    "environment, backend",
    [
        ({}, "django.core.cache.backends.filebased.FileBasedCache"),
        ({"REPORT_CACHE": "off"}, "django.core.cache.backends.dummy.DummyCache"),
        ({"REPORT_CACHE_REDIS_URL": "redis://127.0.0.1:6379/3"}, "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_cache_backend_is_chosen_by_the_environment(environment, backend, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORT_CACHE")}
    env.update(environment, REPORT_CACHE_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['reports']['BACKEND'])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == backend


def test_file_cache_is_shared_between_processes(tmp_path):
    """The web process and the export worker are separate processes: a PDF one printed serves the other."""
    env = {**os.environ, "REPORT_CACHE_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("REPORT_CACHE", None)
    env.pop("REPORT_CACHE_REDIS_URL", None)
    code = (
        "import django, sys; django.setup(); from reports import cache; "
        "print(cache.pdf_for_html('<p>x</p>', fingerprint='f', render=lambda h: sys.argv[1].encode()).decode())"
    )
    first = subprocess.run(
        [sys.executable, "-c", code, "first"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    second = subprocess.run(
        [sys.executable, "-c", code, "second"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert (first.stdout.strip(), second.stdout.strip()) == ("first", "first")


def test_renders_raise_the_collector_threshold_and_always_restore_it():
    import gc
    import threading

    before = gc.get_threshold()
    inside = []
    with pdf.fewer_gc_passes():
        inside.append(gc.get_threshold()[0])
        other_thread_done = threading.Event()

        def other_render():  # a second render overlapping the first, then ending first
            with pdf.fewer_gc_passes():
                inside.append(gc.get_threshold()[0])
            other_thread_done.set()

        threading.Thread(target=other_render).start()
        assert other_thread_done.wait(10)
        assert gc.get_threshold()[0] == pdf.RENDER_GC_THRESHOLD  # still raised for the first render
    assert inside == [pdf.RENDER_GC_THRESHOLD] * 2
    assert gc.get_threshold() == before
    with pytest.raises(ValueError), pdf.fewer_gc_passes():
        raise ValueError("a render that fails")
    assert gc.get_threshold() == before


# --- the PDF printed in the background while the report page is read ---------------------------

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def hr_client(client, demo_campaign):
    from .conftest import _user

    client.force_login(_user("hr-owner", demo_campaign.organisation, "hr"))
    return client


def test_reading_the_report_page_prints_its_pdf_in_the_background(
    hr_client, demo_campaign, settings, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    settings.TASKS = IMMEDIATE
    page = reverse("reports:organisation", args=[demo_campaign.pk])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert hr_client.get(page, HTTP_ACCEPT_LANGUAGE="ja").status_code == 200
    assert len(queued) == 1  # the worker (here: at once) printed the Japanese PDF

    with django_capture_on_commit_callbacks(execute=True) as queued:
        hr_client.get(page, HTTP_ACCEPT_LANGUAGE="ja")
    assert queued == []  # already printed: nothing queued on a reload

    with mock.patch.object(pdf, "html_to_pdf", wraps=pdf.html_to_pdf) as render:
        reply = hr_client.get(reverse("reports:organisation_pdf", args=[demo_campaign.pk]) + "?lang=ja")
        assert reply.content.startswith(b"%PDF") and render.call_count == 0  # from the cache
        english = hr_client.get(reverse("reports:organisation_pdf", args=[demo_campaign.pk]) + "?lang=en")
        assert english.content.startswith(b"%PDF") and render.call_count == 1  # not prefetched: printed now
    assert "デモ製造株式会社" in squeeze(pdf_text(reply.content)[1])


def test_reloads_before_the_worker_ran_queue_one_print(hr_client, demo_campaign, django_capture_on_commit_callbacks):
    """With a real queue (the database backend) the job waits for a worker: reloads add nothing."""
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    page = reverse("reports:department", args=[demo_campaign.pk, "rd"])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert hr_client.get(page).status_code == 200
    queued = DBTaskResult.objects.filter(task_path="reports.prefetch.report_pdf_warm")
    assert queued.count() == 1
    assert list(queued.get().args_kwargs["args"]) == [demo_campaign.pk, "en", "rd"]


def test_the_background_print_of_a_deleted_campaign_does_nothing(demo_campaign):
    from reports.prefetch import report_pdf_warm

    pk = demo_campaign.pk
    demo_campaign.delete()
    report_pdf_warm.call(pk, "ja", None)


def test_a_queue_that_is_down_costs_the_head_start_not_the_page(
    hr_client, demo_campaign, caplog, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from reports.prefetch import report_pdf_warm

    with (
        mock.patch.object(type(report_pdf_warm), "enqueue", side_effect=ConnectionError("queue down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reply = hr_client.get(reverse("reports:organisation", args=[demo_campaign.pk]))
    assert reply.status_code == 200 and "<svg" in reply.content.decode()
    assert "queue down" in caplog.text
