"""Report access goes through the assessment permission helpers (memberships)."""

from django.http import Http404

from assessment.permissions import campaign_get_for_user


def campaign_get_for_reports(*, user, pk):
    """Consultants, HR and executive viewers of the organisation read its reports."""
    return campaign_get_for_user(user=user, pk=pk, action="view")


def campaign_get_for_exports(*, user, pk):
    """Batch exports are HR's and consultants' work."""
    return campaign_get_for_user(user=user, pk=pk, action="manage")


def export_job_get_for_user(*, user, pk):
    from .models import ExportJob

    job = ExportJob.objects.select_related("campaign__organisation").filter(pk=pk).first()
    if job is None:
        raise Http404("no such export")
    campaign_get_for_exports(user=user, pk=job.campaign_id)
    return job
