"""Django admin for frameworks, organisations and campaigns."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessment.models import Answer, Response
from assessment.services import invitation_create


@pytest.fixture
def admin_client_logged(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "a-long-password-1")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "name", ["assessment_framework", "assessment_organisation", "assessment_campaign", "assessment_dimension"]
)
def test_admin_lists_open(admin_client_logged, campaign, name):
    assert admin_client_logged.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_admin_pages_need_staff_login(client, campaign):
    reply = client.get(reverse("admin:assessment_campaign_changelist"))
    assert reply.status_code == 302 and "/admin/login/" in reply["Location"]


def test_answered_framework_is_read_only_in_admin(admin_client_logged, campaign):
    framework = campaign.framework
    change = reverse("admin:assessment_framework_change", args=[framework.pk])
    before = admin_client_logged.get(change)
    assert before.context["has_change_permission"] is True
    invitation, _ = invitation_create(campaign=campaign)
    response = Response.objects.create(invitation=invitation, campaign=campaign)
    Answer.objects.create(response=response, item=framework.items.first(), value=3)
    after = admin_client_logged.get(change)
    assert after.status_code == 200 and after.context["has_change_permission"] is False
    title_before = framework.title_en
    admin_client_logged.post(change, {"title_en": "changed"})
    framework.refresh_from_db()
    assert framework.title_en == title_before


def test_campaign_can_be_created_in_admin(admin_client_logged, campaign):
    add = reverse("admin:assessment_campaign_add")
    reply = admin_client_logged.post(
        add,
        {
            "organisation": campaign.organisation.pk,
            "framework": campaign.framework.pk,
            "name": "Re-assessment 2027",
            "opens_at_0": "2027-01-10",
            "opens_at_1": "09:00:00",
            "closes_at_0": "2027-02-10",
            "closes_at_1": "18:00:00",
            "anonymity_threshold": 5,
        },
    )
    assert reply.status_code == 302, reply.context["adminform"].errors if reply.context else reply
    assert campaign.organisation.campaigns.filter(name="Re-assessment 2027").exists()
