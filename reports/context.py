"""From a campaign's results to what a report shows, in one language. No database access here.

The web page and the PDF render the same templates from this context, so they cannot disagree.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from assessment.result_types import (
    CampaignResults,
    DimensionInfo,
    GroupRow,
    Lang,
    LevelBand,
    PerceptionGap,
    Recommendation,
)

from . import charts
from . import labels as labels_module

OWNER_LABELS: dict[str, Callable[[], str]] = {
    "executives": lambda: _("Executives"),
    "innovation_team": lambda: _("Innovation team"),
    "business_units": lambda: _("Business units"),
    "hr": lambda: _("HR"),
    "corporate_planning": lambda: _("Corporate planning"),
    "board": lambda: _("Board"),
}
HORIZON_LABELS: dict[str, Callable[[], str]] = {
    "90d": lambda: _("90 days"),
    "1y": lambda: _("1 year"),
    "3y": lambda: _("3 years"),
}
# Gap bands and role labels are defined once, in reports.labels (the workshop, deck and data pack share them).
BAND_LABELS = labels_module.BAND_LABELS
HIGH_SPREAD, LOW_SPREAD = 25.0, 15.0


def consensus_label(spread: float | None) -> str:
    if spread is None:
        return ""
    if spread >= HIGH_SPREAD:
        return _("divided: people see this very differently")
    if spread <= LOW_SPREAD:
        return _("broad agreement")
    return _("mixed views")


def report_context(
    result: CampaignResults, *, lang: Lang, kind: str = "organisation", personal: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the report templates need, with texts in `lang`."""
    with translation.override(lang):
        return _build(result, lang, kind, personal)


def _results_as_of(result: CampaignResults) -> datetime:
    """The date a report's numbers were released: a report is the same document whatever day it
    is printed again (and its PDF served from the cache, e.g. to a later batch export)."""
    released_at = (result.get("release") or {}).get("released_at")
    return timezone.localtime(datetime.fromisoformat(released_at) if released_at else None)


def _build(result: CampaignResults, lang: Lang, kind: str, personal: Mapping[str, Any] | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "lang": lang,
        "kind": kind,
        "campaign": result["campaign"],
        "organisation_name": result["campaign"]["organisation_name"][lang],
        "department_name": _department_name(result, result.get("department"), lang),
        "results_as_of": _results_as_of(result),
        "respondents": result["respondents"],
        "threshold": result["anonymity_threshold"],
        "shown": result["shown"],
        "release": result.get("release"),
        "level_bands": _level_bands(result.get("level_bands", []), lang),
    }
    if not result["shown"]:
        return context
    names = {d["key"]: d["name"][lang] for d in result["dimension_info"]}
    order = [d["key"] for d in result["dimension_info"]]
    level_name: dict[int | None, str] = {level: text[lang] for level, text in result["level_names"].items()}
    gaps = {g["dimension"]: g for g in result["gaps"]}
    context.update(
        overall=result["overall"],
        overall_level_name=level_name.get(result["overall"]["level"], ""),
        dimensions=[_dimension(result, d, gaps.get(d["key"]), level_name, lang) for d in result["dimension_info"]],
        first_three=[_recommendation(r, names, lang) for r in result["first_three"]],
        headline_staff=any(cell.get("basis") == "staff" for cell in result["dimensions"].values()),
        mixed_basis=len({cell.get("basis") for cell in result["dimensions"].values() if cell["score"] is not None}) > 1,
        recommendations=[_recommendation(r, names, lang) for r in result["recommendations"]],
        gaps=[_gap(gaps[key], names[key]) for key in order],
        role_groups=_groups(result["groups"]["role_group"], order, lambda k: _role_name(result, k, lang)),
        department_groups=_groups(
            result["groups"]["department"], order, lambda k: _department_name(result, k, lang) or _("Not given")
        ),
        previous=_previous(result, names, order),
        charts=_charts(result, names, order, gaps, lang, personal),
        appendix=None if personal else _appendix(result, names, order, lang),
        personal=personal,
    )
    return context


def _role_name(result: CampaignResults, key: str, lang: Lang) -> str:
    """The framework version's own label (1.1 has six role groups), else the built-in one."""
    return str(labels_module.role_label(key, result.get("role_names"), lang))


def _level_bands(bands: list[LevelBand], lang: Lang) -> list[dict[str, Any]]:
    """[{"level", "name", "range", "share"}] from the framework's levels (one source for the bands)."""
    out = []
    for band in bands:
        share = band.get("favourable_min")
        share_text = _("at least %(share)s%% favourable") % {"share": f"{share:g}"} if share else ""
        low, high = band["min"], band["next_min"]
        if high is None:
            text = _("%(low)s and above") % {"low": f"{low:g}"}
        elif not low:
            text = _("below %(high)s") % {"high": f"{high:g}"}
        else:
            text = f"{low:g}–{high - 1:g}" if float(high).is_integer() else f"{low:g}–{high:g}"
        out.append({"level": band["level"], "name": band["name"][lang], "range": text, "share": share_text})
    return out


def _department_name(result: CampaignResults, key: str | None, lang: Lang) -> str:
    if key is None:
        return ""
    named = result["department_names"].get(key)
    return named.get(lang, key) if named is not None else key


def _asked_of(result: CampaignResults, audience: list[str], lang: Lang) -> str:
    """ "" for a statement everyone is asked, else the role groups it is asked of, in `lang`."""
    if "everyone" in audience:
        return ""
    return pgettext("list separator", ", ").join(_role_name(result, key, lang) for key in audience)


def _dimension(
    result: CampaignResults,
    info: DimensionInfo,
    gap: PerceptionGap | None,
    level_name: Mapping[int | None, str],
    lang: Lang,
) -> dict[str, Any]:
    cell = result["dimensions"][info["key"]]
    item_text = {i["key"]: i["text"][lang] for i in result["item_info"]}
    reverse = {i["key"] for i in result["item_info"] if i.get("reverse")}
    # A reverse-worded statement ("budgets are cut first in a downturn") scores high when people
    # disagree: it is marked, so a negative statement never reads as a strength.
    # A statement asked of some role groups only is said to be theirs: an executive's account of
    # their own visits is not what staff experience.
    audience = {i["key"]: i.get("audience") or ["everyone"] for i in result["item_info"]}
    items: list[dict[str, Any]] = [
        {**i, "reverse": i["item"] in reverse, "asked_of": _asked_of(result, audience[i["item"]], lang)}
        for i in result["items"]
        if i["dimension"] == info["key"] and i["score"] is not None
    ]
    # ties in questionnaire order: the answers' read order (PostgreSQL gives none) must not reorder them
    position = {info["key"]: n for n, info in enumerate(result["item_info"])}
    ranked = sorted(items, key=lambda i: (i["score"], position.get(i["item"], 0)))
    executives = cell.get("executives")
    return {
        "key": info["key"],
        "name": info["name"][lang],
        "weight": info["weight"],
        **cell,
        "level_name": level_name.get(cell["level"], ""),
        "level_description": _described(info, cell["level"], lang),
        "consensus": consensus_label(cell["spread"]),
        "basis": cell.get("basis", "everyone"),
        "executives": {**executives, "level_name": level_name.get(executives["level"], "")} if executives else None,
        "everyone": cell.get("everyone"),
        "held_by_share": cell.get("limited_by_share", False),
        "strongest": [{**i, "text": item_text[i["item"]]} for i in reversed(ranked[-2:])],
        "weakest": [{**i, "text": item_text[i["item"]]} for i in ranked[:2]],
        # over the statements the release publishes (a blank statement's count stays unknown)
        "dont_know": sum(
            i["dont_know"] for i in result["items"] if i["dimension"] == info["key"] and i["dont_know"] is not None
        ),
        "gap": gap,
    }


def _described(info: DimensionInfo, level: int | None, lang: Lang) -> str:
    """What the dimension looks like at `level`, in `lang` ("" without a level or a text)."""
    described = info["levels"].get(str(level)) if level else None
    return described.get(lang, "") if described is not None else ""


def _recommendation(rec: Recommendation, names: Mapping[str, str], lang: Lang) -> dict[str, Any]:
    return {
        "key": rec["key"],
        "dimension": names[rec["dimension"]],
        "priority": rec["priority"],
        "owner": OWNER_LABELS[rec["owner"]](),
        "horizon": HORIZON_LABELS[rec["horizon"]](),
        "title": rec["title"][lang],
        "summary": rec["summary"][lang],
        "actions": [a[lang] for a in rec["actions"]],
        "reason": rec["reason"]["text"][lang],
    }


def _gap(gap: PerceptionGap, name: str) -> dict[str, Any]:
    return {**gap, "name": name, "band_label": BAND_LABELS[gap["band"]]() if gap["band"] else ""}


def _groups(rows: list[GroupRow], order: list[str], label: Callable[[str], str]) -> list[dict[str, Any]]:
    return [
        {
            "label": label(row["key"])
            if row["key"] is not None
            else pgettext("group", "Other (merged: %(names)s)")
            % {"names": pgettext("list separator", ", ").join(label(m) for m in row["members"])},  # 、 in Japanese
            "n": row["n"],
            "overall": row["overall"]["score"],
            "scores": [row["dimensions"][key]["score"] for key in order],
        }
        for row in rows
    ]


def _previous(result: CampaignResults, names: Mapping[str, str], order: list[str]) -> dict[str, Any] | None:
    previous = result.get("previous")
    if not previous:
        return None
    return {
        "name": previous["campaign"]["name"],
        "overall": previous["overall"]["score"],
        "overall_delta": previous["delta"]["overall"],
        "rows": [
            {
                "name": names[k],
                "before": previous["dimensions"].get(k),
                "now": result["dimensions"][k]["score"],
                "delta": previous["delta"]["dimensions"].get(k),
            }
            for k in order
        ],
    }


LANGUAGE_NAMES: dict[str, Callable[[], str]] = {
    "ja": lambda: _("Japanese"),
    "en": lambda: _("English"),
    "unknown": lambda: _("Not recorded"),
}


def _appendix(result: CampaignResults, names: Mapping[str, str], order: list[str], lang: Lang) -> dict[str, Any] | None:
    """The method appendix in `lang`: reliability per dimension, then per statement its item–total
    correlation and "don't know" rate by role group, and answers by language."""
    method = result.get("method")
    if not method:
        return None
    reliability = method["reliability"]
    roles = method["dont_know_by_role"]
    item_total = {row["item"]: row["item_total"] for cell in reliability.values() if cell for row in cell["items"]}
    statements: list[dict[str, Any]] = []
    for info in result["item_info"]:
        rates = [row["items"].get(info["key"]) for row in roles]
        if info["key"] in item_total or any(rate is not None for rate in rates):
            statements.append(
                {
                    "dimension": names[info["dimension"]],
                    "text": info["text"][lang],
                    "reverse": info["reverse"],
                    "item_total": item_total.get(info["key"]),
                    "rates": rates,
                }
            )
    return {
        "reliability": [
            {"name": names[k], **(reliability.get(k) or {"alpha": None, "n": None, "low": False})} for k in order
        ],
        "low_alpha": method["low_alpha"],
        "roles": [
            _role_name(result, row["key"], lang)
            if row["key"] is not None
            else pgettext("group", "Other (merged: %(names)s)")
            % {"names": pgettext("list separator", ", ").join(_role_name(result, m, lang) for m in row["members"])}
            for row in roles
        ],
        "statements": statements,
        "languages": [
            {**row, "name": LANGUAGE_NAMES[row["language"]]() if row["language"] in LANGUAGE_NAMES else row["language"]}
            for row in method["languages"]["rows"]
        ]
        if method["languages"]["shown"]
        else [],
    }


def _charts(
    result: CampaignResults,
    names: Mapping[str, str],
    order: list[str],
    gaps: Mapping[str, PerceptionGap],
    lang: Lang,
    personal: Mapping[str, Any] | None,
) -> dict[str, Any]:
    labels = [names[k] for k in order]
    rings = labels_module.chart_rings(result)
    series = labels_module.radar_series(result, order, personal)
    charts_out: dict[str, Any] = {
        "radar": charts.radar_svg(labels=labels, series=series, title=_("Readiness by dimension"), rings=rings),
        "gap": charts.gap_svg(
            labels=labels,
            gaps=[{"gap": gaps[k]["gap"], "band": gaps[k]["band"], "large": gaps[k]["large"]} for k in order],
            threshold=float(result.get("gap_threshold", 15)),
            title=_("Perception gap: executives minus everyone else"),
            band_labels={band: label() for band, label in BAND_LABELS.items()},
        ),
    }
    departments = result["groups"]["department"]
    if len(departments) > 1:
        charts_out["heatmap"] = charts.heatmap_svg(
            rows=[
                g["label"]
                for g in _groups(departments, order, lambda k: _department_name(result, k, lang) or _("Not given"))
            ],
            columns=labels,
            values=[[row["dimensions"][k]["score"] for k in order] for row in departments],
            title=_("Departments by dimension"),
            missing_label="–",
            rings=rings,
        )
    previous = result.get("previous")
    if previous:
        charts_out["delta"] = charts.delta_svg(
            labels=labels,
            previous=[previous["dimensions"].get(k) for k in order],
            current=[result["dimensions"][k]["score"] for k in order],
            title=_("Change since the previous assessment"),
            legend={"previous": previous["campaign"]["name"], "current": result["campaign"]["name"]},
            rings=rings,
        )
    return charts_out
