"""Who may read which report. One helper per model; every report view goes through it."""

from django.http import Http404

from assessment.models import Campaign, Department


def campaign_get_for_reports(*, user, pk):
    """A campaign whose reports `user` may read; anything else is a 404 (ids grant nothing)."""
    # Staff only until organisation roles exist (consultant, HR, executive viewer).
    if not (user.is_authenticated and user.is_staff):
        raise Http404("no such campaign")
    try:
        return Campaign.objects.select_related("organisation", "framework").get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404("no such campaign") from None


def department_get_for_reports(*, campaign, key):
    try:
        return Department.objects.get(organisation_id=campaign.organisation_id, key=key)
    except Department.DoesNotExist:
        raise Http404("no such department") from None


def export_job_get_for_user(*, user, pk):
    from .models import ExportJob

    try:
        job = ExportJob.objects.select_related("campaign__organisation").get(pk=pk)
    except ExportJob.DoesNotExist:
        raise Http404("no such export") from None
    campaign_get_for_reports(user=user, pk=job.campaign_id)  # the same rule as the campaign's reports
    return job
