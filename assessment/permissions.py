"""Who may do what: one helper per model, used by every staff view.

A helper returns the object when the user's membership of its organisation allows the action,
and raises Http404 otherwise, so an id in a URL never grants anything and never confirms that
the object exists.
"""

from django.http import Http404

from .models import Campaign, Department, Membership, Organisation

Role = Membership.Role

# What each action needs. Respondents never come through here: their link is their key.
VIEW_REPORTS = frozenset({Role.CONSULTANT, Role.HR, Role.EXECUTIVE})
MANAGE_CAMPAIGNS = frozenset({Role.CONSULTANT, Role.HR})  # respondent lists, reminders, exports, workshops
MANAGE_ORGANISATION = frozenset({Role.CONSULTANT})  # departments, members, framework choice

ACTIONS = {"view": VIEW_REPORTS, "manage": MANAGE_CAMPAIGNS, "administer": MANAGE_ORGANISATION}


def user_roles(user):
    """{organisation_id: role} for a signed-in user (one query)."""
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))


def user_may(user, organisation_id, action):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    role = Membership.objects.filter(user=user, organisation_id=organisation_id).values_list("role", flat=True).first()
    return role in ACTIONS[action]


def user_may_create_organisations(user):
    """Consultants set up client organisations; the Django permission marks who is one."""
    return user.is_authenticated and user.has_perm("assessment.add_organisation")


def organisations_for_user(user, action="view"):
    if user.is_superuser:
        return Organisation.objects.all()
    roles = ACTIONS[action]
    return Organisation.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def organisation_get_for_user(*, user, pk, action="view"):
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not user_may(user, organisation.pk, action):
        raise Http404("no such organisation")
    return organisation


def campaign_get_for_user(*, user, pk, action="view"):
    campaign = Campaign.objects.select_related("organisation", "framework").filter(pk=pk).first()
    if campaign is None or not user_may(user, campaign.organisation_id, action):
        raise Http404("no such campaign")
    return campaign


def department_get_for_campaign(*, campaign, key):
    """A department of the campaign's organisation (access was checked on the campaign)."""
    department = Department.objects.filter(organisation_id=campaign.organisation_id, key=key).first()
    if department is None:
        raise Http404("no such department")
    return department


def respondent_list_job_get_for_user(*, user, pk):
    """A background respondent-list import: for whoever manages its campaign."""
    from .models import RespondentListJob

    job = RespondentListJob.objects.filter(pk=pk).first()
    if job is None:
        raise Http404("no such respondent list import")
    job.campaign = campaign_get_for_user(user=user, pk=job.campaign_id, action="manage")
    return job
