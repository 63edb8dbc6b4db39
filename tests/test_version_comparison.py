"""Re-assessment across questionnaire versions: 1.0 then 1.1, compared on what both ask."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessment import routing
from assessment.analysis import campaign_results
from assessment.comparison import previous_campaign_other_version, version_comparison
from assessment.loading import answers_loading
from assessment.models import Answer, Department, Response
from assessment.services import framework_load, invitation_create
from reports.pdf import template_to_html
from reports.services import PDF_TEMPLATE, report_context_for

from .conftest import FRAMEWORK_FILE
from .factories import CampaignFactory, DepartmentFactory, OrganisationFactory


def fill(campaign, count, agreement, role="business"):
    dept = Department.objects.get(organisation=campaign.organisation, key="rd")
    items = routing.items_shown(list(campaign.framework.items.all()), role)
    for _ in range(count):
        invitation, _t = invitation_create(campaign=campaign, role_group=role, department=dept)
        response = Response.objects.create(
            invitation=invitation, campaign=campaign, role_group=role, department=dept, submitted_at=timezone.now()
        )
        with answers_loading():  # a submitted response, then its answers
            Answer.objects.bulk_create(
                Answer(response=response, item=i, value=6 - agreement if i.reverse else agreement) for i in items
            )


@pytest.fixture
def two_campaigns(db):
    v10, _ = framework_load(path=FRAMEWORK_FILE)
    v11, _ = framework_load(path=FRAMEWORK_FILE.parent / "innovation-readiness-1.1.yaml")
    organisation = OrganisationFactory()
    DepartmentFactory(organisation=organisation, key="rd")
    now = timezone.now()
    before = CampaignFactory(
        organisation=organisation,
        framework=v10,
        name="2025",
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=370),
    )
    after = CampaignFactory(organisation=organisation, framework=v11, name="2026")
    fill(before, 6, agreement=2)
    fill(after, 6, agreement=4)
    return before, after


def test_a_1_1_campaign_finds_its_1_0_predecessor(two_campaigns):
    before, after = two_campaigns
    assert previous_campaign_other_version(campaign=after) == before
    assert previous_campaign_other_version(campaign=before) is None  # 1.0 maps to nothing


def test_comparison_on_shared_dimensions_and_statements_and_new_ones_listed(two_campaigns):
    _before, after = two_campaigns
    result = campaign_results(campaign=after)
    assert result["previous"] is None  # the same-version comparison does not apply
    comparison = version_comparison(campaign=after, result=result)
    assert comparison["shown"] and comparison["previous"]["version"] == "1.0"
    rows = {row["key"]: row for row in comparison["dimensions"]}
    assert set(rows) == {"vision", "budget", "buy_in", "exposure", "team", "system"}
    # business staff: mapped statements they were shown, 25 before and 75 now
    assert rows["vision"]["before"] == 25.0 and rows["vision"]["now"] == 75.0 and rows["vision"]["delta"] == 50.0
    assert rows["vision"]["statements"] == 4
    statements = {row["key"]: row for row in comparison["statements"]}
    assert statements["vision_fit"]["previous_key"] == "vision_05" and statements["vision_fit"]["delta"] == 50.0
    assert statements["budget_multi_year"]["now"] is None  # not asked of business staff in 1.1
    new = {row["key"] for row in comparison["new_statements"]}
    assert "budget_approval_layers" in new and "vision_fit" not in new
    assert len(new) + len(comparison["statements"]) == after.framework.items.count()
    assert "vision_03" in comparison["dropped"]


def test_the_report_says_what_is_compared_and_what_is_new(two_campaigns):
    _before, after = two_campaigns
    html = template_to_html(PDF_TEMPLATE, report_context_for(campaign=after, lang="ja"), lang="ja")
    assert "前回の診断（2025）は質問票1.0、今回は1.1" in html
    assert "質問票1.1で新たに加わった設問" in html
    assert "イノベーション案件の少額の支出でも" in html  # a new statement, listed


def test_no_comparison_when_the_earlier_side_is_below_the_threshold(db):
    v10, _ = framework_load(path=FRAMEWORK_FILE)
    v11, _ = framework_load(path=FRAMEWORK_FILE.parent / "innovation-readiness-1.1.yaml")
    organisation = OrganisationFactory()
    DepartmentFactory(organisation=organisation, key="rd")
    now = timezone.now()
    before = CampaignFactory(
        organisation=organisation,
        framework=v10,
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=370),
    )
    after = CampaignFactory(organisation=organisation, framework=v11)
    fill(before, 3, agreement=2)
    fill(after, 6, agreement=4)
    comparison = version_comparison(campaign=after, result=campaign_results(campaign=after))
    assert comparison["shown"] is False and comparison["dimensions"] == [] and comparison["statements"] == []
