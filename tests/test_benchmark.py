"""The cross-client benchmark: released results only, at least five organisations, nobody named."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessment.models import Organisation
from benchmark.selectors import MIN_ORGANISATIONS, benchmark_for_campaign, percentile_rank, percentiles

from .benchmark_helpers import answer_campaign, client_organisation

DIMENSIONS = ("vision", "budget", "buy_in", "exposure", "team", "system")


# --- pure parts -------------------------------------------------------------------------------


def test_percentile_rank_counts_lower_scores_and_half_the_ties():
    assert percentile_rank(50, [0, 25, 50, 75, 100]) == 50
    assert percentile_rank(100, [0, 25, 50, 75]) == 100
    assert percentile_rank(0, [25, 50, 75, 100, 100]) == 0
    assert percentile_rank(25, [0, 0, 50, 75, 100]) == 40


@given(st.floats(0, 100), st.lists(st.floats(0, 100), min_size=1, max_size=30), st.floats(0, 100))
def test_percentile_rank_is_bounded_and_monotone(value, others, higher_by):
    rank = percentile_rank(value, others)
    assert 0 <= rank <= 100
    assert percentile_rank(min(100.0, value + higher_by), others) >= rank


def test_percentiles_need_the_minimum_of_released_peer_scores():
    peers = [{"vision": 10.0 * i, "budget": None if i == 0 else 5.0} for i in range(MIN_ORGANISATIONS)]
    out = percentiles({"vision": 45.0, "budget": 50.0}, peers, ["vision", "budget"])
    assert out == {"vision": 100, "budget": None}  # one peer's budget is suppressed: only four count
    assert percentiles({"vision": None}, peers, ["vision"]) == {"vision": None}


# --- from the database --------------------------------------------------------------------------


@pytest.fixture
def subject(campaign):
    """The consultant's client: released result, manufacturing, large."""
    organisation = campaign.organisation
    organisation.industry, organisation.size_band = "manufacturing", "10000_49999"
    organisation.save()
    answer_campaign(campaign, 3)  # every dimension 50
    return campaign


def _group(benchmark, key):
    return next(group for group in benchmark["groups"] if group["key"] == key)


def test_fewer_than_five_consenting_organisations_give_no_benchmark(subject, framework):
    for agreement in (1, 2, 4, 5):
        client_organisation(framework, agreement)
    client_organisation(framework, 5, consent=False)  # would be the fifth, but has not agreed
    benchmark = benchmark_for_campaign(campaign=subject)
    assert benchmark["own_released"] and not benchmark["available"]
    assert all(value is None for group in benchmark["groups"] for value in group["percentiles"].values())


def test_an_unreleased_result_does_not_count_towards_the_five(subject, framework):
    for agreement in (1, 2, 4, 5):
        client_organisation(framework, agreement)
    client_organisation(framework, 5, count=4)  # below its anonymity threshold: nothing released
    assert not benchmark_for_campaign(campaign=subject)["available"]


def test_five_released_peers_give_percentiles(subject, framework):
    for agreement in (1, 2, 2, 4, 5):
        client_organisation(framework, agreement)
    client_organisation(framework, 1, consent=False)  # would change the ranks if it counted
    benchmark = benchmark_for_campaign(campaign=subject)
    assert benchmark["available"]
    everyone = _group(benchmark, "all")
    # subject 50 against 0, 25, 25, 75, 100: three lower out of five
    assert everyone["percentiles"] == {**dict.fromkeys(DIMENSIONS, 60), "overall": 60}
    assert _group(benchmark, "industry")["percentiles"]["vision"] == 60


def test_peer_scores_come_from_each_dimension_s_released_score(subject, framework):
    # vision differs from the rest; one peer's "team" is suppressed (nobody answered it)
    for vision, dont_know in ((5, ()), (5, ()), (1, ()), (1, ()), (2, ("team",))):
        client_organisation(framework, {"vision": vision}, dont_know=dont_know)
    everyone = _group(benchmark_for_campaign(campaign=subject), "all")
    assert everyone["percentiles"]["vision"] == 60  # 50 against 100, 100, 0, 0, 25
    assert everyone["percentiles"]["budget"] == 50  # all 50: ties count half
    assert everyone["percentiles"]["team"] is None  # only four released team scores


def test_groups_by_industry_and_size_band(subject, framework):
    for agreement in (1, 2, 4, 5, 5):
        client_organisation(framework, agreement, industry="finance", size_band="10000_49999")
    benchmark = benchmark_for_campaign(campaign=subject)
    assert _group(benchmark, "all")["available"] and _group(benchmark, "size_band")["available"]
    assert not _group(benchmark, "industry")["available"]  # no other manufacturer


def test_only_the_same_framework_version_and_the_latest_released_campaign(subject, framework, tmp_path):
    from assessment.services import framework_load

    from .conftest import FRAMEWORK_FILE
    from .factories import CampaignFactory

    newer = tmp_path / "v2.yaml"
    newer.write_text(
        FRAMEWORK_FILE.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "2.0"'), encoding="utf-8"
    )
    framework_2, _ = framework_load(path=newer)
    for agreement in (1, 1, 1, 1):
        client_organisation(framework, agreement)
    client_organisation(framework_2, 1)  # another version: not comparable
    assert not benchmark_for_campaign(campaign=subject)["available"]
    # a fifth peer whose latest campaign is not released yet: its earlier released one counts
    organisation, _ = client_organisation(framework, 5)
    later = CampaignFactory(organisation=organisation, framework=framework)
    answer_campaign(later, 1, count=2)
    everyone = _group(benchmark_for_campaign(campaign=subject), "all")
    assert everyone["percentiles"]["vision"] == 80  # 50 against 0, 0, 0, 0 and 100 (not the unreleased 0)


def test_a_campaign_without_a_released_result_is_not_compared(campaign, framework):
    for agreement in (1, 2, 3, 4, 5):
        client_organisation(framework, agreement)
    answer_campaign(campaign, 3, count=2)
    benchmark = benchmark_for_campaign(campaign=campaign)
    assert not benchmark["own_released"] and not benchmark["available"]


# --- in the report: consultants only, nobody named ------------------------------------------------


@pytest.fixture
def five_peers(subject, framework):
    return [
        client_organisation(framework, agreement, name_en=f"Peer Secret {agreement}")[0]
        for agreement in (1, 2, 2, 4, 5)
    ]


def test_consultant_sees_the_benchmark_in_the_report_without_any_peer_name(client, subject, five_peers, consultant):
    client.force_login(consultant)
    page = client.get(reverse("reports:organisation", args=[subject.pk])).content.decode()
    assert "Benchmark: compared with other organisations" in page and "benchmark-table" in page
    for peer in five_peers:
        assert peer.name_en not in page and peer.name_ja not in page and peer.slug not in page
    assert "<td>60</td>" in page


def test_consultant_s_pdf_carries_the_benchmark(client, subject, five_peers, consultant):
    from .test_reports import pdf_text, squeeze

    client.force_login(consultant)
    response = client.get(reverse("reports:organisation_pdf", args=[subject.pk]) + "?lang=ja")
    assert response.status_code == 200
    _reader, text = pdf_text(response.content)
    assert squeeze("ベンチマーク：他組織との比較") in squeeze(text)
    assert "Peer Secret" not in text


def test_not_enough_organisations_says_so(client, subject, consultant):
    client.force_login(consultant)
    page = client.get(reverse("reports:organisation", args=[subject.pk])).content.decode()
    assert "Not enough organisations to compare with yet" in page


@pytest.mark.parametrize("who", ["owner", "member"])
def test_hr_and_executive_viewers_do_not_see_the_benchmark(client, subject, five_peers, who, request):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("reports:organisation", args=[subject.pk])).content.decode()
    assert "Benchmark: compared" not in page


# --- the profile page ----------------------------------------------------------------------------


def test_consultant_sets_the_profile_and_consent_is_dated(client, campaign, consultant):
    client.force_login(consultant)
    url = reverse("benchmark:profile", args=[campaign.organisation.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"consent": "on"})
    assert refused.status_code == 200 and "Choose the industry and the size" in refused.content.decode()
    assert not Organisation.objects.get(pk=campaign.organisation.pk).benchmark_consent
    client.post(url, {"industry": "finance", "size_band": "5000_9999", "consent": "on"})
    organisation = Organisation.objects.get(pk=campaign.organisation.pk)
    assert (organisation.industry, organisation.size_band, organisation.benchmark_consent) == (
        "finance",
        "5000_9999",
        True,
    )
    assert organisation.benchmark_consent_at is not None
    client.post(url, {"industry": "finance", "size_band": "5000_9999"})  # withdrawn
    organisation.refresh_from_db()
    assert not organisation.benchmark_consent and organisation.benchmark_consent_at is None


def test_japanese_profile_page(client, campaign, consultant):
    client.force_login(consultant)
    page = client.get(
        reverse("benchmark:profile", args=[campaign.organisation.pk]), HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert "ベンチマーク" in page and "製造業" in page


@pytest.mark.parametrize("who", ["owner", "member", "outsider"])
def test_only_consultants_reach_the_profile(client, campaign, who, request):
    client.force_login(request.getfixturevalue(who))
    url = reverse("benchmark:profile", args=[campaign.organisation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"industry": "finance", "size_band": "5000_9999", "consent": "on"}).status_code == 404
    assert not Organisation.objects.get(pk=campaign.organisation.pk).benchmark_consent


def test_anonymous_visitors_are_sent_to_sign_in_for_the_profile(client, campaign):
    response = client.get(reverse("benchmark:profile", args=[campaign.organisation.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_database_refuses_undated_consent(campaign):
    from django.db import IntegrityError, transaction

    organisation = campaign.organisation
    organisation.benchmark_consent = True
    with pytest.raises(IntegrityError), transaction.atomic():
        organisation.save()


def test_a_peer_s_new_submission_counts_at_once_despite_the_cache(subject, framework, django_assert_max_num_queries):
    for agreement in (1, 2, 4, 5):
        client_organisation(framework, agreement)
    _organisation, almost = client_organisation(framework, 5, count=4)
    assert not benchmark_for_campaign(campaign=subject)["available"]
    answer_campaign(almost, 5, count=1)  # the fifth respondent releases its result
    assert benchmark_for_campaign(campaign=subject)["available"]
    # unchanged peers come from the cache: one small query each, not a scoring run
    with django_assert_max_num_queries(20):
        benchmark_for_campaign(campaign=subject, result=None)
