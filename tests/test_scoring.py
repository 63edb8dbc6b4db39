"""The scoring engine, without a database: hand-computed cases and properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import scoring
from assessment.scoring import FrameworkSpec

SPEC = FrameworkSpec(
    dimensions=("vision", "budget"),
    weights={"vision": 2.0, "budget": 1.0},
    level_mins=(0, 20, 40, 60, 80),
    min_answered=2,
    gap_threshold=15,
)
ITEMS = pd.DataFrame(
    [
        ("v1", "vision", False),
        ("v2", "vision", True),
        ("v3", "vision", False),
        ("b1", "budget", False),
        ("b2", "budget", False),
    ],
    columns=["item", "dimension", "reverse"],
)
DK = np.nan


def answers_frame(table):
    """{respondent: {item: value}} -> answers frame."""
    return pd.DataFrame(
        [(r, item, value) for r, row in table.items() for item, value in row.items()],
        columns=["respondent", "item", "value"],
    )


def respondents_frame(roles):
    return pd.DataFrame(
        [(r, role, dept) for r, (role, dept) in roles.items()], columns=["respondent", "role_group", "department"]
    )


GOLDEN = {
    "A": {"v1": 5, "v2": 2, "v3": DK, "b1": 1, "b2": 3},
    "B": {"v1": 3, "v2": DK, "v3": DK, "b1": 4, "b2": 4},
    "C": {"v1": 2, "v2": 4, "v3": 3, "b1": DK, "b2": DK},
}


def test_item_scores_map_the_scale_and_mirror_reversed_items():
    assert list(scoring.item_scores([1, 2, 3, 4, 5], False)) == [0, 25, 50, 75, 100]
    assert list(scoring.item_scores([1, 2, 3, 4, 5], True)) == [100, 75, 50, 25, 0]
    assert math.isnan(scoring.item_scores([np.nan], True)[0])


def test_golden_case_computed_by_hand():
    scored = scoring.scored_answers(answers_frame(GOLDEN), ITEMS)
    scores = scoring.respondent_scores(scored, SPEC)
    # A: vision (100 + 75) / 2, budget (0 + 50) / 2; B: one vision answer < min 2; C: budget all "don't know"
    assert scores.loc["A", "vision"] == 87.5 and scores.loc["A", "budget"] == 25
    assert math.isnan(scores.loc["B", "vision"]) and scores.loc["B", "budget"] == 75
    assert scores.loc["C", "vision"] == pytest.approx(100 / 3) and math.isnan(scores.loc["C", "budget"])

    summary = scoring.summarise(scores, scored, SPEC)
    vision, budget = summary["dimensions"]["vision"], summary["dimensions"]["budget"]
    # (87.5 + 33.33) / 2 = 60.42, published as 60: whole points, so shown and banded alike
    assert vision["score"] == 60 and vision["level"] == 4 and vision["n"] == 2
    assert vision["spread"] == 38  # (87.5 − 33.33) / √2 = 38.3
    # 100 and 75 of the five items answered by A and C: B's lone answer counts for nobody's score
    assert vision["favourable"] == 40
    assert budget["score"] == 50 and budget["level"] == 3 and budget["favourable"] == 50
    # (60 × 2 + 50) / 3 = 56.67 over the published dimension scores
    assert summary["overall"] == {"score": 57, "level": 3}
    assert summary["n"] == 3


@pytest.mark.parametrize(
    "score, level",
    [
        (0, 1),
        (19.49, 1),
        (19.5, 2),
        (20, 2),
        (39.4, 2),
        (39.5, 3),
        (40, 3),
        (59.4999, 3),
        (60, 4),
        (79.49, 4),
        (80, 5),
        (100, 5),
        (None, None),
    ],
)
def test_levels_come_from_fixed_bands_with_inclusive_minimums(score, level):
    assert scoring.level_of(score, SPEC.level_mins) == level


def test_overall_index_uses_weights_and_skips_missing_dimensions():
    assert scoring.overall_index({"vision": 40, "budget": 70}, SPEC.weights) == 50
    assert scoring.overall_index({"vision": 40, "budget": None}, SPEC.weights) == 40
    assert scoring.overall_index({"vision": None, "budget": None}, SPEC.weights) is None


def test_respondent_without_answers_counts_but_scores_nothing():
    scored = scoring.scored_answers(answers_frame({"A": {"v1": 5, "v2": 1}}), ITEMS)
    scores = scoring.respondent_scores(scored, SPEC, respondents_frame({"A": ("business", ""), "Z": ("business", "")}))
    assert list(scores.index) == ["A", "Z"] and scores.loc["Z"].isna().all()
    assert scores.loc["A", "vision"] == 100


def test_item_summary_counts_dont_know():
    summary = scoring.item_summary(scoring.scored_answers(answers_frame(GOLDEN), ITEMS))
    assert summary.loc["v3", "dont_know"] == 2 and summary.loc["v3", "answered"] == 1
    assert summary.loc["v1", "score"] == 58  # (100 + 50 + 25) / 3 = 58.3, at its published precision


# --- properties --------------------------------------------------------------------------------

answer_values = st.one_of(st.integers(1, 5), st.just(DK))
respondent_rows = st.fixed_dictionaries(dict.fromkeys(ITEMS["item"], answer_values))


@settings(max_examples=200, deadline=None)
@given(st.lists(respondent_rows, min_size=1, max_size=6), st.data())
def test_raising_one_answer_never_lowers_its_dimension(rows, data):
    table = dict(enumerate(rows))
    candidates = [
        (r, item)
        for r, row in table.items()
        for item, v in row.items()
        if not pd.isna(v) and (v > 1 if ITEMS.set_index("item").loc[item, "reverse"] else v < 5)
    ]
    if not candidates:
        return
    respondent, item = data.draw(st.sampled_from(candidates))
    reverse = ITEMS.set_index("item").loc[item, "reverse"]
    better = {r: dict(row) for r, row in table.items()}
    # "raising" means moving towards readiness: up for a positive statement, down for a reversed one
    better[respondent][item] += -1 if reverse else 1
    dimension = ITEMS.set_index("item").loc[item, "dimension"]

    def group_score(t):
        scored = scoring.scored_answers(answers_frame(t), ITEMS)
        scores = scoring.respondent_scores(scored, SPEC)
        return scores, scoring.summarise(scores, scored, SPEC)["dimensions"][dimension]["score"]

    before_scores, before = group_score(table)
    after_scores, after = group_score(better)
    before_own, after_own = before_scores.loc[respondent, dimension], after_scores.loc[respondent, dimension]
    assert pd.isna(before_own) == pd.isna(after_own)
    if not pd.isna(before_own):
        assert after_own > before_own
    assert (before is None and after is None) or after >= before


@settings(max_examples=200, deadline=None)
@given(st.lists(respondent_rows, min_size=1, max_size=5))
def test_reversing_twice_is_identity_and_reversing_with_mirrored_answers_changes_nothing(rows):
    answers = answers_frame(dict(enumerate(rows)))
    flipped = ITEMS.assign(reverse=~ITEMS["reverse"])
    original = scoring.scored_answers(answers, ITEMS)["score"]
    twice = scoring.scored_answers(answers, flipped.assign(reverse=~flipped["reverse"]))["score"]
    mirrored = scoring.scored_answers(answers.assign(value=6 - answers["value"]), flipped)["score"]
    pd.testing.assert_series_equal(original, twice)
    pd.testing.assert_series_equal(original, mirrored)


@pytest.mark.parametrize(
    "gap, band",
    [
        (-20, "much_lower"),
        (-15, "much_lower"),
        (-10, "lower"),
        (-5, "lower"),
        (0, "similar"),
        (4.9, "similar"),
        (5, "higher"),
        (14.9, "higher"),
        (15, "much_higher"),
    ],
)
def test_gap_bands(gap, band):
    assert scoring.gap_band(gap, 15) == band


def test_deltas_between_campaigns():
    now = {"overall": {"score": 50}, "dimensions": {"vision": {"score": 60}, "budget": {"score": None}}}
    before = {"overall": {"score": 40}, "dimensions": {"vision": {"score": 45}, "budget": {"score": 30}}}
    assert scoring.deltas(now, before) == {"overall": 10, "dimensions": {"vision": 15, "budget": None}}
