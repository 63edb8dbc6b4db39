"""The report's method appendix: how far the scales can be trusted, who could not judge what, and
whether the answer language mattered. Pure functions over released frames and the release's plan.

Every figure is computed only for groups the release publishes, and only where the extra split it
introduces keeps every cell at 0 or at least the threshold:
- reliability (Cronbach's α, corrected item–total correlation) for the report's own group, per
  dimension it publishes, over the people who answered every statement of the dimension asked of
  everyone (at least the threshold of them);
- "don't know" per statement by role group, where the plan publishes the statement for that group
  (the item family, planned like every other figure);
- answers by language, only when splitting every published group by language leaves no cell of
  1..threshold−1 people (a lone English respondent among executives is never a column of its own).
"""

from collections.abc import Collection, Iterable

import numpy as np
import pandas as pd

from . import disclosure, routing
from .bands import rounded
from .result_types import GroupRow, LanguageAnswers, LanguageRow, MethodAppendix, Reliability, RoleDontKnow

LOW_ALPHA = 0.6


def _two(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 2)


def reliability(
    scored: pd.DataFrame,
    items: pd.DataFrame,
    member_ids: Collection[int],
    dimension_keys: Iterable[str],
    threshold: int,
) -> dict[str, Reliability | None]:
    """{dimension: {"alpha", "n", "low", "items": [{"item", "item_total"}]}} (None where not computable).

    One respondent × statement matrix (an answer is unique per respondent and statement), then
    each dimension's complete cases in array operations: the organisation report computes it on
    every view, at ten thousand respondents too.
    """
    answered = scored[scored["respondent"].isin(member_ids)].dropna(subset=["score"])
    rows, people = pd.factorize(answered["respondent"])
    columns, statements = pd.factorize(answered["item"])
    matrix = np.full((len(people), len(statements)), np.nan)
    matrix[rows, columns] = answered["score"].to_numpy(dtype=float)
    column_of = {item: index for index, item in enumerate(statements)}
    out: dict[str, Reliability | None] = {}
    for key in dimension_keys:
        mine = items[(items["dimension"] == key)]
        if "audience" in mine:
            mine = mine[mine["audience"].map(lambda a: routing.EVERYONE in (a or [routing.EVERYONE]))]
        keys = [k for k in mine["item"] if k in column_of]
        part = matrix[:, [column_of[k] for k in keys]]
        complete = part[~np.isnan(part).any(axis=1)] if keys else np.empty((0, 0))
        if len(keys) < 2 or len(complete) < max(threshold, 2):
            out[key] = None
            continue
        total = complete.sum(axis=1)
        total_var = total.var(ddof=1)
        if not total_var:
            out[key] = None
            continue
        k = len(keys)
        alpha = k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total_var)
        rest = total[:, None] - complete  # each statement against the sum of the others
        out[key] = {
            "alpha": _two(alpha),
            "n": len(complete),
            "low": bool(alpha < LOW_ALPHA),
            "items": [
                {"item": item, "item_total": _two(r)} for item, r in zip(keys, _column_correlations(complete, rest))
            ],
        }
    return out


def _column_correlations(a: np.ndarray, b: np.ndarray) -> list[float | None]:
    """Pearson's r of each column of `a` with the same column of `b`; None where either is constant."""
    a_dev, b_dev = a - a.mean(axis=0), b - b.mean(axis=0)
    a_ss, b_ss = (a_dev**2).sum(axis=0), (b_dev**2).sum(axis=0)
    out: list[float | None] = []
    for column in range(a.shape[1]):
        if a_ss[column] <= 0 or b_ss[column] <= 0:
            out.append(None)
        else:
            out.append(float((a_dev[:, column] * b_dev[:, column]).sum() / np.sqrt(a_ss[column] * b_ss[column])))
    return out


def dont_know_by_role(
    scored: pd.DataFrame,
    respondents: pd.DataFrame,
    items: pd.DataFrame,
    plan: disclosure.Plan,
    role_rows: Iterable[GroupRow],
) -> list[RoleDontKnow]:
    """[{"key", "members", "items": {item: % "don't know" or None}}] for the published role rows.

    A statement's rate is shown for a role group only where the plan publishes the statement for
    that group and everyone in it was asked it (routing). Answers are counted once per role group
    and statement, then summed over each row's members.
    """
    audiences = dict(zip(items["item"], items["audience"], strict=True)) if "audience" in items else {}
    role_codes, role_names = pd.factorize(respondents["role_group"].fillna(""))
    people_by_role = np.bincount(role_codes, minlength=len(role_names))
    # answers given ("don't know" has no score), counted by role group × statement in one pass
    given = scored.loc[scored["score"].notna(), ["respondent", "item"]]
    whose = pd.Index(respondents["respondent"]).get_indexer(given["respondent"])
    known = whose >= 0
    item_codes = pd.Index(items["item"]).get_indexer(given["item"])
    known &= item_codes >= 0
    cells = role_codes[whose[known]] * len(items) + item_codes[known]
    answered_by_role = np.bincount(cells, minlength=len(role_names) * len(items)).reshape(len(role_names), len(items))
    role_index = {name: index for index, name in enumerate(role_names)}
    out: list[RoleDontKnow] = []
    for row in role_rows:
        label: disclosure.Label = ("role", row["key"]) if row["key"] is not None else ("role_other",)
        if plan.groups.get(label) is None:
            continue
        members = list(row["members"])
        mine = [role_index[role] for role in members if role in role_index]
        people = int(people_by_role[mine].sum())
        answered = answered_by_role[mine].sum(axis=0)
        rates: dict[str, float | None] = {}
        for position, key in enumerate(items["item"]):
            asked_all = all(routing.audience_includes(audiences.get(key), role) for role in members)
            if not asked_all or not plan.shows(label, disclosure.item_family(key)) or not people:
                rates[key] = None
                continue
            rates[key] = rounded(100 * (people - int(answered[position])) / people)
        out.append({"key": row["key"], "members": row["members"], "items": rates})
    return out


def language_split_safe(respondents: pd.DataFrame, plan: disclosure.Plan, threshold: int) -> bool:
    """True when every published group, split by answer language, keeps each cell at 0 or ≥ threshold.

    The release each respondent arrived in is a split too: the language rows of two releases,
    subtracted, must not give away the few who answered in between.
    """
    frame = respondents.assign(
        role_group=respondents["role_group"].fillna("").astype(str),
        department=respondents["department"].fillna("").astype(str),
        language=respondents["language"].fillna("").astype(str),
    )
    if "batch" not in frame:
        frame = frame.assign(batch=1)
    columns = [group.mask(frame) for group in plan.groups.values()]
    columns.append(pd.factorize(frame["language"])[0])
    columns.append(pd.factorize(frame["batch"])[0])
    cells = pd.DataFrame(np.column_stack(columns)).value_counts()
    return bool(((cells == 0) | (cells >= threshold)).all())


def answers_by_language(
    scored: pd.DataFrame, respondents: pd.DataFrame, plan: disclosure.Plan, threshold: int
) -> LanguageAnswers:
    """{"shown": bool, "rows": [{"language", "n", "favourable", "neutral", "unfavourable", "dont_know"}]}

    Shares (%) of all answers given in each language; "unknown" for responses from before the
    language was recorded or imported. Not shown with a single language, or when the split by
    language could single anyone out together with the other published groups.
    """
    if "language" not in respondents:
        return {"shown": False, "rows": []}
    languages = respondents["language"].fillna("unknown")
    if languages.nunique() < 2 or not language_split_safe(respondents, plan, threshold):
        return {"shown": False, "rows": []}
    by_respondent = dict(zip(respondents["respondent"], languages, strict=True))
    frame = scored.assign(language=scored["respondent"].map(by_respondent))
    rows: list[LanguageRow] = []
    for language, part in frame.groupby("language", sort=True):
        score = part["score"]
        total = len(part)
        rows.append(
            {
                "language": language,
                "n": int(part["respondent"].nunique()),
                "favourable": rounded(100 * (score >= 75).sum() / total),
                "neutral": rounded(100 * (score == 50).sum() / total),
                "unfavourable": rounded(100 * (score <= 25).sum() / total),
                "dont_know": rounded(100 * score.isna().sum() / total),
            }
        )
    return {"shown": True, "rows": rows}


def method_appendix(
    *,
    scored: pd.DataFrame,
    respondents: pd.DataFrame,
    items: pd.DataFrame,
    plan: disclosure.Plan,
    threshold: int,
    top: disclosure.Label,
    dimension_keys: Iterable[str],
    role_rows: list[GroupRow],
    department: str | None,
) -> MethodAppendix:
    """The appendix for one report (organisation, or one department with `department`)."""
    frame = respondents.assign(
        role_group=respondents["role_group"].fillna("").astype(str),
        department=respondents["department"].fillna("").astype(str),
    )
    if "batch" not in frame:
        frame = frame.assign(batch=1)
    members = set(frame.loc[plan.groups[top].mask(frame), "respondent"]) if top in plan.groups else set()
    shown = [k for k in dimension_keys if plan.shows(top, disclosure.dimension_family(k))]
    return {
        "reliability": reliability(scored, items, members, shown, threshold),
        "low_alpha": LOW_ALPHA,
        "dont_know_by_role": dont_know_by_role(scored, respondents, items, plan, role_rows)
        if department is None
        else [],
        "languages": answers_by_language(scored, respondents, plan, threshold)
        if department is None
        else {"shown": False, "rows": []},
    }
