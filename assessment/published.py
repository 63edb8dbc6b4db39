"""A release's results: each published group summarised, and every unpublished figure left out.

Pure functions over frames and a disclosure plan (assessment.disclosure); no database access.
Nothing here decides what may be shown: it only computes what the plan publishes, and blanks
(None) every figure of a family the plan does not publish for that group.

A report shows dozens of groups (roles, thirty departments, roles within a department). The
per-respondent arrays every group needs are built once (`_Population`: one pass over the
answers); a group is then a boolean mask over respondents, and its figures a few numpy sums.
The arithmetic is pandas' own (a dimension's mean and spread over the group's scores in
respondent order, favourable shares from integer counts), so the figures are the very numbers
`scoring.summarise` gives for the group on its own (tests/test_published_vectorised.py).
"""

from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import disclosure, routing, scoring
from .disclosure import Group, Label, Plan
from .result_types import DimensionScore, GroupRow, GroupSummary, PerceptionGap, ReleaseFigures, StatementScore

Floats = npt.NDArray[np.float64]
GapSide = dict[str, tuple[float, int]]  # dimension -> (mean on the shared statements, people)


def _atom_frame(respondents: pd.DataFrame) -> pd.DataFrame:
    frame = respondents.assign(
        role_group=respondents["role_group"].fillna("").astype(str),
        department=respondents["department"].fillna("").astype(str),
    )
    return frame if "batch" in frame else frame.assign(batch=1)


def members(respondents: pd.DataFrame, group: Group) -> pd.Series:
    frame = _atom_frame(respondents)
    return frame.loc[group.mask(frame), "respondent"]


class _Population:
    """Per-respondent arrays of one release, from which any group's figures are sums over a mask.

    Columns are the release's respondents in the order of `respondents` (the order of the score
    tables, as `scoring.summarise` sees them); a group's mask comes from the atoms (role group,
    department, batch) of `disclosure.atoms_of`.
    """

    def __init__(
        self,
        scores: pd.DataFrame,
        scored: pd.DataFrame,
        respondents: pd.DataFrame,
        spec: scoring.FrameworkSpec,
        gap_scores: pd.DataFrame | None,
    ) -> None:
        frame = _atom_frame(respondents)
        self.atoms, self.row_atoms = disclosure.atoms_of(frame)
        ids = pd.Index(frame["respondent"].to_numpy())
        self.role_groups = frame["role_group"].to_numpy()
        self.dimensions = list(spec.dimensions)
        self.spec = spec
        self._masks: dict[Label, npt.NDArray[np.bool_]] = {}
        self.scores = self._columns(scores, ids)
        self.gaps = self._columns(gap_scores, ids) if gap_scores is not None else None
        # statement × respondent: score (NaN for "don't know" or not asked) and the row number of
        # the answer, which orders statements as pandas' groupby does (first seen first)
        rows = ids.get_indexer(scored["respondent"])
        codes, self.item_keys = pd.factorize(scored["item"])
        first = np.unique(codes, return_index=True)[1]
        self.item_dimensions = scored["dimension"].to_numpy()[first]
        keep = (rows >= 0) & (codes >= 0)
        shape = (len(self.item_keys), len(ids))
        self.item_scores: Floats = np.full(shape, np.nan)
        self.item_scores[codes[keep], rows[keep]] = scored["score"].to_numpy(dtype=float)[keep]
        self.absent = len(scored)
        self.item_order: npt.NDArray[np.int64] = np.full(shape, self.absent, dtype=np.int64)
        where = np.flatnonzero(keep)[::-1]  # reversed: the first answer of a pair is written last
        self.item_order[codes[where], rows[where]] = where
        # answers and favourable answers per dimension × respondent: integer counts, so a group's
        # favourable share is exactly the one pandas computes over the group's answers
        answered = ~np.isnan(self.item_scores)
        favourable = self.item_scores >= scoring.FAVOURABLE_MIN
        dimension_of = pd.Index(self.dimensions).get_indexer(self.item_dimensions)
        self.answers: npt.NDArray[np.int64] = np.zeros(self.scores.shape, dtype=np.int64)
        self.favourable: npt.NDArray[np.int64] = np.zeros(self.scores.shape, dtype=np.int64)
        for d in range(len(self.dimensions)):
            mine = dimension_of == d
            self.answers[d] = answered[mine].sum(axis=0)
            self.favourable[d] = favourable[mine].sum(axis=0)

    def _columns(self, table: pd.DataFrame, ids: pd.Index) -> Floats:
        """dimension × respondent array of a respondent × dimension table (a missing dimension:
        all NaN). Each row is contiguous, so a group's column is summed in the same order, hence
        to the same bits, as pandas sums it."""
        if not table.index.equals(ids):
            table = table.reindex(ids)
        return np.ascontiguousarray(table.reindex(columns=self.dimensions).to_numpy(dtype=float).T, dtype=np.float64)

    def mask(self, group: Group) -> npt.NDArray[np.bool_]:
        if group.label not in self._masks:
            self._masks[group.label] = group.mask(self.atoms)[self.row_atoms]
        return self._masks[group.label]

    def summary(self, label: Label, plan: Plan) -> GroupSummary:
        mask = self.mask(plan.groups[label])
        dimensions: dict[str, DimensionScore] = {}
        for d, key in enumerate(self.dimensions):
            keep = mask & ~np.isnan(self.scores[d])
            column = self.scores[d][keep]
            n = len(column)
            score = scoring.rounded(_mean(column))
            answers = self.answers[d][keep].sum()
            share = (
                scoring.rounded(float(np.float64(self.favourable[d][keep].sum()) / answers * 100)) if answers else None
            )
            dimensions[key] = {
                "score": score,
                "level": self.spec.bands.level(score, share),
                "n": int(n),
                "spread": scoring.rounded(_std(column)) if n > 1 else None,
                "favourable": share,
            }
            if not plan.shows(label, disclosure.dimension_family(key)):
                dimensions[key].update({"score": None, "level": None, "n": None, "spread": None, "favourable": None})
        return {"n": int(mask.sum()), "dimensions": dimensions, "overall": scoring.overall_of(dimensions, self.spec)}

    def items(self, label: Label, plan: Plan, audiences: Mapping[str, Any] | None = None) -> list[StatementScore]:
        """Per statement the group answered at all (value or "don't know"), first answered first.

        "Don't know" (asked but not answered) is known only where everyone in the group was asked:
        a routed statement's askers are a role cell the release may not publish.
        """
        mask = self.mask(plan.groups[label])
        n = int(mask.sum())
        roles = set(self.role_groups[mask])
        first = self.item_order[:, mask].min(axis=1, initial=self.absent)
        scores = self.item_scores[:, mask]
        has = ~np.isnan(scores)
        answered = has.sum(axis=1)
        # item scores are multiples of 25: these sums are exact integers, as pandas' are
        totals = np.where(has, scores, 0.0).sum(axis=1)
        favourable = (scores >= scoring.FAVOURABLE_MIN).sum(axis=1)
        out: list[StatementScore] = []
        for i in np.argsort(first):
            if first[i] == self.absent:
                break  # this statement and the rest: nobody of the group answered them at all
            key, count = self.item_keys[i], int(answered[i])
            row: StatementScore = {
                "item": key,
                "dimension": self.item_dimensions[i],
                "score": None,
                "favourable": None,
                "answered": None,
                "dont_know": None,
            }
            if plan.shows(label, disclosure.item_family(key)):
                audience = (audiences or {}).get(key)
                asked_all = audience is None or all(routing.audience_includes(audience, role) for role in roles)
                row.update({"answered": count, "dont_know": n - count if asked_all else None})
                if count:
                    row.update(
                        {
                            "score": scoring.rounded(totals[i] / count),
                            "favourable": scoring.rounded(favourable[i] / count * 100),
                        }
                    )
            out.append(row)
        return out

    def gap_side(self, label: Label, plan: Plan) -> GapSide:
        """A side's mean per dimension on the shared statements, where the plan publishes it."""
        if label not in plan.groups or not plan.shows(label) or self.gaps is None:
            return {}
        mask = self.mask(plan.groups[label])
        out: GapSide = {}
        for d, key in enumerate(self.dimensions):
            column = self.gaps[d][mask & ~np.isnan(self.gaps[d])]
            # the mean of values is never None: the walrus only tells the type checker so
            if (
                len(column)
                and plan.shows(label, disclosure.gap_family(key))
                and (mean := scoring.rounded(_mean(column))) is not None
            ):
                out[key] = (mean, len(column))
        return out


def _mean(column: Floats) -> float | None:
    """pandas' mean of a column without missing values: numpy's (pairwise) sum over the count."""
    return float(column.sum(dtype=np.float64) / np.float64(len(column))) if len(column) else None


def _std(column: Floats) -> float:
    """pandas' sample standard deviation (its two-pass variance, ddof=1)."""
    count = np.float64(len(column))
    average = column.sum(dtype=np.float64) / count
    return float(np.sqrt(((average - column) ** 2).sum(dtype=np.float64) / (count - 1)))


# A perception gap's figures where they are not shown (one side unpublished, or a personal report).
GAP_WITHHELD: dict[str, Any] = {
    "gap": None,
    "band": None,
    "large": None,
    "exact": False,
    "executives": None,
    "others": None,
    "n_executives": None,
    "n_others": None,
}


def _gaps(
    executives: GapSide, staff: GapSide, spec: scoring.FrameworkSpec, compared: Mapping[str, int]
) -> list[PerceptionGap]:
    """Executives minus everyone else per dimension, on shared statements, where both are published."""
    gaps: list[PerceptionGap] = []
    for key in spec.dimensions:
        entry = cast(PerceptionGap, {"dimension": key, **GAP_WITHHELD, "items_compared": compared.get(key, 0)})
        if key in executives and key in staff:
            (mine, n_mine), (theirs, n_theirs) = executives[key], staff[key]
            gap = mine - theirs
            entry.update(
                {
                    "gap": gap,
                    "exact": True,
                    "band": scoring.gap_band(gap, spec.gap_threshold),
                    "large": abs(gap) >= spec.gap_threshold,
                    "executives": mine,
                    "others": theirs,
                    "n_executives": n_mine,
                    "n_others": n_theirs,
                }
            )
        gaps.append(entry)
    return gaps


def released_results(
    scores: pd.DataFrame,
    scored: pd.DataFrame,
    respondents: pd.DataFrame,
    spec: scoring.FrameworkSpec,
    plan: Plan,
    *,
    department: str | None = None,
    gap_scores: pd.DataFrame | None = None,
    audiences: Mapping[str, Any] | None = None,
) -> ReleaseFigures:
    """Organisation (or one department's) results, exactly as far as `plan` publishes them."""
    prefix: Label = () if department is None else ("in", department)
    top: Label = ("org",) if department is None else ("department", department)
    population = _Population(scores, scored, respondents, spec, gap_scores)
    cache: dict[Label, GroupSummary] = {}

    def summary(label: Label) -> GroupSummary:
        if label not in cache:
            cache[label] = population.summary(label, plan)
        return cache[label]

    def published(label: Label) -> GroupSummary | None:
        return summary(label) if plan.shows(label) else None

    def row(key: str | None, members: list[str], label: Label) -> GroupRow:
        return {"key": key, "members": members, **summary(label)}

    executives = published((*prefix, "role", disclosure.EXECUTIVE))
    staff = published((*prefix, "nonexecutive"))
    role_rows: list[GroupRow] = []  # labelled (*prefix, "role", key), in publication order
    for label in plan.families.get(disclosure.MEMBERS, []):
        if len(label) == len(prefix) + 2 and label[: len(prefix)] == prefix and label[len(prefix)] == "role":
            role_rows.append(row(label[-1], [label[-1]], label))
    other = (*prefix, "role_other")
    if plan.shows(other):
        role_rows.append(row(None, sorted(plan.groups[other].roles or ()), other))
    department_rows: list[GroupRow] = []
    if department is None:
        for label in plan.families.get(disclosure.MEMBERS, []):
            if len(label) == 2 and label[0] == "department":
                department_rows.append(row(label[1], [label[1]], label))
        if plan.shows(("department_other",)):
            names = sorted(plan.groups[("department_other",)].departments or ())
            department_rows.append(row(None, names, ("department_other",)))
    return {
        "org": summary(top),
        "executives": executives,
        "staff": staff,
        "gaps": _gaps(
            population.gap_side((*prefix, "role", disclosure.EXECUTIVE), plan),
            population.gap_side((*prefix, "nonexecutive"), plan),
            spec,
            gap_scores.attrs.get("items_compared", {}),
        )
        if gap_scores is not None
        else [],
        "roles": role_rows,
        "departments": department_rows,
        "items": population.items(top, plan, audiences),
    }
