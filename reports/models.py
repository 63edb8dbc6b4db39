from django.conf import settings
from django.db import models
from django.db.models import F, Q


class ExportJob(models.Model):
    """One HR batch export: every report of a campaign, both languages, in one ZIP.

    Parts are rendered one by one into the job's folder; a restarted job skips the parts
    already there, so a worker restart loses at most the part it was rendering.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    campaign = models.ForeignKey("assessment.Campaign", on_delete=models.CASCADE, related_name="export_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_parts = models.PositiveIntegerField(default=0)
    done_parts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(done_parts__lte=F("total_parts")), name="export_progress_within_total"),
        ]

    def __str__(self):
        return f"Export {self.pk} of {self.campaign} ({self.status})"

    @property
    def percent(self):
        return round(100 * self.done_parts / self.total_parts) if self.total_parts else 0


class WorkerHeartbeat(models.Model):
    """One row per task worker process (`manage.py worker`), touched every few seconds: the
    export page and /healthz tell from it whether any worker is alive."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.hostname}:{self.pid} ({self.beat_at:%H:%M:%S})"
