"""The comment threshold (issue #12): at least 10, never below the anonymity threshold, editable in the
console, never lowered once anyone answered, every change logged like the anonymity threshold's."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from assessment import lifecycle
from assessment.models import Campaign, ThresholdChange
from console.forms import CampaignForm

from .test_analysis import add_responses

COMMENT = ThresholdChange.Kind.COMMENT
ANONYMITY = ThresholdChange.Kind.ANONYMITY


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _update(campaign, *, anonymity=None, comments=None, user=None):
    campaign = Campaign.objects.get(pk=campaign.pk)
    return lifecycle.campaign_update(
        campaign=campaign,
        name=campaign.name,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        anonymity_threshold=anonymity or campaign.anonymity_threshold,
        comment_threshold=comments,
        version=campaign.version,
        changed_by=user,
    )


def _changes(campaign):
    return list(
        ThresholdChange.objects.filter(campaign=campaign).order_by("pk").values_list("kind", "old_value", "new_value")
    )


def _when(days):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _form_data(campaign, **overrides):
    return {
        "framework": campaign.framework_id,
        "name": campaign.name,
        "opens_at": _when(-1),
        "closes_at": _when(20),
        "anonymity_threshold": str(campaign.anonymity_threshold),
        "comment_threshold": str(campaign.comment_threshold),
        "version": campaign.version,
        **overrides,
    }


# --- the rules (lifecycle) -------------------------------------------------------------------


def test_comment_threshold_moves_freely_before_anyone_answers_and_every_change_is_logged(campaign, owner):
    _update(campaign, comments=15, user=owner)
    _update(campaign, comments=12, user=owner)
    assert Campaign.objects.get(pk=campaign.pk).comment_threshold == 12
    assert _changes(campaign) == [(COMMENT, 10, 15), (COMMENT, 15, 12)]
    assert set(ThresholdChange.objects.values_list("changed_by", flat=True)) == {owner.pk}


def test_comment_threshold_is_never_lowered_once_people_answered(campaign, owner):
    _update(campaign, comments=14, user=owner)
    add_responses(campaign, 1, agreement=3, submitted=False)
    with pytest.raises(lifecycle.LifecycleError, match="comment threshold of 14"):
        _update(campaign, comments=13, user=owner)
    assert Campaign.objects.get(pk=campaign.pk).comment_threshold == 14
    _update(campaign, comments=20, user=owner)
    assert _changes(campaign) == [(COMMENT, 10, 14), (COMMENT, 14, 20)]


@pytest.mark.parametrize(("anonymity", "comments"), [(5, 9), (12, 11)])
def test_comment_threshold_below_ten_or_below_the_anonymity_threshold_is_refused(campaign, anonymity, comments):
    with pytest.raises(ValidationError) as error:
        _update(campaign, anonymity=anonymity, comments=comments)
    assert "comment_threshold" in error.value.message_dict
    fresh = Campaign.objects.get(pk=campaign.pk)
    assert (fresh.anonymity_threshold, fresh.comment_threshold) == (5, 10) and not ThresholdChange.objects.exists()
    with pytest.raises(ValidationError):
        lifecycle.campaign_create(
            organisation=campaign.organisation,
            framework=campaign.framework,
            name="x",
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
            anonymity_threshold=anonymity,
            comment_threshold=comments,
        )


def test_raising_the_anonymity_threshold_above_it_raises_the_comment_threshold_too_and_logs_both(campaign, owner):
    _update(campaign, anonymity=12, user=owner)
    fresh = Campaign.objects.get(pk=campaign.pk)
    assert (fresh.anonymity_threshold, fresh.comment_threshold) == (12, 12)
    assert sorted(_changes(campaign)) == sorted([(ANONYMITY, 5, 12), (COMMENT, 10, 12)])


def test_the_form_refuses_a_comment_threshold_below_ten_or_below_the_anonymity_threshold(campaign):
    base = {
        "framework": campaign.framework.pk,
        "name": "x",
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2026-02-01T09:00",
        "anonymity_threshold": 5,
    }
    assert "comment_threshold" in CampaignForm(data={**base, "comment_threshold": 9}).errors
    form = CampaignForm(data={**base, "anonymity_threshold": 12, "comment_threshold": 11})
    assert form.errors["comment_threshold"] == ["The comment threshold cannot be below the anonymity threshold (12)."]
    with translation.override("ja"):
        form = CampaignForm(data={**base, "anonymity_threshold": 12, "comment_threshold": 11})
        japanese = "コメントの表示しきい値は匿名性のしきい値（12）より低くできません。"
        assert form.errors["comment_threshold"] == [japanese]
    assert CampaignForm(data={**base, "comment_threshold": 10}).is_valid()


# --- the console (owner / same-organisation member / outsider) -------------------------------


def test_owner_edits_the_comment_threshold_in_the_console(client, campaign, owner):
    client.force_login(owner)
    url = reverse("console:campaign_edit", args=[campaign.pk])
    page = client.get(url)
    assert page.context["form"]["comment_threshold"].value() == 10
    assert 'name="comment_threshold"' in page.content.decode()
    assert client.post(url, _form_data(campaign, comment_threshold="16")).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).comment_threshold == 16
    change = ThresholdChange.objects.get(campaign=campaign)
    assert (change.kind, change.old_value, change.new_value, change.changed_by) == (COMMENT, 10, 16, owner)


def test_owner_sees_why_a_lower_comment_threshold_is_refused_in_both_languages(client, campaign, owner):
    client.force_login(owner)
    _update(campaign, comments=15, user=owner)
    add_responses(campaign, 1, agreement=3)
    campaign.refresh_from_db()
    url = reverse("console:campaign_edit", args=[campaign.pk])
    reply = client.post(url, _form_data(campaign, comment_threshold="12"))
    assert reply.status_code == 200
    assert "comment threshold of 15: it can be raised but not lowered" in reply.content.decode()
    reply = client.post(url, _form_data(campaign, comment_threshold="12"), HTTP_ACCEPT_LANGUAGE="ja")
    assert "コメントの表示しきい値15のもとで回答が寄せられています" in reply.content.decode()
    reply = client.post(url, _form_data(campaign, comment_threshold="9"))
    assert reply.status_code == 200 and "greater than or equal to 10" in reply.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).comment_threshold == 15


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_member_and_outsider_cannot_change_the_comment_threshold(client, request, campaign, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("console:campaign_edit", args=[campaign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form_data(campaign, comment_threshold="30")).status_code == 404
    assert Campaign.objects.get(pk=campaign.pk).comment_threshold == 10 and not ThresholdChange.objects.exists()


def test_new_campaign_and_re_assessment_take_the_comment_threshold(client, campaign, owner):
    client.force_login(owner)
    create = reverse("console:campaign_create", args=[campaign.organisation_id])
    assert client.get(create).context["form"]["comment_threshold"].value() == 10
    assert client.post(create, _form_data(campaign, name="With comments", comment_threshold="20")).status_code == 302
    created = Campaign.objects.get(name="With comments")
    assert created.comment_threshold == 20
    clone = reverse("console:campaign_clone", args=[created.pk])
    assert client.get(clone).context["form"]["comment_threshold"].value() == 20
    assert client.post(clone, _form_data(created, name="Again", comment_threshold="25")).status_code == 302
    assert Campaign.objects.get(name="Again").comment_threshold == 25
