"""Routed statements (1.1): each respondent sees, answers and is scored on their role's statements."""

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import routing, scoring
from assessment.analysis import campaign_results
from assessment.loading import answers_loading
from assessment.models import Answer, Department, Response
from assessment.selectors import framework_statement_counts
from assessment.services import framework_load, invitation_create

from .conftest import FRAMEWORK_FILE
from .factories import CampaignFactory, DepartmentFactory

FILE_1_1 = FRAMEWORK_FILE.parent / "innovation-readiness-1.1.yaml"


@pytest.fixture
def campaign_1_1(db):
    framework_load(path=FRAMEWORK_FILE)
    framework, _ = framework_load(path=FILE_1_1)
    campaign = CampaignFactory(framework=framework)
    DepartmentFactory(organisation=campaign.organisation, key="rd", name_en="R&D", name_ja="研究開発")
    return campaign


def url(name, token, *args):
    return reverse(f"respondent:{name}", args=[token, *args])


def shown_keys(campaign, role, dimension=None):
    items = campaign.framework.items.select_related("dimension").order_by("dimension__order", "order")
    if dimension:
        items = items.filter(dimension__key=dimension)
    return [i.key for i in routing.items_shown(items, role)]


# --- the respondent flow -------------------------------------------------------------------------


def test_a_business_respondent_sees_only_their_statements(client, campaign_1_1):
    _invitation, token = invitation_create(campaign=campaign_1_1, role_group="business")
    page = client.get(url("start", token))
    assert page.status_code == 200
    assert "tenure" not in page.content.decode()  # 1.1 does not ask it
    assert client.post(url("start", token), {"department": Department.objects.get(key="rd").pk}).status_code == 302
    page = client.get(url("dimension", token, "exposure")).content.decode()
    assert 'name="item_exposure_my_contact"' in page
    assert 'name="item_exposure_i_visited_abroad"' not in page  # executives' own visits
    assert 'name="item_exposure_cvc_rotation"' not in page


def test_submit_needs_only_the_routed_statements(client, campaign_1_1):
    _invitation, token = invitation_create(campaign=campaign_1_1, role_group="manager")
    client.post(url("start", token), {"department": Department.objects.get(key="rd").pk})
    for dimension in campaign_1_1.framework.dimensions.order_by("order"):
        data = {f"item_{key}": "4" for key in shown_keys(campaign_1_1, "manager", dimension.key)}
        assert client.post(url("dimension", token, dimension.key), {**data, "go": "next"}).status_code == 302
    response = Response.objects.get()
    assert Answer.objects.filter(response=response).count() == len(shown_keys(campaign_1_1, "manager"))
    assert client.post(url("submit", token)).status_code == 302
    response.refresh_from_db()
    assert response.is_submitted


def test_autosave_refuses_a_statement_not_shown_to_the_role(client, campaign_1_1):
    _invitation, token = invitation_create(campaign=campaign_1_1, role_group="business")
    client.post(url("start", token), {"department": Department.objects.get(key="rd").pk})
    refused = client.post(
        url("answer", token), {"item": "budget_multi_year", "value": "5"}, HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 400
    accepted = client.post(
        url("answer", token), {"item": "budget_persistence", "value": "5"}, HTTP_ACCEPT="application/json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["total"] == framework_statement_counts(framework=campaign_1_1.framework)["business"]


def test_changing_role_drops_answers_the_new_role_is_not_asked(client, campaign_1_1):
    _invitation, token = invitation_create(campaign=campaign_1_1)
    rd = Department.objects.get(key="rd").pk
    client.post(url("start", token), {"role_group": "executive", "department": rd})
    client.post(url("answer", token), {"item": "exposure_i_visited_abroad", "value": "5"})
    client.post(url("answer", token), {"item": "vision_fit", "value": "4"})
    client.post(url("start", token), {"role_group": "business", "department": rd})
    assert list(Answer.objects.values_list("item__key", flat=True)) == ["vision_fit"]


# --- scoring -------------------------------------------------------------------------------------


SPEC = scoring.FrameworkSpec(
    dimensions=("d",), weights={"d": 1.0}, level_mins=(0, 30, 50, 65, 80), min_answered=4, gap_threshold=15
)


def frames():
    items = pd.DataFrame(
        {
            "item": ["all1", "all2", "all3", "ex1", "ex2"],
            "dimension": ["d"] * 5,
            "reverse": [False] * 5,
            "audience": [["everyone"]] * 3 + [["executive"]] * 2,
        }
    )
    respondents = pd.DataFrame(
        {
            "respondent": [1, 2, 3, 4],
            "role_group": ["executive", "executive", "business", "business"],
            "department": [""] * 4,
        }
    )
    rows = []
    for respondent in (1, 2):  # executives: high on everything, shown five statements
        rows += [(respondent, key, 5) for key in ("all1", "all2", "all3", "ex1", "ex2")]
    for respondent in (3, 4):  # staff: shown three statements
        rows += [(respondent, key, 3) for key in ("all1", "all2", "all3")]
    answers = pd.DataFrame(rows, columns=["respondent", "item", "value"]).astype({"value": float})
    return items, respondents, answers


def test_minimum_answered_is_relative_to_the_statements_shown():
    items, respondents, answers = frames()
    scored = scoring.scored_answers(answers, items)
    plain = scoring.respondent_scores(scored, SPEC, respondents)
    assert plain.loc[3, "d"] != plain.loc[3, "d"]  # NaN: 3 answers < 4 without routing
    required = routing.routed_minimum(items, respondents, SPEC.min_answered)
    assert required.loc[(3, "d")] == 3 and required.loc[(1, "d")] == 4
    routed = scoring.respondent_scores(scored, SPEC, respondents, required=required)
    assert routed.loc[3, "d"] == 50.0 and routed.loc[1, "d"] == 100.0


def test_a_dimension_with_nothing_shown_has_no_score():
    items, respondents, _answers = frames()
    items["audience"] = [["executive"]] * 5
    required = routing.routed_minimum(items, respondents, SPEC.min_answered)
    assert required.loc[(3, "d")] == float("inf")


def test_the_gap_compares_only_statements_both_sides_answered():
    items, respondents, answers = frames()
    # executives rate their own statements low: that must not move the gap
    answers.loc[answers["item"].isin(["ex1", "ex2"]), "value"] = 1.0
    scored = scoring.scored_answers(answers, items)
    assert routing.shared_items(scored, respondents) == {"all1", "all2", "all3"}
    shared = routing.shared_scores(scored, items, respondents, SPEC)
    executives = respondents.loc[respondents["role_group"] == "executive", "respondent"]
    on_shared = shared["d"]
    gap = on_shared[on_shared.index.isin(executives)].mean() - on_shared[~on_shared.index.isin(executives)].mean()
    assert gap == 50.0 and shared.attrs["items_compared"] == {"d": 3}
    # whereas the executives' full score mixes in statements staff never saw
    required = routing.routed_minimum(items, respondents, SPEC.min_answered)
    full = scoring.respondent_scores(scored, SPEC, respondents, required=required)
    assert full.loc[1, "d"] == 60.0


def test_campaign_results_on_1_1_score_every_role(campaign_1_1):
    rd = Department.objects.get(key="rd")
    items = list(campaign_1_1.framework.items.all())
    for role, agreement in (("executive", 5), ("business", 3), ("manager", 3)):
        for _ in range(5):
            invitation, _token = invitation_create(campaign=campaign_1_1, role_group=role, department=rd)
            response = Response.objects.create(
                invitation=invitation,
                campaign=campaign_1_1,
                role_group=role,
                department=rd,
                submitted_at=timezone.now(),
            )
            with answers_loading():  # a submitted response, then its answers
                Answer.objects.bulk_create(
                    Answer(response=response, item=item, value=6 - agreement if item.reverse else agreement)
                    for item in routing.items_shown(items, role)
                )
    result = campaign_results(campaign=campaign_1_1)
    assert all(cell["everyone"]["n"] == 15 for cell in result["dimensions"].values())
    # the headline is what the ten non-executives experience; the executives' view sits beside it
    assert all(cell["basis"] == "staff" and cell["n"] == 10 for cell in result["dimensions"].values())
    assert all(
        cell["executives"]["n"] == 5 and cell["executives"]["score"] == 100 for cell in result["dimensions"].values()
    )
    gaps = {g["dimension"]: g for g in result["gaps"]}
    assert gaps["exposure"]["gap"] == 50.0
    assert 0 < gaps["exposure"]["items_compared"] < len(shown_keys(campaign_1_1, "executive", "exposure"))


# --- the demo uses 1.1 ---------------------------------------------------------------------------


def test_seed_demo_uses_1_1_and_answers_only_routed_statements(db, settings):
    from django.core.management import call_command

    from assessment.models import Campaign

    settings.DEBUG = True
    framework_load(path=FRAMEWORK_FILE)
    newest, _ = framework_load(path=FILE_1_1)
    call_command("seed_demo", "--seed", "2", "--no-link")
    campaign = Campaign.objects.get(organisation__slug="demo-manufacturing")
    assert campaign.framework == newest
    submitted = Response.objects.filter(campaign=campaign, submitted_at__isnull=False)
    assert set(submitted.values_list("role_group", flat=True)) == {
        "executive",
        "bu_head",
        "manager",
        "innovation_team",
        "business",
        "corporate",
    }
    assert set(submitted.values_list("tenure", flat=True)) == {""}
    counts = framework_statement_counts(framework=newest)
    for response in submitted:
        assert response.answers.count() == counts[response.role_group]
    result = campaign_results(campaign=campaign)
    assert all(cell["score"] is not None for cell in result["dimensions"].values())
    assert {g["dimension"]: g for g in result["gaps"]}["vision"]["band"] in ("higher", "much_higher")


# --- importing responses into a 1.1 campaign ------------------------------------------------------


def test_import_refuses_answers_to_statements_the_role_is_not_asked(campaign_1_1, tmp_path):
    from assessment.responses_io import ResponsesFileError, responses_import

    rows = [
        {"role": "管理職", "department": "rd", "vision_fit": 4, "budget_multi_year": 5},
        {"role": "executive", "department": "rd", "vision_fit": 4, "budget_multi_year": 5},
        {"role": "Business departments", "department": "rd", "vision_fit": 3, "budget_multi_year": ""},
    ]
    columns = [
        "role",
        "department",
        *campaign_1_1.framework.items.order_by("dimension__order", "order").values_list("key", flat=True),
    ]
    path = tmp_path / "responses.csv"
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    with pytest.raises(ResponsesFileError) as error:
        responses_import(campaign=campaign_1_1, path=path)
    assert error.value.problems == ["line 2, column budget_multi_year: this statement is not asked of 'manager'"]
    assert not Response.objects.exists()
    pd.DataFrame(rows[1:], columns=columns).to_csv(path, index=False)
    assert responses_import(campaign=campaign_1_1, path=path) == 2


def test_import_into_a_1_0_campaign_refuses_the_new_role_groups(db, tmp_path):
    from assessment.responses_io import ResponsesFileError, responses_import

    framework, _ = framework_load(path=FRAMEWORK_FILE)
    campaign = CampaignFactory(framework=framework)
    path = tmp_path / "responses.csv"
    keys = list(framework.items.order_by("dimension__order", "order").values_list("key", flat=True))
    pd.DataFrame([{"role": "bu_head", "vision_01": 3}], columns=["role", *keys]).to_csv(path, index=False)
    with pytest.raises(ResponsesFileError) as error:
        responses_import(campaign=campaign, path=path)
    assert any("'bu_head' is not a role group of this questionnaire" in p for p in error.value.problems)
