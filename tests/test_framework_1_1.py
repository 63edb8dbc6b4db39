"""Questionnaire 1.1 (file format 2): audiences, role groups, scale, lint, comparison mapping."""

import copy
import re
from pathlib import Path

import pytest
import yaml

from assessment.framework_file import ROLE_GROUPS_2, FrameworkFileError, framework_file_read, framework_problems
from assessment.framework_lint import anchor_meaning, lint_problems, scale_problems
from assessment.models import Framework, Item
from assessment.selectors import framework_role_labels, framework_statement_counts
from assessment.services import framework_load

from .conftest import FRAMEWORK_FILE

FILE_1_1 = FRAMEWORK_FILE.parent / "innovation-readiness-1.1.yaml"


@pytest.fixture
def data():
    return yaml.safe_load(FILE_1_1.read_text(encoding="utf-8"))


@pytest.fixture
def old_data():
    return yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8"))


def earlier_from(old):
    return lambda key, version: {
        "dimensions": {d["key"] for d in old["dimensions"]},
        "items": {i["key"]: d["key"] for d in old["dimensions"] for i in d["items"]},
    }


def write(folder, data, name="innovation-readiness-1.1.yaml"):
    path = Path(folder) / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def item(data, dimension, key):
    dim = next(d for d in data["dimensions"] if d["key"] == dimension)
    return next(i for i in dim["items"] if i["key"] == key)


# --- the shipped file ----------------------------------------------------------------------------


def test_shipped_1_1_is_valid_against_1_0(data, old_data):
    assert framework_problems(data, earlier=earlier_from(old_data)) == []


def test_lint_every_statement_bilingual_with_audience_and_no_double_barrel(data):
    """The lint test the issue asks for, run over the shipped file statement by statement."""
    allowed = {"everyone", *ROLE_GROUPS_2}
    for dimension in data["dimensions"]:
        for statement in dimension["items"]:
            assert statement["text"]["en"].strip() and statement["text"]["ja"].strip(), statement["key"]
            assert statement["audience"] and set(statement["audience"]) <= allowed, statement["key"]
            if not statement.get("double_barrel_ok"):
                assert not re.search(r"\b(and|or)\b|/", statement["text"]["en"]), statement["key"]
                assert not re.search(r"および|または|かつ", statement["text"]["ja"]), statement["key"]
            assert re.search(r"(ます|ません|です|ました)。$", statement["text"]["ja"]), statement["key"]
    assert lint_problems(data) == []


def test_every_theme_of_the_diagnosis_is_asked(data):
    keys = {i["key"] for d in data["dimensions"] for i in d["items"]}
    for theme in (
        "budget_approval_layers",
        "budget_quick_decision",
        "system_young_suppliers",
        "system_contract_speed",
        "buy_in_help_recognised",
        "buy_in_failure_penalised",
        "exposure_cvc_business_unit",
        "exposure_cvc_rotation",
        "exposure_kill_zone",
        "exposure_acquisition_people",
        "team_reporting_line",
        "team_authority",
        "vision_brand",
        "team_secondment",
        "team_mid_career",
    ):
        assert theme in keys
    assert [d["key"] for d in data["dimensions"]] == ["vision", "budget", "buy_in", "exposure", "team", "system"]


def test_staff_are_not_asked_what_only_executives_know(data):
    # Executives' own visits abroad and multi-year budget decisions go to those who know them.
    assert item(data, "exposure", "exposure_i_visited_abroad")["audience"] == ["executive", "bu_head"]
    assert "business" not in item(data, "budget", "budget_multi_year")["audience"]


def test_scale_anchors_are_equivalent_in_both_languages(data):
    anchors = data["scale"]["anchors"]
    for point in range(1, 6):
        en, ja = anchors[point]["en"], anchors[point]["ja"]
        assert anchor_meaning(en, "en") == anchor_meaning(ja, "ja"), (point, en, ja)
    # symmetric: the two agreeing points mirror the two disagreeing ones
    assert anchor_meaning(anchors[1]["ja"], "ja")[1] == anchor_meaning(anchors[5]["ja"], "ja")[1]
    assert anchor_meaning(anchors[2]["en"], "en")[1] == anchor_meaning(anchors[4]["en"], "en")[1]
    assert scale_problems(data["scale"]) == []


def test_the_1_0_scale_fails_the_same_check(old_data):
    """1.0's Japanese "Agree" is ややそう思う (a hedge) while its English is plain."""
    problems = scale_problems(old_data["scale"])
    assert any(p.startswith("scale.anchors.4") for p in problems)
    assert any(p.startswith("scale.anchors.2") for p in problems)


def test_1_1_does_not_ask_tenure_and_has_six_role_groups(data):
    assert "tenure" not in data["profile"]
    assert [o["key"] for o in data["profile"]["role_group"]["options"]] == list(ROLE_GROUPS_2)


# --- loading ---------------------------------------------------------------------------------


def test_load_1_1_beside_1_0_stores_audiences_levels_and_comparison(db):
    old, _ = framework_load(path=FRAMEWORK_FILE)
    new, outcome = framework_load(path=FILE_1_1)
    assert outcome == "created"
    assert set(Framework.objects.values_list("version", flat=True)) == {"1.0", "1.1"}
    assert Item.objects.get(framework=new, key="exposure_i_visited_abroad").audience == ["executive", "bu_head"]
    assert Item.objects.filter(framework=old, audience=["everyone"]).count() == old.items.count()
    assert [(lv["min"], lv["favourable_min"]) for lv in new.levels] == [(0, 0), (30, 15), (50, 40), (65, 60), (80, 75)]
    assert new.comparison["items"]["vision_fit"] == "vision_05"
    assert set(new.comments) == {"dimension", "obstacle"}


def test_role_labels_come_from_the_framework_version(db):
    old, _ = framework_load(path=FRAMEWORK_FILE)
    new, _ = framework_load(path=FILE_1_1)
    assert list(framework_role_labels(framework=new, lang="en")) == list(ROLE_GROUPS_2)
    assert framework_role_labels(framework=new, lang="ja")["manager"] == "管理職"
    assert list(framework_role_labels(framework=old)) == ["executive", "innovation_team", "business", "corporate"]
    counts = framework_statement_counts(framework=new)
    assert counts["business"] < counts["executive"] <= new.items.count()


def test_comparison_checked_against_a_loaded_earlier_version(db, tmp_path, data):
    framework_load(path=FRAMEWORK_FILE)  # loaded, not beside the file in tmp_path
    bad = copy.deepcopy(data)
    bad["comparison"]["items"]["vision_fit"] = "vision_99"
    bad["comparison"]["items"]["no_such_statement"] = "vision_01"
    with pytest.raises(FrameworkFileError) as error:
        framework_load(path=write(tmp_path, bad))
    assert "comparison.items.vision_fit: 'vision_99' is not a statement of version 1.0" in error.value.problems
    assert "comparison.items.no_such_statement: no such statement in this file" in error.value.problems
    assert not Framework.objects.filter(version="1.1").exists()


def test_comparison_refused_when_the_earlier_version_is_unknown(db, tmp_path, data):
    with pytest.raises(FrameworkFileError) as error:
        framework_load(path=write(tmp_path, data))
    assert any(p.startswith("comparison.version: version 1.0") for p in error.value.problems)
    assert not Framework.objects.exists()


# --- bad input: refused with its place, nothing half-loaded ------------------------------------


def test_statement_without_audience_or_language_is_refused_with_its_place(db, tmp_path, data):
    framework_load(path=FRAMEWORK_FILE)
    bad = copy.deepcopy(data)
    del bad["dimensions"][1]["items"][2]["audience"]
    del bad["dimensions"][3]["items"][0]["text"]["ja"]
    bad["dimensions"][4]["items"][1]["audience"] = ["executives"]
    with pytest.raises(FrameworkFileError) as error:
        framework_load(path=write(tmp_path, bad))
    problems = error.value.problems
    assert any(p.startswith("dimensions[1].items[2].audience: missing") for p in problems)
    assert "dimensions[3].items[0].text.ja: missing or empty" in problems
    assert any(p.startswith("dimensions[4].items[1].audience: unknown audience 'executives'") for p in problems)
    assert Framework.objects.count() == 1 and Item.objects.count() == 42  # only 1.0


def test_double_barrel_and_hypothetical_wording_are_refused(data, old_data):
    bad = copy.deepcopy(data)
    statement = item(bad, "team", "team_digital")
    statement["text"]["en"] = "The innovation team has the digital and AI skills it needs."
    statement = item(bad, "budget", "budget_survived_sponsor")
    statement["text"]["en"] = "Funding would continue if the sponsor moved on."
    statement["text"]["ja"] = "後押しする役員が異動しても、予算は継続されると思う。"
    problems = framework_problems(bad, earlier=earlier_from(old_data))
    assert any(p.startswith("dimensions[4].items[4].text.en: 'and' joins two ideas") for p in problems)
    assert any(p.startswith("dimensions[1].items[1].text.en: hypothetical wording 'would'") for p in problems)
    assert any(p.startswith("dimensions[1].items[1].text.ja: hypothetical wording") for p in problems)
    assert "dimensions[1].items[1].text.ja: end in polite です・ます form" in problems
    # allowed when the author says why it is one idea
    item(bad, "team", "team_digital")["double_barrel_ok"] = "digital skills include AI"
    assert not any(p.startswith("dimensions[4].items[4].text.en") for p in framework_problems(bad))


def test_a_role_group_asked_too_few_statements_of_a_dimension_is_refused(data):
    bad = copy.deepcopy(data)
    for statement in next(d for d in bad["dimensions"] if d["key"] == "exposure")["items"]:
        if statement["audience"] == ["everyone"]:
            statement["audience"] = ["executive", "bu_head", "innovation_team"]
    problems = framework_problems(bad)
    assert any("dimensions[3].items: role group 'business' is asked" in p for p in problems)


def test_favourable_min_must_rise(data):
    bad = copy.deepcopy(data)
    bad["levels"][3]["favourable_min"] = 30
    assert "levels[3].favourable_min: must rise from level to level" in framework_problems(bad)
    del bad["levels"][2]["favourable_min"]
    assert "levels[2].favourable_min: must be a number" in framework_problems(bad)


def test_format_1_file_without_audiences_still_loads_as_everyone(old_data):
    assert framework_problems(old_data) == []
    with_tenure_removed = copy.deepcopy(old_data)
    del with_tenure_removed["profile"]["tenure"]
    assert "profile.tenure: missing" in framework_problems(with_tenure_removed)


def test_read_reports_bad_yaml_without_loading(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("key: [", encoding="utf-8")
    with pytest.raises(FrameworkFileError):
        framework_file_read(path)


def test_theme_recommendations_are_in_the_1_1_catalogue():
    from assessment.recommendations import catalogue_problems

    path = FRAMEWORK_FILE.parent.parent / "recommendations" / "innovation-readiness-1.1.yaml"
    catalogue = yaml.safe_load(path.read_text(encoding="utf-8"))
    roles = {"executive", "bu_head", "manager", "innovation_team", "business", "corporate"}
    assert catalogue_problems(catalogue, {"vision", "budget", "buy_in", "exposure", "team", "system"}, roles) == []
    keys = {r["key"] for r in catalogue["recommendations"]}
    assert {
        "budget_fewer_approval_layers",
        "system_startup_fast_lane",
        "buy_in_credit_helpers",
        "exposure_cvc_with_business_units",
        "exposure_partner_not_threat",
        "team_reporting_line_authority",
        "team_secondments_mid_career",
        "vision_anchor_on_brand",
    } <= keys
