"""The staff console: what each signed-in person can reach, organisation by organisation."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessment.models import Campaign
from assessment.permissions import organisations_for_user, user_may_create_organisations, user_roles


@require_GET
@login_required
def dashboard(request):
    roles = user_roles(request.user)
    campaigns = Campaign.objects.select_related("organisation", "framework").order_by(
        "organisation__name_en", "-opens_at"
    )
    if not request.user.is_superuser:
        campaigns = campaigns.filter(organisation_id__in=roles)
    # Every organisation the person belongs to, also those with no campaign yet.
    organisations = {
        organisation.pk: {"organisation": organisation, "role": roles.get(organisation.pk), "campaigns": []}
        for organisation in organisations_for_user(request.user).order_by("name_en")
    }
    for campaign in campaigns:
        entry = organisations.setdefault(
            campaign.organisation_id,
            {"organisation": campaign.organisation, "role": roles.get(campaign.organisation_id), "campaigns": []},
        )
        entry["campaigns"].append(campaign)
    return render(
        request,
        "console/dashboard.html",
        {"organisations": list(organisations.values()), "may_create": user_may_create_organisations(request.user)},
    )
