"""A disclosure oracle, independent of assessment.disclosure: from what a viewer can see, can
they determine the combined answers of fewer respondents than the threshold?

Every published figure is a mean, count, spread or share over a known set of respondents, so it
gives away at most the sums over that set of a few per-respondent quantities. Per family of
quantities (a dimension's scores, a statement's answers, membership counts) the viewer knows the
row space of the matrix whose rows are the indicator vectors of the published sets. The sum over
a set T is determined exactly when 1_T lies in that row space. Respondents whose columns are equal
cannot be told apart, so T is a union of such classes; every union of small classes is tried.
A respondent viewer also knows their own answers (their unit vector); they may learn the pooled
answers of the others in a group of `threshold`, never of fewer.

`published_sets` reads the result dicts the product returns (organisation and department
results of every release) and lists, per family, the respondent sets behind each figure that is
not None: it knows only the product's meaning of each row (role, department, "other" members),
not how the product chose them.
"""

from itertools import combinations

import numpy as np
import pandas as pd

EXECUTIVE = "executive"


def _role_set(people, roles):
    return set(people.index[people["role_group"].isin(roles)])


def published_sets(result, people, scored_in, answered, department=None, gap_scored_in=None):
    """{family: [set of respondent ids]} behind every figure of one result dict.

    `people`: the release's respondents (index respondent; role_group, department), `scored_in`:
    {dimension: set of ids with a score}, `answered`: {item: set of ids that answered it},
    `gap_scored_in`: {dimension: set of ids with a score on the statements both sides answered}.
    """
    if not result.get("shown"):
        return {}
    base = set(people.index) if department is None else set(people.index[people["department"] == department])
    scope = people.loc[sorted(base)]
    out = {}

    def add(family, ids):
        if ids:
            out.setdefault(family, []).append(frozenset(ids))

    def group(ids, cells):
        add(("members",), ids)
        for key, cell in cells["dimensions"].items():
            if cell["score"] is not None or cell["spread"] is not None or cell["favourable"] is not None:
                add(("dimension", key), ids & scored_in[key])

    # The headline cells describe everyone but the executives where `basis` says so; everyone's
    # and the executives' own figures sit beside them.
    executives = _role_set(scope, [EXECUTIVE])
    add(("members",), base)
    for key, cell in result["dimensions"].items():
        if cell["score"] is not None or cell["spread"] is not None or cell["favourable"] is not None:
            add(("dimension", key), (base - executives if cell.get("basis") == "staff" else base) & scored_in[key])
        for name, ids in (("everyone", base), ("executives", executives)):
            nested = cell.get(name)
            if nested and (nested["score"] is not None or nested["spread"] is not None):
                add(("dimension", key), ids & scored_in[key])
    for row in result["groups"]["role_group"]:
        group(_role_set(scope, row["members"]), row)
    for row in result["groups"]["department"]:
        group(set(scope.index[scope["department"].isin(row["members"])]), row)
    for gap in result["gaps"]:
        key = gap["dimension"]
        if gap["executives"] is not None:
            add(("gap", key), _role_set(scope, [EXECUTIVE]) & gap_scored_in[key])
        if gap["others"] is not None:
            add(("gap", key), (base - _role_set(scope, [EXECUTIVE])) & gap_scored_in[key])
        if gap["gap"] is not None and gap["executives"] is None:
            raise AssertionError("a gap without its two sides cannot be checked")
    for side in ("executives", "staff"):
        cells = result.get(side)
        if cells:
            ids = _role_set(scope, [EXECUTIVE]) if side == "executives" else base - _role_set(scope, [EXECUTIVE])
            group(ids, cells)
    # the method appendix: a role group's "don't know" rate of a statement gives away how many of
    # the group answered it (the group's size is published)
    for row in (result.get("method") or {}).get("dont_know_by_role", []):
        for item, rate in row["items"].items():
            if rate is not None:
                add(("item", item), _role_set(scope, row["members"]) & answered[item])
    for item in result["items"]:
        if item["score"] is not None or item["answered"] is not None:
            add(("item", item["item"]), base & answered[item["item"]])
    return out


def merge(*maps):
    out = {}
    for mapping in maps:
        for family, sets in mapping.items():
            out.setdefault(family, []).extend(sets)
    return out


def _classes(sets, universe):
    """Respondents grouped by the published sets they belong to (equal columns)."""
    signature = {}
    for person in universe:
        key = tuple(person in s for s in sets)
        if any(key):
            signature.setdefault(key, []).append(person)
    return list(signature.values())


def isolated_sets(sets, threshold, viewer=None):
    """Sets of respondents whose pooled answers are determined and who are fewer than allowed.

    Without a viewer: fewer than `threshold`. With a respondent viewer (who knows their own
    answers): other respondents fewer than `threshold - 1`. Returns a list of such sets (empty if safe).
    """
    universe = sorted(set().union(*sets)) if sets else []
    if not universe:
        return []
    rows = [list(s) for s in sets]
    if viewer is not None and viewer in universe:
        rows.append([viewer])
    classes = _classes([set(r) for r in rows], universe)
    column = {p: i for i, c in enumerate(classes) for p in c}
    matrix = np.zeros((len(rows), len(classes)))
    for i, members in enumerate(rows):
        for p in members:
            matrix[i, column[p]] = 1.0  # all of a class is in or out together
    # null space of the class matrix: 1_T is determined iff its class vector is orthogonal to it
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:].T  # classes × nullity
    limit = threshold - 1 if viewer is not None else threshold
    small = [i for i, c in enumerate(classes) if len(c) < limit and viewer not in c]
    found = []
    for size in range(1, limit):
        for combo in combinations(small, size):
            weight = sum(len(classes[i]) for i in combo)
            if weight >= limit:
                continue
            if null.shape[1] == 0 or np.allclose(null[list(combo)].sum(axis=0), 0, atol=1e-8):
                found.append(frozenset().union(*(classes[i] for i in combo)))
        if found:
            return found
    return found


def violations(visible, threshold, respondents=None):
    """Every (family, viewer, isolated set) for a staff viewer and for each respondent viewer."""
    problems = []
    for family, sets in visible.items():
        for found in isolated_sets(sets, threshold):
            problems.append((family, None, sorted(found)))
        if respondents is None:
            continue
        # Respondents with the same published sets see the same thing: one of each class will do.
        universe = sorted(set().union(*sets))
        for members in _classes(sets, universe):
            viewer = members[0]
            for found in isolated_sets(sets, threshold, viewer=viewer):
                problems.append((family, viewer, sorted(found)))
    return problems


def frame_people(respondents):
    people = respondents.set_index("respondent")[["role_group", "department"]].copy()
    people["role_group"] = people["role_group"].fillna("").astype(str)
    people["department"] = people["department"].fillna("").astype(str)
    return people


def contributor_sets(scores, answered_table):
    scored_in = {key: set(scores.index[scores[key].notna()]) for key in scores.columns}
    answered = {key: set(answered_table.index[answered_table[key]]) for key in answered_table.columns}
    return scored_in, answered


__all__ = ["contributor_sets", "frame_people", "isolated_sets", "merge", "pd", "published_sets", "violations"]
