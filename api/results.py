"""`campaign_results` output reshaped for the API (pure). Nothing is computed here: a value the
result withholds (None or absent) stays null, and nothing else is read."""

from django.utils.translation import gettext as _


def role_names(framework):
    """{role key: {"en", "ja"}} from the framework's profile question."""
    options = ((framework.profile or {}).get("role_group") or {}).get("options") or []
    return {o["key"]: o["label"] for o in options if isinstance(o, dict) and "key" in o and "label" in o}


def _header(result, campaign):
    return {
        "campaign": {"id": campaign.pk, "name": campaign.name},
        "department": result.get("department"),
        "shown": bool(result.get("shown")),
        "respondents": result.get("respondents"),
        "anonymity_threshold": result.get("anonymity_threshold", campaign.anonymity_threshold),
    }


def _cells(dimensions, order):
    dimensions = dimensions or {}
    return [{"dimension": key, **(dimensions.get(key) or {})} for key in order if key in dimensions]


def _order(result):
    return [d["key"] for d in result.get("dimension_info", [])]


def scores(result, campaign):
    out = {**_header(result, campaign), "overall": None, "dimensions": []}
    if not out["shown"]:
        return out
    names = {d["key"]: d["name"] for d in result.get("dimension_info", [])}
    levels = {str(k): v for k, v in (result.get("level_names") or {}).items()}
    out["overall"] = result.get("overall")
    out["dimensions"] = [
        {
            **cell,
            "name": names.get(cell["dimension"], {"en": cell["dimension"], "ja": cell["dimension"]}),
            "level_name": levels.get(str(cell.get("level"))) if cell.get("level") is not None else None,
        }
        for cell in _cells(result.get("dimensions"), _order(result))
    ]
    return out


def _group_rows(rows, order, names):
    return [
        {
            **row,
            "name": names.get(row.get("key")) if row.get("key") is not None else None,
            "members": [member if member is not None else "" for member in row.get("members") or []],
            "dimensions": _cells(row.get("dimensions"), order),
        }
        for row in rows or []
    ]


def groups(result, campaign, role_names):
    out = {**_header(result, campaign), "role_group": [], "departments": []}
    if not out["shown"]:
        return out
    found = result.get("groups") or {}
    out["role_group"] = _group_rows(found.get("role_group"), _order(result), role_names)
    out["departments"] = _group_rows(found.get("department"), _order(result), result.get("department_names") or {})
    return out


def gaps(result, campaign):
    out = {**_header(result, campaign), "gap_threshold": result.get("gap_threshold"), "gaps": []}
    if out["shown"]:
        out["gaps"] = list(result.get("gaps") or [])
    return out


def recommendations(result):
    if not result.get("shown"):
        return []
    first = {r.get("key") for r in result.get("first_three") or []}
    return [{**r, "first_three": r.get("key") in first} for r in result.get("recommendations") or []]


def benchmark(data, campaign):
    keys = [d["key"] for d in data["dimensions"]] + ["overall"]
    message = None
    if not data["own_released"]:
        message = _("This campaign has no released result yet, so it cannot be compared.")
    elif not data["available"]:
        message = _(
            "Not enough organisations to compare with yet: a benchmark needs at least %(minimum)s other "
            "consenting organisations with a released result on the same framework version."
        ) % {"minimum": data["min_organisations"]}
    return {
        "campaign": {"id": campaign.pk, "name": campaign.name},
        "available": data["available"],
        "own_released": data["own_released"],
        "min_organisations": data["min_organisations"],
        "framework": data["framework"],
        "message": message,
        "groups": [
            {
                "key": g["key"],
                "label": str(g["label"]),
                "available": g["available"],
                "percentiles": [{"dimension": key, "percentile": g["percentiles"].get(key)} for key in keys],
            }
            for g in data["groups"]
        ],
    }
