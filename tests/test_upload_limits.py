"""Uploads with limits: a zip bomb disguised as .xlsx, too many rows, and at most about 50
problems listed (a wrong file must not produce a page of ten thousand lines)."""

import zipfile

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment import responses_io
from assessment.models import Response
from assessment.responses_io import ResponsesFileError, responses_read_frame


def test_an_xlsx_that_unpacks_too_big_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(responses_io, "MAX_XLSX_UNPACKED", 1024 * 1024)
    bomb = tmp_path / "list.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (3 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ResponsesFileError, match="unpacks to 3 MB, more than the 1 MB allowed"):
        responses_read_frame(bomb)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_too_many_rows_are_refused(tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(responses_io, "MAX_ROWS", 10)
    frame = pd.DataFrame({"email": [f"p{n}@example.com" for n in range(11)]})
    path = tmp_path / f"list{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_excel(path, index=False)
    with pytest.raises(ResponsesFileError, match="more than 10 rows"):
        responses_read_frame(path)
    frame.iloc[:10].to_csv(path, index=False) if suffix == ".csv" else frame.iloc[:10].to_excel(path, index=False)
    assert len(responses_read_frame(path)) == 10


def test_at_most_fifty_problems_are_listed(campaign, tmp_path):
    keys = list(campaign.framework.items.values_list("key", flat=True))
    rows = [{"role": "nobody", "department": "rd", "tenure": "", **{k: "4" for k in keys}} for _ in range(80)]
    path = tmp_path / "bad.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    with pytest.raises(CommandError) as raised:
        call_command("import_responses", str(campaign.pk), str(path))
    assert "(80 problems)" in str(raised.value).splitlines()[0]
    lines = str(raised.value).splitlines()[1:]
    assert len(lines) == 51
    assert lines[-1].strip().startswith("… and 30 more problems not listed")
    assert not Response.objects.exists()
