"""Large respondent lists, imported by the task worker with progress the page can poll.

A list with more than RESPONDENT_LIST_BACKGROUND_ROWS rows would hold a web request (and the
campaign's row lock) for too long, so its file is stored in a RespondentListJob and a task
checks it whole (the same rules as an upload on the page: `lifecycle.respondent_list_check`),
then writes it in batches. Each batch commits its invitations together with the job's
`done_rows`, under the campaign's row lock: a worker killed mid-way leaves whole batches, and the
job, re-queued by the page's poll once its heartbeat is stale, goes on from the first row not
written. A file with problems writes nothing and the page lists them, as for a small file.
"""

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .errors import ApplicationError
from .lifecycle import LifecycleError, respondent_list_check, respondent_rows_write
from .models import Campaign, RespondentListJob
from .respondent_list import RespondentListError
from .upload_reader import UploadReadError, table_read

logger = logging.getLogger(__name__)

BATCH = 200
# A running job whose worker has said nothing for this long is taken to be dead and re-queued.
STALE_AFTER = timedelta(seconds=120)
UNFINISHED = [RespondentListJob.Status.QUEUED, RespondentListJob.Status.RUNNING]


class QueueUnavailable(ApplicationError):
    """The task queue could not take the job; nothing was created."""


def respondent_list_in_background(*, rows):
    return rows > settings.RESPONDENT_LIST_BACKGROUND_ROWS


def respondent_list_job_create(*, campaign, user, file_name, data, create_departments=()):
    """Store the file and queue it for the worker; returns the job.

    One unfinished job per campaign (two at once could both add the same person), decided under
    the campaign's row lock. When the queue cannot take the job it is deleted again and
    QueueUnavailable raised: nothing waits forever.
    """
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if campaign.respondent_list_jobs.filter(status__in=UNFINISHED).exists():
            raise LifecycleError(
                _(
                    "A respondent list is being imported in the background for this campaign. "
                    "Wait until it has finished, then upload this file."
                )
            )
        # Files of earlier jobs are not needed any more (a failed one is uploaded again).
        campaign.respondent_list_jobs.exclude(data=b"").update(data=b"")
        job = RespondentListJob.objects.create(
            campaign=campaign,
            requested_by=user,
            file_name=Path(file_name).name[:255],
            data=data,
            create_departments=list(create_departments),
            heartbeat_at=timezone.now(),
        )
    try:
        respondent_list_job_run.enqueue(job.pk)
    except Exception as error:  # redis.ConnectionError, a database error for the database queue, ...
        logger.error("respondent list %s not queued, removed again: %s: %s", job.pk, type(error).__name__, error)
        try:
            job.delete()
        except Exception:  # the queue's database is gone: the stall check restarts the job
            logger.exception("respondent list %s could not be removed", job.pk)
        raise QueueUnavailable(str(error)) from error
    return job


def _beat(job, **fields):
    RespondentListJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **fields)


def _fail(job, problems, *, unknown=(), creatable=False, retryable=False):
    _beat(
        job,
        status=RespondentListJob.Status.FAILED,
        problems=list(problems),
        unknown_departments=list(unknown),
        creatable=creatable,
        retryable=retryable,
        finished_at=timezone.now(),
    )


def _check(job, header, records):
    """(rows, departments, new) of the whole file, as the campaign is now.

    After a restart the rows already written are this job's own, not "already invited": they are
    the first `done_rows` rows of the file (read once ignoring who is invited, to know which).
    """
    written = ()
    if job.done_rows:
        everyone = job.campaign.invitations.exclude(email="").values_list("email", flat=True)
        rows, _departments, _new = respondent_list_check(
            campaign=job.campaign, header=header, records=records, written_emails=list(everyone)
        )
        written = [row["email"] for row in rows[: job.done_rows]]
    return respondent_list_check(
        campaign=job.campaign,
        header=header,
        records=records,
        create_departments=job.create_departments,
        written_emails=written,
    )


def _write(job, rows, departments, new):
    """Write rows[done_rows:] in batches, each with its progress; returns nothing (raises on trouble)."""
    done = job.done_rows
    while done < len(rows):
        batch = rows[done : done + BATCH]
        with transaction.atomic():
            Campaign.objects.select_for_update().filter(pk=job.campaign_id).first()
            # Checked at the start; re-checked for this batch under the lock, against anyone added since.
            emails = [row["email"] for row in batch]
            taken = sorted(job.campaign.invitations.filter(email__in=emails).values_list("email", flat=True))
            if taken:
                raise RespondentListError(
                    [
                        _("%(email)s was added to this campaign by someone else while the list was being imported")
                        % {"email": email}
                        for email in taken
                    ]
                )
            respondent_rows_write(
                campaign=job.campaign, rows=batch, departments=departments, new=new if done == 0 else ()
            )
            done += len(batch)
            _beat(job, done_rows=done)


@task()
def respondent_list_job_run(job_id):
    # Claim it: a job re-queued by the stall check can sit in the queue twice; the second run finds
    # it taken (running, or already finished) and leaves it.
    claimed = RespondentListJob.objects.filter(pk=job_id, status=RespondentListJob.Status.QUEUED).update(
        status=RespondentListJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return
    job = RespondentListJob.objects.select_related("campaign__organisation", "campaign__framework").get(pk=job_id)
    try:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"list{Path(job.file_name).suffix.lower()}"
            path.write_bytes(bytes(job.data))
            header, records = table_read(path)
        rows, departments, new = _check(job, header, records)
        _beat(job, total_rows=len(rows))
        _write(job, rows, departments, new)
    except UploadReadError as error:
        _fail(job, error.problems)
        return
    except RespondentListError as error:
        job.refresh_from_db(fields=["done_rows"])
        problems = error.problems
        if job.done_rows:
            problems = [
                _("%(count)d people were added before this problem; “Try again” adds the rest.")
                % {"count": job.done_rows},
                *problems,
            ]
        _fail(
            job,
            problems,
            unknown=error.unknown_departments,
            creatable=error.creatable and not job.done_rows,
            retryable=bool(job.done_rows),
        )
        return
    except Exception as error:
        logger.exception("respondent list %s failed", job_id)
        problem = _(
            "The import stopped because of an error on the server (%(error)s). The people added so far "
            "stay on the list; “Try again” goes on from there."
        ) % {"error": type(error).__name__}
        _fail(job, [problem], retryable=True)
        raise
    _beat(job, status=RespondentListJob.Status.DONE, finished_at=timezone.now(), data=b"")


def respondent_list_job_resume_if_stalled(*, job):
    """Re-queue a job whose worker died (restart, crash). Returns True when it was re-queued."""
    cutoff = timezone.now() - STALE_AFTER
    stalled = RespondentListJob.objects.filter(pk=job.pk, status__in=UNFINISHED).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    # The conditional update is the lock: of two pollers seeing the same stall, one re-queues.
    if stalled.update(status=RespondentListJob.Status.QUEUED, heartbeat_at=timezone.now()):
        transaction.on_commit(lambda: respondent_list_job_run.enqueue(job.pk))
        return True
    return False


def respondent_list_job_retry(*, job):
    """Start a job again that failed part-way or on a server error (its file is kept until it is done)."""
    if RespondentListJob.objects.filter(pk=job.pk, status=RespondentListJob.Status.FAILED, retryable=True).update(
        status=RespondentListJob.Status.QUEUED,
        heartbeat_at=timezone.now(),
        problems=[],
        finished_at=None,
        retryable=False,
    ):
        transaction.on_commit(lambda: respondent_list_job_run.enqueue(job.pk))
        return True
    return False
