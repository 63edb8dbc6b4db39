"""The respondent's journey through /r/<token>/ with Django's test client."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Answer, Department, Invitation, Response

from .factories import CampaignFactory


def url(name, token, *args):
    return reverse(f"respondent:{name}", args=[token, *args])


@pytest.fixture
def started(client, campaign, token):
    department = Department.objects.get(organisation=campaign.organisation, key="rd")
    response = client.post(
        url("start", token), {"role_group": "business", "department": department.pk, "tenure": "y3_10"}
    )
    assert response.status_code == 302
    return token


def items_of(campaign):
    return list(campaign.framework.items.select_related("dimension").order_by("dimension__order", "order"))


def stored(token):
    response = Response.objects.get(invitation__token_hash=Invitation.objects.get(response__isnull=False).token_hash)
    return {a.item.key: a.value for a in Answer.objects.filter(response=response).select_related("item")}


def answer_everything(client, token, campaign, value="4"):
    for dimension in campaign.framework.dimensions.order_by("order"):
        data = {f"item_{i.key}": value for i in dimension.items.all()}
        data["go"] = "next"
        assert client.post(url("dimension", token, dimension.key), data).status_code == 302


# --- getting in -----------------------------------------------------------------------------


def test_unknown_token_gives_a_clear_not_found_page(client, db):
    response = client.get("/r/not-a-real-token/")
    assert response.status_code == 404
    assert "This survey link is not valid" in response.content.decode()


def test_closed_campaign_gives_a_clear_page_and_accepts_nothing(client, framework, make_token):
    closed = CampaignFactory(
        framework=framework,
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(days=1),
    )
    token = make_token(closed)
    page = client.get(url("start", token))
    assert page.status_code == 410
    assert "This survey has closed" in page.content.decode()
    assert client.post(url("answer", token), {"item": "vision_01", "value": "3"}).status_code == 410
    assert not Answer.objects.exists()


def test_campaign_not_yet_open_says_when_it_opens(client, framework, make_token):
    future = CampaignFactory(
        framework=framework,
        opens_at=timezone.now() + timedelta(days=2),
        closes_at=timezone.now() + timedelta(days=9),
    )
    page = client.get(url("start", make_token(future)))
    assert page.status_code == 403
    assert "has not opened yet" in page.content.decode()


def test_start_page_asks_profile_questions_not_already_known(client, campaign, make_token):
    department = Department.objects.get(organisation=campaign.organisation, key="sales")
    known = client.get(url("start", make_token(role_group="executive", department=department))).content.decode()
    unknown = client.get(url("start", make_token())).content.decode()
    assert 'name="role_group"' in unknown and 'name="department"' in unknown and 'name="tenure"' in unknown
    assert 'name="role_group"' not in known and 'name="department"' not in known and 'name="tenure"' in known


def test_profile_is_validated_and_stored(client, campaign, token):
    bad = client.post(url("start", token), {"role_group": "ceo", "tenure": ""})
    assert bad.status_code == 400
    assert not Response.objects.exists()
    department = Department.objects.get(organisation=campaign.organisation, key="rd")
    good = client.post(url("start", token), {"role_group": "executive", "department": department.pk, "tenure": "gt20"})
    assert good.status_code == 302
    assert good["Location"] == url("dimension", token, "vision")
    response = Response.objects.get()
    assert (response.role_group, response.department, response.tenure) == ("executive", department, "gt20")


def test_department_of_another_organisation_is_refused(client, campaign, token):
    foreign = CampaignFactory(framework=campaign.framework).organisation.departments.create(
        key="x", name_en="X", name_ja="X"
    )
    response = client.post(url("start", token), {"role_group": "business", "department": foreign.pk, "tenure": "lt3"})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_questions_before_profile_redirect_to_start(client, campaign, token):
    assert client.get(url("dimension", token, "vision"))["Location"] == url("start", token)
    assert client.post(url("answer", token), {"item": "vision_01", "value": "3"}).status_code == 409


# --- answering ------------------------------------------------------------------------------


def test_autosave_stores_each_answer_and_reports_progress(client, campaign, started):
    items = items_of(campaign)
    reply = client.post(url("answer", started), {"item": items[0].key, "value": "5"}, HTTP_ACCEPT="application/json")
    assert reply.status_code == 200
    assert reply.json() == {"ok": True, "answered": 1, "total": len(items), "percent": round(100 / len(items))}
    client.post(url("answer", started), {"item": items[1].key, "value": "dk"})
    client.post(url("answer", started), {"item": items[0].key, "value": "2"})  # changed mind
    assert stored(started) == {items[0].key: 2, items[1].key: None}


@pytest.mark.parametrize("value", ["0", "6", "3.5", "", "yes", "<script>"])
def test_autosave_rejects_values_off_the_scale(client, campaign, started, value):
    reply = client.post(url("answer", started), {"item": "vision_01", "value": value}, HTTP_ACCEPT="application/json")
    assert reply.status_code == 400
    assert reply.json()["ok"] is False and reply.json()["error"]
    assert not Answer.objects.exists()


def test_autosave_rejects_items_of_other_frameworks_or_unknown(client, started):
    reply = client.post(url("answer", started), {"item": "nonexistent_99", "value": "3"})
    assert reply.status_code == 400
    assert "not part of this survey" in reply.json()["error"]


def test_autosave_needs_post_and_csrf(campaign, started, client):
    from django.test import Client

    assert client.get(url("answer", started)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url("answer", started), {"item": "vision_01", "value": "3"}).status_code == 403


def test_page_post_saves_answers_and_moves_on(client, campaign, started):
    vision = campaign.framework.dimensions.get(key="vision")
    data = {f"item_{i.key}": "3" for i in vision.items.all()[:4]} | {"go": "next"}
    reply = client.post(url("dimension", started, "vision"), data)
    assert reply["Location"] == url("dimension", started, "budget")
    assert sorted(stored(started)) == sorted(i.key for i in vision.items.all()[:4])
    back = client.post(url("dimension", started, "budget"), {"go": "previous"})
    assert back["Location"] == url("dimension", started, "vision")


def test_page_post_with_an_invalid_value_shows_an_error_and_saves_nothing(client, campaign, started):
    reply = client.post(
        url("dimension", started, "vision"), {"item_vision_01": "9", "item_vision_02": "4", "go": "next"}
    )
    assert reply.status_code == 400
    assert "could not be saved" in reply.content.decode()
    assert stored(started) == {}


def test_saved_answers_are_shown_checked_when_the_page_is_reopened(client, campaign, started):
    client.post(url("answer", started), {"item": "vision_02", "value": "4"})
    client.post(url("answer", started), {"item": "vision_03", "value": "dk"})
    page = client.get(url("dimension", started, "vision"))
    checked = {(row["item"].key, row["value"]) for row in page.context["rows"] if row["value"]}
    assert checked == {("vision_02", "4"), ("vision_03", "dk")}
    html = page.content.decode()
    assert re.search(r'name="item_vision_02" value="4"[^>]*checked', html)
    assert re.search(r'name="item_vision_03" value="dk"[^>]*checked', html)
    assert len(re.findall(r"\bchecked\b", html)) == 2


def test_unknown_section_is_a_clear_404(client, started):
    reply = client.get(url("dimension", started, "nope"))
    assert reply.status_code == 404
    assert "does not exist" in reply.content.decode()


def test_resume_from_another_device_continues_at_the_first_unfinished_section(client, campaign, started):
    answer_everything(client, started, campaign)
    Answer.objects.filter(item__dimension__key="buy_in", item__order=2).delete()
    from django.test import Client

    other_device = Client()  # no session, no cookies: only the link
    page = other_device.get(url("start", started))
    assert page.status_code == 200 and "Continue" in page.content.decode()
    reply = other_device.post(
        url("start", started),
        {"role_group": "business", "department": page.context["form"].initial["department"], "tenure": "y3_10"},
    )
    assert reply["Location"] == url("dimension", started, "buy_in")
    assert len(stored(started)) == campaign.framework.items.count() - 1


# --- review and submit ----------------------------------------------------------------------


def test_review_lists_missing_answers_and_submit_refuses_incomplete(client, campaign, started):
    client.post(url("answer", started), {"item": "vision_01", "value": "4"})
    review = client.get(url("review", started))
    assert review.status_code == 200
    missing = [row for s in review.context["sections"] for row in s["rows"] if not row["answered"]]
    assert len(missing) == campaign.framework.items.count() - 1
    refused = client.post(url("submit", started))
    assert refused.status_code == 400
    assert f"{len(missing)} statements still need an answer" in refused.content.decode()
    assert Response.objects.get().submitted_at is None


def test_submit_is_idempotent_and_locks_the_answers(client, campaign, started):
    answer_everything(client, started, campaign)
    first = client.post(url("submit", started))
    assert first["Location"] == url("done", started)
    submitted_at = Response.objects.get().submitted_at
    assert submitted_at is not None
    # double click, second tab, back button: same outcome, one submission
    second = client.post(url("submit", started))
    assert second["Location"] == url("done", started)
    assert Response.objects.get().submitted_at == submitted_at
    # answers are locked now
    locked = client.post(url("answer", started), {"item": "vision_01", "value": "1"}, HTTP_ACCEPT="application/json")
    assert locked.status_code == 409
    assert stored(started)["vision_01"] == 4
    assert client.post(url("dimension", started, "vision"), {"item_vision_01": "1"})["Location"] == url("done", started)
    assert client.get(url("review", started))["Location"] == url("done", started)
    assert client.get(url("start", started))["Location"] == url("done", started)
    assert client.post(url("start", started), {"tenure": "lt3"})["Location"] == url("done", started)
    done = client.get(url("done", started))
    assert "Your answers have been submitted" in done.content.decode()


def test_done_page_before_submitting_goes_back_to_start(client, started):
    assert client.get(url("done", started))["Location"] == url("start", started)


def test_a_link_reaches_only_its_own_response(client, campaign, started, make_token):
    other = make_token()
    client.post(url("answer", started), {"item": "vision_01", "value": "5"})
    page = client.get(url("start", other))
    assert page.status_code == 200 and page.context["response"] is None
    assert client.get(url("dimension", other, "vision"))["Location"] == url("start", other)


# --- languages ------------------------------------------------------------------------------


def test_language_follows_the_browser(client, campaign, started):
    ja = client.get(url("dimension", started, "vision"), HTTP_ACCEPT_LANGUAGE="ja")
    en = client.get(url("dimension", started, "vision"), HTTP_ACCEPT_LANGUAGE="en")
    item = campaign.framework.items.get(key="vision_01")
    assert '<html lang="ja">' in ja.content.decode() and item.text_ja in ja.content.decode()
    assert '<html lang="en">' in en.content.decode() and item.text_en in en.content.decode()
    assert item.text_en not in ja.content.decode()
    # interface strings are translated, not only the questionnaire
    assert "次へ" in ja.content.decode() and "Next" in en.content.decode()


def test_visible_language_switch_changes_the_language(client, campaign, started):
    page = url("dimension", started, "vision")
    switched = client.post(reverse("set_language"), {"language": "ja", "next": page}, HTTP_ACCEPT_LANGUAGE="en")
    assert switched["Location"] == page
    assert '<html lang="ja">' in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
