"""What the organisation report shows beside the scores: the survey period, the response rate and
the workshop's agreed scores. Kept apart from `context.py`, which turns results into report text.

Only organisation-level counts appear here: a per-department response count would let a reader
narrow down who answered.
"""

from django.db.models import Count, Q

from assessment.models import Invitation
from workshop.models import WorkshopAgreement


def report_extras(*, campaign, result, lang, kind):
    """Context additions for the report templates (two or three queries)."""
    extras = {"period": {"opens": campaign.opens_at, "closes": campaign.closes_at}}
    if kind != "organisation":
        return extras
    extras["response_rate"] = campaign_response_rate(campaign=campaign)
    extras["workshop"] = workshop_results(campaign=campaign, result=result, lang=lang)
    return extras


def campaign_response_rate(*, campaign):
    """{"invited", "submitted", "percent"}: everyone with a link, and those who submitted."""
    counts = Invitation.objects.filter(campaign=campaign).aggregate(
        invited=Count("pk"), submitted=Count("pk", filter=Q(response__submitted_at__isnull=False))
    )
    invited, submitted = counts["invited"], counts["submitted"]
    return {
        "invited": invited,
        "submitted": submitted,
        "percent": round(100 * submitted / invited) if invited else None,
    }


def workshop_results(*, campaign, result, lang):
    """The agreed scores of the campaign's latest workshop that agreed any, beside the survey's.

    None when no workshop agreed a score. Survey scores are shown only when the report shows them.
    """
    agreements = list(
        WorkshopAgreement.objects.filter(session__campaign=campaign)
        .order_by("-session__created_at", "-session_id")
        .values("session_id", "session__created_at", "dimension", "agreed_score", "rationale")
    )
    if not agreements:
        return None
    latest = agreements[0]["session_id"]
    agreed = {a["dimension"]: a for a in agreements if a["session_id"] == latest}
    survey = result.get("dimensions", {}) if result.get("shown") else {}
    rows = []
    for info in result["dimension_info"]:
        key = info["key"]
        if key not in agreed:
            continue
        score = (survey.get(key) or {}).get("score")
        rows.append(
            {
                "key": key,
                "name": info["name"][lang],
                "survey": score,
                "agreed": agreed[key]["agreed_score"],
                "difference": None if score is None else agreed[key]["agreed_score"] - score,
                "rationale": agreed[key]["rationale"],
            }
        )
    return {"held_at": agreements[0]["session__created_at"], "rows": rows, "by_key": {r["key"]: r for r in rows}}
