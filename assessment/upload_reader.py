"""Reading an uploaded CSV or XLSX as plain rows, streaming and within limits.

A wrong file (a whole HR database, a zip bomb renamed .xlsx, one endless line) must be refused
with a clear message instead of filling the memory of a web process. So the CSV is decoded and
split a line at a time and the XLSX is read with openpyxl's read-only (streaming) reader, and
reading stops at the first limit passed: MAX_ROWS data rows, MAX_CELLS cells, MAX_CELL_CHARS
characters in a cell, MAX_CSV_BYTES for a CSV, and, before the XLSX is opened at all, the
uncompressed size its zip directory declares (Python's zipfile never inflates a member beyond
its declared size: a lying entry fails its CRC check instead).
"""

import codecs
import csv
import os
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import ApplicationError

MAX_ROWS = int(os.environ.get("UPLOAD_MAX_ROWS", "50000"))
MAX_CELLS = int(os.environ.get("UPLOAD_MAX_CELLS", "3000000"))
MAX_CELL_CHARS = 10_000
MAX_CSV_BYTES = int(os.environ.get("UPLOAD_MAX_CSV_MB", "50")) * 1024 * 1024
MAX_XLSX_UNPACKED = int(os.environ.get("UPLOAD_MAX_XLSX_UNPACKED_MB", "100")) * 1024 * 1024
MB = 1024 * 1024


class UploadReadError(ApplicationError):
    """The file cannot be read (or is beyond a limit); `problems` says why, one line each."""

    def __init__(self, problems):
        super().__init__(problems=problems)


def _too_big(name):
    return UploadReadError(
        [
            _(
                "%(name)s has more than %(rows)d rows or %(cells)d cells: it is not a respondent or response list, or "
                "split it into smaller files"
            )
            % {"name": name, "rows": MAX_ROWS, "cells": MAX_CELLS}
        ]
    )


class _Budget:
    """Counts rows and cells as they are read and stops at the first limit passed."""

    def __init__(self, name):
        self.name, self.rows, self.cells = name, 0, 0

    def take(self, cells):
        # Trailing empty cells (Excel formatting far to the right) are not content.
        while cells and cells[-1] == "":
            cells.pop()
        self.rows += 1
        self.cells += len(cells)
        if self.rows > MAX_ROWS + 1 or self.cells > MAX_CELLS:  # + 1: the header
            raise _too_big(self.name)
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise UploadReadError(
                [
                    _("line %(line)d: a cell longer than %(max)d characters: this is not a list of people or answers")
                    % {"line": self.rows, "max": MAX_CELL_CHARS}
                ]
            )
        return cells


def _csv_lines(path, encoding):
    """The file's text a line at a time, decoded incrementally (a bad byte raises where it is)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with Path(path).open("rb") as stream:
        pending = ""
        for block in iter(lambda: stream.read(64 * 1024), b""):
            pending += decoder.decode(block)
            *lines, pending = pending.split("\n")
            yield from (line + "\n" for line in lines)
            if len(pending) > MAX_CELL_CHARS * 10:  # one endless line: never held whole
                raise UploadReadError(
                    [
                        _("%(name)s has a line longer than %(max)d characters: this is not a list of people or answers")
                        % {"name": path.name, "max": MAX_CELL_CHARS * 10}
                    ]
                )
        pending += decoder.decode(b"", final=True)
        if pending:
            yield pending


def _read_csv(path):
    if path.stat().st_size > MAX_CSV_BYTES:
        raise UploadReadError(
            [
                _(
                    "%(name)s is larger than %(max)d MB: it is not a respondent or response list, or "
                    "split it into smaller files"
                )
                % {"name": path.name, "max": MAX_CSV_BYTES // MB}
            ]
        )
    # UTF-8 first (the BOM is optional); Excel on Japanese Windows saves "CSV" as cp932. Reading
    # is started again with cp932 when UTF-8 fails, wherever in the file that happens.
    for encoding in ("utf-8-sig", "cp932"):
        budget, rows = _Budget(path.name), []
        try:
            reader = csv.reader(_csv_lines(path, encoding), strict=False)
            for record in reader:
                rows.append(budget.take(list(record)))
        except UnicodeDecodeError:
            continue
        except csv.Error as error:
            problem = _("cannot read %(name)s: %(error)s") % {"name": path.name, "error": error}
            raise UploadReadError([problem]) from None
        return rows
    raise UploadReadError([_("the file is neither UTF-8 nor Shift_JIS (cp932) text")])


def _cell_text(value):
    return "" if value is None else str(value)  # a number cell 4 reads "4", 4.0 reads "4.0"


def xlsx_unpacked_size_check(path):
    """Refuse an .xlsx whose members declare more than MAX_XLSX_UNPACKED bytes, before parsing it."""
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED:
        raise UploadReadError(
            [
                _(
                    "%(name)s unpacks to %(size)d MB, more than the %(max)d MB allowed: it is not a respondent or response "
                    "list"
                )
                % {"name": Path(path).name, "size": unpacked // MB, "max": MAX_XLSX_UNPACKED // MB}
            ]
        )


def _read_xlsx(path):
    from openpyxl import (
        load_workbook,  # imported where used: the URL configuration reaches this module
    )
    from openpyxl.utils.exceptions import InvalidFileException

    xlsx_unpacked_size_check(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except InvalidFileException as error:
        raise ValueError(str(error)) from None
    try:
        sheet = workbook.worksheets[0]
        budget, rows = _Budget(path.name), []
        for values in sheet.iter_rows(values_only=True):
            rows.append(budget.take([_cell_text(value) for value in values]))
        return rows
    finally:
        workbook.close()  # read-only workbooks keep the file open until closed


def table_read(path):
    """(header, records): the first sheet's cells as text ("" when empty); record i is line i + 2.

    Records keep their own length (trailing empty cells dropped); blank lines stay in as empty
    records so that line numbers match what people see.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UploadReadError(
            [_("unsupported file type %(suffix)r: use .csv or .xlsx") % {"suffix": path.suffix or _("(none)")}]
        )
    try:
        rows = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except FileNotFoundError:
        raise UploadReadError([_("file not found: %(path)s") % {"path": path}]) from None
    except UploadReadError:
        raise
    except (OSError, ValueError, KeyError, IndexError, SyntaxError, zipfile.BadZipFile) as error:
        # SyntaxError: the XML parser's ParseError (a damaged sheet)
        raise UploadReadError([_("cannot read %(name)s: %(error)s") % {"name": path.name, "error": error}]) from None
    while rows and not rows[-1]:
        rows.pop()  # blank lines at the end
    if not rows:
        raise UploadReadError([_("the file is empty")])
    return rows[0], rows[1:]
