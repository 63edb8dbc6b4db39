"""Campaign results from the database: one read, the same numbers as the pure engine."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.analysis import campaign_results
from assessment.loading import answers_loading
from assessment.models import Answer, Campaign, Department, Release, Response
from assessment.selectors import campaign_recommendations
from assessment.services import invitation_create

from .factories import CampaignFactory


def add_responses(campaign, count, agreement, role="business", department_key="rd", submitted=True):
    """`count` submitted respondents who all agree `agreement` (1–5) with every positive statement."""
    department = Department.objects.filter(organisation=campaign.organisation, key=department_key).first()
    items = list(campaign.framework.items.all())
    for _ in range(count):
        invitation, _token = invitation_create(campaign=campaign, role_group=role, department=department)
        response = Response.objects.create(
            invitation=invitation,
            campaign=campaign,
            role_group=role,
            department=department,
            submitted_at=timezone.now() if submitted else None,
        )
        with answers_loading():  # a submitted response, then its answers
            Answer.objects.bulk_create(
                Answer(response=response, item=item, value=6 - agreement if item.reverse else agreement)
                for item in items
            )


def test_scores_from_the_database_mirror_reversed_items(campaign):
    add_responses(campaign, 6, agreement=4)
    result = campaign_results(campaign=campaign)
    assert result["shown"] and result["respondents"] == 6
    assert {cell["score"] for cell in result["dimensions"].values()} == {75.0}
    assert {cell["level"] for cell in result["dimensions"].values()} == {4}
    assert result["overall"] == {"score": 75.0, "level": 4}
    assert {cell["favourable"] for cell in result["dimensions"].values()} == {100.0}


def test_unsubmitted_responses_do_not_count(campaign):
    add_responses(campaign, 5, agreement=2)
    add_responses(campaign, 3, agreement=5, submitted=False)
    result = campaign_results(campaign=campaign)
    assert result["respondents"] == 5 and result["overall"]["score"] == 25.0


def test_a_campaign_below_the_threshold_shows_nothing(campaign):
    add_responses(campaign, 4, agreement=5)
    result = campaign_results(campaign=campaign)
    assert result["shown"] is False and result["respondents"] == 4
    assert "dimensions" not in result and "groups" not in result and result["recommendations"] == []


def test_the_database_is_read_in_a_constant_number_of_queries(campaign, django_assert_num_queries):
    add_responses(campaign, 5, agreement=3)
    campaign = Campaign.objects.select_related("framework", "organisation").get(pk=campaign.pk)
    with CaptureQueriesContext(connection) as few:
        campaign_results(campaign=campaign)
    add_responses(campaign, 25, agreement=4, role="executive", department_key="sales")
    with CaptureQueriesContext(connection) as many:
        campaign_results(campaign=campaign)
    assert len(few) == len(many)
    # dimensions, items, respondents, answers, departments, releases, previous-campaign lookup
    with django_assert_num_queries(7):
        campaign_results(campaign=campaign)


def test_groups_and_gaps_from_the_database(campaign):
    add_responses(campaign, 5, agreement=5, role="executive", department_key="sales")
    add_responses(campaign, 6, agreement=2, role="business", department_key="rd")
    add_responses(campaign, 2, agreement=1, role="corporate", department_key="rd")
    result = campaign_results(campaign=campaign)
    roles = {tuple(row["members"]): row["n"] for row in result["groups"]["role_group"]}
    # corporate (2) is too small: merged with a shown group so it cannot be subtracted out; the
    # executives are kept apart because the perception gap shows their score
    assert roles == {("executive",): 5, ("business", "corporate"): 8}
    assert all(row["n"] >= 5 for rows in result["groups"].values() for row in rows)
    vision_gap = next(g for g in result["gaps"] if g["dimension"] == "vision")
    assert vision_gap["exact"] and vision_gap["executives"] == 100.0
    assert vision_gap["others"] == 19 and vision_gap["large"]  # (6 × 25 + 2 × 0) / 8 = 18.75
    assert vision_gap["gap"] == 100 - 19


def test_reassessment_is_compared_with_the_previous_campaign(campaign):
    add_responses(campaign, 5, agreement=2)
    later = CampaignFactory(
        organisation=campaign.organisation,
        framework=campaign.framework,
        opens_at=campaign.opens_at + timedelta(days=200),
        closes_at=campaign.closes_at + timedelta(days=200),
    )
    add_responses(later, 5, agreement=4)
    result = campaign_results(campaign=later)
    assert result["previous"]["campaign"]["id"] == campaign.pk
    assert result["previous"]["delta"]["overall"] == 50.0
    assert set(result["previous"]["delta"]["dimensions"].values()) == {50.0}
    assert campaign_results(campaign=campaign)["previous"] is None


def test_campaign_scores_command_prints_json_and_text(campaign, capsys):
    add_responses(campaign, 6, agreement=3)
    call_command("campaign_scores", str(campaign.pk), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["score"] == 50.0
    assert {"dimensions", "groups", "gaps", "recommendations", "first_three", "previous"} <= set(data)
    # issue 11's fields: whose experience, everyone's and the executives' figures, the bands with
    # their favourable shares, the method appendix
    cell = data["dimensions"]["vision"]
    assert {"basis", "everyone", "executives", "limited_by_share"} <= set(cell)
    assert {"level", "min", "next_min", "favourable_min", "name"} <= set(data["level_bands"][0])
    assert {"reliability", "dont_know_by_role", "languages", "low_alpha"} <= set(data["method"])
    assert all("severity" in rec for rec in data["recommendations"])
    call_command("campaign_scores", str(campaign.pk), "--lang", "ja")
    text = capsys.readouterr().out
    assert "経営陣" in text or "ビジョン" in text


def test_campaign_scores_for_an_unknown_campaign_fails_clearly(db):
    with pytest.raises(CommandError, match="No campaign with id 999"):
        call_command("campaign_scores", "999")


def test_exact_gap_never_lets_a_merged_group_be_subtracted_out(campaign):
    # executives (5) and others... the small corporate group (2) must be merged with someone
    add_responses(campaign, 5, agreement=5, role="executive")
    add_responses(campaign, 2, agreement=1, role="corporate")
    result = campaign_results(campaign=campaign)
    merged = [row for row in result["groups"]["role_group"] if row["key"] is None]
    assert merged and "executive" in merged[0]["members"]
    # executives are not shown on their own, so their exact score (and the gap) stays hidden
    assert all(not gap["exact"] and gap["executives"] is None for gap in result["gaps"])


def test_executives_shown_alone_keep_the_exact_gap(campaign):
    add_responses(campaign, 5, agreement=5, role="executive")
    add_responses(campaign, 5, agreement=2, role="innovation_team")
    add_responses(campaign, 6, agreement=3, role="business")
    add_responses(campaign, 2, agreement=1, role="corporate")
    result = campaign_results(campaign=campaign)
    keys = {row["key"] for row in result["groups"]["role_group"]}
    assert "executive" in keys and "innovation_team" not in keys
    assert all(gap["exact"] for gap in result["gaps"])


def test_recommendation_selector_returns_ordered_entries_with_reasons(campaign):
    add_responses(campaign, 5, agreement=5, role="executive")
    add_responses(campaign, 8, agreement=1, role="business")
    chosen = campaign_recommendations(campaign=campaign, limit=5)
    assert len(chosen) == 5
    assert [c["priority"] for c in chosen] == sorted(c["priority"] for c in chosen)
    assert all(c["reason"]["text"]["en"] and c["reason"]["text"]["ja"] for c in chosen)
    # a large executive/others gap on a core dimension is among the first things to fix
    assert any(c["reason"]["kind"] == "gap_at_least" for c in chosen)


def test_department_results_cover_only_that_department_and_respect_the_threshold(campaign):
    add_responses(campaign, 6, agreement=5, department_key="rd")
    add_responses(campaign, 5, agreement=1, department_key="sales")
    rd = campaign_results(campaign=campaign, department="rd")
    assert rd["respondents"] == 6 and rd["overall"]["score"] == 100.0 and rd["department"] == "rd"
    sales = campaign_results(campaign=campaign, department="sales")
    assert sales["respondents"] == 5 and sales["overall"]["score"] == 0.0
    assert len(rd["item_info"]) == campaign.framework.items.count()


def test_a_department_whose_rest_is_too_small_is_never_published(campaign):
    add_responses(campaign, 6, agreement=5, department_key="rd")
    add_responses(campaign, 3, agreement=1, department_key="sales")
    # R&D alone would leave Sales' 3 people as "everyone minus R&D": neither is published
    rd = campaign_results(campaign=campaign, department="rd")
    assert rd["shown"] is False and "dimensions" not in rd
    assert campaign_results(campaign=campaign)["published_departments"] == []
    # and it stays so: the first release already published those 3 people inside the whole
    add_responses(campaign, 5, agreement=1, department_key="sales")
    assert campaign_results(campaign=campaign, department="rd")["shown"] is False


def test_results_change_only_in_steps_of_the_threshold(campaign):
    add_responses(campaign, 5, agreement=2)
    first = campaign_results(campaign=campaign)
    add_responses(campaign, 1, agreement=5)
    same = campaign_results(campaign=campaign)
    assert same["overall"] == first["overall"] and same["respondents"] == 5
    released_at = first["release"].pop("released_at")
    assert same["release"] == {"number": 1, "submitted": 6, "included": 5, "released_at": released_at}
    assert released_at == Release.objects.get(campaign=campaign, number=1).created_at.isoformat()
    add_responses(campaign, 4, agreement=5)
    later = campaign_results(campaign=campaign)
    assert later["release"]["number"] == 2 and later["respondents"] == 10
