"""Which font files the reports are drawn with: part of every cached chart's and PDF's key."""

import functools
import subprocess
from pathlib import Path

# The families report.css and the charts ask for.
REPORT_FONTS = ("IPAexGothic", "Noto Sans CJK JP", "DejaVu Sans", "sans-serif")


@functools.cache
def font_file(family):
    """The file fontconfig resolves `family` to (as WeasyPrint would), or "" when it cannot tell."""
    try:
        # fontconfig's own tool, found on PATH like WeasyPrint finds fontconfig; fixed arguments
        command = ["fc-match", "-f", "%{file}", family]
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return ""
    path = done.stdout.strip()
    return path if path and Path(path).is_file() else ""


@functools.cache
def font_digest():
    """The files the report's families resolve to, with their sizes and times: a font installed or
    updated later must not leave charts and PDFs drawn with the old one in the cache."""
    found = []
    for family in REPORT_FONTS:
        path = font_file(family)
        stat = Path(path).stat() if path else None
        found.append(f"{family}={path}:{stat.st_size if stat else 0}:{stat.st_mtime_ns if stat else 0}")
    return "|".join(found)
