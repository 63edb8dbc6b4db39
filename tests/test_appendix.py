"""The report's method appendix: reliability, "don't know" by role group, answers by language —
each computed by hand, and each shown only where the disclosure rules allow."""

import numpy as np
import pandas as pd

from assessment import appendix, disclosure
from assessment.disclosure import Group, Plan

# four people, three statements of one dimension (scores 0–100); a fifth who said "don't know" once
SCORES = {"p1": (100, 75, 75), "p2": (50, 50, 25), "p3": (75, 75, 100), "p4": (25, 0, 25), "p5": (50, np.nan, 50)}
ITEMS = pd.DataFrame(
    [
        ("v1", "vision", False, ["everyone"]),
        ("v2", "vision", False, ["everyone"]),
        ("v3", "vision", False, ["everyone"]),
        ("x1", "vision", False, ["executive"]),
    ],
    columns=["item", "dimension", "reverse", "audience"],
)


def scored_frame(table):
    return pd.DataFrame(
        [(r, f"v{i + 1}", "vision", s) for r, row in table.items() for i, s in enumerate(row)],
        columns=["respondent", "item", "dimension", "score"],
    )


def test_cronbach_alpha_and_item_total_correlation_by_hand():
    # item variances 1041.67 + 1250 + 1406.25 = 3697.92; totals 250, 125, 250, 50: variance 9739.58;
    # α = 3/2 × (1 − 3697.92 / 9739.58) = 0.930. p5 ("don't know" on v2) is not a complete case.
    out = appendix.reliability(scored_frame(SCORES), ITEMS, set(SCORES), ["vision"], threshold=3)["vision"]
    assert out["alpha"] == 0.93 and out["n"] == 4 and out["low"] is False
    # v1 against v2 + v3 (150, 75, 175, 25): r = 0.89; the executive-only x1 is not part of it
    assert out["items"] == [
        {"item": "v1", "item_total": 0.89},
        {"item": "v2", "item_total": 0.9},
        {"item": "v3", "item_total": 0.8},
    ]


def test_alpha_is_flagged_below_0_6_and_withheld_below_the_threshold():
    mixed = {"a": (100, 0, 50), "b": (0, 100, 50), "c": (50, 50, 100), "d": (100, 100, 0)}
    out = appendix.reliability(scored_frame(mixed), ITEMS, set(mixed), ["vision"], threshold=3)["vision"]
    assert out["alpha"] < 0.6 and out["low"] is True
    assert appendix.reliability(scored_frame(SCORES), ITEMS, set(SCORES), ["vision"], threshold=5)["vision"] is None


def people(rows):
    return pd.DataFrame(rows, columns=["respondent", "role_group", "department", "language"])


def plan_of(*groups):
    plan = Plan()
    for group in groups:
        plan.groups[group.label] = group
        plan.families.setdefault(disclosure.MEMBERS, []).append(group.label)
    return plan


def test_answers_by_language_are_shown_only_when_no_cell_is_too_small():
    threshold = 3
    rows = [(i, "executive", "", "ja") for i in range(3)] + [(10 + i, "business", "", "ja") for i in range(3)]
    rows += [(20 + i, "business", "", "en") for i in range(3)]
    respondents = people(rows)
    plan = plan_of(Group(label=("org",)), Group(label=("role", "executive"), roles=frozenset(["executive"])))
    scored = pd.DataFrame(
        [(r, "v1", "vision", 100.0 if r >= 20 else 25.0) for r, *_ in rows]
        + [(r, "v2", "vision", np.nan) for r, *_ in rows if r >= 20],
        columns=["respondent", "item", "dimension", "score"],
    )
    out = appendix.answers_by_language(scored, respondents, plan, threshold)
    assert out["shown"]
    english = next(row for row in out["rows"] if row["language"] == "en")
    # 3 favourable and 3 "don't know" of the English answers
    assert (english["n"], english["favourable"], english["dont_know"], english["unfavourable"]) == (3, 50, 50, 0)
    # one executive answering in English would be a cell of one beside the executives' figures
    lone = people([*rows[:2], (2, "executive", "", "en"), *rows[3:]])
    assert not appendix.language_split_safe(lone, plan, threshold)
    assert appendix.answers_by_language(scored, lone, plan, threshold) == {"shown": False, "rows": []}
    # a single language says nothing about language
    assert not appendix.answers_by_language(scored, people([(*r[:3], "ja") for r in rows]), plan, threshold)["shown"]


def test_dont_know_by_role_only_where_the_plan_publishes_the_statement_and_everyone_was_asked():
    respondents = people([(i, "business", "", "ja") for i in range(4)])
    scored = pd.DataFrame(
        [
            (0, "v1", "vision", np.nan),
            (1, "v1", "vision", 50.0),
            (2, "v1", "vision", 75.0),
            (3, "v1", "vision", 25.0),
            *[(i, "v2", "vision", 50.0) for i in range(4)],
        ],
        columns=["respondent", "item", "dimension", "score"],
    )
    plan = plan_of(Group(label=("org",)), Group(label=("role", "business"), roles=frozenset(["business"])))
    plan.families[disclosure.item_family("v1")] = [("role", "business")]
    rows = appendix.dont_know_by_role(scored, respondents, ITEMS, plan, [{"key": "business", "members": ["business"]}])
    rates = rows[0]["items"]
    assert rates["v1"] == 25  # one of four
    assert rates["v2"] is None  # the plan does not publish v2 for this group
    assert rates["x1"] is None  # executives-only: business was never asked


def test_answers_by_language_are_not_shown_when_the_last_release_added_fewer_than_the_threshold():
    threshold = 3
    first = [(i, "business", "", "ja", 1) for i in range(4)] + [(10 + i, "business", "", "en", 1) for i in range(3)]
    plan = plan_of(Group(label=("org",)))
    frame = pd.DataFrame(first, columns=["respondent", "role_group", "department", "language", "batch"])
    assert appendix.language_split_safe(frame, plan, threshold)
    # release 2 adds three people, one of them in English: release 2's English row minus release
    # 1's would be that one person's answers
    later = [*first, (20, "business", "", "en", 2), (21, "business", "", "ja", 2), (22, "business", "", "ja", 2)]
    frame = pd.DataFrame(later, columns=["respondent", "role_group", "department", "language", "batch"])
    assert not appendix.language_split_safe(frame, plan, threshold)
