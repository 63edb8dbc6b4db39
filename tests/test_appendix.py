"""The report's method appendix: reliability, "don't know" by role group, answers by language —
each computed by hand, and each shown only where the disclosure rules allow."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import appendix, disclosure
from assessment.disclosure import Group, Plan

from . import appendix_reference

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


# --- the vectorised appendix against the one-group-at-a-time reference ---------------------------


ROLES = ["executive", "business", "innovation"]
WIDE_ITEMS = pd.DataFrame(
    [(f"v{i}", "vision", False, ["everyone"]) for i in range(4)]
    + [(f"b{i}", "budget", False, ["everyone"]) for i in range(3)]
    + [("bx", "budget", False, ["executive"])],
    columns=["item", "dimension", "reverse", "audience"],
)


@st.composite
def organisations(draw):
    size = draw(st.integers(min_value=0, max_value=40))
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=size, max_size=size))
    answers = []
    for person, role in enumerate(roles):
        for item, audience in zip(WIDE_ITEMS["item"], WIDE_ITEMS["audience"], strict=True):
            if "everyone" not in audience and role not in audience:
                continue  # not asked
            score = draw(st.sampled_from([0.0, 25.0, 50.0, 75.0, 100.0, np.nan]))
            answers.append((person, item, WIDE_ITEMS.set_index("item").loc[item, "dimension"], score))
    respondents = people([(person, role, "", "ja") for person, role in enumerate(roles)])
    scored = pd.DataFrame(answers, columns=["respondent", "item", "dimension", "score"])
    return respondents, scored, draw(st.integers(min_value=2, max_value=6))


def _close(left, right):
    if left is None or right is None:
        return left is right
    return abs(left - right) <= 0.011  # the same r, rounded to two places from sums taken in another order


@settings(max_examples=60, deadline=None)
@given(organisations())
def test_vectorised_reliability_matches_the_reference(organisation):
    respondents, scored, threshold = organisation
    members = set(respondents["respondent"])
    dims = ["vision", "budget"]
    fast = appendix.reliability(scored, WIDE_ITEMS, members, dims, threshold)
    slow = appendix_reference.reliability(scored, WIDE_ITEMS, members, dims, threshold)
    for key in dims:
        assert (fast[key] is None) == (slow[key] is None), key
        if fast[key] is None:
            continue
        assert fast[key]["n"] == slow[key]["n"] and fast[key]["low"] == slow[key]["low"]
        assert _close(fast[key]["alpha"], slow[key]["alpha"])
        assert [row["item"] for row in fast[key]["items"]] == [row["item"] for row in slow[key]["items"]]
        for mine, theirs in zip(fast[key]["items"], slow[key]["items"], strict=True):
            assert _close(mine["item_total"], theirs["item_total"]), (mine, theirs)


@settings(max_examples=60, deadline=None)
@given(organisations(), st.sets(st.sampled_from(list(WIDE_ITEMS["item"]))))
def test_vectorised_dont_know_by_role_matches_the_reference(organisation, published_items):
    respondents, scored, _threshold = organisation
    groups = [Group(label=("role", role), roles=frozenset([role])) for role in ROLES]
    plan = plan_of(Group(label=("org",)), *groups, Group(label=("role_other",)))
    for item in published_items:
        plan.families[disclosure.item_family(item)] = [group.label for group in groups] + [("role_other",)]
    rows = [{"key": role, "members": [role]} for role in ROLES] + [{"key": None, "members": ["business", "innovation"]}]
    fast = appendix.dont_know_by_role(scored, respondents, WIDE_ITEMS, plan, rows)
    assert fast == appendix_reference.dont_know_by_role(scored, respondents, WIDE_ITEMS, plan, rows)
