"""Live workshops: a facilitated session on one campaign, its votes and the group's agreements.

Votes and agreements are stored beside the survey answers, never in their place: the survey
score, what each participant voted before and after the discussion, and what the group agreed
on can always be compared afterwards.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    PRE_VOTE = "pre_vote", _("First vote")
    DISCUSSION = "discussion", _("Discussion")
    RE_VOTE = "re_vote", _("Second vote")
    CLOSED = "closed", _("Closed")


class Round(models.TextChoices):
    PRE = "pre", _("First vote")
    RE = "re", _("Second vote")


# The phase in which each round takes votes, and the order the facilitator moves through.
ROUND_OF_PHASE = {Phase.PRE_VOTE: Round.PRE, Phase.RE_VOTE: Round.RE}
NEXT_PHASE = {Phase.PRE_VOTE: Phase.DISCUSSION, Phase.DISCUSSION: Phase.RE_VOTE, Phase.RE_VOTE: Phase.CLOSED}


class WorkshopSession(models.Model):
    campaign = models.ForeignKey("assessment.Campaign", on_delete=models.CASCADE, related_name="workshop_sessions")
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.PRE_VOTE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    phase_changed_at = models.DateTimeField(default=timezone.now)
    # How many people the facilitator expects in the room: joins by code stop there, so one
    # person cannot mint extra respondents to outvote the room or defeat the anonymity threshold.
    expected_participants = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="workshop_session_phase_known"),
            # Two facilitators pressing "start" at once must end up in the same session.
            models.UniqueConstraint(
                fields=["campaign"], condition=~Q(phase=Phase.CLOSED), name="workshop_session_one_running_per_campaign"
            ),
        ]

    def __str__(self):
        return f"Workshop {self.pk} ({self.campaign_id}, {self.phase})"

    @property
    def voting_round(self):
        """The round taking votes now, or None between rounds."""
        return ROUND_OF_PHASE.get(self.phase)

    @property
    def next_phase(self):
        return NEXT_PHASE.get(self.phase)


class WorkshopVote(models.Model):
    """One participant's 1–5 vote on one dimension in one round."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="votes")
    invitation = models.ForeignKey("assessment.Invitation", on_delete=models.CASCADE, related_name="workshop_votes")
    round = models.CharField(max_length=3, choices=Round.choices)
    dimension = models.SlugField(max_length=32, help_text="Dimension key of the campaign's framework.")
    value = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "invitation", "round", "dimension"],
                name="workshop_vote_once_per_round_and_dimension",
            ),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="workshop_vote_value_on_scale"),
            models.CheckConstraint(condition=Q(round__in=Round.values), name="workshop_vote_round_known"),
        ]
        indexes = [models.Index(fields=["session", "round"])]

    def __str__(self):
        return f"{self.session_id}/{self.invitation_id}/{self.round}/{self.dimension}={self.value}"


class WorkshopAgreement(models.Model):
    """The score the group agreed on for one dimension, and why."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="agreements")
    dimension = models.SlugField(max_length=32)
    agreed_score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "dimension"], name="workshop_agreement_once_per_dimension"),
            models.CheckConstraint(
                condition=Q(agreed_score__gte=0, agreed_score__lte=100), name="workshop_agreement_score_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.session_id}/{self.dimension}={self.agreed_score}"


class WorkshopJoin(models.Model):
    """Marks an invitation created by joining with the campaign's code (the "joined" count).

    The Invitation model has no field saying how it came about, and this keeps it that way.
    """

    invitation = models.OneToOneField("assessment.Invitation", on_delete=models.CASCADE, related_name="workshop_join")
    session = models.ForeignKey(WorkshopSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="joins")
    joined_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Join {self.invitation_id}"
