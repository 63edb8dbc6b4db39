"""API access: a token's membership, its scopes, and the same helpers the staff views use."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from assessment.permissions import campaign_get_for_user, department_get_for_campaign, user_may

from .models import ApiToken


class HasScope(BasePermission):
    """The view's `required_scope` must be among the token's scopes."""

    message = _("This API token lacks the scope this endpoint needs.")

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        self.message = _("This API token lacks the scope %(scope)s.") % {"scope": view.required_scope}
        return view.required_scope in token.scope_set


def campaign_get_for_token(*, token, pk, action="view"):
    """A campaign of the token's organisation that the member may still `action`; else 404."""
    membership = token.membership
    campaign = campaign_get_for_user(user=membership.user, pk=pk, action="view")
    if campaign.organisation_id != membership.organisation_id:
        raise Http404("no such campaign")
    if not user_may(membership.user, campaign.organisation_id, action):
        raise Http404("no such campaign")
    return campaign


def department_key_for_request(*, campaign, request):
    """The `department` query parameter, checked against the campaign's organisation (None: whole organisation)."""
    key = request.query_params.get("department")
    if key is None:
        return None
    return department_get_for_campaign(campaign=campaign, key=key).key
