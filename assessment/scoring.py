"""What the numbers mean: pure functions over pandas frames, no database access.

Frames in:
    answers      respondent, item, value    value 1–5, NaN for "don't know"
    items        item, dimension, reverse
    respondents  respondent, role_group, department

Definitions (DOMAIN.md):
    item score        1 → 0 … 5 → 100, reversed items mirrored; "don't know" has no score
    respondent score  per dimension, mean of the respondent's item scores; missing when fewer than
                      `min_answered` items were answered
    group score       mean of its respondents' dimension scores (each person counts once)
    spread            standard deviation of those respondent scores (consensus)
    favourable        share of answered items scoring 75 or more (agree / disagree-with-reversed)
    overall index     weighted mean of the dimension scores present
    level             the highest level whose score minimum AND favourable-share minimum the group
                      meets (framework levels: `min`, `favourable_min`; 1.0 has no share rule)

Every published figure is rounded to whole points (half up) before it is banded or compared with a
trigger, so a score shown as 60 is level 4 wherever bands start at 60, and 59.5 is shown and
treated as 60.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from .bands import LevelBands, rounded
from .result_types import (
    DimensionScore,
    GapBand,
    GroupSummary,
    HeadlineScore,
    OverallScore,
    ReleasedResults,
    ScoreChange,
)

__all__ = [
    "EXPERIENCED_FIELDS",
    "FAVOURABLE_MIN",
    "GAP_BANDS",
    "LEVEL_KEYS",
    "FrameworkSpec",
    "LevelBands",
    "answered_table",
    "deltas",
    "experienced",
    "gap_band",
    "item_scores",
    "item_summary",
    "level_of",
    "overall_index",
    "overall_of",
    "respondent_scores",
    "rounded",
    "scored_answers",
    "summarise",
]

FAVOURABLE_MIN = 75.0
LEVEL_KEYS = ("ad_hoc", "emerging", "defined", "managed", "embedded")


@dataclass(frozen=True)
class FrameworkSpec:
    dimensions: tuple[str, ...]  # keys in questionnaire order
    weights: dict[str, float]  # key -> weight
    level_mins: tuple[float, ...]  # lower bound of levels 1..5, e.g. (0, 20, 40, 60, 80)
    min_answered: int
    gap_threshold: float
    favourable_mins: tuple[float, ...] = field(default=())  # favourable share (%) levels 1..5 need; () no rule

    @property
    def bands(self) -> LevelBands:
        return LevelBands(tuple(self.level_mins), tuple(self.favourable_mins))


# --- single values -----------------------------------------------------------------------------


def item_scores(values: npt.ArrayLike, reverse: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """0–100 scores for answers 1–5 (NaN stays NaN); `reverse` mirrors them."""
    score = (np.asarray(values, dtype=float) - 1.0) * 25.0
    return np.where(np.asarray(reverse, dtype=bool), 100.0 - score, score)


def level_of(
    score: float | None,
    level_mins: Iterable[float],
    favourable: float | None = None,
    favourable_mins: Iterable[float] = (),
) -> int | None:
    """Maturity level 1–5 for a 0–100 score (and favourable share), or None for a missing score."""
    return LevelBands(tuple(level_mins), tuple(favourable_mins)).level(score, favourable)


def overall_index(dimension_scores: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """Weighted mean of the dimension scores that are present; None when none is."""
    present = {k: s for k, s in dimension_scores.items() if s is not None and not pd.isna(s)}
    total = sum(weights[k] for k in present)
    if not present or total == 0:
        return None
    return sum(s * weights[k] for k, s in present.items()) / total


# --- frames ------------------------------------------------------------------------------------


def scored_answers(answers: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """answers joined to their items with a 0–100 `score` column (answers to unknown items dropped)."""
    keys = pd.Index(items["item"])
    if not keys.is_unique:
        raise ValueError("items must have unique keys")
    # the join by position: what a merge gives (answers' order, a fresh index), without its hashing
    where = keys.get_indexer(answers["item"])
    known = where >= 0
    frame = answers[known].reset_index(drop=True) if not known.all() else answers.reset_index(drop=True)
    where = where[known]
    frame = frame.assign(dimension=items["dimension"].to_numpy()[where], reverse=items["reverse"].to_numpy()[where])
    frame["score"] = item_scores(frame["value"], frame["reverse"])
    return frame


def respondent_scores(
    scored: pd.DataFrame,
    spec: FrameworkSpec,
    respondents: pd.DataFrame | None = None,
    required: pd.Series | None = None,
) -> pd.DataFrame:
    """Respondent × dimension table of scores (NaN where too few items were answered).

    `required`: answers needed per (respondent, dimension) when statements are routed by role
    (`routing.routed_minimum`); otherwise `spec.min_answered` for everyone.
    """
    answered = scored[scored["score"].notna()]
    rows = pd.Index(respondents["respondent"] if respondents is not None else np.unique(answered["respondent"]))
    people = rows.unique()
    dimensions = pd.Index(list(spec.dimensions), name="dimension")
    # sums and counts per (respondent, dimension) cell in one pass; item scores are multiples of
    # 25, so every sum is exact and each mean the very one a pandas groupby gives
    person = people.get_indexer(answered["respondent"])
    dimension = dimensions.get_indexer(answered["dimension"])
    keep = (person >= 0) & (dimension >= 0)
    cells = person[keep] * len(dimensions) + dimension[keep]
    size = len(people) * len(dimensions)
    count = np.bincount(cells, minlength=size)
    total = np.bincount(cells, weights=answered["score"].to_numpy(dtype=float)[keep], minlength=size)
    need = np.full(size, float(spec.min_answered))
    if required is not None:
        who = people.get_indexer(required.index.get_level_values("respondent"))
        which = dimensions.get_indexer(required.index.get_level_values("dimension"))
        known = (who >= 0) & (which >= 0)
        need[who[known] * len(dimensions) + which[known]] = required.to_numpy(dtype=float)[known]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where((count > 0) & (count >= need), total / count, np.nan)
    table = pd.DataFrame(
        means.reshape(len(people), len(dimensions)), index=pd.Index(people, name="respondent"), columns=dimensions
    )
    return table if len(people) == len(rows) else table.reindex(pd.Index(rows, name="respondent"))


def summarise(scores: pd.DataFrame, scored: pd.DataFrame, spec: FrameworkSpec) -> GroupSummary:
    """Scores of one group: per dimension score, level, n, spread, favourable; and the overall index.

    `scores` is the group's rows of `respondent_scores`, `scored` its rows of `scored_answers`.
    "Favourable" counts the answers of the people who have a score for the dimension, so every
    figure of a dimension describes the same people.
    """
    answered = scored.dropna(subset=["score"])
    has_score = scores.stack().dropna().index  # (respondent, dimension) pairs with a score
    keep = pd.MultiIndex.from_arrays([answered["respondent"], answered["dimension"]]).isin(has_score)
    answered = answered[keep]
    favourable = (answered["score"] >= FAVOURABLE_MIN).groupby(answered["dimension"]).mean()
    dimensions: dict[str, DimensionScore] = {}
    bands = spec.bands
    for key in spec.dimensions:
        column = scores[key].dropna() if key in scores else pd.Series(dtype=float)
        score = rounded(column.mean()) if len(column) else None
        share = rounded(favourable[key] * 100) if key in favourable.index else None
        dimensions[key] = {
            "score": score,
            "level": bands.level(score, share),
            "n": len(column),
            "spread": rounded(column.std(ddof=1)) if len(column) > 1 else None,
            "favourable": share,
        }
    return {"n": len(scores), "dimensions": dimensions, "overall": overall_of(dimensions, spec)}


def overall_of(dimensions: Mapping[str, DimensionScore], spec: FrameworkSpec) -> OverallScore:
    """The index over the shown dimensions; its level needs the same share of favourable answers
    as a dimension's, taken as the weighted mean of the dimensions' shares."""
    overall = overall_index({k: d["score"] for k, d in dimensions.items()}, spec.weights)
    share = overall_index({k: d["favourable"] for k, d in dimensions.items() if d["score"] is not None}, spec.weights)
    overall = rounded(overall)
    return {"score": overall, "level": spec.bands.level(overall, share)}


EXPERIENCED_FIELDS = ("score", "level", "n", "spread", "favourable")


def _figures(cell: DimensionScore) -> DimensionScore:
    """The EXPERIENCED_FIELDS of a cell alone (a headline cell carries more)."""
    return {
        "score": cell["score"],
        "level": cell["level"],
        "n": cell["n"],
        "spread": cell["spread"],
        "favourable": cell["favourable"],
    }


def experienced(
    everyone: GroupSummary, staff: GroupSummary | None, executives: GroupSummary | None, spec: FrameworkSpec
) -> tuple[dict[str, HeadlineScore], OverallScore]:
    """The headline of each dimension: what people other than executives experience.

    Executives' own view is kept beside it, never pooled in (a confident executive team would
    otherwise lift the staff's level 2 to a 3). Where the release cannot show everyone-but-the-
    executives for a dimension (too few executives to separate), the headline is everyone's, and
    `basis` says so. Arguments are `summarise` results (None where the group is not published).
    """
    dimensions: dict[str, HeadlineScore] = {}
    for key, cell in everyone["dimensions"].items():
        mine = staff["dimensions"].get(key) if staff else None
        basis: Literal["staff", "everyone"] = "staff" if mine and mine["score"] is not None else "everyone"
        head = mine if mine and basis == "staff" else cell
        theirs = executives["dimensions"].get(key) if executives else None
        dimensions[key] = {
            **_figures(head),
            "basis": basis,
            "limited_by_share": spec.bands.limited_by_share(head["score"], head["favourable"]),
            "everyone": _figures(cell),
            "executives": _figures(theirs) if theirs and theirs["score"] is not None else None,
        }
    return dimensions, overall_of(dimensions, spec)


def answered_table(scored: pd.DataFrame, respondents: pd.DataFrame, item_keys: Iterable[str]) -> pd.DataFrame:
    """Respondent × item: True where the respondent answered the statement with a value."""
    answered = scored[scored["score"].notna()]
    rows, columns = pd.Index(respondents["respondent"]), pd.Index(list(item_keys), name="item")
    # marked by position (a crosstab aggregates each of the ~300,000 cells in Python: seconds)
    row, column = rows.get_indexer(answered["respondent"]), columns.get_indexer(answered["item"])
    keep = (row >= 0) & (column >= 0)
    table = np.zeros((len(rows), len(columns)), dtype=bool)
    table[row[keep], column[keep]] = True
    return pd.DataFrame(table, index=rows, columns=columns)


def item_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Per item: mean score, favourable share and how many answered or chose "don't know"."""
    answered = scored["score"].notna()
    flags = scored.assign(
        answered=answered, dont_know=~answered, favourable=answered & (scored["score"] >= FAVOURABLE_MIN)
    )
    summary = flags.groupby("item", sort=False).agg(
        dimension=("dimension", "first"),
        score=("score", "mean"),
        answered=("answered", "sum"),
        dont_know=("dont_know", "sum"),
        favourable=("favourable", "sum"),
    )
    summary["favourable"] = (summary["favourable"] / summary["answered"].where(summary["answered"] > 0)) * 100
    for column in ("score", "favourable"):
        summary[column] = summary[column].map(rounded)
    return summary


# --- perception gap ----------------------------------------------------------------------------

GAP_BANDS = ("much_lower", "lower", "similar", "higher", "much_higher")


def gap_band(gap: float, threshold: float) -> GapBand:
    """A coarse band for a gap: within a third of the threshold is "similar"."""
    third = threshold / 3
    if gap <= -threshold:
        return "much_lower"
    if gap <= -third:
        return "lower"
    if gap < third:
        return "similar"
    if gap < threshold:
        return "higher"
    return "much_higher"


# --- re-assessment -----------------------------------------------------------------------------


def deltas(current: ReleasedResults, previous: ReleasedResults) -> ScoreChange:
    """Change per dimension and overall between two `summarise` results (None where either is missing)."""

    def diff(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    def same_people(cell: Mapping[str, object], before: Mapping[str, object]) -> bool:
        # A change is only a change between figures about the same kind of people (both the
        # non-executives' experience, or both everyone's).
        return cell.get("basis") == before.get("basis")

    def score_before(key: str) -> float | None:
        before = previous["dimensions"].get(key)
        return before["score"] if before is not None else None

    same_basis = all(
        same_people(cell, previous["dimensions"].get(key, {}))
        for key, cell in current["dimensions"].items()
        if cell["score"] is not None
    )
    return {
        "overall": diff(current["overall"]["score"], previous["overall"]["score"]) if same_basis else None,
        "dimensions": {
            key: diff(cell["score"], score_before(key))
            if same_people(cell, previous["dimensions"].get(key, {}))
            else None
            for key, cell in current["dimensions"].items()
        },
    }
