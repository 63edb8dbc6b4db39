"""Large respondent lists: handed to the task worker, their progress polled by the page.

`campaign_respondents` (console/campaigns.py) reads every upload; one with more than
RESPONDENT_LIST_BACKGROUND_ROWS rows goes to `respondent_list_job_create` instead of being
imported in the request. The views here serve the page's poll, the retry and the "create these
departments" confirmation of a background import.
"""

import tempfile
from datetime import timedelta
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment import respondent_list_jobs as jobs
from assessment.lifecycle import LifecycleError
from assessment.models import RespondentListJob
from assessment.permissions import respondent_list_job_get_for_user
from assessment.upload_reader import UploadReadError, table_read

# A finished import stays on the page this long (its count of people added), then only the list.
SHOWN_AFTER_DONE = timedelta(minutes=30)


def upload_rows(*, name, data):
    """How many data rows the file has, or None when it cannot be read (the import says why)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"respondents{Path(name).suffix.lower()}"
        path.write_bytes(data)
        try:
            return len(table_read(path)[1])
        except UploadReadError:
            return None


def background_start(request, *, campaign, name, data, create_departments=()):
    """Queue the file for the worker and say so; False when it could not be queued (said too)."""
    try:
        jobs.respondent_list_job_create(
            campaign=campaign, user=request.user, file_name=name, data=data, create_departments=create_departments
        )
    except LifecycleError as error:
        messages.error(request, str(error))
        return False
    except jobs.QueueUnavailable:
        messages.error(
            request,
            _(
                "The list could not be imported: the task queue is not reachable. Nothing was imported; please try "
                "again in a few minutes, and tell your administrator if it persists."
            ),
        )
        return False
    messages.info(
        request,
        _(
            "The list is long, so it is imported in the background: its progress is shown below. "
            "You can leave this page and come back."
        ),
    )
    return True


def job_state(job):
    return {
        "id": job.pk,
        "status": job.status,
        "done": job.done_rows,
        "total": job.total_rows,
        "percent": job.percent,
        "problems": job.problems,
        "status_url": reverse("console:respondent_list_job_status", args=[job.pk]),
    }


def job_for_page(campaign):
    """The campaign's latest background import, while it is worth showing (unfinished, failed, just done)."""
    job = campaign.respondent_list_jobs.first()
    if job is None:
        return None
    if job.status == RespondentListJob.Status.DONE and job.finished_at < timezone.now() - SHOWN_AFTER_DONE:
        return None
    return job


@require_GET
@login_required
def respondent_list_job_status(request, job_id):
    """Polled by the respondents page every two seconds; also re-queues a job whose worker died."""
    job = respondent_list_job_get_for_user(user=request.user, pk=job_id)
    jobs.respondent_list_job_resume_if_stalled(job=job)
    job.refresh_from_db()
    return JsonResponse(job_state(job))


@require_POST
@login_required
def respondent_list_job_retry(request, job_id):
    job = respondent_list_job_get_for_user(user=request.user, pk=job_id)
    if not jobs.respondent_list_job_retry(job=job):
        messages.error(request, _("This import cannot be started again: upload the file again."))
    return redirect("console:campaign_respondents", job.campaign_id)


@require_POST
@login_required
def respondent_list_job_confirm(request, job_id):
    """Import a failed job's file again, creating the unknown departments the user confirmed."""
    job = respondent_list_job_get_for_user(user=request.user, pk=job_id)
    names = [name for name in request.POST.getlist("create_department") if name in job.unknown_departments]
    if not job.data or job.status != RespondentListJob.Status.FAILED or not names:
        messages.error(request, _("The file could not be read back. Upload it again."))
    else:
        background_start(
            request, campaign=job.campaign, name=job.file_name, data=bytes(job.data), create_departments=names
        )
    return redirect("console:campaign_respondents", job.campaign_id)
