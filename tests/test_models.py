"""Database constraints: the rules that must hold whatever code writes the rows."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from assessment.models import Answer, Invitation, Response
from assessment.services import invitation_create
from assessment.tokens import token_hash

from .factories import CampaignFactory, DepartmentFactory


def integrity_error(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def response(campaign):
    invitation, _ = invitation_create(campaign=campaign)
    return Response.objects.create(invitation=invitation, campaign=campaign)


def test_answer_is_unique_per_response_and_item(response):
    item = response.campaign.framework.items.first()
    Answer.objects.create(response=response, item=item, value=3)
    integrity_error(lambda: Answer.objects.create(response=response, item=item, value=4))


@pytest.mark.parametrize("value", [0, 6, 100])
def test_answer_value_outside_the_scale_is_refused(response, value):
    item = response.campaign.framework.items.first()
    integrity_error(lambda: Answer.objects.create(response=response, item=item, value=value))


def test_dont_know_is_stored_as_null(response):
    item = response.campaign.framework.items.first()
    Answer.objects.create(response=response, item=item, value=None)
    assert Answer.objects.get(response=response).value is None


def test_one_response_per_invitation(response):
    integrity_error(lambda: Response.objects.create(invitation=response.invitation, campaign=response.campaign))


def test_campaign_must_close_after_it_opens(framework):
    campaign = CampaignFactory.build(framework=framework)
    campaign.organisation.save()
    campaign.organisation_id = campaign.organisation.pk
    campaign.closes_at = campaign.opens_at - timedelta(hours=1)
    integrity_error(campaign.save)


def test_anonymity_threshold_default_is_five_and_at_least_two(framework):
    assert CampaignFactory(framework=framework).anonymity_threshold == 5
    integrity_error(lambda: CampaignFactory(framework=framework, anonymity_threshold=1))


def test_department_keys_unique_within_an_organisation(campaign):
    integrity_error(lambda: DepartmentFactory(organisation=campaign.organisation, key="rd"))
    DepartmentFactory(key="rd")  # another organisation may use the same key


def test_invitation_stores_only_a_hash_of_its_token(campaign):
    invitation, token = invitation_create(campaign=campaign)
    assert len(token) >= 32
    assert invitation.token_hash == token_hash(token) != token
    assert not Invitation.objects.filter(token_hash=token).exists()
    stored = [str(v) for v in Invitation.objects.values_list(flat=False).get(pk=invitation.pk)]
    assert token not in stored


def test_tokens_are_unique_and_unpredictable(campaign):
    tokens = {invitation_create(campaign=campaign)[1] for _ in range(50)}
    assert len(tokens) == 50


def test_invitation_department_must_belong_to_the_campaigns_organisation(campaign):
    with pytest.raises(ValueError):
        invitation_create(campaign=campaign, department=DepartmentFactory())
