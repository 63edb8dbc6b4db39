"""Findings that tell the truth: bands with a favourable share, whole-point edges, what staff
experience as the headline, and the triggers of catalogue 1.1 — cases computed by hand."""

import copy

import numpy as np
import pandas as pd
import pytest
import yaml

from assessment import scoring
from assessment.recommendations import (
    catalogue_load,
    catalogue_path,
    catalogue_problems,
    first_three,
    recommendations_select,
)
from assessment.scoring import FrameworkSpec, LevelBands

from .test_recommendations import entry

# the 1.1 framework's bands: score 0/30/50/65/80 and favourable share 0/15/40/60/75
BANDS_1_1 = LevelBands((0, 30, 50, 65, 80), (0, 15, 40, 60, 75))
SPEC = FrameworkSpec(
    dimensions=("vision",), weights={"vision": 1.0}, level_mins=(0, 20, 40, 60, 80), min_answered=2, gap_threshold=15
)
ITEMS = pd.DataFrame([("v1", "vision", False), ("v2", "vision", False)], columns=["item", "dimension", "reverse"])


@pytest.mark.parametrize(
    "score, favourable, level",
    [
        (60, 18, 2),  # the demo's vision: a score in level 3's band, but only 18 % favourable
        (60, 39.4, 2),
        (60, 39.5, 3),  # shares are rounded like scores before banding
        (65, 59, 3),
        (65, 60, 4),
        (64.5, 60, 4),
        (64.49, 60, 3),
        (90, 74, 4),
        (90, 75, 5),
        (20, 90, 1),
        (0, 0, 1),
        (None, 50, None),
    ],
)
def test_a_level_needs_both_its_score_band_and_its_favourable_share(score, favourable, level):
    assert BANDS_1_1.level(score, favourable) == level


def test_bands_are_read_from_the_framework_levels_and_1_0_has_no_share_rule():
    levels = [{"level": 2, "min": 30, "favourable_min": 15}, {"level": 1, "min": 0, "favourable_min": 0}]
    assert LevelBands.from_levels(levels) == LevelBands((0.0, 30.0), (0.0, 15.0))
    assert LevelBands.from_levels([{"level": 1, "min": 0}, {"level": 2, "min": 20}]).favourable_mins == ()
    assert LevelBands((0, 20, 40, 60, 80)).level(60, favourable=0) == 4
    assert BANDS_1_1.upper(2) == 50 and BANDS_1_1.upper(5) == 100


@pytest.mark.parametrize(
    "value, published", [(59.5, 60), (59.49, 59), (60.0, 60), (-2.5, -3), (2.5, 3), (59.49999999999, 60), (None, None)]
)
def test_figures_are_rounded_half_up_to_whole_points(value, published):
    assert scoring.rounded(value) == published


def test_a_group_mean_of_exactly_sixty_is_level_four_everywhere():
    # four people at (75 + 50) / 2 = 62.5 and one at 50: (4 × 62.5 + 50) / 5 = 60 exactly
    answers = {f"p{i}": {"v1": 4, "v2": 3} for i in range(4)} | {"q": {"v1": 3, "v2": 3}}
    frame = pd.DataFrame(
        [(r, k, v) for r, row in answers.items() for k, v in row.items()], columns=["respondent", "item", "value"]
    )
    scored = scoring.scored_answers(frame, ITEMS)
    summary = scoring.summarise(scoring.respondent_scores(scored, SPEC), scored, SPEC)
    vision = summary["dimensions"]["vision"]
    assert vision["score"] == 60 and vision["level"] == 4
    assert vision["favourable"] == 40  # 4 of 10 answers at 75 or more
    assert summary["overall"] == {"score": 60, "level": 4}


def test_favourable_counts_only_people_with_a_score():
    # B answered one statement (below the minimum of two): their 100 is not in anybody's figures
    frame = pd.DataFrame(
        [("A", "v1", 2), ("A", "v2", 2), ("B", "v1", 5), ("B", "v2", np.nan)], columns=["respondent", "item", "value"]
    )
    scored = scoring.scored_answers(frame, ITEMS)
    vision = scoring.summarise(scoring.respondent_scores(scored, SPEC), scored, SPEC)["dimensions"]["vision"]
    assert vision["n"] == 1 and vision["favourable"] == 0 and vision["score"] == 25


def cell(score, favourable, n=10, spread=10.0, bands=BANDS_1_1):
    return {"score": score, "level": bands.level(score, favourable), "n": n, "spread": spread, "favourable": favourable}


def summary_of(cells):
    spec = FrameworkSpec(
        dimensions=tuple(cells),
        weights=dict.fromkeys(cells, 1.0),
        level_mins=BANDS_1_1.mins,
        favourable_mins=BANDS_1_1.favourable_mins,
        min_answered=2,
        gap_threshold=15,
    )
    return {"dimensions": cells}, spec


def test_the_headline_is_what_people_other_than_executives_experience():
    everyone, spec = summary_of({"vision": cell(62, 45), "budget": cell(55, 40)})
    staff, _ = summary_of({"vision": cell(41, 18), "budget": cell(None, None, n=0)})
    executives, _ = summary_of({"vision": cell(88, 90, n=5), "budget": cell(None, None, n=0)})
    dimensions, overall = scoring.experienced(everyone, staff, executives, spec)
    vision, budget = dimensions["vision"], dimensions["budget"]
    assert (vision["basis"], vision["score"], vision["level"]) == ("staff", 41, 2)
    assert vision["everyone"]["level"] == 3 and vision["executives"]["level"] == 5
    # budget: the release cannot show the executives apart, so the headline says it is everyone's
    assert (budget["basis"], budget["score"], budget["executives"]) == ("everyone", 55, None)
    assert overall["score"] == 48  # (41 + 55) / 2
    no_staff, _ = summary_of({"vision": cell(62, 45), "budget": cell(55, 40)})
    dimensions, _ = scoring.experienced(no_staff, None, None, spec)
    assert all(c["basis"] == "everyone" for c in dimensions.values())


def test_score_alone_would_be_higher_is_said_in_the_reason():
    staff_cell = {**cell(60, 18), "basis": "staff"}
    assert staff_cell["level"] == 2 and BANDS_1_1.limited_by_share(60, 18)
    chosen = select({"dimensions": {"vision": staff_cell}})
    reason = next(c for c in chosen if c["key"] == "low")["reason"]
    assert reason["text"]["en"] == (
        "For people other than executives, Vision is at level 2 (Emerging): a score of 60, with 18% of answers "
        "favourable. The score alone would reach level 3, but that level needs at least 40% favourable answers."
    )
    assert "経営陣以外" in reason["text"]["ja"]
    # a score in level 4's band held at level 2 by its share: "that level" is level 4, which needs 60 %
    far = select({"dimensions": {"vision": {**cell(70, 20), "basis": "staff"}}})
    facts = next(c for c in far if c["key"] == "low")["reason"]
    assert (facts["level"], facts["by_score"], facts["needed"]) == (2, 4, 60)
    assert "would reach level 4, but that level needs at least 60% favourable" in facts["text"]["en"]


# --- catalogue 1.1 triggers -------------------------------------------------------------------------

NAMES = {k: {"en": k.title(), "ja": k} for k in ("vision", "budget", "team")}
LEVELS = {i: {"en": n, "ja": n} for i, n in enumerate(["Ad hoc", "Emerging", "Defined", "Managed", "Embedded"], 1)}
ROLES = {"innovation_team": {"en": "Innovation team", "ja": "イノベーション推進チーム"}}


CATALOGUE = (
    entry("low", "vision", {"level_at_most": 2}, priority=1),
    entry("sustain", "vision", {"level_at_least": 4}, priority=3),
    entry("critical", "budget", {"gap_at_most": -15}, priority=2),
    entry("unknown", "budget", {"dont_know_at_least": 30}, priority=2),
    entry("isolated", "team", {"role_below": {"role": "innovation_team", "points": 15}}, priority=1),
)


def select(result):
    result = {"gaps": [], "groups": {"role_group": []}, "items": [], **result}
    return recommendations_select(
        CATALOGUE, result, dimension_names=NAMES, level_names=LEVELS, weights={}, bands=BANDS_1_1, role_names=ROLES
    )


def test_a_mature_organisation_gets_advice_to_sustain_not_nothing():
    chosen = select({"dimensions": {"vision": {**cell(85, 80), "basis": "staff"}}})
    assert [c["key"] for c in chosen] == ["sustain"]
    assert "level 5 (Embedded;" in chosen[0]["reason"]["text"]["en"]


def test_executives_more_critical_than_staff_fires_on_a_negative_gap():
    gaps = [{"dimension": "budget", "gap": -20.0, "exact": True, "items_compared": 4}]
    chosen = select({"dimensions": {"budget": cell(60, 50)}, "gaps": gaps})
    assert [c["key"] for c in chosen] == ["critical"]
    assert "20 points lower" in chosen[0]["reason"]["text"]["en"]
    assert select({"dimensions": {"budget": cell(60, 50)}, "gaps": [{**gaps[0], "gap": -14.0}]}) == []


def test_many_dont_know_answers_are_a_finding_counted_over_statements_everyone_was_asked():
    items = [
        {"item": "b1", "dimension": "budget", "answered": 6, "dont_know": 4},
        {"item": "b2", "dimension": "budget", "answered": 8, "dont_know": 2},
        # routed: some were never asked, so its "don't know" is unknown and left out
        {"item": "b3", "dimension": "budget", "answered": 1, "dont_know": None},
    ]
    chosen = select({"dimensions": {"budget": cell(60, 50)}, "items": items})
    assert [c["key"] for c in chosen] == ["unknown"]
    assert chosen[0]["reason"]["share"] == 30  # 6 of 20
    items[0]["dont_know"] = 3  # 5 of 19 = 26 %
    assert select({"dimensions": {"budget": cell(60, 50)}, "items": items}) == []


def test_the_innovation_team_far_below_everyone_else_is_isolation():
    team = {**cell(58, 45), "everyone": cell(58, 45)}
    rows = [{"key": "innovation_team", "members": ["innovation_team"], "dimensions": {"team": cell(40, 10)}}]
    chosen = select({"dimensions": {"team": team}, "groups": {"role_group": rows}})
    assert [c["key"] for c in chosen] == ["isolated"]
    assert chosen[0]["reason"]["text"]["en"] == (
        "Innovation team score Team 40, 18 points below the organisation as a whole (58)."
    )
    rows[0]["dimensions"]["team"] = cell(44, 10)
    assert select({"dimensions": {"team": team}, "groups": {"role_group": rows}}) == []


def test_a_missing_dimension_fires_nothing_and_is_never_called_high():
    empty = {"score": None, "level": None, "n": 0, "spread": None, "favourable": None}
    assert select({"dimensions": {"vision": empty, "budget": empty, "team": empty}}) == []


def test_format_2_refuses_duplicate_triggers_and_entries_that_are_not_mappings():
    entries = [copy.deepcopy(CATALOGUE[0]), {**copy.deepcopy(CATALOGUE[0]), "key": "again"}, "not a mapping"]
    problems = catalogue_problems({"format": 2, "recommendations": entries}, {"vision"})
    assert any("recommendations[1].trigger: the same trigger as recommendations[0] (low)" in p for p in problems)
    assert any(p.startswith("recommendations[2]: must be a mapping") for p in problems)
    # format 1 (the 1.0 catalogue, kept for old campaigns) allows them
    assert not any("same trigger" in p for p in catalogue_problems({"recommendations": entries[:2]}, {"vision"}))


@pytest.mark.parametrize(
    "trigger, expected",
    [
        ({"gap_at_most": 10}, "must be negative"),
        ({"level_at_least": 6}, "1 to 5"),
        ({"role_below": {"role": "nobody", "points": 15}}, "not a role group"),
        ({"role_below": {"role": "innovation_team"}}, "needs a role and points"),
    ],
)
def test_bad_triggers_are_located(trigger, expected):
    broken = [{**copy.deepcopy(CATALOGUE[0]), "trigger": trigger}]
    problems = catalogue_problems({"recommendations": broken}, {"vision"}, {"innovation_team"})
    assert any(p.startswith("recommendations[0].trigger") and expected in p for p in problems), problems


def test_the_shipped_1_1_catalogue_covers_every_kind_of_finding_for_every_dimension():
    keys = ("vision", "budget", "buy_in", "exposure", "team", "system")
    path = catalogue_path("innovation-readiness", "1.1")
    assert path.name == "innovation-readiness-1.1.yaml"
    catalogue = catalogue_load(
        str(path), keys, ("executive", "bu_head", "manager", "innovation_team", "business", "corporate")
    )
    kinds = {(e["dimension"], next(iter(e["trigger"]))) for e in catalogue}
    for key in keys:
        for kind in ("level_at_most", "level_at_least", "gap_at_least", "gap_at_most", "dont_know_at_least"):
            assert (key, kind) in kinds, (key, kind)
    assert ("team", "role_below") in kinds and ("buy_in", "role_below") in kinds
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["format"] == 2
    # 1.0's catalogue stays, unchanged in format, for 1.0 campaigns
    assert catalogue_path("innovation-readiness", "1.0").name == "innovation-readiness-1.0.yaml"


def test_first_three_follow_priority_then_severity_across_dimensions():
    recommendations = [{"key": k, "dimension": d} for k, d in (("a", "x"), ("b", "x"), ("c", "y"), ("d", "z"))]
    assert [r["key"] for r in first_three(recommendations)] == ["a", "b", "c"]


def test_catalogue_shape_errors_are_located_by_the_schema_never_a_traceback():
    entries = [copy.deepcopy(CATALOGUE[0]) for _ in range(4)] + ["not a mapping", None]
    entries[0]["priority"] = "1"  # text, not a number
    entries[1]["actions"] = [{"en": "only English"}]
    entries[2]["trigger"] = {"role_below": {"role": "innovation_team", "points": -5}}
    entries[3]["key"] = "other"
    problems = catalogue_problems({"format": 2, "recommendations": entries}, {"vision"}, {"innovation_team"})
    assert "recommendations[0].priority: must be 1, 2 or 3" in problems
    assert "recommendations[1].actions[0]: needs non-empty en and ja" in problems
    assert "recommendations[2].trigger: role_below: points must be a positive number" in problems
    assert "recommendations[4]: must be a mapping with key, dimension, trigger, ..." in problems
    assert "recommendations[5]: must be a mapping with key, dimension, trigger, ..." in problems
    # entries of a valid shape still meet the rules across entries: 3 repeats 0's trigger... but 0
    # has a bad shape, so only valid entries are compared (no complaint about entry 3)
    assert not any(p.startswith("recommendations[3]") for p in problems)
    assert catalogue_problems("recommendations: []", {"vision"}) == ["file: must be a mapping"]
