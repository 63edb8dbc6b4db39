"""Releases: results change only in steps of at least the anonymity threshold of new responses.

Every surface that shows results (reports, PDFs and exports, the workshop screen, a respondent's
own report, the command line) reads the latest release. A new release is cut when someone reads
results and at least `threshold` submitted responses are not yet in one; its disclosure plan is
made together with every earlier release's (assessment.disclosure), so comparing two releases
never isolates the people who answered in between.
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q

from . import analysis, disclosure, routing, scoring
from .analysis import CampaignFrames
from .models import Campaign, Release, Response


def _with_batches(frames: CampaignFrames, pending_batch: int) -> CampaignFrames:
    """Frames whose respondents carry `batch` (their release; `pending_batch` for the unreleased)."""
    respondents = frames.respondents.copy()
    respondents["batch"] = respondents["release_number"].fillna(pending_batch).astype(int)
    return replace(frames, respondents=respondents)


def _released(frames: CampaignFrames, number: int) -> CampaignFrames:
    """Frames narrowed to the respondents of releases 1..number."""
    respondents = frames.respondents
    respondents = respondents[respondents["release_number"].notna() & (respondents["release_number"] <= number)]
    respondents = respondents.assign(batch=respondents["release_number"].astype(int))
    answers = frames.answers[frames.answers["respondent"].isin(respondents["respondent"])]
    return replace(frames, respondents=respondents, answers=answers)


GAP_ITEMS = "gap_items"  # key of the stored plan: the release's perception-gap statements


def release_standing(*, campaign: Campaign) -> tuple[Release, dict[str, int]] | None:
    """(latest release, {"submitted", "included"} counts) when no new release is due, else None.

    Two queries, whatever the campaign's size. None too when nothing is released yet, or when
    the release predates stored gap statements: the caller then reads the whole campaign
    (`release_current`), which cuts a release when one is due.
    """
    latest = Release.objects.filter(campaign=campaign).order_by("-number").first()
    if latest is None or GAP_ITEMS not in latest.plan:
        return None
    counts = Response.objects.filter(campaign=campaign, submitted_at__isnull=False).aggregate(
        submitted=Count("pk"),
        pending=Count("pk", filter=Q(release_number__isnull=True)),
        included=Count("pk", filter=Q(release_number__lte=latest.number)),
    )
    if counts["pending"] >= campaign.anonymity_threshold:
        return None
    return latest, {"submitted": counts["submitted"], "included": counts["included"]}


def _plans(releases: Iterable[Release]) -> list[disclosure.Plan]:
    return [disclosure.Plan.from_json(r.plan, upto=r.number) for r in releases]


def release_current(
    *, campaign: Campaign, frames: CampaignFrames
) -> tuple[int, disclosure.Plan | None, CampaignFrames | None, datetime | None]:
    """(number, plan, frames of its respondents, when it was cut) of the latest release; cuts a
    new one when due.

    Returns (0, None, None, None) while nothing has been released.
    """
    releases = list(Release.objects.filter(campaign=campaign).order_by("number"))
    pending = frames.respondents["release_number"].isna()
    if int(pending.sum()) >= campaign.anonymity_threshold:
        cut = _release_cut(campaign=campaign, frames=frames, releases=releases)
        if cut is not None:
            releases.append(cut)
    if not releases:
        return 0, None, None, None
    latest = releases[-1]
    plan = disclosure.Plan.from_json(latest.plan, upto=None)
    released = _released(frames, latest.number)
    if GAP_ITEMS in latest.plan:  # stored with the release: no pass over the answers to find them again
        released = replace(released, gap_items=frozenset(latest.plan[GAP_ITEMS]))
    return latest.number, plan, released, latest.created_at


def _release_cut(*, campaign: Campaign, frames: CampaignFrames, releases: list[Release]) -> Release | None:
    number = (releases[-1].number if releases else 0) + 1
    with transaction.atomic():
        # One release at a time per campaign: a second reader waits, then sees the new release.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if Release.objects.filter(campaign=campaign, number__gte=number).exists():
            # Another reader cut it first: take the release numbers it gave.
            pending_ids = list(frames.respondents.loc[frames.respondents["release_number"].isna(), "respondent"])
            given = dict(Response.objects.filter(pk__in=pending_ids).values_list("pk", "release_number"))
            frames.respondents["release_number"] = [
                given.get(pk, number) if number != number else number  # NaN != NaN: still pending here
                for pk, number in zip(
                    frames.respondents["respondent"], frames.respondents["release_number"], strict=True
                )
            ]
            frames.respondents["release_number"] = frames.respondents["release_number"].astype(float)
            return Release.objects.filter(campaign=campaign).order_by("-number").first()
        batched = _with_batches(frames, number)
        plan = analysis.plan_for_frames(batched, threshold=campaign.anonymity_threshold, prior=_plans(releases))
        if not plan.shows(("org",)):
            return None
        pending_ids = list(frames.respondents.loc[frames.respondents["release_number"].isna(), "respondent"])
        # The perception gap's statements (those both executives and everyone else answered) are
        # a campaign-wide fact of the release: kept with it, a department's report needs no one else.
        gap_items = routing.shared_items(scoring.scored_answers(batched.answers, batched.items), batched.respondents)
        release = Release.objects.create(
            campaign=campaign,
            number=number,
            threshold=campaign.anonymity_threshold,
            respondents=len(batched.respondents),
            plan={**plan.to_json(), GAP_ITEMS: sorted(gap_items)},
        )
        Response.objects.filter(pk__in=pending_ids, release_number__isnull=True).update(release_number=number)
        frames.respondents.loc[frames.respondents["respondent"].isin(pending_ids), "release_number"] = number
    return release
