"""The printable facilitator kit: agenda, one A4 card per dimension, discussion prompts.

Prompts come from the statements people see most differently. Released item rows carry no
per-statement spread yet, so `statement_spreads` reads one from the released rows when the
disclosure layer adds it (`spread`), and otherwise computes the standard deviation of the
answers of the latest release's respondents only, for statements whose released row shows at least
the campaign's anonymity threshold of answers. The spread only ranks statements: the kit prints the
statements' own wording, never a number about them.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from assessment.analysis import campaign_frames, campaign_results
from reports.pdf import template_to_pdf

from . import adapter, selectors

PROMPTS_PER_CARD = 3
TEMPLATE = "followthrough/kit_pdf.html"


def statement_spreads(*, campaign, result):
    """{item key: spread} for statements whose spread may be used (see the module note)."""
    threshold = campaign.anonymity_threshold
    rows = [i for i in result.get("items", []) if (i.get("answered") or 0) >= threshold]
    if any("spread" in row for row in rows):
        return {row["item"]: row["spread"] for row in rows if row.get("spread") is not None}
    allowed = {row["item"] for row in rows}
    if not allowed:
        return {}
    from assessment.releases import release_current  # only the respondents the latest release publishes

    _number, _plan, released, _at = release_current(campaign=campaign, frames=campaign_frames(campaign=campaign))
    if released is None:
        return {}
    answers = released.answers.dropna(subset=["value"])
    answers = answers[answers["item"].isin(allowed)]
    counts = answers.groupby("item")["value"].count()
    spreads = answers.groupby("item")["value"].std(ddof=1)
    return {
        item: float(spreads[item])
        for item in spreads.index
        if counts[item] >= threshold and spreads[item] == spreads[item]
    }


AGENDA = (
    (10, lambda: _("Opening: why we are here, and the anonymity promise")),
    (15, lambda: _("The results at a glance: readiness index and the radar")),
    (20, lambda: _("The perception gap: where executives and staff see things differently")),
    (45, lambda: _("Dimension cards: where are we, where do we want to be, what do people disagree on")),
    (20, lambda: _("Commitments: a target level, a date and a one-line reason per dimension")),
    (10, lambda: _("Actions: owners and due dates; when we re-assess")),
)


def kit_context(*, campaign, lang):
    with translation.override(lang):
        result = campaign_results(campaign=campaign)
        info = selectors.framework_dimensions_info(campaign=campaign)
        level_name = {level["level"]: level["name"][lang] for level in campaign.framework.levels}
        spreads = statement_spreads(campaign=campaign, result=result) if result["shown"] else {}
        text = {i["key"]: (i["dimension"], i["text"][lang]) for i in result["item_info"]}
        current = selectors.commitments_current(campaign=campaign)
        cards = []
        for d in info:
            ranked = sorted((k for k in spreads if text.get(k, (None,))[0] == d["key"]), key=lambda k: (-spreads[k], k))
            levels = adapter.dimension_levels(result, d["key"])
            commitment = current.get(d["key"])
            cards.append(
                {
                    "key": d["key"],
                    "name": d["name"][lang],
                    "staff_level": levels["staff"],
                    "staff_level_name": level_name.get(levels["staff"], ""),
                    "executives_level": levels["executives"],
                    "levels": [
                        {"n": n, "name": level_name.get(n, ""), "text": d["levels"].get(str(n), {}).get(lang, "")}
                        for n in range(1, 6)
                    ],
                    "divided": [text[k][1] for k in ranked[:PROMPTS_PER_CARD]],
                    "target": commitment,
                }
            )
        agenda, start = [], 0
        for minutes, label in AGENDA:
            agenda.append({"start": start, "minutes": minutes, "text": label()})
            start += minutes
        return {
            "lang": lang,
            "organisation_name": result["campaign"]["organisation_name"][lang],
            "campaign": campaign,
            "shown": result["shown"],
            "respondents": result["respondents"],
            "threshold": campaign.anonymity_threshold,
            "agenda": agenda,
            "total_minutes": start,
            "cards": cards,
        }


def kit_pdf(*, campaign, lang):
    return template_to_pdf(TEMPLATE, kit_context(campaign=campaign, lang=lang), lang=lang)
