"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files.

Reports hold text typed by users (organisation, department and campaign names). It is escaped by
the templates; the fetcher is the second wall: even markup that slipped through could not read
local files, reach the network (cloud metadata at 169.254.169.254, say) or attach files.
"""

import gc
import hashlib
import logging
import mimetypes
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import cache
from .fonts import font_digest

logger = logging.getLogger(__name__)

# A made-up origin: relative links in report HTML resolve against it, and only its /static/
# paths are served, from the static folders the project ships.
REPORT_ORIGIN = "https://report.invalid/"


class BlockedResource(ValueError):
    """WeasyPrint logs this and renders on without the resource."""


class StaticOnlyURLFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False)
        self.blocked = []

    def fetch(self, url, headers=None):
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(REPORT_ORIGIN):
            path = self.static_file_for_url(url)
            if path:
                with open(path, "rb") as handle:
                    body = handle.read()
                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
        self.blocked.append(url)
        logger.warning("report rendering blocked a resource: %.120s", url)
        raise BlockedResource(f"blocked: {url[:120]}")

    @classmethod
    def static_file_for_url(cls, url):
        """The file behind a report link such as /static/css/report.css, or None."""
        absolute = urljoin(REPORT_ORIGIN, url)
        static_prefix = REPORT_ORIGIN + settings.STATIC_URL.lstrip("/")
        if not absolute.startswith(static_prefix):
            return None
        return cls._static_file(unquote(urlsplit(absolute).path[len(urlsplit(static_prefix).path) :]))

    @staticmethod
    def _static_file(relative):
        """A file of the project's static folders, or of STATIC_ROOT after collectstatic
        (production names are hashed, and only the collected copies have them)."""
        try:
            found = finders.find(relative)  # joins safely: ../ out of a static folder raises
            if found:
                return found
            collected = Path(safe_join(str(settings.STATIC_ROOT), relative))
            return str(collected) if collected.is_file() else None
        except SuspiciousFileOperation:
            return None


# Reused across renders: building the font configuration is a large part of a small render.
_font_config = None


def font_config():
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


# WeasyPrint allocates millions of small objects; at Python's default threshold (700) the cycle
# collector runs thousands of times a render and, in a web or worker process holding Django,
# pandas and the rest, each pass that reaches the old generations walks all of them.
RENDER_GC_THRESHOLD = 50_000
_gc_lock = threading.Lock()
_gc_renders = 0
_gc_saved = None


@contextmanager
def fewer_gc_passes():
    """Raise the collector's first threshold while any render runs (threads included), then restore it."""
    global _gc_renders, _gc_saved
    with _gc_lock:
        if _gc_renders == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(RENDER_GC_THRESHOLD, _gc_saved[0]), *_gc_saved[1:])
        _gc_renders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_renders -= 1
            if _gc_renders == 0:
                gc.set_threshold(*_gc_saved)


def html_to_pdf_whole(html, *, fetcher=None):
    """One print of `html` in this process (each half of a report printed in halves is one)."""
    fetcher = fetcher or StaticOnlyURLFetcher()
    with fewer_gc_passes():
        document = HTML(string=html, base_url=REPORT_ORIGIN, url_fetcher=fetcher)
        return document.write_pdf(font_config=font_config())


def html_to_pdf(html, *, fetcher=None):
    """Render an HTML string to PDF bytes with the static-only fetcher.

    A report marked for it is printed in two halves at once (pdf_parts.py); a caller watching
    its own fetcher gets one print in this process, as does any report whose halves fail.
    """
    if fetcher is None:
        from .pdf_parts import PartFailed, html_to_pdf_in_halves

        try:
            pdf = html_to_pdf_in_halves(html, render=html_to_pdf_whole)
        except PartFailed as error:
            logger.warning("report printed whole: its second half failed (%s)", error)
            pdf = None
        if pdf is not None:
            return pdf
    return html_to_pdf_whole(html, fetcher=fetcher)


_LINK = re.compile(r'(?:href|src)="([^"#][^"]*)"')  # not the charts' internal "#id" references


def pdf_fingerprint(html):
    """Everything but the HTML that the PDF depends on: the static files it links, fonts, WeasyPrint."""
    hasher = hashlib.sha256(f"{weasyprint.__version__}|{font_digest()}".encode())
    for url in sorted(set(_LINK.findall(html))):
        path = StaticOnlyURLFetcher.static_file_for_url(url)
        hasher.update(url.encode() + b"\0" + (Path(path).read_bytes() if path else b"-") + b"\0")
    return hasher.hexdigest()


def template_to_html(template, context, *, lang):
    with translation.override(lang):
        return render_to_string(template, context)


def template_to_pdf(template, context, *, lang):
    """Render a Django template in `lang` and print it to PDF (or reuse the PDF of identical HTML)."""
    html = template_to_html(template, context, lang=lang)
    return cache.pdf_for_html(html, fingerprint=pdf_fingerprint(html), render=html_to_pdf)
