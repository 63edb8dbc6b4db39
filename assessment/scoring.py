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
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

FAVOURABLE_MIN = 75.0
LEVEL_KEYS = ("ad_hoc", "emerging", "defined", "managed", "embedded")


@dataclass(frozen=True)
class FrameworkSpec:
    dimensions: tuple  # keys in questionnaire order
    weights: dict  # key -> weight
    level_mins: tuple  # lower bound of levels 1..5, e.g. (0, 20, 40, 60, 80)
    min_answered: int
    gap_threshold: float


# --- single values -----------------------------------------------------------------------------


def item_scores(values, reverse):
    """0–100 scores for answers 1–5 (NaN stays NaN); `reverse` mirrors them."""
    score = (np.asarray(values, dtype=float) - 1.0) * 25.0
    return np.where(np.asarray(reverse, dtype=bool), 100.0 - score, score)


def level_of(score, level_mins):
    """Maturity level 1–5 for a 0–100 score, or None for a missing score. Band minimums are inclusive."""
    if score is None or pd.isna(score):
        return None
    return int(np.searchsorted(np.asarray(level_mins, dtype=float), float(score), side="right"))


def overall_index(dimension_scores, weights):
    """Weighted mean of the dimension scores that are present; None when none is."""
    present = {k: s for k, s in dimension_scores.items() if s is not None and not pd.isna(s)}
    total = sum(weights[k] for k in present)
    if not present or total == 0:
        return None
    return sum(s * weights[k] for k, s in present.items()) / total


# --- frames ------------------------------------------------------------------------------------


def scored_answers(answers, items):
    """answers joined to their items with a 0–100 `score` column."""
    frame = answers.merge(items[["item", "dimension", "reverse"]], on="item", how="inner", validate="many_to_one")
    frame["score"] = item_scores(frame["value"], frame["reverse"])
    return frame


def respondent_scores(scored, spec, respondents=None, required=None):
    """Respondent × dimension table of scores (NaN where too few items were answered).

    `required`: answers needed per (respondent, dimension) when statements are routed by role
    (`routing.routed_minimum`); otherwise `spec.min_answered` for everyone.
    """
    answered = scored.dropna(subset=["score"])
    stats = answered.groupby(["respondent", "dimension"])["score"].agg(["mean", "count"])
    need = spec.min_answered if required is None else required.reindex(stats.index).fillna(spec.min_answered)
    means = stats["mean"].where(stats["count"] >= need).unstack("dimension")
    index = respondents["respondent"] if respondents is not None else means.index
    return means.reindex(index=pd.Index(index, name="respondent"), columns=list(spec.dimensions))


def summarise(scores, scored, spec):
    """Scores of one group: per dimension score, level, n, spread, favourable; and the overall index.

    `scores` is the group's rows of `respondent_scores`, `scored` its rows of `scored_answers`.
    """
    answered = scored.dropna(subset=["score"])
    favourable = (answered["score"] >= FAVOURABLE_MIN).groupby(answered["dimension"]).mean()
    dimensions = {}
    for key in spec.dimensions:
        column = scores[key].dropna() if key in scores else pd.Series(dtype=float)
        score = float(column.mean()) if len(column) else None
        dimensions[key] = {
            "score": score,
            "level": level_of(score, spec.level_mins),
            "n": int(len(column)),
            "spread": float(column.std(ddof=1)) if len(column) > 1 else None,
            "favourable": float(favourable[key] * 100) if key in favourable.index else None,
        }
    overall = overall_index({k: d["score"] for k, d in dimensions.items()}, spec.weights)
    return {
        "n": int(len(scores)),
        "overall": {"score": overall, "level": level_of(overall, spec.level_mins)},
        "dimensions": dimensions,
    }


def item_summary(scored):
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
    return summary


# --- anonymity ---------------------------------------------------------------------------------


def suppression_plan(sizes, threshold, protect=()):
    """Which groups may be shown on their own, which only merged, and which not at all.

    Groups smaller than the threshold are merged into one "other" group. If that merged group is
    still too small, the smallest shown groups join it too: otherwise the total minus the shown
    groups would give away the hidden group's result (complementary subtraction). Returns
    (shown, merged, hidden): `merged` is shown as one group, `hidden` is not shown at all; the
    respondents of `hidden` are never more than zero unless the total itself is below the threshold.
    Groups in `protect` are merged only when no other shown group is left.
    """
    sizes = {group: int(n) for group, n in sizes.items() if n > 0}
    shown = sorted((g for g, n in sizes.items() if n >= threshold), key=lambda g: (sizes[g], str(g)))
    merged = sorted((g for g, n in sizes.items() if n < threshold), key=str)
    while merged and sum(sizes[g] for g in merged) < threshold and shown:
        candidates = [g for g in shown if g not in protect] or shown
        merged.append(candidates[0])
        shown.remove(candidates[0])
    if merged and sum(sizes[g] for g in merged) < threshold:
        return [], [], sorted(merged, key=str)  # the whole population is below the threshold
    shown.sort(key=lambda g: (-sizes[g], str(g)))
    return shown, merged, []


def group_results(scores, scored, respondents, by, spec, threshold, protect=()):
    """Results per value of `by` (role_group or department), anonymity rules applied.

    Returns a list of {"key", "members", "n", "overall", "dimensions"}: `members` lists the groups
    merged into an "other" row (key None), and is [key] for a group shown on its own.
    """
    groups = respondents.set_index("respondent")[by].fillna("").astype(str)
    sizes = groups.value_counts().to_dict()
    shown, merged, _hidden = suppression_plan(sizes, threshold, protect)
    rows = []
    for key, members in [(g, [g]) for g in shown] + ([(None, merged)] if merged else []):
        ids = groups.index[groups.isin(members)]
        summary = summarise(scores.loc[ids], scored[scored["respondent"].isin(ids)], spec)
        _blank_small_cells(summary, threshold)
        rows.append({"key": key, "members": sorted(members), **summary})
    return rows


def _blank_small_cells(summary, threshold):
    """A dimension that fewer than `threshold` people of a shown group could score stays blank."""
    for cell in summary["dimensions"].values():
        if cell["n"] < threshold:
            cell.update(score=None, level=None, spread=None, favourable=None)


# --- perception gap ----------------------------------------------------------------------------

GAP_BANDS = ("much_lower", "lower", "similar", "higher", "much_higher")
MIN_EXECUTIVES_FOR_A_BAND = 2  # one executive's band would still be one person's opinion


def gap_band(gap, threshold):
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


def perception_gaps(scores, respondents, spec, threshold, exact_allowed=True):
    """Executives minus everyone else, per dimension.

    With fewer executives (or others) than the anonymity threshold only the band is given:
    neither side's exact score, since either one plus the total would reveal the other.
    `exact_allowed=False` gives bands only too: used when the executives were merged with a
    small group in the role breakdown, where their exact score would let that group be subtracted out.
    """
    roles = respondents.set_index("respondent")["role_group"].reindex(scores.index)
    is_executive = roles == "executive"
    executives, others = scores[is_executive], scores[~is_executive]
    gaps = []
    for key in spec.dimensions:
        exec_scores, other_scores = executives[key].dropna(), others[key].dropna()
        entry = {"dimension": key, "gap": None, "band": None, "large": None, "exact": False,
                 "executives": None, "others": None, "n_executives": None, "n_others": None}
        if len(exec_scores) >= MIN_EXECUTIVES_FOR_A_BAND and len(other_scores) >= 1:
            gap = float(exec_scores.mean() - other_scores.mean())
            entry.update(band=gap_band(gap, spec.gap_threshold), large=abs(gap) >= spec.gap_threshold)
            if exact_allowed and len(exec_scores) >= threshold and len(other_scores) >= threshold:
                entry.update(
                    gap=gap,
                    exact=True,
                    executives=float(exec_scores.mean()),
                    others=float(other_scores.mean()),
                    n_executives=int(len(exec_scores)),
                    n_others=int(len(other_scores)),
                )
        gaps.append(entry)
    return gaps


# --- re-assessment -----------------------------------------------------------------------------


def deltas(current, previous):
    """Change per dimension and overall between two `summarise` results (None where either is missing)."""

    def diff(a, b):
        return None if a is None or b is None else a - b

    return {
        "overall": diff(current["overall"]["score"], previous["overall"]["score"]),
        "dimensions": {
            key: diff(cell["score"], previous["dimensions"].get(key, {}).get("score"))
            for key, cell in current["dimensions"].items()
        },
    }
