"""The per-group implementation of assessment.published before it was vectorised: kept only as the
reference the vectorised one must equal, figure for figure (tests/test_published_vectorised.py).
Each group is summarised on its own with scoring.summarise and scoring.item_summary."""

import pandas as pd

from assessment import disclosure, routing, scoring


def members(respondents, group):
    frame = respondents.assign(
        role_group=respondents["role_group"].fillna("").astype(str),
        department=respondents["department"].fillna("").astype(str),
    )
    if "batch" not in frame:
        frame = frame.assign(batch=1)
    return frame.loc[group.mask(frame), "respondent"]


def _summary(label, plan, scores, scored, respondents, spec):
    ids = members(respondents, plan.groups[label])
    summary = scoring.summarise(scores.loc[scores.index.isin(ids)], scored[scored["respondent"].isin(ids)], spec)
    for key, cell in summary["dimensions"].items():
        if not plan.shows(label, disclosure.dimension_family(key)):
            cell.update(score=None, level=None, n=None, spread=None, favourable=None)
    summary["overall"] = scoring.overall_of(summary["dimensions"], spec)
    return summary


def _items(label, plan, scored, respondents, audiences=None):
    ids = members(respondents, plan.groups[label])
    n = len(ids)
    roles = set(respondents.loc[respondents["respondent"].isin(ids), "role_group"].fillna(""))
    summary = scoring.item_summary(scored[scored["respondent"].isin(ids)])
    rows = []
    for key, row in summary.iterrows():
        if plan.shows(label, disclosure.item_family(key)):
            answered = int(row.answered)
            # "Don't know" = asked but not answered, known only where everyone in the group was
            # asked: a routed statement's askers are a role cell the release may not publish.
            audience = (audiences or {}).get(key)
            asked_all = audience is None or all(routing.audience_includes(audience, role) for role in roles)
            rows.append(
                {
                    "item": key,
                    "dimension": row.dimension,
                    "score": _num(row.score),
                    "favourable": _num(row.favourable),
                    "answered": answered,
                    "dont_know": n - answered if asked_all else None,
                }
            )
        else:
            rows.append(
                {
                    "item": key,
                    "dimension": row.dimension,
                    "score": None,
                    "favourable": None,
                    "answered": None,
                    "dont_know": None,
                }
            )
    return rows


def _num(value):
    return None if pd.isna(value) else float(value)


def _gap_side(label, plan, gap_scores, respondents, spec):
    """A side's mean per dimension on the shared statements, where the plan publishes it."""
    if label not in plan.groups or not plan.shows(label):
        return {}
    ids = members(respondents, plan.groups[label])
    rows = gap_scores.loc[gap_scores.index.isin(ids)]
    out = {}
    for key in spec.dimensions:
        column = rows[key].dropna() if key in rows else pd.Series(dtype=float)
        if len(column) and plan.shows(label, disclosure.gap_family(key)):
            out[key] = (scoring.rounded(column.mean()), len(column))
    return out


def _gaps(executives, staff, spec, compared):
    """Executives minus everyone else per dimension, on shared statements, where both are published."""
    gaps = []
    for key in spec.dimensions:
        entry = {
            "dimension": key,
            "gap": None,
            "band": None,
            "large": None,
            "exact": False,
            "executives": None,
            "others": None,
            "n_executives": None,
            "n_others": None,
            "items_compared": compared.get(key, 0),
        }
        if key in executives and key in staff:
            (mine, n_mine), (theirs, n_theirs) = executives[key], staff[key]
            gap = mine - theirs
            entry.update(
                gap=gap,
                exact=True,
                band=scoring.gap_band(gap, spec.gap_threshold),
                large=abs(gap) >= spec.gap_threshold,
                executives=mine,
                others=theirs,
                n_executives=n_mine,
                n_others=n_theirs,
            )
        gaps.append(entry)
    return gaps


def released_results(scores, scored, respondents, spec, plan, *, department=None, gap_scores=None, audiences=None):
    """Organisation (or one department's) results, exactly as far as `plan` publishes them."""
    prefix = () if department is None else ("in", department)
    top = ("org",) if department is None else ("department", department)
    cache = {}

    def summary(label):
        if label not in cache:
            cache[label] = _summary(label, plan, scores, scored, respondents, spec)
        return cache[label]

    def published(label):
        return summary(label) if plan.shows(label) else None

    executives = published((*prefix, "role", disclosure.EXECUTIVE))
    staff = published((*prefix, "nonexecutive"))
    role_rows = []  # labelled (*prefix, "role", key), in publication order
    for label in plan.families.get(disclosure.MEMBERS, []):
        if len(label) == len(prefix) + 2 and label[: len(prefix)] == prefix and label[len(prefix)] == "role":
            role_rows.append({"key": label[-1], "members": [label[-1]], **summary(label)})
    other = (*prefix, "role_other")
    if plan.shows(other):
        role_rows.append({"key": None, "members": sorted(plan.groups[other].roles), **summary(other)})
    department_rows = []
    if department is None:
        for label in plan.families.get(disclosure.MEMBERS, []):
            if len(label) == 2 and label[0] == "department":
                department_rows.append({"key": label[1], "members": [label[1]], **summary(label)})
        if plan.shows(("department_other",)):
            members = sorted(plan.groups[("department_other",)].departments)
            department_rows.append({"key": None, "members": members, **summary(("department_other",))})
    return {
        "org": summary(top),
        "executives": executives,
        "staff": staff,
        "gaps": _gaps(
            _gap_side((*prefix, "role", disclosure.EXECUTIVE), plan, gap_scores, respondents, spec),
            _gap_side((*prefix, "nonexecutive"), plan, gap_scores, respondents, spec),
            spec,
            gap_scores.attrs.get("items_compared", {}),
        )
        if gap_scores is not None
        else [],
        "roles": role_rows,
        "departments": department_rows,
        "items": _items(top, plan, scored, respondents, audiences),
    }


# scoring.respondent_scores before it was computed with numpy (one groupby over (respondent, dimension))
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


def scored_answers(answers, items):
    """scoring.scored_answers before the join by position: a pandas merge."""
    frame = answers.merge(items[["item", "dimension", "reverse"]], on="item", how="inner", validate="many_to_one")
    frame["score"] = scoring.item_scores(frame["value"], frame["reverse"])
    return frame


def answered_table(scored, respondents, item_keys):
    """scoring.answered_table before it was marked by position: a crosstab."""
    answered = scored.dropna(subset=["score"])
    table = pd.crosstab(answered["respondent"], answered["item"]).astype(bool)
    return table.reindex(index=respondents["respondent"], columns=item_keys, fill_value=False)
