"""The cross-client benchmark: where a campaign stands among comparable organisations.

Every number compared is one the organisation's own report releases: each consenting organisation
contributes its latest campaign on the same framework version whose `campaign_results` is shown,
and a dimension counts only where that released score is not None. Raw answers are never read
here. A percentile is given only when at least MIN_ORGANISATIONS other organisations have a
released score for it, and nothing identifies which organisations those are (no names, no count).
"""

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from assessment.models import Campaign, Organisation

MIN_ORGANISATIONS = 5

# Comparison groups, widest first: every consenting organisation on the framework version, then
# those of the same industry, then those of the same size band.
GROUPS = (
    ("all", _("All consenting organisations"), None),
    ("industry", _("Same industry"), "industry"),
    ("size_band", _("Same size band"), "size_band"),
)


def _campaign_results(**kwargs):
    from assessment.analysis import campaign_results  # pandas: imported where used, not by the URL configuration

    return campaign_results(**kwargs)


def released_scores(result):
    """{"overall": score, dimension key: score} of a released result; None when it is not released."""
    if not result or not result.get("shown"):
        return None
    scores = {key: (cell or {}).get("score") for key, cell in (result.get("dimensions") or {}).items()}
    scores["overall"] = (result.get("overall") or {}).get("score")
    if all(value is None for value in scores.values()):
        return None
    return scores


CACHE_SECONDS = 10 * 60


def campaign_released_scores(*, campaign):
    """`released_scores` of one campaign, cached under what its result depends on.

    A peer's result changes only when a response is submitted (answers lock then) or the
    campaign's threshold changes, so the key holds the count and latest time of submissions:
    a consultant's report does not score every peer again. The cache is per process and short,
    so a change of the scoring code is picked up within minutes (and at every restart).
    """
    submitted = campaign.responses.filter(submitted_at__isnull=False).aggregate(n=Count("pk"), last=Max("submitted_at"))
    key = (
        f"benchmark:released:{campaign.pk}:{campaign.anonymity_threshold}:{submitted['n']}:"
        f"{submitted['last'].isoformat() if submitted['last'] else '-'}"
    )
    found = cache.get(key, "miss")
    if found == "miss":
        found = released_scores(_campaign_results(campaign=campaign))
        cache.set(key, found, CACHE_SECONDS)
    return found


def organisation_released_scores(*, organisation_id, framework_id):
    """Scores of the organisation's latest campaign on the framework whose result is released."""
    campaigns = (
        Campaign.objects.select_related("organisation", "framework")
        .filter(organisation_id=organisation_id, framework_id=framework_id)
        .order_by("-opens_at", "-pk")
    )
    for campaign in campaigns:
        scores = campaign_released_scores(campaign=campaign)
        if scores is not None:
            return scores
    return None


def percentile_rank(value, others):
    """Share of `others` below `value`, ties counting half, 0-100 (pure)."""
    below = sum(1 for other in others if other < value)
    equal = sum(1 for other in others if other == value)
    return round(100 * (below + 0.5 * equal) / len(others))


def percentiles(own, peers, keys, minimum=MIN_ORGANISATIONS):
    """{key: percentile or None} of `own` scores among `peers` (a list of score dicts) (pure).

    None when the campaign has no released score for the key, or fewer than `minimum` peers do.
    """
    out = {}
    for key in keys:
        others = [peer[key] for peer in peers if peer.get(key) is not None]
        value = own.get(key) if own else None
        out[key] = percentile_rank(value, others) if value is not None and len(others) >= minimum else None
    return out


def benchmark_for_campaign(*, campaign, result=None):
    """The campaign's percentile per dimension (and overall) in each comparison group.

    `result` is the campaign's own `campaign_results`, when the caller already has it.
    Returns {"available", "min_organisations", "framework", "own_released", "dimensions":
    [{"key", "name"}], "groups": [{"key", "label", "available", "percentiles": {key: int|None}}]}.
    """
    result = result if result is not None else _campaign_results(campaign=campaign)
    own = released_scores(result)
    organisation = campaign.organisation
    peers = (
        Organisation.objects.filter(benchmark_consent=True, campaigns__framework_id=campaign.framework_id)
        .exclude(pk=organisation.pk)
        .distinct()
        .values("pk", "industry", "size_band")
    )
    released = []
    for peer in peers:
        scores = organisation_released_scores(organisation_id=peer["pk"], framework_id=campaign.framework_id)
        if scores is not None:
            released.append((peer, scores))
    keys = [d["key"] for d in result.get("dimension_info", [])] + ["overall"]
    groups = []
    for key, label, field in GROUPS:
        if field is not None:
            mine = getattr(organisation, field)
            if not mine:
                continue  # the organisation's own profile does not say: no such group
            members = [scores for peer, scores in released if peer[field] == mine]
        else:
            members = [scores for _peer, scores in released]
        values = percentiles(own, members, keys)
        groups.append(
            {
                "key": key,
                "label": label,
                "available": any(v is not None for v in values.values()),
                "percentiles": values,
            }
        )
    return {
        "available": any(group["available"] for group in groups),
        "own_released": own is not None,
        "min_organisations": MIN_ORGANISATIONS,
        "framework": result.get("campaign", {}).get("framework") or str(campaign.framework),
        "dimensions": [{"key": d["key"], "name": d["name"]} for d in result.get("dimension_info", [])],
        "groups": groups,
    }
