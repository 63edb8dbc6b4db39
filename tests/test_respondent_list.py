"""Respondent list parsing: plain data in, rows and "line N: problem" messages out (no database)."""

import pytest

from assessment.respondent_list import respondent_list_parse, role_labels_for

DEPARTMENTS = [("rd", "R&D", "研究開発"), ("sales", "Sales", "営業"), ("sales2", "Sales ", "営業")]
PROFILE_OPTIONS = [
    {"key": "executive", "label": {"en": "Executive (CEO, board member)", "ja": "経営層（社長・CEO、取締役など）"}},
    {"key": "business", "label": {"en": "Business department (sales ...)", "ja": "事業部門（開発、営業など）"}},
    {"key": "not_a_role", "label": {"en": "Ignored", "ja": "無視"}},
]
ROLE_LABELS = role_labels_for(profile_options=PROFILE_OPTIONS, code_labels=[("Corporate function", "corporate")])
HEADER = ["email", "name", "role group", "department"]


def parse(records, header=HEADER, invited=()):
    return respondent_list_parse(
        header=header, records=records, departments=DEPARTMENTS[:2], role_labels=ROLE_LABELS, invited_emails=invited
    )


def test_role_labels_include_both_languages_their_short_forms_and_code_labels():
    assert ROLE_LABELS["経営層（社長・CEO、取締役など）"] == "executive"
    assert ROLE_LABELS["経営層"] == ROLE_LABELS["Executive"] == "executive"
    assert ROLE_LABELS["事業部門"] == "business"
    assert ROLE_LABELS["Corporate function"] == "corporate"
    assert "Ignored" not in ROLE_LABELS


def test_a_good_list_in_every_accepted_spelling():
    rows, problems = parse(
        [
            ["Taro@Example.co.jp ", "山田 太郎", "経営層", "研究開発"],
            ["ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ", "佐藤 花子", "business", "SALES"],
            ["", "", "", ""],  # a blank line keeps the numbering of the lines after it
            ["c@example.com", "", "corporate function", "sales"],
            ["d@example.com", "D", "", ""],  # the respondent chooses role and department
        ],
        header=["E-Mail", "Name", "Role_Group", "Department"],
    )
    assert problems == []
    assert [(r["line"], r["email"], r["role_group"], r["department"]) for r in rows] == [
        (2, "taro@example.co.jp", "executive", "rd"),
        (3, "hanako@example.co.jp", "business", "sales"),
        (5, "c@example.com", "corporate", "sales"),
        (6, "d@example.com", "", None),
    ]
    assert rows[0]["name"] == "山田 太郎"


@pytest.mark.parametrize("heading", ["role", "ROLE", "role_group", "Role-Group", "役割"])
def test_role_column_headings(heading):
    rows, problems = parse([["a@example.com", "A", "executive", "rd"]], header=["email", "name", heading, "department"])
    assert problems == [] and rows[0]["role_group"] == "executive"


def test_every_bad_line_is_reported_with_its_number():
    _rows, problems = parse(
        [
            ["not-an-email", "A", "executive", "rd"],
            ["b@example.com", "B", "chairman", "rd"],
            ["c@example.com", "C", "business", "marketing"],
            ["B@example.com", "B again", "business", "rd"],
            ["", "No address", "business", "rd"],
            ["old@example.com", "Invited before", "business", "rd"],
        ],
        invited=["OLD@example.com"],
    )
    assert problems == [
        "line 2: 'not-an-email' is not a valid e-mail address",
        "line 3: unknown role group 'chairman'",
        "line 4: unknown department 'marketing'",
        "line 5: b@example.com is already on line 3",
        "line 6: an e-mail address is required",
        "line 7: old@example.com is already invited to this campaign",
    ]


def test_header_problems_are_line_1():
    _rows, problems = parse([["a@example.com", "x"]], header=["mail address", "notes"])
    assert problems == [
        "line 1: unknown column 'mail address'",
        "line 1: unknown column 'notes'",
        "line 1: the column “email” is missing",
    ]
    _rows, problems = parse([["a@example.com", "b@example.com"]], header=["email", "E-mail"])
    assert problems == ["line 1: column 'email' appears twice"]
    _rows, problems = parse([["a@example.com", "b@example.com"]], header=["email", "email.1"])  # as pandas names it
    assert problems == ["line 1: column 'email' appears twice"]


def test_values_without_a_heading_and_an_empty_file():
    _rows, problems = parse([["a@example.com", "A", "", "", "stray"]], header=[*HEADER, "Unnamed: 4"])
    assert problems == ["line 2: a value in a column without a heading"]
    _rows, problems = parse([["", "", "", ""]])
    assert problems == ["The file has no respondents."]


def test_a_department_name_shared_by_two_departments_must_be_given_by_key():
    rows, problems = respondent_list_parse(
        header=HEADER,
        records=[["a@example.com", "", "", "営業"], ["b@example.com", "", "", "sales2"]],
        departments=DEPARTMENTS,
        role_labels={},
    )
    assert problems == ["line 2: '営業' names several departments; use its key"]
    assert rows[1]["department"] == "sales2"


def test_short_rows_and_long_names():
    rows, problems = parse([["a@example.com"], ["b@example.com", "x" * 201]])
    assert rows[0]["name"] == "" and rows[0]["role_group"] == ""
    assert problems == ["line 3: the name is longer than 200 characters"]


def test_role_groups_of_another_questionnaire_version_are_refused_with_their_line():
    # A 1.0 campaign has no middle managers: the app knows the key, the campaign's version does not.
    labels = role_labels_for(profile_options=PROFILE_OPTIONS, code_labels=[("Middle manager", "manager")])
    rows, problems = respondent_list_parse(
        header=HEADER,
        departments=DEPARTMENTS[:2],
        role_labels=labels,
        version_roles=["executive", "business"],
        records=[
            ["a@example.com", "A", "executive", "rd"],
            ["b@example.com", "B", "manager", "rd"],
            ["c@example.com", "C", "Middle manager", ""],
        ],
    )
    assert problems == [
        "line 3: the role group 'manager' is not part of this campaign's questionnaire (use one of: executive, business)",
        "line 4: the role group 'Middle manager' is not part of this campaign's questionnaire (use one of: executive, business)",
    ]
    rows, problems = respondent_list_parse(
        header=HEADER,
        departments=DEPARTMENTS[:2],
        role_labels=labels,
        version_roles=["executive", "manager"],
        records=[["b@example.com", "B", "manager", "rd"]],
    )
    assert problems == [] and rows[0]["role_group"] == "manager"
