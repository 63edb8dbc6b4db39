"""API tokens: each belongs to one organisation membership and carries scopes.

Only a SHA-256 hash of the token is stored (like respondent links): the secret is shown once.
A token reaches nothing beyond its membership: its organisation, and no more than the member's
role allows today (a changed role or a removed membership takes effect at the next request).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCOPES = {
    "campaigns:read": _("Campaigns"),
    "results:read": _("Scores, groups and perception gaps"),
    "recommendations:read": _("Recommendations"),
    "actions:read": _("Follow-through actions"),
    "benchmark:read": _("Benchmark across clients (consultants only)"),
}


class ApiToken(models.Model):
    membership = models.ForeignKey("assessment.Membership", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Power BI'.")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to recognise it.")
    scopes = models.CharField(max_length=200, help_text="Space-separated, e.g. 'campaigns:read results:read'.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(scopes=""), name="api_token_has_scopes"),
            models.CheckConstraint(condition=~Q(name=""), name="api_token_named"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_set(self):
        return frozenset(self.scopes.split())

    def is_active(self, at=None):
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or at < self.expires_at)
