"""The method appendix's reliability and "don't know" by role, computed one group and one
statement at a time as first written: the reference the vectorised `assessment.appendix` is held to."""

from collections.abc import Collection, Iterable

import pandas as pd

from assessment import disclosure, routing
from assessment.appendix import LOW_ALPHA, _two
from assessment.bands import rounded
from assessment.result_types import GroupRow, Reliability, RoleDontKnow


def reliability(
    scored: pd.DataFrame,
    items: pd.DataFrame,
    member_ids: Collection[int],
    dimension_keys: Iterable[str],
    threshold: int,
) -> dict[str, Reliability | None]:
    """{dimension: {"alpha", "n", "low", "items": [{"item", "item_total"}]}} (None where not computable)."""
    answered = scored[scored["respondent"].isin(member_ids)].dropna(subset=["score"])
    table = answered.pivot_table(index="respondent", columns="item", values="score", aggfunc="first")
    out: dict[str, Reliability | None] = {}
    for key in dimension_keys:
        mine = items[(items["dimension"] == key)]
        if "audience" in mine:
            mine = mine[mine["audience"].map(lambda a: routing.EVERYONE in (a or [routing.EVERYONE]))]
        keys = [k for k in mine["item"] if k in table.columns]
        complete = table[keys].dropna() if keys else pd.DataFrame()
        if len(keys) < 2 or len(complete) < max(threshold, 2):
            out[key] = None
            continue
        total = complete.sum(axis=1)
        total_var = total.var(ddof=1)
        if not total_var:
            out[key] = None
            continue
        k = len(keys)
        alpha = k / (k - 1) * (1 - complete.var(ddof=1).sum() / total_var)
        rows: list[dict[str, str | float | None]] = []
        for item in keys:
            rest = total - complete[item]
            r = complete[item].corr(rest) if complete[item].std() and rest.std() else None
            rows.append({"item": item, "item_total": _two(r)})
        out[key] = {"alpha": _two(alpha), "n": len(complete), "low": bool(alpha < LOW_ALPHA), "items": rows}
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
    that group and everyone in it was asked it (routing).
    """
    audiences = dict(zip(items["item"], items["audience"], strict=True)) if "audience" in items else {}
    out: list[RoleDontKnow] = []
    for row in role_rows:
        label: disclosure.Label = ("role", row["key"]) if row["key"] is not None else ("role_other",)
        group = plan.groups.get(label)
        if group is None:
            continue
        ids = set(respondents.loc[respondents["role_group"].fillna("").isin(row["members"]), "respondent"])
        mine = scored[scored["respondent"].isin(ids)]
        answered = mine.dropna(subset=["score"]).groupby("item")["respondent"].nunique()
        rates: dict[str, float | None] = {}
        for key in items["item"]:
            asked_all = all(routing.audience_includes(audiences.get(key), role) for role in row["members"])
            if not asked_all or not plan.shows(label, disclosure.item_family(key)) or not ids:
                rates[key] = None
                continue
            rates[key] = rounded(100 * (len(ids) - int(answered.get(key, 0))) / len(ids))
        out.append({"key": row["key"], "members": row["members"], "items": rates})
    return out
