"""Rendering reports: the organisation's, a department's, and a respondent's own."""

from django.utils.text import slugify

from .comments import comments_section
from .context import report_context
from .extras import report_extras
from .version_comparison import version_comparison_section

# pandas (scoring, analysis) and WeasyPrint (pdf) are imported where used: the URL configuration
# reaches this module, and a worker should not pay for them before its first report.

LANGS = ("ja", "en")
PDF_TEMPLATE = "reports/report_pdf.html"


def report_result(*, campaign, department=None, frames=None):
    """The released results a report shows (assessment.analysis.campaign_results)."""
    from assessment.analysis import campaign_results

    return campaign_results(campaign=campaign, department=department, frames=frames)


def report_context_for(*, campaign, lang, department=None, frames=None, result=None):
    """`frames`: the campaign already read (campaign_frames), e.g. once for a whole batch export;
    `result`: its `report_result` when the caller has it (the page also shows the benchmark from it)."""
    if result is None:
        result = report_result(campaign=campaign, department=department, frames=frames)
    kind = "department" if department else "organisation"
    context = report_context(result, lang=lang, kind=kind)
    context.update(report_extras(campaign=campaign, result=result, lang=lang, kind=kind))
    context["comments"] = (
        comments_section(campaign=campaign, lang=lang, department=department) if result["shown"] else None
    )
    context["version_comparison"] = version_comparison_section(
        campaign=campaign, result=result, lang=lang, department=department
    )
    if department is None:  # targets and actions are the organisation's: its report closes the loop
        from followthrough.loop import report_section

        context["followthrough"] = report_section(campaign=campaign, result=result, lang=lang)
    return context


def report_pdf(*, campaign, lang, department=None, frames=None, result=None):
    """PDF bytes of the organisation report, or of one department's report."""
    from .pdf import template_to_pdf

    context = report_context_for(campaign=campaign, lang=lang, department=department, frames=frames, result=result)
    return template_to_pdf(PDF_TEMPLATE, context, lang=lang)


def report_filename(*, campaign, lang, department=None):
    parts = [slugify(campaign.organisation.slug), slugify(campaign.name) or f"campaign-{campaign.pk}"]
    if department:
        parts.append(slugify(department))
    return "-".join([*parts, lang]) + ".pdf"


def personal_scores(*, frames, response):
    """A respondent's own dimension scores, by the same rules as everyone's (pure)."""
    import pandas as pd

    from assessment import routing, scoring

    own = frames.answers[frames.answers["respondent"] == response.pk]
    scored = scoring.scored_answers(own, frames.items)
    me = pd.DataFrame({"respondent": [response.pk], "role_group": [response.role_group]})
    required = routing.routed_minimum(frames.items, me, frames.spec.min_answered)  # 1.1 routes by role
    table = scoring.respondent_scores(scored, frames.spec, me, required=required)
    row = table.iloc[0]
    return {key: (None if pd.isna(row[key]) else float(row[key])) for key in frames.spec.dimensions}


def _organisation_only(result):
    """What a respondent may see beside their own answers: the released organisation-wide
    figures only; breakdowns, statements, gaps and advice are for the organisation's staff."""
    if not result["shown"]:
        return result
    from assessment.published import GAP_WITHHELD as blank  # pandas: imported with the result, not the URLs

    return {
        **result,
        "groups": {"role_group": [], "department": []},
        "gaps": [{**gap, **blank} for gap in result["gaps"]],
        "items": [
            {**item, "score": None, "favourable": None, "answered": None, "dont_know": None} for item in result["items"]
        ],
        "executives": None,
        "staff": None,
        "recommendations": [],
        "first_three": [],
        "previous": None,
        # the headline and everyone's figures stay; the executives' own view is a breakdown
        "dimensions": {key: {**cell, "executives": None} for key, cell in result["dimensions"].items()},
        "method": None,
    }


def personal_context(*, campaign, response, lang):
    from assessment.analysis import campaign_frames, campaign_results

    frames = campaign_frames(campaign=campaign)  # one read for everyone's scores and the respondent's own
    result = _organisation_only(campaign_results(campaign=campaign, frames=frames))
    personal = {"scores": personal_scores(frames=frames, response=response)}
    context = report_context(result, lang=lang, kind="personal", personal=personal)
    names = {d["key"]: d["name"][lang] for d in result["dimension_info"]}
    context["personal_rows"] = [
        {"name": names[key], "you": score, "everyone": result["dimensions"][key]["score"] if result["shown"] else None}
        for key, score in personal["scores"].items()
    ]
    return context


def personal_pdf(*, campaign, response, lang):
    from .pdf import template_to_pdf

    return template_to_pdf(PDF_TEMPLATE, personal_context(campaign=campaign, response=response, lang=lang), lang=lang)
