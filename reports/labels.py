"""What results are called wherever they are shown: role groups, perception-gap bands and the
radar's series. Defined once here for the report, the workshop screen, the deck and the data pack
(the same message ids, so one translation serves them all).
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

BAND_LABELS: dict[str, Callable[[], str]] = {
    "much_lower": lambda: _("executives much lower"),
    "lower": lambda: _("executives lower"),
    "similar": lambda: _("about the same"),
    "higher": lambda: _("executives higher"),
    "much_higher": lambda: _("executives much higher"),
}


def band_label(band):
    """The perception-gap band in the active language, or None for no band."""
    return BAND_LABELS[band]() if band in BAND_LABELS else None


def role_label(key, role_names=None, lang=None):
    """A role group's label: the framework version's own (`role_names` of `campaign_results`; 1.1
    has six role groups with short labels), else the built-in one; "" is "Role not given"."""
    from assessment.i18n import current_lang
    from assessment.models import RoleGroup

    if not key:
        return _("Role not given")
    named = (role_names or {}).get(key)
    lang = lang or current_lang()
    if named and named.get(lang):
        return named[lang]
    return str(RoleGroup(key).label) if key in RoleGroup.values else key


def radar_series(result, order, personal=None):
    """The radar's series, in the active language: what people other than executives experience
    (the headline) with the executives' own view beside it (their dimension scores, where the
    release shows them); everyone's where no dimension can show the executives apart; the
    respondent's own answers.

    [{"name", "values" (one per key of `order`, None where withheld), "style"}] as
    `charts.radar_svg` draws them; the deck draws the same series.
    """
    cells = [result["dimensions"][k] for k in order]
    if any(cell.get("basis") == "staff" for cell in cells):
        series = [
            {"name": _("People other than executives"), "values": [c["score"] for c in cells], "style": "others"},
            {
                "name": _("Executives"),
                "values": [(c.get("executives") or {}).get("score") for c in cells],
                "style": "executives",
            },
        ]
    else:
        series = [{"name": _("All respondents"), "values": [c["score"] for c in cells], "style": "all"}]
    if personal:
        series.append(
            {"name": _("Your answers"), "values": [personal["scores"].get(k) for k in order], "style": "personal"}
        )
    return series


def chart_rings(result):
    """The framework's level minimums above 0 (`level_bands` of the result): every chart's rings and ticks."""
    return tuple(band["min"] for band in result.get("level_bands", []) if band["min"] > 0) or None
