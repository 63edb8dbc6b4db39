"""The API returns what the reports release, to the right token holders only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from assessment.analysis import campaign_results
from assessment.models import Membership

from .api_helpers import api_get, auth, fresh_rate_limits, token_for  # noqa: F401 (fixtures)
from .benchmark_helpers import answer_campaign, client_organisation
from .factories import CampaignFactory


@pytest.fixture
def answered(campaign):
    """Six business staff and five executives: everything released, executives on their own."""
    answer_campaign(campaign, {"vision": 2, "budget": 4})
    answer_campaign(campaign, {"vision": 5}, role="executive")
    answer_campaign(campaign, 3, count=1, role="innovation_team")  # one person: merged, never alone
    return campaign


def endpoints(pk):
    return [
        reverse(f"api:{name}", args=[pk])
        for name in ("campaign", "scores", "groups", "gaps", "recommendations", "actions")
    ]


# --- the owner / member / outsider / anonymous matrix --------------------------------------------


@pytest.mark.parametrize("who", ["owner", "member", "consultant"])
def test_members_read_every_endpoint_of_their_organisation(api_get, answered, who, request):
    user = request.getfixturevalue(who)
    secret = token_for(user, answered.organisation)
    for url in [*endpoints(answered.pk), reverse("api:campaigns")]:
        response = api_get(url, secret)
        assert response.status_code == 200, (url, response.content)
        assert response["Content-Type"] == "application/json"


def test_outsider_gets_404_for_another_organisation_s_campaign(api_get, answered, outsider):
    outsider.memberships.update(role="consultant")  # every scope, still only for their own client
    secret = token_for(outsider, outsider.memberships.get().organisation)
    for url in [*endpoints(answered.pk), reverse("api:benchmark", args=[answered.pk])]:
        assert api_get(url, secret).status_code == 404, url
    assert api_get(reverse("api:campaigns"), secret).json()["results"] == []


def test_anonymous_and_bad_tokens_get_401(api_get, answered):
    for url in [*endpoints(answered.pk), reverse("api:campaigns")]:
        response = api_get(url)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer"), url
        assert api_get(url, "irk_not-a-token").status_code == 401
        assert api_get(url, HTTP_AUTHORIZATION="Bearer").status_code == 401


def test_the_error_is_bilingual(api_get, answered):
    reply = api_get(reverse("api:scores", args=[answered.pk]), "irk_wrong", HTTP_ACCEPT_LANGUAGE="ja")
    assert reply.status_code == 401 and "トークン" in reply.json()["detail"]


def test_a_token_reaches_only_its_membership_s_organisation(api_get, answered, owner, framework):
    """The owner is also HR of a second organisation: a token for that one cannot read the first."""
    other = CampaignFactory(framework=framework)
    Membership.objects.create(user=owner, organisation=other.organisation, role="hr")
    secret = token_for(owner, other.organisation)
    assert api_get(reverse("api:scores", args=[answered.pk]), secret).status_code == 404
    assert [c["id"] for c in api_get(reverse("api:campaigns"), secret).json()["results"]] == [other.pk]


def test_scopes_limit_the_endpoints(api_get, answered, owner):
    secret = token_for(owner, answered.organisation, scopes=["campaigns:read"])
    assert api_get(reverse("api:campaign", args=[answered.pk]), secret).status_code == 200
    for name in ("scores", "groups", "gaps", "recommendations", "actions"):
        reply = api_get(reverse(f"api:{name}", args=[answered.pk]), secret)
        assert reply.status_code == 403 and "scope" in reply.json()["detail"], name


def test_benchmark_is_for_consultants_only(api_get, answered, owner, consultant):
    assert (
        api_get(reverse("api:benchmark", args=[answered.pk]), token_for(consultant, answered.organisation)).status_code
        == 200
    )
    # HR cannot hold the scope, and a consultant demoted to HR loses it at once
    assert (
        api_get(reverse("api:benchmark", args=[answered.pk]), token_for(owner, answered.organisation)).status_code
        == 403
    )
    secret = token_for(consultant, answered.organisation)
    Membership.objects.filter(user=consultant).update(role="hr")
    assert api_get(reverse("api:benchmark", args=[answered.pk]), secret).status_code == 404


def test_revoked_expired_and_orphaned_tokens_stop_working(api_get, answered, owner, member):
    url = reverse("api:scores", args=[answered.pk])
    revoked, expired, orphaned = (token_for(u, answered.organisation) for u in (owner, owner, member))
    ApiToken.objects.filter(prefix=revoked[:10]).update(revoked_at=timezone.now())
    ApiToken.objects.filter(prefix=expired[:10]).update(expires_at=timezone.now() - timedelta(seconds=1))
    Membership.objects.filter(user=member).delete()  # its tokens go with it
    for secret in (revoked, expired, orphaned):
        assert api_get(url, secret).status_code == 401
    owner.is_active = False
    owner.save()
    assert api_get(url, token_for(owner, answered.organisation)).status_code == 401


# --- exactly what the reports release ----------------------------------------------------------


def test_scores_gaps_and_groups_are_campaign_results(api_get, answered, owner):
    secret = token_for(owner, answered.organisation)
    result = campaign_results(campaign=answered)
    scores = api_get(reverse("api:scores", args=[answered.pk]), secret).json()
    assert scores["shown"] and scores["respondents"] == result["respondents"] == 11
    assert scores["overall"] == result["overall"]
    for cell in scores["dimensions"]:
        expected = result["dimensions"][cell["dimension"]]
        assert {k: cell[k] for k in expected} == expected
    assert scores["dimensions"][0]["name"]["ja"]
    gaps = api_get(reverse("api:gaps", args=[answered.pk]), secret).json()
    assert [g["dimension"] for g in gaps["gaps"]] == [g["dimension"] for g in result["gaps"]]
    for gap, expected in zip(gaps["gaps"], result["gaps"], strict=True):
        assert gap == {key: expected.get(key) for key in gap}
    groups = api_get(reverse("api:groups", args=[answered.pk]), secret).json()
    roles = {row["key"]: row for row in groups["role_group"]}
    assert "innovation_team" not in roles  # one person is never shown alone
    assert [row["key"] for row in groups["role_group"]] == [row["key"] for row in result["groups"]["role_group"]]
    for row, expected in zip(groups["role_group"], result["groups"]["role_group"], strict=True):
        assert row["n"] == expected["n"] and row["overall"] == expected["overall"]
        assert {c["dimension"]: c["score"] for c in row["dimensions"]} == {
            k: v["score"] for k, v in expected["dimensions"].items()
        }
    recommendations = api_get(reverse("api:recommendations", args=[answered.pk]), secret).json()
    assert [r["key"] for r in recommendations["results"]] == [r["key"] for r in result["recommendations"]]
    assert sum(r["first_three"] for r in recommendations["results"]) == len(result["first_three"])


def test_below_the_threshold_nothing_is_released(api_get, campaign, owner):
    answer_campaign(campaign, 4, count=3)
    secret = token_for(owner, campaign.organisation)
    scores = api_get(reverse("api:scores", args=[campaign.pk]), secret).json()
    assert scores["shown"] is False and scores["overall"] is None and scores["dimensions"] == []
    assert api_get(reverse("api:gaps", args=[campaign.pk]), secret).json()["gaps"] == []
    groups = api_get(reverse("api:groups", args=[campaign.pk]), secret).json()
    assert groups["role_group"] == [] and groups["departments"] == []
    assert api_get(reverse("api:recommendations", args=[campaign.pk]), secret).json()["results"] == []


def test_few_executives_give_a_band_and_no_exact_gap(api_get, campaign, owner):
    answer_campaign(campaign, {"vision": 2})
    answer_campaign(campaign, {"vision": 5}, count=2, role="executive")
    gaps = api_get(reverse("api:gaps", args=[campaign.pk]), token_for(owner, campaign.organisation)).json()["gaps"]
    vision = next(g for g in gaps if g["dimension"] == "vision")
    assert vision["gap"] is None and vision["executives"] is None and vision["others"] is None
    # the band is whatever the report releases (the disclosure rules decide; null when withheld)
    released = next(g for g in campaign_results(campaign=campaign)["gaps"] if g["dimension"] == "vision")
    assert vision["band"] == released.get("band")


def test_department_reports(api_get, answered, owner):
    secret = token_for(owner, answered.organisation)
    url = reverse("api:scores", args=[answered.pk])
    # the fixture's respondents have no department: the R&D report releases nothing
    reply = api_get(url + "?department=rd", secret).json()
    assert reply["department"] == "rd" and reply["shown"] is False
    assert api_get(url + "?department=nowhere", secret).status_code == 404


def test_actions_are_listed_without_e_mail_or_notes(api_get, answered, owner):
    from followthrough.models import Action

    Action.objects.create(
        campaign=answered,
        dimension="vision",
        title_en="Write it",
        title_ja="書く",
        owner_role="executives",
        owner_email="ceo@example.com",
        notes="private",
        due_date=timezone.localdate() - timedelta(days=1),
    )
    rows = api_get(reverse("api:actions", args=[answered.pk]), token_for(owner, answered.organisation)).json()[
        "results"
    ]
    assert len(rows) == 1 and rows[0]["title"] == {"en": "Write it", "ja": "書く"} and rows[0]["overdue"] is True
    assert "owner_email" not in rows[0] and "notes" not in rows[0]


def test_campaigns_are_paginated(api_get, campaign, owner, framework):
    for _ in range(4):
        CampaignFactory(organisation=campaign.organisation, framework=framework)
    secret = token_for(owner, campaign.organisation)
    first = api_get(reverse("api:campaigns") + "?page_size=2", secret).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    last = api_get(reverse("api:campaigns") + "?page_size=2&page=3", secret).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert api_get(reverse("api:campaigns") + "?page=9", secret).status_code == 404


def test_rate_limit_per_token(api_get, campaign, owner, settings):
    from django.core.cache import caches

    caches["api"].clear()
    settings.API_RATE_LIMIT = "3/min"
    secret, other = token_for(owner, campaign.organisation), token_for(owner, campaign.organisation)
    url = reverse("api:campaigns")
    assert [api_get(url, secret).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Retry-After" in api_get(url, secret)
    assert api_get(url, other).status_code == 200  # each token counts on its own


def test_benchmark_through_the_api(api_get, answered, consultant, framework):
    url = reverse("api:benchmark", args=[answered.pk])
    secret = token_for(consultant, answered.organisation)
    reply = api_get(url, secret).json()
    assert reply["available"] is False and "Not enough organisations" in reply["message"]
    for agreement in (1, 2, 4, 5, 5):
        client_organisation(framework, agreement, name_en="Peer Hidden")
    reply = api_get(url, secret)
    assert "Peer Hidden" not in reply.content.decode()
    body = reply.json()
    assert body["available"] is True and body["message"] is None
    everyone = next(g for g in body["groups"] if g["key"] == "all")
    assert len(everyone["percentiles"]) == 7 and all(p["percentile"] is not None for p in everyone["percentiles"])


def test_schema_is_served_and_lists_the_endpoints(client):
    reply = client.get(reverse("api:schema") + "?format=json")
    assert reply.status_code == 200
    paths = reply.json()["paths"]
    assert "/api/v1/campaigns/{id}/scores/" in paths and "/api/v1/campaigns/{id}/benchmark/" in paths
    assert reply.json()["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
