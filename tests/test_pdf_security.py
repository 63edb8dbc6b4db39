"""The PDF renderer fetches the project's static files and data: URIs, and nothing else."""

import io
import socket

import pytest
from pypdf import PdfReader

from assessment.models import Organisation
from reports import pdf as pdf_module
from reports.pdf import REPORT_ORIGIN, StaticOnlyURLFetcher, html_to_pdf
from reports.services import report_pdf

from .test_analysis import add_responses

PASSWD = "file:///etc/passwd"
METADATA = "http://169.254.169.254/latest/meta-data/"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connection attempt fails the test: the renderer must not even try."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def text_of(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "".join(page.extract_text() or "" for page in reader.pages)


@pytest.mark.parametrize(
    "markup",
    [
        f'<img src="{PASSWD}">',
        f'<img src="{METADATA}">',
        f'<link rel="stylesheet" href="{PASSWD}">',
        f'<link rel="stylesheet" href="{METADATA}">',
        f'<link rel="attachment" href="{PASSWD}">',
        f'<a rel="attachment" href="{PASSWD}">x</a>',
        f'<div style="background: url({METADATA})">x</div>',
        f'<object data="{PASSWD}"></object>',
        f'<img src="{REPORT_ORIGIN}static/../../../../../etc/passwd">',
        f'<img src="{REPORT_ORIGIN}static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd">',
        f'<img src="{REPORT_ORIGIN}etc/passwd">',
        '<img src="ftp://169.254.169.254/x">',
        '<svg><image href="file:///etc/passwd"/></svg>',
    ],
)
def test_nothing_outside_static_files_is_fetched(markup):
    fetcher = StaticOnlyURLFetcher()
    pdf = html_to_pdf(f"<html><body><p>hello</p>{markup}</body></html>", fetcher=fetcher)
    reader, text = text_of(pdf)
    assert fetcher.blocked, "the resource should have been asked for, and refused"
    assert "root:" not in text and b"root:x:0:0" not in pdf
    assert not reader.attachments


def test_static_files_and_data_uris_are_allowed():
    fetcher = StaticOnlyURLFetcher()
    pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    html = f'<html><head><link rel="stylesheet" href="/static/css/report.css"></head><body><img src="{pixel}"></body></html>'
    html_to_pdf(html, fetcher=fetcher)
    assert fetcher.blocked == []


def test_user_text_is_escaped_and_never_fetched(campaign, monkeypatch):
    hostile = f'<img src="{PASSWD}"><img src="{METADATA}"><script>alert(1)</script>'
    Organisation.objects.filter(pk=campaign.organisation_id).update(name_en=hostile, name_ja=hostile)
    campaign.name = f'<link rel="attachment" href="{PASSWD}">'
    campaign.save()
    add_responses(campaign, 5, agreement=3)
    seen = []

    class Spy(StaticOnlyURLFetcher):
        def fetch(self, url, headers=None):
            seen.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(pdf_module, "StaticOnlyURLFetcher", Spy)
    campaign.refresh_from_db()
    reader, text = text_of(report_pdf(campaign=campaign, lang="en"))
    # the only thing fetched is the report's own stylesheet
    assert seen == [f"{REPORT_ORIGIN}static/css/report.css"]
    assert '<img src="file:///etc/passwd">' in text.replace("\n", "")  # shown as the text it is
    assert "root:" not in text and not reader.attachments


def test_hashed_static_names_after_collectstatic_are_served(settings, tmp_path):
    """Production: {% static %} gives hashed names that exist only in STATIC_ROOT."""
    from django.core.management import call_command
    from django.templatetags.static import static

    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    href = static("css/report.css")
    assert href != "/static/css/report.css"  # hashed
    fetcher = StaticOnlyURLFetcher()
    html_to_pdf(f'<html><head><link rel="stylesheet" href="{href}"></head><body>x</body></html>', fetcher=fetcher)
    assert fetcher.blocked == []
