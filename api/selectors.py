"""Reads for the API. Results come only from `campaign_results`, as the reports get them."""

from django.utils import timezone

from .models import ApiToken
from .services import token_hash


def api_token_get_for_secret(*, secret):
    """The active token whose secret this is, with its membership and user; else None."""
    token = (
        ApiToken.objects.select_related("membership__user", "membership__organisation")
        .filter(token_hash=token_hash(secret))
        .first()
    )
    if token is None or not token.is_active() or not token.membership.user.is_active:
        return None
    return token


def api_tokens_for_user(*, user):
    return ApiToken.objects.select_related("membership__organisation").filter(membership__user=user)


def campaign_status(campaign, at=None):
    at = at or timezone.now()
    if at < campaign.opens_at:
        return "scheduled"
    return "open" if campaign.is_open(at) else "closed"
