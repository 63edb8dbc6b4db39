"""Workshop flow for participants and readers (issue 16): on to the vote after submitting, votes on the
survey's 0–100 scale, an empty gap chart explained, agreed scores in the organisation report."""

import pytest
from django.urls import reverse

from assessment.models import Answer, Response
from reports import services as report_services
from reports.extras import campaign_response_rate
from workshop import services
from workshop.live import level_bands, vote_on_score_scale
from workshop.models import WorkshopAgreement

from .test_analysis import add_responses

LEVELS = [
    {"level": 1, "min": 0},
    {"level": 2, "min": 20},
    {"level": 3, "min": 40},
    {"level": 4, "min": 60},
    {"level": 5, "min": 80},
]


def test_a_vote_stands_for_the_middle_of_its_score_band():
    assert vote_on_score_scale(1, LEVELS) == 10
    assert vote_on_score_scale(2, LEVELS) == 30
    assert vote_on_score_scale(2.5, LEVELS) == 40
    assert vote_on_score_scale(5, LEVELS) == 90
    assert vote_on_score_scale(None, LEVELS) is None
    assert level_bands(LEVELS) == {"1": "0–19", "2": "20–39", "3": "40–59", "4": "60–79", "5": "80–100"}


def join_and_answer(client, campaign):
    """A participant who scanned the QR code and answered every statement."""
    page = client.post(reverse("join:join", args=[campaign.join_code]))
    token = page["Location"].split("/")[2]
    client.post(
        reverse("respondent:start", args=[token]),
        {"tenure": "y3_10", "role_group": "business", "department": campaign.organisation.departments.first().pk},
    )
    response = Response.objects.get(campaign=campaign)
    Answer.objects.bulk_create(Answer(response=response, item=item, value=3) for item in campaign.framework.items.all())
    return token


def test_a_participant_who_joined_by_qr_goes_on_to_the_vote_after_submitting(client, campaign, owner):
    services.workshop_start(campaign=campaign, user=owner, expected=30)
    campaign.refresh_from_db()
    token = join_and_answer(client, campaign)
    submitted = client.post(reverse("respondent:submit", args=[token]))
    assert submitted.status_code == 302 and submitted["Location"] == reverse("workshop:vote", args=[token])
    vote_page = client.get(submitted["Location"]).content.decode()
    assert "your answers have been submitted" in vote_page
    assert "20–39" in vote_page  # each level shows its band of the 0–100 scale
    done = client.get(reverse("respondent:done", args=[token])).content.decode()
    assert reverse("workshop:vote", args=[token]) in done


def test_an_invited_respondent_without_a_workshop_lands_on_the_thank_you_page(client, campaign, token):
    from assessment.selectors import invitation_get_for_token
    from assessment.services import response_start

    response = response_start(
        invitation=invitation_get_for_token(token=token), role_group="business", department=None, tenure="y3_10"
    )
    Answer.objects.bulk_create(Answer(response=response, item=item, value=3) for item in campaign.framework.items.all())
    submitted = client.post(reverse("respondent:submit", args=[token]))
    assert submitted["Location"] == reverse("respondent:done", args=[token])
    assert reverse("workshop:vote", args=[token]) not in client.get(submitted["Location"]).content.decode()


def test_the_gap_chart_explains_why_it_is_empty_when_everyone_is_an_executive(client, campaign, owner):
    services.workshop_start(campaign=campaign, user=owner, expected=30)
    add_responses(campaign, 6, agreement=4, role="executive")
    client.force_login(owner)
    html = client.get(reverse("workshop:live", args=[campaign.pk])).content.decode()
    assert 'id="survey-radar"' in html
    assert 'id="gap-empty"' in html and 'id="survey-gap"' not in html


def test_agreed_scores_and_rationale_appear_in_the_organisation_report(client, campaign, owner):
    add_responses(campaign, 6, agreement=4)
    session = services.workshop_start(campaign=campaign, user=owner, expected=30)
    WorkshopAgreement.objects.create(
        session=session, dimension="budget", agreed_score=40, rationale="Funding stops whenever results dip."
    )
    context = report_services.report_context_for(campaign=campaign, lang="en")
    row = context["workshop"]["by_key"]["budget"]
    assert row["agreed"] == 40 and row["survey"] == 75.0 and row["difference"] == -35.0
    client.force_login(owner)
    html = client.get(reverse("reports:organisation", args=[campaign.pk])).content.decode()
    assert "Workshop results" in html and "Funding stops whenever results dip." in html
    # a department's report carries neither the workshop nor the organisation's response count
    department = report_services.report_context_for(campaign=campaign, lang="en", department="rd")
    assert "workshop" not in department and "response_rate" not in department


def test_response_rate_counts_everyone_invited_and_those_who_submitted(campaign, make_token):
    add_responses(campaign, 3, agreement=4)
    add_responses(campaign, 2, agreement=4, submitted=False)
    make_token()
    assert campaign_response_rate(campaign=campaign) == {"invited": 6, "submitted": 3, "percent": 50}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_report_cover_shows_the_response_rate(client, campaign, owner, lang):
    add_responses(campaign, 6, agreement=4)
    add_responses(campaign, 2, agreement=4, submitted=False)
    client.force_login(owner)
    client.cookies["django_language"] = lang
    html = client.get(reverse("reports:organisation", args=[campaign.pk])).content.decode()
    assert ("6 of 8 invited (75%)" if lang == "en" else "対象者8人中6人が回答（75%）") in html


def test_a_half_answered_page_links_to_its_first_unanswered_statement(client, campaign, token):
    from assessment.selectors import invitation_get_for_token
    from assessment.services import answers_save, response_start

    response = response_start(
        invitation=invitation_get_for_token(token=token), role_group="business", department=None, tenure="y3_10"
    )
    dimension = campaign.framework.dimensions.order_by("order").first()
    items = list(dimension.items.order_by("order"))
    url = reverse("respondent:dimension", args=[token, dimension.key])
    assert 'id="jump-unanswered"' not in client.get(url).content.decode()  # nothing answered: start at the top
    answers_save(response=response, campaign=campaign, values={items[0]: 4, items[1]: None})
    page = client.get(url).content.decode()
    assert f'href="#statement-{items[2].key}" id="jump-unanswered"' in page
    assert f'id="statement-{items[2].key}"' in page
