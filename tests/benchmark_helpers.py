"""Client organisations with released (or unreleased) campaign results, for benchmark and API tests."""

from django.utils import timezone

from assessment.loading import answers_loading
from assessment.models import Answer, Response
from assessment.services import invitation_create

from .factories import CampaignFactory, OrganisationFactory


def answer_campaign(campaign, agreement, count=5, role="business", dont_know=()):
    """`count` submitted respondents; `agreement` is 1–5 or {dimension key: 1–5}; `dont_know` dimensions stay unanswered."""
    items = list(campaign.framework.items.select_related("dimension"))
    for _ in range(count):
        invitation, _token = invitation_create(campaign=campaign, role_group=role)
        response = Response.objects.create(
            invitation=invitation, campaign=campaign, role_group=role, submitted_at=timezone.now()
        )
        answers = []
        for item in items:
            level = agreement.get(item.dimension.key, 3) if isinstance(agreement, dict) else agreement
            value = None if item.dimension.key in dont_know else (6 - level if item.reverse else level)
            answers.append(Answer(response=response, item=item, value=value))
        with answers_loading():  # a submitted response, then its answers
            Answer.objects.bulk_create(answers)


def client_organisation(
    framework,
    agreement,
    *,
    consent=True,
    industry="manufacturing",
    size_band="10000_49999",
    count=5,
    dont_know=(),
    **org_fields,
):
    """An organisation with one campaign answered by `count` respondents."""
    organisation = OrganisationFactory(
        industry=industry,
        size_band=size_band,
        benchmark_consent=consent,
        benchmark_consent_at=timezone.now() if consent else None,
        **org_fields,
    )
    campaign = CampaignFactory(organisation=organisation, framework=framework)
    answer_campaign(campaign, agreement, count=count, dont_know=dont_know)
    return organisation, campaign
