"""Importing responses from CSV/XLSX files and exporting them again."""

from datetime import timedelta

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.loading import answers_loading
from assessment.models import Answer, Department, Invitation, Response
from assessment.responses_io import responses_export, responses_parse
from assessment.services import invitation_create

from .factories import CampaignFactory


def item_keys(campaign):
    return list(campaign.framework.items.order_by("dimension__order", "order").values_list("key", flat=True))


def answers_row(keys, value="3", **overrides):
    """One respondent answering every item with `value`, except the items given."""
    return {key: overrides.get(key, value) for key in keys}


def write(frame, path):
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding="utf-8")
    return path


def stored_answers(campaign):
    """{(respondent number in submission order, item key): value} of submitted responses, free of ids."""
    submitted = campaign.responses.filter(submitted_at__isnull=False).order_by("submitted_at", "pk")
    number = {pk: n for n, pk in enumerate(submitted.values_list("pk", flat=True), start=1)}
    rows = Answer.objects.filter(response__in=submitted).values_list("response_id", "item__key", "value")
    return {(number[r], key): value for r, key, value in rows}


def counts():
    return Invitation.objects.count(), Response.objects.count(), Answer.objects.count()


def import_file(campaign, path):
    call_command("import_responses", str(campaign.pk), str(path))


# --- import ----------------------------------------------------------------------------------


def test_csv_import_stores_answers_exactly(campaign, tmp_path, capsys):
    keys = item_keys(campaign)
    rows = [
        {"role": "executive", "department": "rd", "tenure": "gt20", **answers_row(keys, "5", vision_02="dk")},
        {"role": "business", "department": "sales", "tenure": "", **answers_row(keys, "2", vision_01="", system_07="")},
    ]
    import_file(campaign, write(pd.DataFrame(rows), tmp_path / "answers.csv"))
    assert f"Imported 2 responses into {campaign}." in capsys.readouterr().out

    first, second = campaign.responses.order_by("pk")
    assert (first.role_group, first.department.key, first.tenure) == ("executive", "rd", "gt20")
    assert (second.role_group, second.department.key, second.tenure) == ("business", "sales", "")
    assert first.is_submitted and second.is_submitted
    assert first.invitation.role_group == "executive" and second.invitation.department.key == "sales"
    stored = stored_answers(campaign)
    assert stored[(1, "vision_02")] is None  # "don't know" is NULL
    assert stored[(1, "vision_01")] == 5 and stored[(2, "vision_02")] == 2
    assert (2, "vision_01") not in stored and (2, "system_07") not in stored  # blank: no row at all
    assert len(stored) == 2 * len(keys) - 2


def test_xlsx_import_accepts_number_cells(campaign, tmp_path):
    keys = item_keys(campaign)
    # Numbers, not text: Excel users type 4, and pandas may hand it back as "4.0".
    row = {"Role": "corporate", "Department": "sales", "Tenure": "lt3", **dict.fromkeys(keys, 4.0)}
    row[keys[0]] = "わからない"
    import_file(campaign, write(pd.DataFrame([row]), tmp_path / "answers.xlsx"))
    stored = stored_answers(campaign)
    assert stored[(1, keys[0])] is None
    assert {stored[(1, k)] for k in keys[1:]} == {4}
    assert campaign.responses.get().tenure == "lt3"


def test_japanese_and_english_labels_are_accepted(campaign, tmp_path):
    keys = item_keys(campaign)
    options = {o["key"]: o["label"] for o in campaign.framework.profile["role_group"]["options"]}
    rows = [
        {"role": options["business"]["ja"], "department": "研究開発", **answers_row(keys)},
        {"role": options["innovation_team"]["en"].upper(), "department": "Sales", **answers_row(keys)},
        {"role": " Executive ", "department": "RD", **answers_row(keys, "dont know")},
    ]
    import_file(campaign, write(pd.DataFrame(rows), tmp_path / "labels.csv"))
    profiles = list(campaign.responses.order_by("pk").values_list("role_group", "department__key"))
    assert profiles == [("business", "rd"), ("innovation_team", "sales"), ("executive", "rd")]
    assert Answer.objects.filter(response__campaign=campaign, value__isnull=True).count() == len(keys)


def test_cp932_csv_from_japanese_excel_is_read(campaign, tmp_path):
    keys = item_keys(campaign)
    frame = pd.DataFrame(
        [
            {
                "role": "事業部門（開発、営業、マーケティング、製造など）",
                "department": "営業",
                **answers_row(keys, "わからない"),
            }
        ]
    )
    path = tmp_path / "sjis.csv"
    frame.to_csv(path, index=False, encoding="cp932")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the test really is about a non-UTF-8 file
    import_file(campaign, path)
    response = campaign.responses.get()
    assert (response.role_group, response.department.key) == ("business", "sales")
    assert Answer.objects.filter(response=response, value__isnull=True).count() == len(keys)


def test_bad_rows_are_all_reported_with_their_line_and_column_and_nothing_is_imported(campaign, tmp_path):
    keys = item_keys(campaign)
    rows = [
        {"role": "executive", "department": "rd", "tenure": "", **answers_row(keys)},  # line 2: fine
        {"role": "ceo", "department": "rd", "tenure": "", **answers_row(keys, vision_03="6")},  # line 3
        {"role": "business", "department": "", "tenure": "forever", **answers_row(keys)},  # line 4
        {"role": "business", "department": "marketing", "tenure": "", **answers_row(keys, system_07="abc")},  # 5
    ]
    before = counts()
    with pytest.raises(CommandError) as error:
        import_file(campaign, write(pd.DataFrame(rows), tmp_path / "bad.xlsx"))
    message = str(error.value)
    for expected in [
        "line 3, column role: unknown role 'ceo'",
        "line 3, column vision_03: '6' is not an answer",
        "line 4, column department: a department is required",
        "line 4, column tenure: unknown tenure 'forever'",
        "line 5, column department: unknown department 'marketing'",
        "line 5, column system_07: 'abc' is not an answer",
    ]:
        assert expected in message
    assert "line 2" not in message
    assert "(6 problems)" in message
    assert counts() == before


def test_unknown_columns_are_listed(campaign, tmp_path):
    keys = item_keys(campaign)
    frame = pd.DataFrame(
        [{"role": "executive", "department": "rd", "email": "a@b.c", "vision_99": "3", **answers_row(keys)}]
    )
    with pytest.raises(CommandError, match="unknown columns: email, vision_99"):
        import_file(campaign, write(frame, tmp_path / "extra.csv"))
    assert counts() == (0, 0, 0)


def test_missing_item_columns_are_listed(campaign, tmp_path):
    keys = item_keys(campaign)
    row = {"role": "executive", "department": "rd", **answers_row(keys)}
    del row["vision_01"], row["team_04"]
    with pytest.raises(CommandError, match="missing item columns: vision_01, team_04"):
        import_file(campaign, write(pd.DataFrame([row]), tmp_path / "partial.csv"))
    assert counts() == (0, 0, 0)


def test_a_file_without_data_rows_is_refused(campaign, tmp_path):
    frame = pd.DataFrame(columns=["role", "department", *item_keys(campaign)])
    with pytest.raises(CommandError, match="no data rows"):
        import_file(campaign, write(frame, tmp_path / "empty.csv"))


def test_unknown_campaign_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Campaign 999999 does not exist"):
        call_command("import_responses", "999999", str(tmp_path / "whatever.csv"))


@pytest.mark.parametrize("name", ["answers.txt", "answers.xls", "answers"])
def test_unsupported_file_type_is_a_clear_error(campaign, tmp_path, name):
    path = tmp_path / name
    path.write_text("role\nexecutive\n")
    with pytest.raises(CommandError, match="unsupported file type"):
        import_file(campaign, path)


# --- export ----------------------------------------------------------------------------------


def make_respondents(campaign, count, *, start=0):
    """`count` submitted respondents (answers vary with their number) plus one unsubmitted one."""
    keys = item_keys(campaign)
    items = {i.key: i for i in campaign.framework.items.all()}
    departments = list(Department.objects.filter(organisation=campaign.organisation).order_by("key"))
    now = timezone.now()
    answers = []
    for n in range(start, start + count + 1):
        invitation, _token = invitation_create(campaign=campaign)
        submitted = n < start + count
        response = Response.objects.create(
            invitation=invitation,
            campaign=campaign,
            role_group="business",
            department=departments[n % 2],
            tenure="y3_10" if n % 3 else "",
            submitted_at=now + timedelta(seconds=n) if submitted else None,
        )
        for position, key in enumerate(keys):
            if (n + position) % 7 == 6:
                continue  # unanswered
            value = None if (n + position) % 7 == 5 else (n + position) % 5 + 1
            answers.append(Answer(response=response, item=items[key], value=value))
    with answers_loading():  # submitted responses, then their answers
        Answer.objects.bulk_create(answers)


def expected_cell(n, position):
    if (n + position) % 7 == 6:
        return ""
    return "dk" if (n + position) % 7 == 5 else str((n + position) % 5 + 1)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_writes_one_row_per_submitted_respondent(campaign, tmp_path, suffix, capsys):
    Response.objects.all().delete()
    make_respondents(campaign, 4, start=10)  # ids do not start at 1 either way
    path = tmp_path / f"out.{suffix}"
    call_command("export_responses", str(campaign.pk), "-o", str(path), "--identifying")
    assert "Exported 4 responses" in capsys.readouterr().out
    if suffix == "csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        frame = pd.read_excel(path, dtype=str).fillna("")
    keys = item_keys(campaign)
    assert list(frame.columns) == ["respondent", "role", "department", "tenure", *keys]
    assert list(frame["respondent"]) == ["1", "2", "3", "4"]
    assert list(frame["department"]) == ["rd", "sales", "rd", "sales"]
    assert list(frame["tenure"]) == ["y3_10", "y3_10", "", "y3_10"]
    for row, n in zip(frame.to_dict("records"), range(10, 14), strict=True):
        assert [row[k] for k in keys] == [expected_cell(n, p) for p in range(len(keys))]


def test_export_format_option_overrides_the_extension_and_bad_formats_fail(campaign, tmp_path):
    make_respondents(campaign, 2)
    path = tmp_path / "out.data"
    call_command("export_responses", str(campaign.pk), "--format", "xlsx", "-o", str(path))
    assert len(pd.read_excel(path, engine="openpyxl")) == 2
    with pytest.raises(CommandError, match="Unsupported format 'pdf'"):
        call_command("export_responses", str(campaign.pk), "--format", "pdf", "-o", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="Unsupported format"):
        call_command("export_responses", str(campaign.pk), "-o", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError, match="Campaign 999999 does not exist"):
        call_command("export_responses", "999999", "-o", str(tmp_path / "x.csv"))


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_into_another_campaign_gives_the_same_answers(campaign, tmp_path, suffix):
    make_respondents(campaign, 9)
    path = tmp_path / f"round.{suffix}"
    call_command("export_responses", str(campaign.pk), "-o", str(path), "--identifying")
    other = CampaignFactory(framework=campaign.framework, organisation=campaign.organisation)
    import_file(other, path)
    assert stored_answers(other) == stored_answers(campaign)

    def profiles(c):
        return list(
            c.responses.filter(submitted_at__isnull=False)
            .order_by("submitted_at", "pk")
            .values_list("role_group", "department__key", "tenure")
        )

    assert profiles(other) == profiles(campaign)


def test_export_reads_the_database_in_a_constant_number_of_queries(campaign, tmp_path):
    def queries_for(count):
        Response.objects.all().delete()
        make_respondents(campaign, count)
        with CaptureQueriesContext(connection) as context:
            assert responses_export(campaign=campaign, path=tmp_path / f"{count}.csv")[0] == count
        return len(context.captured_queries)

    assert queries_for(3) == queries_for(30) <= 3


# --- parsing without a database --------------------------------------------------------------

ITEMS = ["a_01", "a_02"]
DEPARTMENTS = [("rd", "R&D", "研究開発"), ("sales", "Sales", "営業")]
LABELS = {"Executive (board)": "executive", "経営層": "executive"}


def parse(*rows, columns=("role", "department", "a_01", "a_02")):
    # a short row leaves its last cells missing
    frame = pd.DataFrame([dict(zip(columns, row, strict=False)) for row in rows], columns=list(columns), dtype=object)
    return responses_parse(frame, items=ITEMS, departments=DEPARTMENTS, role_labels=LABELS)


@pytest.mark.parametrize("value", ["0", "6", "3.5", "abc", "-1", "1.5", "nan", "5 5"])
def test_parse_rejects_values_off_the_scale(value):
    _rows, problems = parse(("executive", "rd", "3", value))
    assert problems == [f"line 2, column a_02: {value!r} is not an answer (use 1–5, dk, or leave blank)"]


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("1", 1),
        (" 5 ", 5),
        ("4.0", 4),
        ("２", 2),
        ("DK", None),
        ("Don't know", None),
        ("dont know", None),
        ("わからない", None),
    ],
)
def test_parse_accepts_the_scale_and_dont_know(value, stored):
    rows, problems = parse(("経営層", "営業", value, ""))
    assert problems == []
    assert rows == [{"line": 2, "role": "executive", "department": "sales", "tenure": "", "answers": {"a_01": stored}}]


def test_parse_counts_lines_past_blank_rows_and_ignores_them():
    rows, problems = parse(("executive", "rd", "1", "2"), ("", "", "", ""), ("executive (BOARD)", "x", "1", "2"))
    assert [r["line"] for r in rows] == [2, 4]
    assert problems == ["line 4, column department: unknown department 'x'"]


def test_parse_reports_header_problems_once():
    _rows, problems = parse(("1", "2"), columns=("A_01", "extra"))
    assert problems == [
        "unknown columns: extra",
        "missing item columns: a_02",
        "missing column: role",
        "missing column: department",
    ]


def test_parse_without_departments_accepts_no_department_column():
    frame = pd.DataFrame([{"role": "corporate", "a_01": "1", "a_02": "dk"}])
    rows, problems = responses_parse(frame, items=ITEMS, departments=[], role_labels={})
    assert problems == []
    assert rows[0]["department"] is None and rows[0]["answers"] == {"a_01": 1, "a_02": None}


def test_export_coarsens_combinations_held_by_fewer_than_the_threshold(campaign, tmp_path, capsys, caplog):
    from assessment.responses_io import profiles_coarsen

    Response.objects.all().delete()
    make_respondents(campaign, 12)
    path = tmp_path / "out.csv"
    call_command("export_responses", str(campaign.pk), "-o", str(path))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    sizes = frame.groupby(["role", "department", "tenure"]).size()
    assert (sizes >= campaign.anonymity_threshold).all()
    assert "have 'other' in place of" in capsys.readouterr().out
    # a coarsened file still imports, the coarsened profiles as "not given"
    other = CampaignFactory(framework=campaign.framework, organisation=campaign.organisation)
    import_file(other, path)
    assert stored_answers(other) == stored_answers(campaign)
    # the pure rule, by hand: 6 rd/business/y3 stay; corporate/hr (3) and the two singles lose
    # tenure, then department, then role, and make one "other" group of 5
    rows = pd.DataFrame(
        {
            "respondent": range(1, 12),
            "role": ["business"] * 6 + ["corporate"] * 3 + ["executive", "business"],
            "department": ["rd"] * 6 + ["hr"] * 3 + ["mgmt", "sales"],
            "tenure": ["y3_10"] * 11,
        }
    )
    coarse, changed = profiles_coarsen(rows, 5)
    assert coarse.groupby(["role", "department", "tenure"]).size().to_dict() == {
        ("business", "rd", "y3_10"): 6,
        ("other", "other", "other"): 5,
    }
    assert changed == 5
    call_command("export_responses", str(campaign.pk), "-o", str(path), "--identifying")
    assert "--identifying" in caplog.text
