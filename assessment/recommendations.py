"""The recommendation catalogue and the choice of what to do first. Pure: plain data in and out.

A catalogue entry fires on one trigger about its dimension; the fired entries are ordered by
priority, then by how far past its trigger the finding is, then by the dimension's weight.
Every chosen entry carries the reason it was chosen, in English and Japanese.
"""

from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypedDict, cast

import yaml
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from . import catalogue_schema
from .bands import LevelBands, rounded
from .errors import ApplicationError
from .result_types import (
    FiredTrigger,
    HeadlineScore,
    LocalText,
    PerceptionGap,
    ReasonFacts,
    Recommendation,
    RecommendationReason,
    ReleasedResults,
)

# The catalogue's shape (triggers, owners, horizons, both languages) is the pydantic schema in
# catalogue_schema; a trigger's limit is a number, except `role_below`: {"role": key, "points": N}.
TRIGGERS, OWNERS, HORIZONS = catalogue_schema.TRIGGERS, catalogue_schema.OWNERS, catalogue_schema.HORIZONS


class CatalogueEntry(TypedDict):
    """One entry of a catalogue file, as `catalogue_problems` accepts it."""

    key: str
    dimension: str
    trigger: dict[str, Any]  # {kind: limit}, exactly one
    priority: int
    owner: str
    horizon: str
    title: LocalText
    summary: LocalText
    actions: list[LocalText]


class CatalogueError(ApplicationError, ValueError):
    """A catalogue file with problems: every one of them, located."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems=problems)


def _trigger_signature(trigger: Mapping[str, Any]) -> tuple[str, tuple[tuple[str, Any], ...] | float]:
    kind, limit = next(iter(trigger.items()))
    return (kind, tuple(sorted(limit.items())) if isinstance(limit, dict) else float(limit))


def catalogue_problems(
    data: Any, dimension_keys: Collection[str], role_keys: Collection[str] | None = None
) -> list[str]:
    """Every problem of a catalogue, located (`recommendations[3].trigger: ...`); [] when valid.

    From `format: 2` (catalogue 1.1) two entries of one dimension may not share a trigger: the same
    finding would otherwise produce two pieces of advice competing for the first three.
    """
    problems, broken = catalogue_schema.catalogue_schema_problems(data)
    if not isinstance(data, dict) or not isinstance(data.get("recommendations"), list):
        return problems
    unique_triggers = data.get("format") == 2
    seen: set[object] = set()
    triggers: dict[tuple[object, object], str] = {}
    for index, entry in enumerate(data["recommendations"]):
        if index in broken or not isinstance(entry, dict):
            continue  # its shape is wrong: the schema said where
        where = f"recommendations[{index}]"
        key = entry["key"]
        if key in seen:
            problems.append(f"{where}.key: duplicate {key!r}")
        seen.add(key)
        if entry["dimension"] not in dimension_keys:
            problems.append(f"{where}.dimension: {entry['dimension']!r} is not a dimension of the framework")
        kind, limit = next(iter(entry["trigger"].items()))
        if kind == "role_below" and role_keys is not None and limit["role"] not in role_keys:
            problems.append(f"{where}.trigger: role_below: {limit['role']!r} is not a role group of the framework")
        elif unique_triggers:
            signature = (entry["dimension"], _trigger_signature(entry["trigger"]))
            if signature in triggers:
                problems.append(f"{where}.trigger: the same trigger as {triggers[signature]} on this dimension")
            triggers.setdefault(signature, f"recommendations[{index}] ({key})")
    return problems


def catalogue_path(framework_key: str, version: str) -> Path | None:
    folder = Path(settings.BASE_DIR) / "fixtures" / "recommendations"
    exact = folder / f"{framework_key}-{version}.yaml"
    if exact.exists():
        return exact
    # advice may be revised without a new questionnaire: fall back to the newest for the key
    candidates = sorted(folder.glob(f"{framework_key}-*.yaml"))
    return candidates[-1] if candidates else None


@lru_cache(maxsize=8)
def catalogue_load(
    path: str, dimension_keys: tuple[str, ...], role_keys: tuple[str, ...] | None = None
) -> tuple[CatalogueEntry, ...]:
    """Read and validate a catalogue file; `dimension_keys` (and `role_keys`) are tuples of the framework's keys."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    problems = catalogue_problems(data, set(dimension_keys), set(role_keys) if role_keys else None)
    if problems:
        raise CatalogueError(problems)
    return tuple(data["recommendations"])


# --- choosing -----------------------------------------------------------------------------------


def _dont_know_share(result: ReleasedResults, dimension: str) -> float | None:
    """% of the dimension's answers that were "don't know", over the statements whose count the
    release publishes for the whole group; None when there are none."""
    # (answered, don't know) of those statements; the two counts are published together
    rows = [
        (i["answered"], i["dont_know"])
        for i in result.get("items", [])
        if i["dimension"] == dimension and i["answered"] is not None and i["dont_know"] is not None
    ]
    asked = sum(answered + dont_know for answered, dont_know in rows)
    return rounded(100 * sum(dont_know for _, dont_know in rows) / asked) if asked else None


def _role_score(result: ReleasedResults, role: str, dimension: str) -> float | None:
    groups = result.get("groups")
    for row in groups["role_group"] if groups else []:
        if row["members"] == [role]:
            cell = row["dimensions"].get(dimension)
            return cell["score"] if cell is not None else None
    return None


def _fired(
    entry: CatalogueEntry,
    cell: HeadlineScore,
    gap: PerceptionGap | None,
    result: ReleasedResults,
    bands: LevelBands,
) -> tuple[float, ReasonFacts] | None:
    """(severity, facts) if the entry's trigger holds for this result, else None.

    Severity is how far past its trigger the finding is, in points of score (or of share), so
    findings of different dimensions can be ranked together. Nothing fires on a missing figure.
    """
    kind, limit = next(iter(entry["trigger"].items()))
    score, level = cell.get("score"), cell.get("level")
    favourable, spread = cell.get("favourable"), cell.get("spread")
    gap_points = gap.get("gap") if gap is not None else None
    facts: ReasonFacts = {
        "score": score,
        "level": level,
        "favourable": cell.get("favourable"),
        "basis": cell.get("basis", "everyone"),
    }
    # a level is never without a score (`score is not None` tells the type checker so)
    if kind == "level_at_most" and level is not None and score is not None and level <= limit:
        below = bands.upper(int(limit)) - score
        if bands.favourable_mins and int(limit) < len(bands.favourable_mins) and favourable is not None:
            below = max(below, bands.favourable_mins[int(limit)] - favourable)
        by_score = bands.score_level(score) or level  # a score always has a level
        held = by_score != level and bool(bands.favourable_mins)
        return below, {
            **facts,
            "by_score": by_score if by_score != level else None,
            # the share the level the score alone reaches needs ("that level" in the reason)
            "needed": bands.favourable_mins[by_score - 1] if held else None,
        }
    if kind == "level_at_least" and level is not None and level >= limit:
        return 0.0, facts
    if kind == "score_below" and score is not None and score < limit:
        return limit - score, facts
    if kind == "spread_at_least" and spread is not None and spread >= limit:
        return spread - limit, {**facts, "spread": spread}
    if kind == "gap_at_least" and gap is not None and gap_points is not None and gap_points >= limit:
        return gap_points - limit, {"gap": gap_points, "items": gap.get("items_compared")}
    if kind == "gap_at_most" and gap is not None and gap_points is not None and gap_points <= limit:
        return limit - gap_points, {"gap": gap_points, "items": gap.get("items_compared")}
    if kind == "dont_know_at_least":
        share = _dont_know_share(result, entry["dimension"])
        if share is not None and share >= limit:
            return share - limit, {"share": share}
    if kind == "role_below":
        everyone = (cell.get("everyone") or cell).get("score")
        theirs = _role_score(result, limit["role"], entry["dimension"])
        if everyone is not None and theirs is not None and everyone - theirs >= limit["points"]:
            return everyone - theirs - limit["points"], {
                "role": limit["role"],
                "role_score": theirs,
                "everyone": everyone,
                "below": everyone - theirs,
            }
    return None


def recommendations_select(
    catalogue: Iterable[CatalogueEntry],
    result: ReleasedResults,
    *,
    dimension_names: Mapping[str, LocalText],
    level_names: Mapping[int, LocalText],
    weights: Mapping[str, float],
    bands: LevelBands,
    role_names: Mapping[str, LocalText] | None = None,
    limit: int = 10,
) -> list[Recommendation]:
    """The fired catalogue entries, most important first, each with why it was chosen.

    `result` is a campaign result: headline dimension cells (what people other than executives
    experience where released), "gaps", "groups" and "items". Ranking: priority, then severity
    times the dimension's weight, then the weight, then catalogue order.
    """
    gaps = {g["dimension"]: g for g in result.get("gaps", [])}
    chosen: list[tuple[tuple[int, float, float, int], CatalogueEntry, RecommendationReason]] = []
    for order, entry in enumerate(catalogue):
        cell = result["dimensions"].get(entry["dimension"])
        if cell is None:
            continue
        fired = _fired(entry, cell, gaps.get(entry["dimension"]), result, bands)
        if fired is None:
            continue
        severity, facts = fired
        kind, trigger_limit = next(iter(entry["trigger"].items()))
        fired_trigger: FiredTrigger = {"kind": kind, "limit": trigger_limit, "dimension": entry["dimension"], **facts}
        name = dimension_names[entry["dimension"]]
        reason: RecommendationReason = {
            **fired_trigger,
            "text": {
                "en": reason_text(fired_trigger, name, level_names, role_names or {}, "en"),
                "ja": reason_text(fired_trigger, name, level_names, role_names or {}, "ja"),
            },
        }
        # Severity counts as much as the dimension weighs in the index: the three obstacles the
        # diagnosis names (direction, budget continuity, buy-in) weigh most in the framework.
        weight = weights.get(entry["dimension"], 1)
        chosen.append(((entry["priority"], -severity * weight, -weight, order), entry, reason))
    chosen.sort(key=lambda c: c[0])
    return [
        {
            "key": entry["key"],
            "dimension": entry["dimension"],
            "priority": entry["priority"],
            "owner": entry["owner"],
            "horizon": entry["horizon"],
            "title": entry["title"],
            "summary": entry["summary"],
            "actions": entry["actions"],
            "severity": -sort[1] + 0.0,
            "reason": reason,
        }
        for sort, entry, reason in chosen[:limit]
    ]


def first_three(recommendations: list[Recommendation]) -> list[Recommendation]:
    """The three things to do first: the three most urgent findings across all dimensions (two may
    concern one dimension when it is that far behind), by priority and then severity."""
    return list(recommendations[:3])


def _who(basis: str | None) -> str:
    return gettext("people other than executives") if basis == "staff" else gettext("all respondents")


def reason_text(
    reason: FiredTrigger,
    dimension_name: LocalText,
    level_names: Mapping[int, LocalText],
    role_names: Mapping[str, LocalText],
    lang: Literal["en", "ja"],
) -> str:
    """Why an entry was chosen, as a consultant would say it, in `lang`."""
    with translation.override(lang):
        kind = reason["kind"]
        values: dict[str, object] = {"dimension": dimension_name[lang], "limit": reason["limit"]}
        if "score" in reason and reason["score"] is not None:
            values.update(score=reason["score"], who=_who(reason.get("basis")))
        # a level trigger fires only on a level: never None there
        if kind == "level_at_most":
            values.update(level=reason["level"], level_name=level_names[cast(int, reason["level"])][lang])
            if reason.get("favourable") is None:
                return (
                    gettext(
                        "For %(who)s, %(dimension)s is at level %(level)d (%(level_name)s): a score of %(score).0f."
                    )
                    % values
                )
            text = gettext(
                "For %(who)s, %(dimension)s is at level %(level)d (%(level_name)s): a score of %(score).0f, "
                "with %(favourable).0f%% of answers favourable."
            ) % {**values, "favourable": reason["favourable"]}
            if reason.get("by_score"):
                text += ("" if lang == "ja" else " ") + gettext(
                    "The score alone would reach level %(by_score)d, but that level needs at least %(needed).0f%% "
                    "favourable answers."
                ) % {"by_score": reason["by_score"], "needed": reason["needed"]}
            return text
        if kind == "level_at_least":
            return gettext(
                "For %(who)s, %(dimension)s is at level %(level)d (%(level_name)s; score %(score).0f). What "
                "got it there often rests on a few people and this year's budget: make it last."
            ) % {**values, "level": reason["level"], "level_name": level_names[cast(int, reason["level"])][lang]}
        if kind == "score_below":
            return gettext("%(who)s score %(dimension)s %(score).0f, below %(limit).0f.") % values
        if kind == "spread_at_least":
            return gettext(
                "Answers on %(dimension)s vary widely (spread %(spread).0f, at least %(limit).0f): people see it "
                "very differently."
            ) % {**values, "spread": reason["spread"]}
        if kind == "gap_at_least":
            return gettext(
                "Executives rate %(dimension)s %(gap).0f points higher than everyone else (at least %(limit).0f)."
            ) % {**values, "gap": reason["gap"]}
        if kind == "gap_at_most":
            return gettext(
                "Executives rate %(dimension)s %(gap).0f points lower than everyone else: they are more critical "
                "of it than the people who work with it."
            ) % {**values, "gap": -reason["gap"]}
        if kind == "dont_know_at_least":
            return gettext(
                '%(share).0f%% of the answers on %(dimension)s were "don\'t know" (at least %(limit).0f%%): '
                "many people cannot judge it, which is itself a finding."
            ) % {**values, "share": reason["share"]}
        named = role_names.get(reason["role"])
        role = named[lang] if named else reason["role"]
        return gettext(
            "%(role)s score %(dimension)s %(role_score).0f, %(below).0f points below the organisation as a "
            "whole (%(everyone).0f)."
        ) % {
            **values,
            "role": role,
            "role_score": reason["role_score"],
            "below": reason["below"],
            "everyone": reason["everyone"],
        }
