"""The re-assessment section ("the next assessment closes the loop") in one language, for the report."""

from django.utils import translation


def loop_context(data, *, lang, level_names):
    """`selectors.loop_data` made ready for templates/reports/_followthrough.html (None stays None)."""
    if data is None:
        return None

    def level(n):
        return {"n": n, "name": level_names.get(n, {}).get(lang, "")} if n else None

    rows = []
    for row in data["rows"]:
        target = row["target"]
        rows.append(
            {
                "name": row["name"][lang],
                "target": None if target is None else {**target, "level": level(target["level"])},
                "executives_now": level(row["executives_now"]),
                "staff_now": level(row["staff_now"]),
                "staff_before": level(row["staff_before"]),
                "reached": row["reached"],
                "actions_total": row["actions_total"],
                "actions_done": [a["title"][lang] for a in row["actions_done"]],
            }
        )
    return {"previous": data["previous"], "rows": rows}


def report_section(*, campaign, result, lang):
    """The hook the report rendering calls (web page, PDF and batch export alike)."""
    from .selectors import loop_data

    if not result.get("shown"):
        return None
    with translation.override(lang):
        level_names = {level["level"]: level["name"] for level in campaign.framework.levels}
        return loop_context(loop_data(campaign=campaign, result=result), lang=lang, level_names=level_names)
