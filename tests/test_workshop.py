"""Live workshops: joining by code, the facilitator's screen, votes, agreements, and who may do what."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.models import Campaign, Invitation
from assessment.services import invitation_create
from workshop import selectors, services
from workshop.models import Phase, WorkshopAgreement, WorkshopJoin, WorkshopSession, WorkshopVote

from .test_analysis import add_responses

DIMENSIONS = ["vision", "budget", "buy_in", "exposure", "team", "system"]


@pytest.fixture
def session(campaign, owner):
    return services.workshop_start(campaign=campaign, user=owner, expected=30)


def url(name, campaign):
    return reverse(f"workshop:{name}", args=[campaign.pk])


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def vote_data(value=3, **overrides):
    data = {f"vote_{key}": str(value) for key in DIMENSIONS}
    data.update({f"vote_{key}": str(v) for key, v in overrides.items()})
    return data


def cast_votes(session, count, value):
    """`count` participants vote `value` on every dimension in the round now open."""
    for _ in range(count):
        invitation, _token = invitation_create(campaign=session.campaign)
        services.vote_save(session=session, invitation=invitation, values=dict.fromkeys(DIMENSIONS, value))


def move_to(session, phase):
    order = [Phase.PRE_VOTE, Phase.DISCUSSION, Phase.RE_VOTE, Phase.CLOSED]
    for step in order[order.index(session.phase) + 1 : order.index(phase) + 1]:
        services.workshop_phase_set(session=session, phase=step)
    return session


# --- who may do what ------------------------------------------------------------------------------

MANAGE_GET = ["facilitate", "live"]


@pytest.mark.parametrize("name", MANAGE_GET)
@pytest.mark.parametrize("who, status", [("owner", 200), ("consultant", 200), ("member", 404), ("outsider", 404)])
def test_facilitator_pages_need_manage_permission(request, client, campaign, session, name, who, status):
    login(client, request.getfixturevalue(who))
    assert client.get(url(name, campaign)).status_code == status


@pytest.mark.parametrize("name", [*MANAGE_GET, "summary", "start", "phase", "agreements", "expected"])
def test_anonymous_staff_pages_redirect_to_login(client, campaign, name):
    method = client.get if name in [*MANAGE_GET, "summary"] else client.post
    response = method(url(name, campaign))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who, status", [("owner", 200), ("consultant", 200), ("member", 200), ("outsider", 404)])
def test_summary_is_for_everyone_who_may_read_reports(request, client, campaign, session, who, status):
    login(client, request.getfixturevalue(who))
    assert client.get(url("summary", campaign)).status_code == status


@pytest.mark.parametrize(
    "who, allowed", [("owner", True), ("consultant", True), ("member", False), ("outsider", False)]
)
def test_starting_and_moving_a_workshop_needs_manage_permission(request, client, campaign, who, allowed):
    login(client, request.getfixturevalue(who))
    response = client.post(url("start", campaign), {"expected": "12"})
    assert response.status_code == (302 if allowed else 404)
    assert WorkshopSession.objects.filter(campaign=campaign).exists() is allowed
    if allowed:
        response = client.post(url("phase", campaign), {"phase": "discussion"})
        assert response.status_code == 302
        assert WorkshopSession.objects.get(campaign=campaign).phase == "discussion"


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_others_cannot_move_phases_or_record_agreements(request, client, campaign, session, who):
    login(client, request.getfixturevalue(who))
    assert client.post(url("phase", campaign), {"phase": "discussion"}).status_code == 404
    move_to(session, Phase.CLOSED)
    response = client.post(url("agreements", campaign), {"score_vision": "50", "rationale_vision": "x"})
    assert response.status_code == 404 and not WorkshopAgreement.objects.exists()
    session.refresh_from_db()
    assert session.phase == Phase.CLOSED


def test_participant_pages_work_anonymously_with_a_valid_key_only(client, campaign, session, token):
    assert client.get(reverse("join:join", args=[campaign.join_code])).status_code == 200  # the Join button
    assert client.post(reverse("join:join", args=[campaign.join_code])).status_code == 302
    assert client.get(reverse("join:join", args=["ZZZZZZZZ"])).status_code == 404
    assert client.get(reverse("workshop:vote", args=[token])).status_code == 200
    response = client.get(reverse("workshop:vote", args=["not-a-token"]))
    assert response.status_code == 404 and b"This survey link is not valid" in response.content
    status = reverse("workshop:vote_status", args=[token])
    assert client.get(status, {"state": f"{session.pk}:pre_vote"}).status_code == 204
    assert client.get(reverse("workshop:vote_status", args=["nope"])).status_code == 404


# --- starting and joining ------------------------------------------------------------------------------


def test_starting_gives_the_campaign_an_unambiguous_join_code_once(campaign, owner):
    assert campaign.join_code == ""
    first = services.workshop_start(campaign=campaign, user=owner, expected=30)
    code = Campaign.objects.get(pk=campaign.pk).join_code
    assert re.fullmatch(r"[A-Z2-9]{8}", code) and not set(code) & set("01OIL58BS")
    assert first.phase == Phase.PRE_VOTE and first.created_by == owner
    # pressing start again is harmless: same session, same code
    assert services.workshop_start(campaign=campaign, user=owner, expected=30) == first
    assert Campaign.objects.get(pk=campaign.pk).join_code == code


def test_an_existing_join_code_is_kept(campaign, owner):
    Campaign.objects.filter(pk=campaign.pk).update(join_code="ABCDEFGH")
    campaign.refresh_from_db()
    services.workshop_start(campaign=campaign, user=owner, expected=30)
    assert Campaign.objects.get(pk=campaign.pk).join_code == "ABCDEFGH"


def test_a_set_join_code_belongs_to_one_campaign_and_blank_codes_to_many(campaign):
    from .factories import CampaignFactory

    CampaignFactory(framework=campaign.framework)  # blank codes: no unique constraint on them
    Campaign.objects.filter(pk=campaign.pk).update(join_code="ACDEFGHJ")
    other = CampaignFactory(framework=campaign.framework)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=other.pk).update(join_code="ACDEFGHJ")
    assert Campaign.objects.filter(join_code="").count() == 2


def test_a_drawn_code_that_is_taken_is_drawn_again(campaign, owner, monkeypatch):
    from .factories import CampaignFactory

    taken = CampaignFactory(framework=campaign.framework, join_code="ACDEFGHJ")
    draws = iter(["ACDEFGHJ", "KMNPQRTU"])
    monkeypatch.setattr(services, "join_code_new", lambda: next(draws))
    services.workshop_start(campaign=campaign, user=owner, expected=30)
    assert Campaign.objects.get(pk=campaign.pk).join_code == "KMNPQRTU"
    assert Campaign.objects.get(pk=taken.pk).join_code == "ACDEFGHJ"


def test_joining_creates_an_invitation_and_a_second_join_reuses_it(client, campaign, session):
    join = reverse("join:join", args=[campaign.join_code])
    # a link preview or crawler only GETs: it sees the Join button and creates nothing
    page = client.get(join)
    assert page.status_code == 200 and b"Join the workshop" in page.content
    assert not Invitation.objects.exists()
    response = client.post(join)
    invitation = Invitation.objects.get(campaign=campaign)
    assert invitation.role_group == "" and WorkshopJoin.objects.filter(invitation=invitation).exists()
    token = response["Location"].split("/")[2]
    assert response["Location"] == reverse("respondent:start", args=[token])
    assert client.get(response["Location"]).status_code == 200  # the questionnaire's first page
    again = client.get(join.lower())  # typed in lower case
    assert again["Location"] == response["Location"]
    assert Invitation.objects.filter(campaign=campaign).count() == 1
    # another phone is another participant
    Client().post(join)
    assert Invitation.objects.filter(campaign=campaign).count() == 2
    assert selectors.participation_counts(campaign=campaign)["joined"] == 2


def test_a_participant_who_submitted_comes_back_to_the_vote(client, campaign, session):
    join = reverse("join:join", args=[campaign.join_code])
    token = client.post(join)["Location"].split("/")[2]
    invitation = Invitation.objects.get(campaign=campaign)
    from assessment.models import Response

    Response.objects.create(invitation=invitation, campaign=campaign, submitted_at=timezone.now())
    assert client.get(join)["Location"] == reverse("workshop:vote", args=[token])


def test_unknown_code_is_a_clear_404(client, campaign):
    response = client.get(reverse("join:join", args=["NOPE2345"]))
    assert response.status_code == 404 and b"This workshop code is not valid" in response.content
    # campaigns without a code (blank) are never joinable
    assert client.get("/j/-/").status_code == 404
    assert not Invitation.objects.exists()


def test_closed_and_not_yet_open_campaigns_cannot_be_joined(client, campaign, session):
    join = reverse("join:join", args=[campaign.join_code])
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    response = client.get(join)
    assert response.status_code == 410 and b"This survey has closed" in response.content
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9))
    response = client.get(join)
    assert response.status_code == 403 and b"has not opened yet" in response.content
    assert not Invitation.objects.exists()


# --- the facilitator's screen -------------------------------------------------------------------------


def test_facilitator_page_shows_qr_code_link_and_polls(client, campaign, owner, session, settings):
    settings.SITE_URL = "https://survey.example.jp"
    campaign.refresh_from_db()
    login(client, owner)
    response = client.get(url("facilitate", campaign))
    html = response.content.decode()
    assert f"https://survey.example.jp/j/{campaign.join_code}/" in html
    assert re.search(r'<svg [^>]*viewBox="0 0 \d+ \d+" class="qr"', html)
    assert f'hx-get="{url("live", campaign)}"' in html and 'hx-trigger="every 3s"' in html
    assert "htmx.min.js" in html and "<script>" not in html  # CSP: no inline script


def test_facilitator_page_before_starting_offers_to_start(client, campaign, owner):
    login(client, owner)
    html = client.get(url("facilitate", campaign)).content.decode()
    assert url("start", campaign) in html and "<svg" not in html


def test_live_partial_hides_charts_below_the_threshold(client, campaign, owner, session):
    login(client, owner)
    add_responses(campaign, 4, agreement=4)
    add_responses(campaign, 3, agreement=2, submitted=False)  # started but not submitted: not counted
    html = client.get(url("live", campaign)).content.decode()
    assert "Waiting for 1 more response" in html and "<svg" not in html
    assert re.search(r'id="count-submitted">4<', html)
    # no score anywhere: the survey column stays empty
    assert "75" not in html


def test_live_partial_shows_the_radar_once_enough_responses_are_in(client, campaign, owner, session):
    login(client, owner)
    add_responses(campaign, 5, agreement=4)
    html = client.get(url("live", campaign)).content.decode()
    assert "Waiting for" not in html
    # no executives: no group series, and the empty gap chart is replaced by why it is empty
    assert html.count("<svg") == 1 and 'aria-label="Readiness by dimension"' in html
    assert 'id="gap-empty"' in html
    assert "Everyone else" not in html
    assert ">75<" in html  # survey score per dimension


def test_the_live_radar_shows_staff_experience_with_the_executives_beside_it(client, campaign, owner, session):
    login(client, owner)
    add_responses(campaign, 5, agreement=4, role="executive")
    add_responses(campaign, 5, agreement=2)
    html = client.get(url("live", campaign)).content.decode()
    assert "People other than executives" in html and "Executives" in html
    assert ">25<" in html  # the headline score is the staff's (agreement 2 → 25), not the pooled 50


def test_japanese_facilitator_screen(client, campaign, owner, session):
    login(client, owner)
    client.cookies["django_language"] = "ja"
    add_responses(campaign, 5, agreement=4)
    html = client.get(url("live", campaign)).content.decode()
    assert "経営陣のビジョンと方向性" in html


# --- votes ------------------------------------------------------------------------------------------------


def test_a_vote_is_saved_and_can_be_changed_in_its_round(client, campaign, session, token):
    vote = reverse("workshop:vote", args=[token])
    page = client.get(vote).content.decode()
    assert "Executive vision and direction" in page and "Ad hoc" in page
    response = client.post(vote, vote_data(3, vision=5))
    assert response.status_code == 302
    votes = dict(WorkshopVote.objects.filter(round="pre").values_list("dimension", "value"))
    assert votes == {**dict.fromkeys(DIMENSIONS, 3), "vision": 5}
    assert "Your vote has been saved" in client.get(vote).content.decode()
    client.post(vote, vote_data(2))
    assert set(WorkshopVote.objects.filter(round="pre").values_list("value", flat=True)) == {2}
    assert WorkshopVote.objects.count() == len(DIMENSIONS)


def test_vote_page_in_japanese(client, session, token):
    client.cookies["django_language"] = "ja"
    page = client.get(reverse("workshop:vote", args=[token])).content.decode()
    assert "経営陣のビジョンと方向性" in page and "場当たり的" in page


def test_second_round_is_stored_beside_the_first(client, session, token):
    vote = reverse("workshop:vote", args=[token])
    client.post(vote, vote_data(2))
    move_to(session, Phase.RE_VOTE)
    client.post(vote, vote_data(4))
    assert set(WorkshopVote.objects.filter(round="pre").values_list("value", flat=True)) == {2}
    assert set(WorkshopVote.objects.filter(round="re").values_list("value", flat=True)) == {4}


@pytest.mark.parametrize("phase", [Phase.DISCUSSION, Phase.CLOSED])
def test_votes_are_refused_between_rounds(client, session, token, phase):
    move_to(session, phase)
    vote = reverse("workshop:vote", args=[token])
    assert '<form method="post"' not in client.get(vote).content.decode()
    response = client.post(vote, vote_data(3))
    assert response.status_code == 409 and "Voting is not open right now" in response.content.decode()
    assert not WorkshopVote.objects.exists()
    with pytest.raises(services.VotingClosed):
        services.vote_save(session=session, invitation=Invitation.objects.get(), values={"vision": 3})


def test_votes_are_refused_before_any_workshop(client, token):
    vote = reverse("workshop:vote", args=[token])
    assert "has not started yet" in client.get(vote).content.decode()
    assert client.post(vote, vote_data(3)).status_code == 409


@pytest.mark.parametrize("bad", ["0", "6", "x", "", "3.5"])
def test_vote_values_must_be_1_to_5(client, session, token, bad):
    response = client.post(reverse("workshop:vote", args=[token]), vote_data(3, budget=bad))
    assert response.status_code == 400 and "Choose a value from 1 to 5." in response.content.decode()
    assert not WorkshopVote.objects.exists()


def test_vote_service_checks_values_and_campaign(campaign, session, token):
    invitation = Invitation.objects.get()
    for bad in (0, 6, "3", True, None):
        with pytest.raises(services.WorkshopError):
            services.vote_save(session=session, invitation=invitation, values={"vision": bad})
    with pytest.raises(services.WorkshopError):
        services.vote_save(session=session, invitation=invitation, values={"nonsense": 3})
    from .factories import CampaignFactory

    other, _token = invitation_create(campaign=CampaignFactory(framework=campaign.framework))
    with pytest.raises(services.WorkshopError):
        services.vote_save(session=session, invitation=other, values={"vision": 3})


def test_the_vote_page_reloads_when_the_phase_changes(client, session, token):
    status = reverse("workshop:vote_status", args=[token])
    assert client.get(status, {"state": f"{session.pk}:pre_vote"}).status_code == 204
    move_to(session, Phase.DISCUSSION)
    response = client.get(status, {"state": f"{session.pk}:pre_vote"})
    assert response["HX-Refresh"] == "true"


def test_vote_results_hidden_while_voting_and_below_the_threshold(client, campaign, owner, session):
    login(client, owner)
    cast_votes(session, 5, 4)
    html = client.get(url("live", campaign)).content.decode()
    # still voting: only the count, never the distribution (it would sway the rest)
    assert "5 people have voted so far" in html and "ws-dist" not in html
    move_to(session, Phase.DISCUSSION)
    html = client.get(url("live", campaign)).content.decode()
    assert html.count('data-round="pre"') == len(DIMENSIONS) and ">4.0<" in html


def test_too_few_voters_are_never_shown(client, campaign, owner, session):
    login(client, owner)
    cast_votes(session, 4, 2)  # threshold is 5
    move_to(session, Phase.DISCUSSION)
    html = client.get(url("live", campaign)).content.decode()
    assert "only 4 people voted" in html and "ws-dist" not in html and "2.0" not in html
    summary = selectors.vote_summary(session=session, threshold=5, dimension_keys=DIMENSIONS)
    assert summary["pre"]["shown"] is False and summary["pre"]["dimensions"] == {}


def test_vote_summary_distribution_and_constant_queries(campaign, session):
    cast_votes(session, 3, 2)
    cast_votes(session, 2, 5)
    move_to(session, Phase.DISCUSSION)
    with CaptureQueriesContext(connection) as few:
        summary = selectors.vote_summary(session=session, threshold=5, dimension_keys=DIMENSIONS)
    cell = summary["pre"]["dimensions"]["vision"]
    assert cell["n"] == 5 and cell["mean"] == pytest.approx(3.2)
    assert [c["count"] for c in cell["counts"]] == [0, 3, 0, 0, 2]
    assert summary["re"]["shown"] is False and summary["pre"]["voters"] == 5
    move_to(session, Phase.RE_VOTE)
    cast_votes(session, 20, 3)
    with CaptureQueriesContext(connection) as many:
        selectors.vote_summary(session=session, threshold=5, dimension_keys=DIMENSIONS)
    assert len(few) == len(many) == 2


# --- phases and agreements ------------------------------------------------------------------------------


def test_phases_only_move_forward_one_step(client, campaign, owner, session):
    with pytest.raises(services.WorkshopError):
        services.workshop_phase_set(session=session, phase=Phase.CLOSED)
    services.workshop_phase_set(session=session, phase=Phase.PRE_VOTE)  # a double click: no-op
    login(client, owner)
    client.post(url("phase", campaign), {"phase": "discussion"})
    response = client.post(url("phase", campaign), {"phase": "pre_vote"}, follow=True)
    assert "cannot move to" in response.content.decode()
    assert WorkshopSession.objects.get().phase == Phase.DISCUSSION
    client.post(url("phase", campaign), {"phase": "nonsense"})
    assert WorkshopSession.objects.get().phase == Phase.DISCUSSION


def test_agreements_are_saved_per_dimension_with_their_rationale(client, campaign, owner, session):
    login(client, owner)
    move_to(session, Phase.CLOSED)
    page = client.get(url("facilitate", campaign)).content.decode()
    assert 'name="score_vision"' in page and 'name="rationale_team"' in page
    data = {
        "score_vision": " 60 ",
        "rationale_vision": "Direction exists but is not used.",
        "score_team": "７０",
        "rationale_team": "Dedicated team since April.",
    }
    response = client.post(url("agreements", campaign), data)
    assert response.status_code == 302
    agreed = {a.dimension: (a.agreed_score, a.rationale, a.decided_by) for a in WorkshopAgreement.objects.all()}
    assert agreed == {
        "vision": (60, "Direction exists but is not used.", owner),
        "team": (70, "Dedicated team since April.", owner),
    }
    # revised: the latest decision counts, still one row per dimension
    client.post(url("agreements", campaign), {"score_vision": "55", "rationale_vision": "Revised."})
    assert WorkshopAgreement.objects.get(dimension="vision").agreed_score == 55
    assert WorkshopAgreement.objects.count() == 2
    assert ">55<" in client.get(url("live", campaign)).content.decode()


@pytest.mark.parametrize("bad", ["101", "-1", "abc", "60.5"])
def test_agreed_scores_must_be_0_to_100(client, campaign, owner, session, bad):
    login(client, owner)
    move_to(session, Phase.CLOSED)
    response = client.post(url("agreements", campaign), {"score_vision": bad, "rationale_vision": "Why."})
    assert response.status_code == 400
    assert "Enter a whole number from 0 to 100." in response.content.decode()
    assert not WorkshopAgreement.objects.exists()


def test_agreement_form_asks_for_both_score_and_rationale(client, campaign, owner, session):
    login(client, owner)
    move_to(session, Phase.CLOSED)
    html = client.post(url("agreements", campaign), {"score_vision": "40", "rationale_budget": "Why."}).content.decode()
    assert "Say why the group agreed on this score." in html
    assert "Enter the agreed score for this rationale." in html
    response = client.post(url("agreements", campaign), {})
    assert response.status_code == 400 and "at least one dimension" in response.content.decode()
    assert not WorkshopAgreement.objects.exists()


def test_agreements_wait_for_the_end_of_the_votes(client, campaign, owner, session):
    login(client, owner)
    move_to(session, Phase.RE_VOTE)
    client.post(url("agreements", campaign), {"score_vision": "40", "rationale_vision": "Why."})
    assert not WorkshopAgreement.objects.exists()
    with pytest.raises(services.WorkshopError):
        services.agreement_save(session=session, user=owner, agreements={"vision": (40, "Why.")})


def test_summary_lists_agreements_next_to_survey_and_vote_means(client, campaign, owner, member, session):
    add_responses(campaign, 5, agreement=4)
    cast_votes(session, 5, 2)
    move_to(session, Phase.RE_VOTE)
    cast_votes(session, 5, 4)
    move_to(session, Phase.CLOSED)
    services.agreement_save(session=session, user=owner, agreements={"vision": (65, "Agreed after debate.")})
    login(client, member)
    html = client.get(url("summary", campaign)).content.decode()
    row = re.search(r"Executive vision and direction</th>(.*?)</tr>", html, re.S).group(1)
    assert ">75<" in row and "2.0" in row and "4.0" in row and ">65<" in row and "Agreed after debate." in row


def test_summary_without_a_workshop(client, campaign, member):
    login(client, member)
    assert "No workshop has been held" in client.get(url("summary", campaign)).content.decode()


# --- database constraints -----------------------------------------------------------------------------


def test_a_vote_is_unique_per_participant_round_and_dimension(session, token):
    invitation = Invitation.objects.get()
    WorkshopVote.objects.create(session=session, invitation=invitation, round="pre", dimension="vision", value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopVote.objects.create(session=session, invitation=invitation, round="pre", dimension="vision", value=4)
    WorkshopVote.objects.create(session=session, invitation=invitation, round="re", dimension="vision", value=4)


@pytest.mark.parametrize("value", [0, 6])
def test_vote_values_outside_1_to_5_are_refused_by_the_database(session, token, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopVote.objects.create(
            session=session, invitation=Invitation.objects.get(), round="pre", dimension="vision", value=value
        )


def test_vote_round_must_be_known(session, token):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopVote.objects.create(
            session=session, invitation=Invitation.objects.get(), round="x", dimension="vision", value=3
        )


def test_agreement_constraints(session, owner):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopAgreement.objects.create(session=session, dimension="vision", agreed_score=101, rationale="x")
    WorkshopAgreement.objects.create(session=session, dimension="vision", agreed_score=100, rationale="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopAgreement.objects.create(session=session, dimension="vision", agreed_score=50, rationale="y")


def test_one_running_workshop_per_campaign(campaign, session, owner):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopSession.objects.create(campaign=campaign)
    move_to(session, Phase.CLOSED)
    again = services.workshop_start(
        campaign=campaign, user=owner, expected=30
    )  # a new workshop after the last one closed
    assert again != session and again.phase == Phase.PRE_VOTE


def test_summary_can_show_an_earlier_workshop(client, campaign, owner, member, session):
    move_to(session, Phase.CLOSED)
    services.agreement_save(session=session, user=owner, agreements={"team": (30, "Earlier decision.")})
    services.workshop_start(campaign=campaign, user=owner, expected=30)  # a second workshop, nothing decided yet
    login(client, member)
    assert "Earlier decision." not in client.get(url("summary", campaign)).content.decode()
    html = client.get(url("summary", campaign), {"session": session.pk}).content.decode()
    assert "Earlier decision." in html


def test_the_live_partial_costs_the_same_number_of_queries_for_any_group_size(client, campaign, owner, session):
    login(client, owner)
    add_responses(campaign, 5, agreement=3)
    cast_votes(session, 5, 3)
    client.get(url("live", campaign))  # warm the chart cache
    with CaptureQueriesContext(connection) as few:
        client.get(url("live", campaign))
    add_responses(campaign, 20, agreement=4, role="executive")
    cast_votes(session, 20, 4)
    client.get(url("live", campaign))
    with CaptureQueriesContext(connection) as many:
        client.get(url("live", campaign))
    assert len(few) == len(many)


def test_the_live_result_is_shared_through_the_report_cache(
    client, campaign, owner, session, report_cache, monkeypatch
):
    """Scored once per new submission for every worker: the entry lives in the shared report cache,
    not in one process's memory (a second process reading the same backend finds it)."""
    from workshop import live

    login(client, owner)
    add_responses(campaign, 6, agreement=4)
    calls = []
    real = live._survey_results
    monkeypatch.setattr(live, "_survey_results", lambda c: calls.append(c.pk) or real(c))
    client.get(url("live", campaign))
    client.get(url("summary", campaign))
    assert calls == [campaign.pk]
    assert [k for k in report_cache._cache if "value:" in k]
    report_cache.clear()  # what another process sees without the entry: it scores again
    client.get(url("live", campaign))
    assert calls == [campaign.pk, campaign.pk]
    add_responses(campaign, 1, agreement=2)  # a new submission is a new entry
    client.get(url("live", campaign))
    assert len(calls) == 3


# --- joins are capped, live-only and rate-limited (one person cannot mint respondents) ---------


def test_joining_needs_a_running_workshop(client, campaign, owner):
    services.workshop_start(campaign=campaign, user=owner, expected=5)
    code = Campaign.objects.get(pk=campaign.pk).join_code
    WorkshopSession.objects.filter(campaign=campaign).update(phase=Phase.CLOSED)
    response = client.post(reverse("join:join", args=[code]))
    assert response.status_code == 403 and "has not started yet" in response.content.decode()
    assert not WorkshopJoin.objects.exists()


def test_joins_stop_at_the_expected_head_count_until_the_facilitator_raises_it(client, campaign, owner):
    session = services.workshop_start(campaign=campaign, user=owner, expected=2)
    join = reverse("join:join", args=[Campaign.objects.get(pk=campaign.pk).join_code])
    assert Client().post(join).status_code == 302
    assert Client().post(join).status_code == 302
    refused = Client().post(join, HTTP_ACCEPT_LANGUAGE="ja")
    assert refused.status_code == 403 and "参加予定の方は全員参加済みです" in refused.content.decode()
    assert WorkshopJoin.objects.filter(session=session).count() == 2
    with pytest.raises(services.WorkshopError):
        services.workshop_expected_set(session=session, expected=1)  # below those already in
    login(client, owner)
    assert client.post(url("expected", campaign), {"expected": "3"}).status_code == 302
    assert Client().post(join).status_code == 302
    assert WorkshopJoin.objects.filter(session=session).count() == 3


def test_a_bad_head_count_is_refused_with_a_message(client, campaign, owner):
    login(client, owner)
    page = client.post(url("start", campaign), {"expected": "0"}, follow=True)
    assert "1 to 1000" in page.content.decode()
    assert not WorkshopSession.objects.filter(campaign=campaign).exists()


def test_joins_from_one_address_are_rate_limited(campaign, owner):
    from django.core.cache import cache

    cache.clear()
    session = services.workshop_start(campaign=campaign, user=owner, expected=100)
    campaign = Campaign.objects.get(pk=campaign.pk)
    for _ in range(services.JOINS_PER_ADDRESS_PER_MINUTE):
        services.participant_join(campaign=campaign, address="203.0.113.7")
    with pytest.raises(services.JoinRefused) as refused:
        services.participant_join(campaign=campaign, address="203.0.113.7")
    assert refused.value.state == "too_fast"
    services.participant_join(campaign=campaign, address="203.0.113.8")  # another address still gets in
    assert WorkshopJoin.objects.filter(session=session).count() == services.JOINS_PER_ADDRESS_PER_MINUTE + 1
