"""Uploads with limits: files are read streaming (CSV a line at a time, XLSX with openpyxl's
read-only reader) and refused at the first limit passed: a zip bomb disguised as .xlsx, too many
rows or cells, an endless line, an oversized CSV; at most about 50 problems listed (a wrong file
must not produce a page of ten thousand lines)."""

import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assessment import upload_reader
from assessment.models import Response
from assessment.responses_io import ResponsesFileError, responses_read_frame
from assessment.upload_reader import UploadReadError, table_read


def _xlsx_bytes(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _bomb(path, unpacked_mb):
    """A real workbook whose sheet is padded with whitespace: tiny on disk, huge unpacked."""
    with zipfile.ZipFile(io.BytesIO(_xlsx_bytes([["email"], ["a@example.com"]]))) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"<sheetData>", b"<sheetData>" + b" " * (unpacked_mb * 1024 * 1024)
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_zip_bomb_xlsx_is_refused_from_its_declared_size_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(upload_reader, "MAX_XLSX_UNPACKED", 2 * 1024 * 1024)
    bomb = tmp_path / "list.xlsx"
    _bomb(bomb, 3)
    assert bomb.stat().st_size < 100_000

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(ResponsesFileError, match="unpacks to 3 MB, more than the 2 MB allowed"):
        responses_read_frame(bomb)
    with pytest.raises(UploadReadError, match="unpacks to 3 MB"):
        table_read(bomb)


def test_the_same_padded_workbook_under_the_limit_reads(tmp_path):
    path = tmp_path / "list.xlsx"
    _bomb(path, 1)
    assert table_read(path) == (["email"], [["a@example.com"]])


def test_an_xlsx_is_read_with_the_streaming_reader(tmp_path, monkeypatch):
    calls = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    path = tmp_path / "list.xlsx"
    path.write_bytes(_xlsx_bytes([["email", "name", None], ["a@example.com", 4, None], [None], ["b@example.com", 4.5]]))
    assert table_read(path) == (["email", "name"], [["a@example.com", "4"], [], ["b@example.com", "4.5"]])
    assert calls and calls[0]["read_only"] is True


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_too_many_rows_are_refused(tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(upload_reader, "MAX_ROWS", 10)
    frame = pd.DataFrame({"email": [f"p{n}@example.com" for n in range(11)]})
    path = tmp_path / f"list{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_excel(path, index=False)
    with pytest.raises(ResponsesFileError, match="more than 10 rows"):
        responses_read_frame(path)
    frame.iloc[:10].to_csv(path, index=False) if suffix == ".csv" else frame.iloc[:10].to_excel(path, index=False)
    assert len(responses_read_frame(path)) == 10


def test_an_over_long_csv_is_refused_without_reading_past_the_limit(tmp_path, monkeypatch):
    """Bytes that are neither UTF-8 nor cp932 after the limit are never decoded: reading stopped."""
    monkeypatch.setattr(upload_reader, "MAX_ROWS", 100)
    path = tmp_path / "list.csv"
    with open(path, "wb") as stream:
        stream.write(b"email\n")
        stream.writelines(f"p{n}@example.com\n".encode() for n in range(5000))
        stream.write(b"\x81\x20\n")  # invalid in UTF-8 and in cp932
    with pytest.raises(UploadReadError, match="more than 100 rows"):
        table_read(path)
    monkeypatch.setattr(upload_reader, "MAX_ROWS", 10_000)
    with pytest.raises(UploadReadError, match="neither UTF-8 nor Shift_JIS"):
        table_read(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_too_many_cells_are_refused(tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(upload_reader, "MAX_CELLS", 100)
    frame = pd.DataFrame({f"c{n}": ["x"] * 20 for n in range(5)})  # 105 cells with the header
    path = tmp_path / f"list{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_excel(path, index=False)
    with pytest.raises(UploadReadError, match=r"more than .* rows or 100 cells"):
        table_read(path)


def test_an_endless_line_and_a_huge_csv_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "list.csv"
    path.write_bytes(b"email\n" + b"a" * 500_000)
    with pytest.raises(UploadReadError, match="a line longer than"):
        table_read(path)
    path.write_bytes(b'email\n"' + b"a" * 20_000 + b'"\n')
    with pytest.raises(UploadReadError, match="line 2: a cell longer than"):
        table_read(path)
    monkeypatch.setattr(upload_reader, "MAX_CSV_BYTES", 1024)
    path.write_bytes(b"email\n" + b"p@example.com\n" * 100)
    with pytest.raises(UploadReadError, match="larger than 0 MB"):
        table_read(path)


def test_a_shift_jis_csv_is_read_even_when_its_first_block_is_ascii(tmp_path):
    path = tmp_path / "list.csv"
    ascii_part = "".join(f"p{n}@example.com,\n" for n in range(10_000))
    path.write_bytes(("email,部署\n" + ascii_part + "last@example.com,営業\n").encode("cp932"))
    header, records = table_read(path)
    assert header == ["email", "部署"] and len(records) == 10_001 and records[-1] == ["last@example.com", "営業"]


def test_a_damaged_xlsx_is_a_clear_problem(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(UploadReadError, match=r"cannot read list\.xlsx"):
        table_read(path)


def test_at_most_fifty_problems_are_listed(campaign, tmp_path):
    keys = list(campaign.framework.items.values_list("key", flat=True))
    rows = [{"role": "nobody", "department": "rd", "tenure": "", **dict.fromkeys(keys, "4")} for _ in range(80)]
    path = tmp_path / "bad.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    with pytest.raises(CommandError) as raised:
        call_command("import_responses", str(campaign.pk), str(path))
    assert "(80 problems)" in str(raised.value).splitlines()[0]
    lines = str(raised.value).splitlines()[1:]
    assert len(lines) == 51
    assert lines[-1].strip().startswith("… and 30 more problems not listed")
    assert not Response.objects.exists()


def _upload(client, campaign, name, content, **headers):
    url = reverse("console:campaign_respondents", args=[campaign.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True, **headers).content.decode()


def test_the_respondent_list_page_lists_fifty_problems_then_how_many_more(client, campaign, owner):
    text = "email,name\n" + "".join(f"not-an-address-{n},X\n" for n in range(80))
    client.force_login(owner)
    html = _upload(client, campaign, "list.csv", text.encode())
    assert html.count("is not a valid e-mail address") == 50
    assert "… and 30 more problems not listed" in html
    assert not campaign.invitations.exists()


def test_the_respondent_list_page_refuses_a_zip_bomb_in_japanese(client, campaign, owner, monkeypatch, tmp_path):
    monkeypatch.setattr(upload_reader, "MAX_XLSX_UNPACKED", 2 * 1024 * 1024)
    bomb = tmp_path / "list.xlsx"
    _bomb(bomb, 3)
    client.force_login(owner)
    html = _upload(client, campaign, "list.xlsx", bomb.read_bytes())
    assert "Nothing was imported" in html and "unpacks to 3 MB" in html
    html = _upload(client, campaign, "list.xlsx", bomb.read_bytes(), HTTP_ACCEPT_LANGUAGE="ja")
    assert "展開すると 3 MB" in html
    assert not campaign.invitations.exists()
