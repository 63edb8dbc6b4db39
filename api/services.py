import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Membership

from .models import SCOPES, ApiToken

TOKEN_PREFIX = "irk_"  # noqa: S105 (the visible mark of an API token, not a secret)
# Benchmark percentiles are the consultant's view; other roles cannot hold the scope.
ROLE_SCOPES = {
    Membership.Role.CONSULTANT: frozenset(SCOPES),
    Membership.Role.HR: frozenset(SCOPES) - {"benchmark:read"},
    Membership.Role.EXECUTIVE: frozenset(SCOPES) - {"benchmark:read"},
}


def token_hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, membership, name, scopes, days=None):
    """Returns (token, secret); the secret exists only in this return value."""
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise ValidationError(_("Choose at least one known scope."), code="scopes")
    refused = [scope for scope in scopes if scope not in ROLE_SCOPES.get(membership.role, ())]
    if refused:
        raise ValidationError(
            _("Your role cannot grant: %(scopes)s") % {"scopes": ", ".join(refused)}, code="scope_not_allowed"
        )
    if not name.strip():
        raise ValidationError(_("Give the token a name."), code="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=membership,
        name=name.strip(),
        token_hash=token_hash(secret),
        prefix=secret[:10],
        scopes=" ".join(scopes),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return token, secret


def api_token_revoke(*, token):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token):
    """Record use at most once a minute: a busy BI refresh should not write on every request."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
