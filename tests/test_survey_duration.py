"""How long the survey takes (issue #12): the start page and the invitation state a figure measured on
earlier respondents of the same questionnaire version, and the statement-count estimate until enough
of them have answered."""

import math
import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessment import routing
from assessment.lifecycle import invitations_send
from assessment.models import Response
from assessment.selectors import (
    DURATION_MEASURED_MIN,
    framework_statement_counts,
    survey_duration,
    survey_seconds_per_statement,
)
from assessment.services import invitation_create

from .factories import CampaignFactory
from .test_routing import campaign_1_1  # noqa: F401 (fixture)


def answered(campaign, count, *, minutes, role="business"):
    """`count` respondents of `role` who took `minutes` from the profile page to the submission."""
    now = timezone.now()
    for _ in range(count):
        invitation, _token = invitation_create(campaign=campaign, role_group=role)
        response = Response.objects.create(invitation=invitation, campaign=campaign, role_group=role)
        Response.objects.filter(pk=response.pk).update(started_at=now - timedelta(minutes=minutes), submitted_at=now)


def expected_minutes(seconds):
    return max(5, 5 * math.ceil(seconds / 300))


def estimate(campaign, role):
    counts = framework_statement_counts(framework=campaign.framework)
    return routing.survey_minutes([counts[role]], campaign.framework.dimensions.count() + 2)


def test_too_few_measured_respondents_give_the_statement_count_estimate(campaign_1_1):
    answered(campaign_1_1, DURATION_MEASURED_MIN - 1, minutes=60)
    assert survey_seconds_per_statement(framework=campaign_1_1.framework) is None
    framework = campaign_1_1.framework
    assert survey_duration(framework=framework, role_group="executive") == estimate(campaign_1_1, "executive")


def test_the_measured_pace_sets_the_duration_for_every_role(campaign_1_1):
    counts = framework_statement_counts(framework=campaign_1_1.framework)
    answered(campaign_1_1, DURATION_MEASURED_MIN - 5, minutes=40)
    answered(campaign_1_1, 5, minutes=41)
    # Not answering times: imported (no time at all), generated (submitted before the start), left for days.
    answered(campaign_1_1, 30, minutes=0)
    answered(campaign_1_1, 30, minutes=-60 * 24)
    answered(campaign_1_1, 30, minutes=60 * 24 * 3)
    pace = survey_seconds_per_statement(framework=campaign_1_1.framework)
    assert pace == 40 * 60 / counts["business"]
    framework = campaign_1_1.framework
    assert survey_duration(framework=framework, role_group="business") == (40, 40)
    executive = expected_minutes(pace * counts["executive"])
    assert survey_duration(framework=framework, role_group="executive") == (executive, executive)
    low, high = min(counts.values()), max(counts.values())
    assert survey_duration(framework=framework) == (expected_minutes(pace * low), expected_minutes(pace * high))
    assert estimate(campaign_1_1, "business") != (40, 40)  # the test would notice the estimate


def test_other_versions_do_not_count(campaign_1_1, framework):
    answered(CampaignFactory(framework=framework), DURATION_MEASURED_MIN, minutes=40)  # 1.0
    assert survey_seconds_per_statement(framework=campaign_1_1.framework) is None
    assert survey_seconds_per_statement(framework=framework) is not None


def test_start_page_and_invitation_state_the_measured_duration(client, campaign_1_1):
    answered(campaign_1_1, DURATION_MEASURED_MIN, minutes=40)
    _invitation, token = invitation_create(campaign=campaign_1_1, role_group="business", email="a@example.com")
    page = client.get(reverse("respondent:start", args=[token])).content.decode()
    assert "It takes about 40 minutes." in page
    page = client.get(reverse("respondent:start", args=[token]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert re.search(r"約40分", page)
    invitations_send(campaign=campaign_1_1)
    (message,) = mail.outbox
    assert "所要時間は約40分です" in message.body and "It takes about 40 minutes." in message.body


def test_start_page_before_enough_answers_states_the_estimate(client, campaign_1_1):
    _invitation, token = invitation_create(campaign=campaign_1_1, role_group="business")
    low, _high = estimate(campaign_1_1, "business")
    assert f"It takes about {low} minutes." in client.get(reverse("respondent:start", args=[token])).content.decode()


def test_the_measure_is_read_once_per_cache_period(campaign_1_1, monkeypatch, django_assert_num_queries):
    from assessment import selectors

    framework = campaign_1_1.framework
    assert survey_seconds_per_statement(framework=framework) is None
    answered(campaign_1_1, DURATION_MEASURED_MIN, minutes=40)
    with django_assert_num_queries(0):
        assert survey_seconds_per_statement(framework=framework) is None  # read ten minutes ago at most
    monkeypatch.setattr(selectors, "DURATION_CACHE_SECONDS", -1)
    assert survey_seconds_per_statement(framework=framework) is not None
