"""The HR batch-export page: start an export, watch its progress, download the ZIP."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import exports
from .models import ExportJob
from .permissions import campaign_get_for_exports, export_job_get_for_user
from .workers import workers_alive


def _job_state(job):
    return {
        "id": job.pk,
        "status": job.status,
        "done": job.done_parts,
        "total": job.total_parts,
        "percent": job.percent,
        "error": job.error,
        "download": reverse("reports:export_download", args=[job.pk]) if job.status == ExportJob.Status.DONE else None,
    }


@require_http_methods(["GET", "POST"])
@login_required
def export_page(request, pk):
    campaign = campaign_get_for_exports(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            exports.export_job_create(campaign=campaign, user=request.user)
        except exports.QueueUnavailable:
            messages.error(
                request,
                _(
                    "The export could not be started: the task queue is not reachable. Nothing was created; "
                    "please try again in a few minutes, and tell your administrator if it persists."
                ),
            )
        return redirect("reports:exports", pk)
    jobs = list(campaign.export_jobs.all()[:10])
    try:
        workers, _latest = workers_alive()
    except Exception:  # Redis down: the page still shows, with the warning
        workers = 0
    context = {"campaign": campaign, "jobs": [(_job_state(j), j) for j in jobs], "no_worker": workers == 0}
    return render(request, "reports/exports.html", context)


@require_GET
@login_required
def export_status(request, job_id):
    """Polled by the page every two seconds; also restarts a job whose worker died."""
    job = export_job_get_for_user(user=request.user, pk=job_id)
    exports.export_job_resume_if_stalled(job=job)
    job.refresh_from_db()
    return JsonResponse(_job_state(job))


@require_POST
@login_required
def export_retry(request, job_id):
    job = export_job_get_for_user(user=request.user, pk=job_id)
    exports.export_job_retry(job=job)
    return redirect("reports:exports", job.campaign_id)


@require_GET
@login_required
def export_download(request, job_id):
    job = export_job_get_for_user(user=request.user, pk=job_id)
    path = exports.export_zip_path(job)
    if job.status != ExportJob.Status.DONE or not path.exists():
        raise Http404("this export is not ready")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name, content_type="application/zip")
