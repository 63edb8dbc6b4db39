"""The one place that reads levels out of `campaign_results`.

The lead is changing how levels are released (issue 11: the organisation's level from
non-executive respondents, with the executives' own level beside it). Everything in this app reads
levels through `dimension_levels`, so following that change means editing this function only.
"""

from bisect import bisect_right


def _band(score, level_mins):
    """The level whose band holds a released score (band minimums inclusive), or None."""
    if score is None or not level_mins:
        return None
    return bisect_right(list(level_mins), float(score))


def level_mins(framework):
    return [float(level["min"]) for level in sorted(framework.levels, key=lambda level: level["level"])]


def dimension_levels(result, key, mins):
    """{"staff": level staff experience, "executives": the executives' own level}, None where not released.

    Reads keys the lead is adding (`staff_level`, `executives_level`) when present. Until then both
    are the level band of the released exact scores in the perception gap (executives; everyone
    else); where the gap was released only as a band, the staff level falls back to the dimension's
    released level and the executives' level is not shown.
    """
    if not result.get("shown"):
        return {"staff": None, "executives": None}
    cell = result["dimensions"].get(key) or {}
    gap = next((g for g in result.get("gaps", []) if g["dimension"] == key), None)
    exact = bool(gap and gap.get("exact"))
    if "staff_level" in cell:
        staff = cell["staff_level"]
    else:  # everyone but the executives, where released exactly; else the dimension's released level
        staff = _band(gap["others"], mins) if exact else cell.get("level")
    if "executives_level" in cell:
        executives = cell["executives_level"]
    else:
        executives = _band(gap["executives"], mins) if exact else None
    return {"staff": staff, "executives": executives}


def recommendations(result):
    """The released recommendations ([] when the campaign is below its anonymity threshold)."""
    return list(result.get("recommendations") or [])
