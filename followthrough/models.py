"""What an organisation commits to after an assessment, and the actions that should get it there.

Both hang off the campaign whose results they answer; the next campaign on the same framework
version (assessment.analysis.previous_campaign, seen from the later side) closes the loop.
Dimensions are referred to by key: a framework version is immutable, so the key stays valid.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Commitment(models.Model):
    """One version of the target for one dimension. Rows are never edited: a change is a new version."""

    campaign = models.ForeignKey("assessment.Campaign", on_delete=models.CASCADE, related_name="commitments")
    dimension = models.SlugField(max_length=32)
    version = models.PositiveIntegerField()
    target_level = models.PositiveSmallIntegerField()
    target_date = models.DateField()
    rationale = models.CharField(max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "dimension", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "dimension", "version"], name="commitment_version_unique"),
            models.CheckConstraint(
                condition=Q(target_level__gte=1, target_level__lte=5), name="commitment_level_on_scale"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="commitment_version_positive"),
            models.CheckConstraint(condition=~Q(rationale=""), name="commitment_rationale_given"),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.dimension} v{self.version}: level {self.target_level} by {self.target_date}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class OwnerRole(models.TextChoices):
    # The recommendation catalogue's owner keys, so an action made from one keeps its owner.
    EXECUTIVES = "executives", _("Executives")
    INNOVATION_TEAM = "innovation_team", _("Innovation team")
    BUSINESS_UNITS = "business_units", _("Business units")
    HR = "hr", _("HR")
    CORPORATE_PLANNING = "corporate_planning", _("Corporate planning")
    BOARD = "board", _("Board")


class Action(models.Model):
    campaign = models.ForeignKey("assessment.Campaign", on_delete=models.CASCADE, related_name="actions")
    dimension = models.SlugField(max_length=32)
    # The recommendation it was made from (blank for an action typed by hand).
    recommendation = models.SlugField(max_length=80, blank=True)
    title_en = models.CharField(max_length=300)
    title_ja = models.CharField(max_length=300)
    owner_role = models.CharField(max_length=32, choices=OwnerRole.choices, blank=True)
    owner_name = models.CharField(max_length=200, blank=True)
    owner_email = models.EmailField(
        blank=True, help_text="Reminders go here; else to the organisation's HR and consultants."
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    notes = models.TextField(blank=True)
    # The due date a reminder was last sent for: one reminder per due date, however often the task runs.
    reminded_for = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "due_date", "pk"]
        constraints = [
            # One click twice makes one action.
            models.UniqueConstraint(
                fields=["campaign", "recommendation"],
                condition=~Q(recommendation=""),
                name="action_once_per_recommendation",
            ),
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_known"),
            models.CheckConstraint(condition=~Q(owner_role="") | ~Q(owner_name=""), name="action_has_owner"),
            models.CheckConstraint(condition=~Q(title_en="") & ~Q(title_ja=""), name="action_titles_bilingual"),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.campaign_id}/{self.dimension}: {self.title_en}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES
