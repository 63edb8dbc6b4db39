"""The anonymity threshold: never below 3, never lowered once anyone answered, every change logged;
results pages are not cached anywhere."""

import pytest
from django.urls import reverse

from assessment import lifecycle
from assessment.models import Campaign, ThresholdChange
from console.forms import CampaignForm

from .test_analysis import add_responses


def _update(campaign, threshold, user=None):
    campaign = Campaign.objects.get(pk=campaign.pk)
    return lifecycle.campaign_update(
        campaign=campaign,
        name=campaign.name,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        anonymity_threshold=threshold,
        version=campaign.version,
        changed_by=user,
    )


def test_threshold_can_move_freely_before_anyone_answers_and_every_change_is_logged(campaign, owner):
    _update(campaign, 4, owner)
    _update(campaign, 7, owner)
    changes = list(
        ThresholdChange.objects.filter(campaign=campaign).values_list("old_value", "new_value", "changed_by")
    )
    assert changes == [(5, 4, owner.pk), (4, 7, owner.pk)]


def test_threshold_is_never_lowered_once_people_answered(campaign, owner):
    add_responses(campaign, 1, agreement=3)
    with pytest.raises(lifecycle.LifecycleError, match="raised but not lowered"):
        _update(campaign, 4, owner)
    assert Campaign.objects.get(pk=campaign.pk).anonymity_threshold == 5
    assert not ThresholdChange.objects.exists()
    _update(campaign, 6, owner)
    assert Campaign.objects.get(pk=campaign.pk).anonymity_threshold == 6


def test_threshold_below_three_is_refused_by_the_form_and_the_database(campaign):
    form = CampaignForm(
        data={
            "framework": campaign.framework.pk,
            "name": "x",
            "opens_at": "2026-01-01T09:00",
            "closes_at": "2026-02-01T09:00",
            "anonymity_threshold": 2,
        }
    )
    assert not form.is_valid() and "anonymity_threshold" in form.errors
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(anonymity_threshold=2)


def test_report_pages_are_not_cached(client, campaign, owner):
    add_responses(campaign, 5, agreement=3)
    client.force_login(owner)
    for name in ("reports:organisation", "reports:organisation_pdf"):
        response = client.get(reverse(name, args=[campaign.pk]))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_response_rates_show_small_department_counts_as_fewer_than_the_threshold(campaign):
    add_responses(campaign, 2, agreement=3, department_key="rd")
    add_responses(campaign, 7, agreement=3, department_key="sales")
    rates = lifecycle.campaign_response_rates(campaign=campaign)
    rows = {row["department"].key: row for row in rates["rows"]}
    # R&D's 2 are hidden, and Sales with it: otherwise the total (9) minus Sales would give them away
    assert rows["rd"]["submitted_hidden"] and rows["sales"]["submitted_hidden"]
    assert rows["rd"]["rate"] is None and rates["total"]["submitted"] == 9
    add_responses(campaign, 3, agreement=3, department_key="rd")
    rows = {row["department"].key: row for row in lifecycle.campaign_response_rates(campaign=campaign)["rows"]}
    assert not rows["rd"].get("submitted_hidden") and rows["rd"]["submitted"] == 5
