"""Reads: commitments, actions, and the re-assessment loop. Reusable by the API (issue 18)."""

from datetime import timedelta

from django.db.models import F, Max
from django.utils import timezone

from . import adapter
from .models import OPEN_STATUSES, Action, ActionStatus, Commitment

REMINDER_WINDOW = timedelta(days=7)


def commitments_current(*, campaign):
    """{dimension key: the latest version of its commitment}."""
    latest = {}
    for commitment in (
        Commitment.objects.filter(campaign=campaign).select_related("set_by").order_by("dimension", "-version")
    ):
        latest.setdefault(commitment.dimension, commitment)
    return latest


def commitment_versions(*, campaign, dimension):
    return (
        Commitment.objects.filter(campaign=campaign, dimension=dimension).select_related("set_by").order_by("-version")
    )


def commitment_version_latest(*, campaign, dimension):
    return Commitment.objects.filter(campaign=campaign, dimension=dimension).aggregate(v=Max("version"))["v"] or 0


def actions_for_campaign(*, campaign, dimension=None):
    actions = Action.objects.filter(campaign=campaign).order_by("dimension", "due_date", "pk")
    if dimension is not None:
        actions = actions.filter(dimension=dimension)
    return actions


def action_is_overdue(action, *, today=None):
    today = today or timezone.localdate()
    return action.status in OPEN_STATUSES and action.due_date is not None and action.due_date < today


def actions_by_dimension(*, campaign, dimensions, today=None):
    """[(dimension info, [action, ...])] in framework order; each action gets `.overdue`."""
    today = today or timezone.localdate()
    grouped = {d["key"]: [] for d in dimensions}
    for action in actions_for_campaign(campaign=campaign):
        action.overdue = action_is_overdue(action, today=today)
        grouped.setdefault(action.dimension, []).append(action)
    return [(d, grouped[d["key"]]) for d in dimensions]


def actions_due_for_reminder(*, today=None):
    """Open actions due within a week (or overdue) whose current due date has had no reminder yet."""
    today = today or timezone.localdate()
    return (
        Action.objects.filter(status__in=OPEN_STATUSES, due_date__isnull=False, due_date__lte=today + REMINDER_WINDOW)
        .exclude(reminded_for=F("due_date"))
        .select_related("campaign__organisation")
        .order_by("pk")
    )


def framework_dimensions_info(*, campaign):
    """[{"key", "name": {"en","ja"}, "levels": {"1": {"en","ja"}, ...}}] in questionnaire order."""
    return [
        {"key": key, "name": {"en": en, "ja": ja}, "levels": levels}
        for key, en, ja, levels in campaign.framework.dimensions.order_by("order").values_list(
            "key", "name_en", "name_ja", "level_descriptions"
        )
    ]


def loop_data(*, campaign, result=None):
    """The re-assessment loop for `campaign`: what was committed and done after the previous one.

    JSON-ready and language-neutral. None when there is no earlier campaign on the same framework
    version, or nothing was committed or planned after it. Levels come only from released results.
    """
    from assessment.analysis import campaign_results, previous_campaign  # pandas: imported where used

    earlier = previous_campaign(campaign=campaign)
    if earlier is None:
        return None
    commitments = commitments_current(campaign=earlier)
    actions = list(actions_for_campaign(campaign=earlier))
    if not commitments and not actions:
        return None
    result = result if result is not None else campaign_results(campaign=campaign)
    before = campaign_results(campaign=earlier)
    rows = []
    for info in framework_dimensions_info(campaign=campaign):
        key = info["key"]
        now, then = adapter.dimension_levels(result, key), adapter.dimension_levels(before, key)
        commitment = commitments.get(key)
        mine = [a for a in actions if a.dimension == key]
        done = [a for a in mine if a.status == ActionStatus.DONE]
        rows.append(
            {
                "dimension": key,
                "name": info["name"],
                "target": None
                if commitment is None
                else {
                    "level": commitment.target_level,
                    "date": commitment.target_date.isoformat(),
                    "rationale": commitment.rationale,
                    "version": commitment.version,
                },
                "executives_now": now["executives"],
                "staff_now": now["staff"],
                "staff_before": then["staff"],
                "reached": None
                if commitment is None or now["staff"] is None
                else now["staff"] >= commitment.target_level,
                "actions_total": len(mine),
                "actions_done": [{"title": {"en": a.title_en, "ja": a.title_ja}} for a in done],
            }
        )
    return {"previous": {"id": earlier.pk, "name": earlier.name}, "rows": rows}
