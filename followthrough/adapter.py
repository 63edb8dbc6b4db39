"""The one place that reads levels out of `campaign_results`.

A dimension's headline level is what people other than executives experience (issue 11); the
executives' own level sits beside it in the result. Everything in this app reads levels here.
"""


def dimension_levels(result, key):
    """{"staff": the headline level, "executives": the executives' own level}, None where not released.

    "staff" is the level of people other than executives, or everyone's where the release cannot
    show the executives apart (the result's `basis` says which).
    """
    if not result.get("shown"):
        return {"staff": None, "executives": None}
    cell = result["dimensions"].get(key) or {}
    return {"staff": cell.get("level"), "executives": (cell.get("executives") or {}).get("level")}


def recommendations(result):
    """The released recommendations ([] when the campaign is below its anonymity threshold)."""
    return list(result.get("recommendations") or [])
