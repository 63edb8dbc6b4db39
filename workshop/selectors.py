"""Read functions for workshops: plain data, a fixed number of queries whatever the group size."""

from django.db.models import Count, Max

from assessment.models import Dimension, Response

from .models import Phase, Round, WorkshopAgreement, WorkshopJoin, WorkshopSession, WorkshopVote

# A round's results appear once its vote is over, never while people are still voting:
# a running tally on the projector pulls later votes towards it, and the point of voting
# before and after the discussion is to see how views moved.
ROUND_FINISHED_IN = {
    Round.PRE: {Phase.DISCUSSION, Phase.RE_VOTE, Phase.CLOSED},
    Round.RE: {Phase.CLOSED},
}
VALUES = (1, 2, 3, 4, 5)


def session_current(*, campaign):
    """The campaign's latest workshop (running or closed), or None."""
    return WorkshopSession.objects.filter(campaign=campaign).order_by("-created_at", "-pk").first()


def campaign_sessions(*, campaign):
    """All the campaign's workshops, latest first (one query)."""
    return list(WorkshopSession.objects.filter(campaign=campaign).order_by("-created_at", "-pk"))


def campaign_dimensions(*, campaign):
    """The framework's dimensions in questionnaire order (one query)."""
    return list(Dimension.objects.filter(framework_id=campaign.framework_id).order_by("order"))


def participation_counts(*, campaign):
    """Who joined with the code, and how many responses (from anyone) are submitted. Two queries.

    `last_submitted_at` changes whenever a response is submitted: a cheap fingerprint of the results.
    """
    joined = WorkshopJoin.objects.filter(invitation__campaign=campaign).count()
    submitted = Response.objects.filter(campaign=campaign, submitted_at__isnull=False).aggregate(
        n=Count("id"), last=Max("submitted_at")
    )
    return {"joined": joined, "submitted": submitted["n"], "last_submitted_at": submitted["last"]}


def vote_summary(*, session, threshold, dimension_keys):
    """Per round: how many voted and, when shown, each dimension's distribution and mean. Two queries.

    A round is shown only when it is over and at least `threshold` people voted in it; a
    dimension with fewer votes than that stays hidden even then. Hidden rounds carry no numbers
    beyond the count of voters.
    """
    votes = WorkshopVote.objects.filter(session=session)
    voters = dict(votes.values("round").annotate(n=Count("invitation", distinct=True)).values_list("round", "n"))
    cells = votes.values("round", "dimension", "value").annotate(n=Count("id")).order_by()
    counts = {}
    for row in cells:
        counts.setdefault((row["round"], row["dimension"]), {})[row["value"]] = row["n"]
    summary = {}
    for round_key in Round.values:
        n_voters = voters.get(round_key, 0)
        finished = session.phase in ROUND_FINISHED_IN[round_key]
        entry = {
            "round": round_key,
            "label": Round(round_key).label,
            "voters": n_voters,
            "finished": finished,
            "enough": n_voters >= threshold,
            "remaining": max(threshold - n_voters, 0),
            "shown": finished and n_voters >= threshold,
            "dimensions": {},
        }
        if entry["shown"]:
            for key in dimension_keys:
                entry["dimensions"][key] = _distribution(counts.get((round_key, key), {}), threshold)
        summary[round_key] = entry
    return summary


def _distribution(by_value, threshold):
    n = sum(by_value.values())
    if n < threshold:
        return {"shown": False, "n": n, "counts": [], "mean": None}
    top = max(by_value.values())
    return {
        "shown": True,
        "n": n,
        "mean": sum(v * c for v, c in by_value.items()) / n,
        # share of the largest bar, so the bars fill the width they have
        "counts": [
            {"value": v, "count": by_value.get(v, 0), "share": round(100 * by_value.get(v, 0) / top)} for v in VALUES
        ],
    }


def invitation_votes(*, session, invitation, round_key):
    """{dimension key: value} this participant gave in a round."""
    return dict(
        WorkshopVote.objects.filter(session=session, invitation=invitation, round=round_key).values_list(
            "dimension", "value"
        )
    )


def session_agreements(*, session):
    """{dimension key: {"score", "rationale", "decided_by", "decided_at"}} (one query)."""
    if session is None:
        return {}
    return {
        a.dimension: {
            "score": a.agreed_score,
            "rationale": a.rationale,
            "decided_by": a.decided_by.get_username() if a.decided_by else "",
            "decided_at": a.decided_at,
        }
        for a in WorkshopAgreement.objects.filter(session=session).select_related("decided_by")
    }


def workshop_live_for(*, invitation):
    """True when this participant joined the campaign's workshop and it is still running (two queries).

    After submitting the survey such a participant goes straight on to the vote.
    """
    if not WorkshopJoin.objects.filter(invitation=invitation).exists():
        return False
    session = session_current(campaign=invitation.campaign)
    return session is not None and session.phase != Phase.CLOSED
