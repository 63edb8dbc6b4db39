"""The recommendation catalogue and the choice of what to do first. Pure: plain data in and out.

A catalogue entry fires on one trigger about its dimension; the fired entries are ordered by
priority, then by how far past its trigger the finding is, then by the dimension's weight.
Every chosen entry carries the reason it was chosen, in English and Japanese.
"""

from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

TRIGGERS = ("level_at_most", "score_below", "gap_at_least", "spread_at_least")
OWNERS = ("executives", "innovation_team", "business_units", "hr", "corporate_planning", "board")
HORIZONS = ("90d", "1y", "3y")
LEVEL_UPPER = {1: 20, 2: 40, 3: 60, 4: 80, 5: 100}


class CatalogueError(ValueError):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


def catalogue_problems(data, dimension_keys):
    problems = []
    entries = data.get("recommendations") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        return ["recommendations: must be a non-empty list"]
    seen = set()
    for index, entry in enumerate(entries):
        where = f"recommendations[{index}]"
        key = entry.get("key")
        if not isinstance(key, str) or not key or key in seen:
            problems.append(f"{where}.key: missing or duplicate")
        seen.add(key)
        if entry.get("dimension") not in dimension_keys:
            problems.append(f"{where}.dimension: {entry.get('dimension')!r} is not a dimension of the framework")
        trigger = entry.get("trigger")
        if not isinstance(trigger, dict) or len(trigger) != 1 or next(iter(trigger)) not in TRIGGERS:
            problems.append(f"{where}.trigger: must be exactly one of {', '.join(TRIGGERS)}")
        elif not isinstance(next(iter(trigger.values())), (int, float)):
            problems.append(f"{where}.trigger: the limit must be a number")
        if entry.get("priority") not in (1, 2, 3):
            problems.append(f"{where}.priority: must be 1, 2 or 3")
        if entry.get("owner") not in OWNERS:
            problems.append(f"{where}.owner: must be one of {', '.join(OWNERS)}")
        if entry.get("horizon") not in HORIZONS:
            problems.append(f"{where}.horizon: must be one of {', '.join(HORIZONS)}")
        texts = [("title", entry.get("title")), ("summary", entry.get("summary"))]
        actions = entry.get("actions")
        if not isinstance(actions, list) or not actions:
            problems.append(f"{where}.actions: at least one action is required")
        else:
            texts += [(f"actions[{i}]", a) for i, a in enumerate(actions)]
        for name, text in texts:
            if not isinstance(text, dict) or not all(isinstance(text.get(l), str) and text[l].strip() for l in ("en", "ja")):
                problems.append(f"{where}.{name}: needs non-empty en and ja")
    return problems


def catalogue_path(framework_key, version):
    folder = Path(settings.BASE_DIR) / "fixtures" / "recommendations"
    exact = folder / f"{framework_key}-{version}.yaml"
    if exact.exists():
        return exact
    # advice may be revised without a new questionnaire: fall back to the newest for the key
    candidates = sorted(folder.glob(f"{framework_key}-*.yaml"))
    return candidates[-1] if candidates else None


@lru_cache(maxsize=8)
def catalogue_load(path, dimension_keys):
    """Read and validate a catalogue file; `dimension_keys` is a tuple of the framework's keys."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    problems = catalogue_problems(data, set(dimension_keys))
    if problems:
        raise CatalogueError(problems)
    return tuple(data["recommendations"])


# --- choosing -----------------------------------------------------------------------------------


def _fired(entry, cell, gap, gap_threshold):
    """(severity, facts) if the entry's trigger holds for this result, else None."""
    kind, limit = next(iter(entry["trigger"].items()))
    if kind == "level_at_most" and cell["level"] is not None and cell["level"] <= limit:
        return LEVEL_UPPER[int(limit)] - cell["score"], {"score": cell["score"], "level": cell["level"]}
    if kind == "score_below" and cell["score"] is not None and cell["score"] < limit:
        return limit - cell["score"], {"score": cell["score"]}
    if kind == "spread_at_least" and cell["spread"] is not None and cell["spread"] >= limit:
        return cell["spread"] - limit, {"spread": cell["spread"], "score": cell["score"]}
    if kind == "gap_at_least" and gap is not None:
        if gap["exact"] and gap["gap"] >= limit:
            return gap["gap"] - limit, {"gap": gap["gap"]}
        # Few executives: only the band is known; "much higher" means at least the threshold.
        if not gap["exact"] and gap["band"] == "much_higher" and limit <= gap_threshold:
            return 0.0, {"band": gap["band"]}
    return None


def recommendations_select(catalogue, result, *, dimension_names, level_names, weights, gap_threshold, limit=10):
    """The fired catalogue entries, most important first, each with why it was chosen.

    `result` is an organisation summary (`scoring.summarise`) with "gaps" added;
    `dimension_names` maps key -> {"en", "ja"}, `level_names` maps level -> {"en", "ja"}.
    """
    gaps = {g["dimension"]: g for g in result.get("gaps", [])}
    chosen = []
    for order, entry in enumerate(catalogue):
        cell = result["dimensions"].get(entry["dimension"])
        if cell is None:
            continue
        fired = _fired(entry, cell, gaps.get(entry["dimension"]), gap_threshold)
        if fired is None:
            continue
        severity, facts = fired
        kind, trigger_limit = next(iter(entry["trigger"].items()))
        reason = {"kind": kind, "limit": trigger_limit, "dimension": entry["dimension"], **facts}
        reason["text"] = {
            lang: _reason_text(reason, dimension_names[entry["dimension"]], level_names, lang) for lang in ("en", "ja")
        }
        chosen.append(((entry["priority"], -severity, -weights.get(entry["dimension"], 1), order), entry, reason))
    chosen.sort(key=lambda c: c[0])
    return [
        {**{k: entry[k] for k in ("key", "dimension", "priority", "owner", "horizon", "title", "summary", "actions")},
         "reason": reason}
        for _sort, entry, reason in chosen[:limit]
    ]


def first_three(recommendations):
    """The three things to do first: the top recommendation of the three most urgent dimensions."""
    picked, dimensions = [], set()
    for recommendation in recommendations:
        if recommendation["dimension"] not in dimensions:
            picked.append(recommendation)
            dimensions.add(recommendation["dimension"])
        if len(picked) == 3:
            break
    return picked


def _reason_text(reason, dimension_name, level_names, lang):
    with translation.override(lang):
        name = dimension_name[lang]
        kind = reason["kind"]
        if kind == "level_at_most":
            return gettext("%(dimension)s scored %(score).0f, level %(level)d (%(level_name)s): at or below level %(limit)d.") % {
                "dimension": name, "score": reason["score"], "level": reason["level"],
                "level_name": level_names[reason["level"]][lang], "limit": reason["limit"],
            }
        if kind == "score_below":
            return gettext("%(dimension)s scored %(score).0f, below %(limit).0f.") % {
                "dimension": name, "score": reason["score"], "limit": reason["limit"],
            }
        if kind == "spread_at_least":
            return gettext(
                "Answers on %(dimension)s vary widely (spread %(spread).0f, at least %(limit).0f): people see it very differently."
            ) % {"dimension": name, "spread": reason["spread"], "limit": reason["limit"]}
        if "gap" in reason:
            return gettext(
                "Executives rate %(dimension)s %(gap).0f points higher than everyone else (at least %(limit).0f)."
            ) % {"dimension": name, "gap": reason["gap"], "limit": reason["limit"]}
        return gettext(
            "Executives rate %(dimension)s much higher than everyone else (too few executives answered to give the exact gap)."
        ) % {"dimension": name}
