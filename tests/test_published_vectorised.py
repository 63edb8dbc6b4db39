"""The vectorised release results equal the per-group ones they replaced, figure for figure.

`assessment.published` computes every group's figures from per-respondent arrays built once;
`tests/published_reference.py` is the earlier implementation (each group summarised on its own
with pandas). Both are run on generated releases (several releases, "don't know", routed
statements, shuffled answer order, thousands of respondents) and must give identical dicts:
the same floats to the last bit, the same statements in the same order, the same blanks.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import analysis, disclosure, published

from . import published_reference
from .test_disclosure import DEPARTMENTS, ITEMS, ROLES, make_frames, population, release_frames

ROUTED_ITEMS = ITEMS.assign(
    audience=[["everyone"], ["executive"], ["everyone"], ["everyone"], ["innovation_team", "business"], ["everyone"]]
)


def both(frames, plan, department):
    scored, scores, gap_scores = analysis.frames_scores(frames)
    args = (scores, scored, frames.respondents, frames.spec, plan)
    audiences = (
        dict(zip(frames.items["item"], frames.items["audience"], strict=True)) if "audience" in frames.items else None
    )
    new = published.released_results(*args, department=department, gap_scores=gap_scores, audiences=audiences)
    old = published_reference.released_results(*args, department=department, gap_scores=gap_scores, audiences=audiences)
    return new, old


def every_result_equal(frames, threshold, releases):
    """Cut the releases as assessment.releases does and compare every report of every release."""
    plans, compared = [], 0
    for number in range(1, releases + 1):
        batched = release_frames(frames, number)
        if batched.respondents.empty:
            continue
        plan = analysis.plan_for_frames(batched, threshold=threshold, prior=plans)
        if not plan.shows(("org",)):
            continue
        plans.append(disclosure.Plan.from_json(plan.to_json(), upto=number))
        current = disclosure.Plan.from_json(plan.to_json(), upto=None)
        for department in [None, *sorted(set(batched.respondents["department"]))]:
            top = ("org",) if department is None else ("department", department)
            if not current.shows(top):
                continue
            new, old = both(batched, current, department)
            assert new == old, department
            compared += 1
    return compared


def shaped(cells, seed, dont_know, releases, items=ITEMS, shuffle=False):
    people, answers = population(cells, seed, dont_know)
    rng = np.random.default_rng(seed)
    people = [(r, role, d, int(rng.integers(1, releases + 1))) for r, role, d, _ in people]
    frames = make_frames(people, answers)
    frames = analysis.replace(frames, items=items)
    if items is ROUTED_ITEMS:  # a statement not shown to a role group is not answered
        shown = {
            role: {row.item for row in items.itertuples() if "everyone" in row.audience or role in row.audience}
            for role in ROLES
        }
        roles = dict(zip(frames.respondents["respondent"], frames.respondents["role_group"], strict=True))
        keep = [
            item in shown[roles[r]]
            for r, item in zip(frames.answers["respondent"], frames.answers["item"], strict=True)
        ]
        frames = analysis.replace(frames, answers=frames.answers[keep].reset_index(drop=True))
    if shuffle:  # the database returns answers in no particular order
        order = rng.permutation(len(frames.answers))
        frames = analysis.replace(frames, answers=frames.answers.iloc[order].reset_index(drop=True))
    return frames


organisation_shapes = st.dictionaries(
    st.tuples(st.sampled_from(ROLES), st.sampled_from(DEPARTMENTS)), st.integers(1, 15), min_size=1, max_size=20
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    organisation_shapes,
    st.sampled_from([3, 5]),
    st.integers(0, 10_000),
    st.integers(1, 3),
    st.sampled_from([0.0, 0.15, 0.6]),
    st.booleans(),
    st.booleans(),
)
def test_vectorised_results_equal_the_per_group_ones(cells, threshold, seed, releases, dont_know, routed, shuffle):
    frames = shaped(cells, seed, dont_know, releases, items=ROUTED_ITEMS if routed else ITEMS, shuffle=shuffle)
    every_result_equal(frames, threshold, releases)


def test_equal_on_thousands_of_respondents():
    """Long columns: numpy's pairwise sums over thousands of scores, as pandas sums them."""
    cells = {(role, department): 150 for role in ROLES for department in DEPARTMENTS}  # 3,000 people
    frames = shaped(cells, seed=7, dont_know=0.1, releases=2, items=ROUTED_ITEMS, shuffle=True)
    assert every_result_equal(frames, threshold=5, releases=2) >= 2 * (1 + len(DEPARTMENTS))


def test_a_group_nobody_answered_a_statement_of_lists_it_no_more_than_before():
    """A statement answered by nobody of a department (not shown to its roles) is left out of that
    department's statements, as pandas' groupby left it out; blank items stay blank."""
    cells = {("executive", "d1"): 6, ("business", "d2"): 6, ("corporate", "d2"): 6}
    frames = shaped(cells, seed=3, dont_know=0.0, releases=1, items=ROUTED_ITEMS)
    plan = analysis.plan_for_frames(release_frames(frames, 1), threshold=3)
    new, old = both(release_frames(frames, 1), plan, "d2")
    assert new == old
    assert "v2" not in {row["item"] for row in new["items"]}  # executive-only: nobody in d2 was asked
    assert "v2" in {row["item"] for row in both(release_frames(frames, 1), plan, None)[0]["items"]}


def test_scores_out_of_respondent_order_are_read_by_respondent():
    """The arrays follow the respondents' order; a score table in another order is aligned to it."""
    cells = {("executive", "d1"): 6, ("business", "d2"): 7}
    frames = release_frames(shaped(cells, seed=5, dont_know=0.2, releases=1), 1)
    plan = analysis.plan_for_frames(frames, threshold=5)
    scored, scores, gap_scores = analysis.frames_scores(frames)
    expected = published.released_results(scores, scored, frames.respondents, frames.spec, plan, gap_scores=gap_scores)
    reordered = scores.iloc[::-1]
    got = published.released_results(reordered, scored, frames.respondents, frames.spec, plan, gap_scores=gap_scores)
    assert got == expected
    assert got["org"]["n"] == 13


@pytest.mark.parametrize("rows", [0, 1, 5, 400])
def test_atoms_are_the_distinct_role_department_batch_rows_first_seen_first(rows):
    rng = np.random.default_rng(rows)
    respondents = pd.DataFrame(
        {
            "respondent": range(rows),
            "role_group": rng.choice(["executive", "business", None], rows),
            "department": rng.choice(["d1", "d2", None], rows),
            "batch": rng.integers(1, 4, rows),
        }
    )
    atoms, index = disclosure.atoms_of(respondents)
    keys = list(
        zip(
            respondents["role_group"].fillna(""),
            respondents["department"].fillna(""),
            respondents["batch"],
            strict=True,
        )
    )
    expected = list(dict.fromkeys(keys))
    assert list(atoms.itertuples(index=False, name=None)) == expected
    assert [expected[i] for i in index] == keys


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    organisation_shapes,
    st.integers(0, 10_000),
    st.sampled_from([0.0, 0.15, 0.6]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_respondent_scores_equal_the_groupby_ones(cells, seed, dont_know, routed, shuffle, listed):
    from assessment import routing, scoring

    items = ROUTED_ITEMS if routed else ITEMS
    frames = shaped(cells, seed, dont_know, 1, items=items, shuffle=shuffle)
    scored = scoring.scored_answers(frames.answers, frames.items)
    required = routing.routed_minimum(frames.items, frames.respondents, frames.spec.min_answered) if routed else None
    respondents = frames.respondents if listed else None
    new = scoring.respondent_scores(scored, frames.spec, respondents, required=required)
    old = published_reference.respondent_scores(scored, frames.spec, respondents, required=required)
    pd.testing.assert_frame_equal(new, old)
    # a statement subset (the perception gap's basis) and nobody at all
    subset = scored[scored["item"].isin({"v1", "b2"})]
    pd.testing.assert_frame_equal(
        scoring.respondent_scores(subset, frames.spec, respondents),
        published_reference.respondent_scores(subset, frames.spec, respondents),
    )
    empty = scored.iloc[:0]
    pd.testing.assert_frame_equal(
        scoring.respondent_scores(empty, frames.spec, frames.respondents),
        published_reference.respondent_scores(empty, frames.spec, frames.respondents),
    )


@pytest.mark.parametrize("shuffle", [False, True])
def test_scored_answers_equal_the_merged_ones(shuffle):
    from assessment import scoring

    frames = shaped(
        {(role, department): 4 for role in ROLES for department in DEPARTMENTS[:2]},
        seed=11,
        dont_know=0.2,
        releases=1,
        shuffle=shuffle,
    )
    stray = pd.DataFrame({"respondent": [0], "value": [3.0], "item": ["not-a-statement"]})
    answers = pd.concat(
        [frames.answers.iloc[:5], stray, frames.answers.iloc[5:]]
    )  # an unknown item, a gap in the index
    pd.testing.assert_frame_equal(
        scoring.scored_answers(answers, frames.items), published_reference.scored_answers(answers, frames.items)
    )
    with pytest.raises(ValueError):  # the merge's MergeError is a ValueError too
        scoring.scored_answers(answers, pd.concat([frames.items, frames.items]))


@pytest.mark.parametrize("routed", [False, True])
def test_answered_table_equals_the_crosstab(routed):
    from assessment import scoring

    frames = shaped(
        {(role, department): 3 for role in ROLES for department in DEPARTMENTS[:3]},
        seed=2,
        dont_know=0.3,
        releases=1,
        items=ROUTED_ITEMS if routed else ITEMS,
        shuffle=True,
    )
    scored = scoring.scored_answers(frames.answers, frames.items)
    keys = [*frames.items["item"], "never-answered"]
    new = scoring.answered_table(scored, frames.respondents, keys)
    pd.testing.assert_frame_equal(new, published_reference.answered_table(scored, frames.respondents, keys))
    assert not new["never-answered"].any() and new.to_numpy().sum() == scored["score"].notna().sum()
