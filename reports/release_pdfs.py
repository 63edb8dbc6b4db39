"""Every PDF of a release printed in the background once the release has stood a while.

A report's numbers change only when a release is cut (assessment/releases.py), and its PDF is a
function of them (the cover dates it by the release), so it can be printed before anyone asks.
The batch export is the reason: the organisation and every published department in both
languages, 42 twenty-page PDFs at 20 departments, is about a minute of WeasyPrint on two cores.
Printed into the report cache here, an export started later collects them in seconds.

A release waits PRINT_DELAY before its PDFs are printed: during a busy day releases follow one
another, and only one that is still the latest when its turn comes is printed.
"""

import logging
import os
from datetime import timedelta

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from assessment.models import Campaign, Release

logger = logging.getLogger(__name__)

PRINT_DELAY = timedelta(seconds=int(os.environ.get("RELEASE_PDFS_DELAY_SECONDS", "600")))


@receiver(post_save, sender=Release, dispatch_uid="release_pdfs_schedule")
def release_pdfs_schedule(sender, instance, created, **kwargs):
    """Queue the printing of a new release's PDFs, PRINT_DELAY after it is committed."""
    if not created or not release_pdfs_print.get_backend().supports_defer:
        return  # a backend that runs tasks at once would print them inside the request that cut it

    def enqueue():
        run_after = timezone.now() + PRINT_DELAY
        release_pdfs_print.using(run_after=run_after).enqueue(instance.campaign_id, instance.number)

    # robust: a queue that is down costs the head start, never the release or the page being read
    transaction.on_commit(enqueue, robust=True)


def _latest_number(campaign_id):
    return Release.objects.filter(campaign_id=campaign_id).order_by("-number").values_list("number", flat=True).first()


@task()
def release_pdfs_print(campaign_id, number):
    """Print the release's export parts into the report cache; returns how many, or why none."""
    from assessment.analysis import campaign_frames

    from .exports import export_plan, parts_print

    if _latest_number(campaign_id) != number:
        return "superseded"  # a later release has its own turn
    campaign = Campaign.objects.select_related("organisation", "framework").filter(pk=campaign_id).first()
    if campaign is None:
        return "deleted"
    frames = campaign_frames(campaign=campaign)  # read once for the plan and every part
    plan = export_plan(campaign=campaign, frames=frames)
    if _latest_number(campaign_id) != number:  # reading may have cut a newer release
        return "superseded"
    parts_print([(department, lang, None) for department, lang in plan], campaign=campaign, frames=frames)
    logger.info("release %s of campaign %s: %s PDFs printed ahead", number, campaign_id, len(plan))
    return len(plan)
