"""Charts and PDFs kept under a hash of what produced them.

A chart is a pure function of its arguments (with the drawing code, the fonts and Pillow, which
measures its text) and a PDF of its HTML (with the stylesheets it links, the WeasyPrint version
and the fonts), so each is stored under a digest of those inputs. Nothing needs invalidating: a changed answer changes the scores, hence the chart
arguments and the HTML, hence the key. Identical inputs give identical bytes whoever asks, so a
shared entry cannot show one organisation another's data.

Rendering a Japanese organisation report costs about two seconds, most of it in WeasyPrint's
layout; a repeat request (the consultant opening the PDF again, HR's batch export after the
report was viewed, the workshop screen polling) is served from here.
"""

import functools
import hashlib
import json
import logging
from pathlib import Path

from django.core.cache import caches

from .fonts import font_digest

logger = logging.getLogger(__name__)

CACHE_ALIAS = "reports"
# Bump to drop every entry when output changes in a way the inputs do not show.
FORMAT = 1


def _cache():
    return caches[CACHE_ALIAS]


def _digest(*parts):
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()


@functools.cache
def _source_digest(path):
    """A module's own source: editing the drawing code gives new keys without a version bump."""
    return _digest(Path(path).read_bytes())


def _get_or_build(key, build):
    try:
        value = _cache().get(key)
    except Exception:  # a cache outage must never cost a report, only time
        logger.exception("report cache unavailable on read")
        value = None
    if value is None:
        value = build()
        try:
            _cache().set(key, value)
        except Exception:
            logger.exception("report cache unavailable on write")
    return value


@functools.cache
def _pillow_version():
    from importlib.metadata import version

    return version("pillow")  # without importing Pillow itself


def memoised_chart(draw):
    """Cache an SVG chart function called with keyword arguments of plain data."""

    @functools.wraps(draw)
    def wrapper(**kwargs):
        arguments = json.dumps(kwargs, sort_keys=True, ensure_ascii=False, default=str)
        key = "chart:" + _digest(
            FORMAT,
            draw.__module__,
            draw.__qualname__,
            _source_digest(draw.__code__.co_filename),
            _pillow_version(),
            font_digest(),
            arguments,
        )
        return _get_or_build(key, lambda: draw(**kwargs))

    return wrapper


def shared_value(name, *, parts, sources=(), build):
    """A value every process (and node) shares: `build()` under a digest of `name`, `parts` and the
    source files `sources` (so that a release with new scoring code never meets old results)."""
    key = "value:" + _digest(FORMAT, name, *parts, *(_source_digest(path) for path in sources))
    return _get_or_build(key, build)


def _pdf_key(html, fingerprint):
    return "pdf:" + _digest(FORMAT, fingerprint, html)


def pdf_for_html(html, *, fingerprint, render):
    """PDF bytes for `html`, from the cache when this exact HTML was printed before.

    `fingerprint` names everything else the PDF depends on (stylesheets, fonts, WeasyPrint)."""
    return _get_or_build(_pdf_key(html, fingerprint), lambda: render(html))


def pdf_is_cached(html, *, fingerprint):
    try:
        return _cache().has_key(_pdf_key(html, fingerprint))
    except Exception:
        logger.exception("report cache unavailable on read")
        return False


def claim(name, *, seconds):
    """True for the first caller only, until `seconds` pass: one background job per report."""
    try:
        return _cache().add("claim:" + _digest(FORMAT, name), True, seconds)
    except Exception:
        logger.exception("report cache unavailable on write")
        return False
