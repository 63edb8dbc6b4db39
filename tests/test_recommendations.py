"""Choosing recommendations: which fire, in what order, and why."""

import copy

import pytest

from assessment.bands import LevelBands
from assessment.recommendations import (
    catalogue_load,
    catalogue_path,
    catalogue_problems,
    first_three,
    recommendations_select,
)

DIMENSIONS = ("vision", "budget", "buy_in")
NAMES = {
    "vision": {"en": "Vision", "ja": "ビジョン"},
    "budget": {"en": "Budget", "ja": "予算"},
    "buy_in": {"en": "Buy-in", "ja": "協力"},
}
LEVELS = {
    1: {"en": "Ad hoc", "ja": "場当たり的"},
    2: {"en": "Emerging", "ja": "萌芽期"},
    3: {"en": "Defined", "ja": "仕組み化"},
    4: {"en": "Managed", "ja": "組織的管理"},
    5: {"en": "Embedded", "ja": "定着"},
}
WEIGHTS = {"vision": 1.5, "budget": 1.5, "buy_in": 1.0}


def entry(key, dimension, trigger, priority=1):
    text = {"en": key, "ja": key}
    return {
        "key": key,
        "dimension": dimension,
        "trigger": trigger,
        "priority": priority,
        "owner": "executives",
        "horizon": "90d",
        "title": text,
        "summary": text,
        "actions": [text],
    }


CATALOGUE = (
    entry("vision_low", "vision", {"level_at_most": 2}),
    entry("vision_mid", "vision", {"score_below": 60}, priority=2),
    entry("budget_low", "budget", {"level_at_most": 2}),
    entry("buy_in_low", "buy_in", {"level_at_most": 2}),
    entry("vision_gap", "vision", {"gap_at_least": 15}),
    entry("budget_split", "budget", {"spread_at_least": 25}, priority=3),
)


def result(scores, spreads=None, gaps=None):
    from assessment.scoring import level_of

    return {
        "dimensions": {
            k: {"score": s, "level": level_of(s, (0, 20, 40, 60, 80)), "spread": (spreads or {}).get(k), "n": 10}
            for k, s in scores.items()
        },
        "gaps": gaps or [],
    }


def select(res, limit=10):
    return recommendations_select(
        CATALOGUE,
        res,
        dimension_names=NAMES,
        level_names=LEVELS,
        weights=WEIGHTS,
        bands=LevelBands((0, 20, 40, 60, 80)),
        limit=limit,
    )


def test_only_triggered_entries_are_chosen_with_their_reason():
    chosen = select(result({"vision": 35, "budget": 70, "buy_in": 65}))
    assert [c["key"] for c in chosen] == ["vision_low", "vision_mid"]
    reason = chosen[0]["reason"]
    assert reason["kind"] == "level_at_most" and reason["level"] == 2 and reason["score"] == 35
    assert reason["text"]["en"] == "For all respondents, Vision is at level 2 (Emerging): a score of 35."
    assert "ビジョン" in reason["text"]["ja"] and "35" in reason["text"]["ja"]


def test_order_is_priority_then_severity_then_weight():
    chosen = select(result({"vision": 38, "budget": 15, "buy_in": 30}, spreads={"budget": 30}))
    # priority 1 first; among them the furthest below its trigger: budget 15 (25 under level 2's top)
    assert [c["key"] for c in chosen] == ["budget_low", "buy_in_low", "vision_low", "vision_mid", "budget_split"]
    assert chosen[-1]["reason"]["spread"] == 30


def test_equal_severity_prefers_the_heavier_dimension():
    chosen = select(result({"vision": 30, "budget": 70, "buy_in": 30}))
    assert [c["key"] for c in chosen][:2] == ["vision_low", "buy_in_low"]


def test_gap_trigger_fires_on_the_exact_gap_only():
    exact = [{"dimension": "vision", "exact": True, "gap": 22.0, "band": "much_higher"}]
    chosen = select(result({"vision": 70, "budget": 70, "buy_in": 70}, gaps=exact))
    assert [c["key"] for c in chosen] == ["vision_gap"]
    assert "22 points higher" in chosen[0]["reason"]["text"]["en"]
    unpublished = [{"dimension": "vision", "exact": False, "gap": None, "band": None}]
    assert select(result({"vision": 70, "budget": 70, "buy_in": 70}, gaps=unpublished)) == []
    small = [{"dimension": "vision", "exact": True, "gap": 14.0, "band": "higher"}]
    assert select(result({"vision": 70, "budget": 70, "buy_in": 70}, gaps=small)) == []


def test_missing_scores_trigger_nothing():
    assert select(result({"vision": None, "budget": None, "buy_in": None})) == []


def test_limit_and_first_three_are_the_three_most_urgent_across_dimensions():
    chosen = select(result({"vision": 10, "budget": 15, "buy_in": 30}), limit=4)
    assert len(chosen) == 4
    # priority 1 by how far below level 2's top (40): vision 30, budget 25, buy-in 10
    assert [c["key"] for c in first_three(chosen)] == ["vision_low", "budget_low", "buy_in_low"]
    # one dimension far behind can take two of the three
    chosen = select(
        result(
            {"vision": 10, "budget": 70, "buy_in": 70},
            gaps=[{"dimension": "vision", "exact": True, "gap": 40.0, "band": "much_higher"}],
        )
    )
    assert [c["key"] for c in first_three(chosen)] == ["vision_low", "vision_gap", "vision_mid"]


def test_shipped_catalogue_is_valid_and_covers_every_dimension(settings):
    path = catalogue_path("innovation-readiness", "1.0")
    assert path is not None
    keys = ("vision", "budget", "buy_in", "exposure", "team", "system")
    catalogue = catalogue_load(str(path), keys)
    for key in keys:
        assert sum(1 for e in catalogue if e["dimension"] == key) >= 3, key
    assert sum(1 for e in catalogue if "gap_at_least" in e["trigger"]) >= 3
    assert all(e["title"]["ja"] != e["title"]["en"] for e in catalogue)


@pytest.mark.parametrize(
    "break_it, expected",
    [
        (lambda c: c[0].update(dimension="nope"), "is not a dimension"),
        (lambda c: c[0].update(trigger={"level_at_most": 2, "score_below": 40}), "exactly one of"),
        (lambda c: c[0].update(horizon="5y"), "horizon"),
        (lambda c: c[0]["title"].pop("ja"), "title: needs non-empty en and ja"),
        (lambda c: c[1].update(key=c[0]["key"]), "duplicate"),
        (lambda c: c[0].update(actions=[]), "at least one action"),
    ],
)
def test_catalogue_problems_are_reported(break_it, expected):
    broken = copy.deepcopy(list(CATALOGUE))
    break_it(broken)
    problems = catalogue_problems({"recommendations": broken}, set(DIMENSIONS))
    assert any(expected in p for p in problems), problems
