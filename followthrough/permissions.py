"""Who may see and change follow-through, on top of assessment.permissions (memberships).

Everything here is readable by the organisation's staff roles, exactly as its reports are.
Targets are the executives' to set (or the consultant's on their behalf); actions are run by HR
and the consultant. Respondents have no membership and never get here. No access is a 404.
"""

from django.http import Http404

from assessment.models import Membership
from assessment.permissions import campaign_get_for_user

from .models import Action

Role = Membership.Role

SET_COMMITMENTS = frozenset({Role.CONSULTANT, Role.EXECUTIVE})
EDIT_ACTIONS = frozenset({Role.CONSULTANT, Role.HR})


def _role(user, organisation_id):
    return Membership.objects.filter(user=user, organisation_id=organisation_id).values_list("role", flat=True).first()


def _may(user, organisation_id, roles):
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or _role(user, organisation_id) in roles


def campaign_get_for_followthrough(*, user, pk):
    """Read commitments, actions and deliverables: the same people who read the reports."""
    return campaign_get_for_user(user=user, pk=pk, action="view")


def campaign_get_for_commitments(*, user, pk):
    campaign = campaign_get_for_followthrough(user=user, pk=pk)
    if not _may(user, campaign.organisation_id, SET_COMMITMENTS):
        raise Http404("no such campaign")
    return campaign


def campaign_get_for_actions(*, user, pk):
    campaign = campaign_get_for_followthrough(user=user, pk=pk)
    if not _may(user, campaign.organisation_id, EDIT_ACTIONS):
        raise Http404("no such campaign")
    return campaign


def action_get_for_user(*, user, pk):
    """An action to edit (HR and consultants of its organisation)."""
    action = Action.objects.select_related("campaign__organisation", "campaign__framework").filter(pk=pk).first()
    if action is None or not _may(user, action.campaign.organisation_id, EDIT_ACTIONS):
        raise Http404("no such action")
    return action


def user_followthrough_rights(*, user, campaign):
    """What the page may offer: {"commit": bool, "act": bool} (reading was checked already)."""
    if user.is_superuser:
        return {"commit": True, "act": True}
    role = _role(user, campaign.organisation_id)
    return {"commit": role in SET_COMMITMENTS, "act": role in EDIT_ACTIONS}
