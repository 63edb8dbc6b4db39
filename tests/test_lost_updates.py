"""No lost updates in the console: forms carry the version they were opened at, a stale save is
refused with a clear message, the framework rule holds under a row lock, and "close now" says
who is cut off."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from assessment import lifecycle
from assessment.models import Campaign, Department, Framework, Response
from assessment.services import invitation_create, response_start

STALE = "Someone else changed this after you opened the form"


def when(days):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def form_values(page):
    """What the browser would post back: the form's initial values, version included."""
    form = page.context["form"]
    values = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        values[name] = value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value
    return values


def test_a_stale_campaign_form_cannot_reopen_a_closed_campaign_or_undo_a_rename(client, campaign, owner):
    client.force_login(owner)
    edit = reverse("console:campaign_edit", args=[campaign.pk])
    mine = form_values(client.get(edit))  # I open the form ...
    theirs = form_values(client.get(edit))  # ... and so does a colleague
    assert client.post(edit, {**theirs, "name": "Renamed by colleague"}).status_code == 302
    assert client.post(reverse("console:campaign_close", args=[campaign.pk])).status_code == 302
    stale = client.post(edit, {**mine, "anonymity_threshold": 7})
    assert stale.status_code == 200 and STALE in stale.content.decode()
    campaign.refresh_from_db()
    assert campaign.name == "Renamed by colleague"
    assert not campaign.is_open() and campaign.anonymity_threshold == 5
    fresh = form_values(client.get(edit))  # reloading shows the current state, and saving works
    assert client.post(edit, {**fresh, "anonymity_threshold": 7}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.anonymity_threshold == 7 and not campaign.is_open()


def test_a_stale_department_rename_is_refused(client, campaign, consultant):
    client.force_login(consultant)
    rd = Department.objects.get(organisation=campaign.organisation, key="rd")
    url = reverse("console:department_rename", args=[campaign.organisation_id, rd.pk])
    mine, theirs = form_values(client.get(url)), form_values(client.get(url))
    assert client.post(url, {**theirs, "name_en": "Research"}).status_code == 302
    stale = client.post(url, {**mine, "name_ja": "研究所"})
    assert STALE in stale.content.decode()
    rd.refresh_from_db()
    assert (rd.name_en, rd.name_ja) == ("Research", "研究開発")


def test_a_stale_reopen_is_refused(client, campaign, owner):
    client.force_login(owner)
    url = reverse("console:campaign_reopen", args=[campaign.pk])
    mine = form_values(client.get(url))
    assert client.post(url, {**form_values(client.get(url)), "closes_at": when(3)}).status_code == 302
    assert STALE in client.post(url, {**mine, "closes_at": when(40)}).content.decode()
    campaign.refresh_from_db()
    assert campaign.closes_at < timezone.now() + timedelta(days=4)


def test_close_now_tells_how_many_are_mid_survey(client, campaign, owner):
    for _ in range(3):
        invitation, _token = invitation_create(campaign=campaign)
        response_start(invitation=invitation, role_group="business", department=None, tenure="lt3")
    Response.objects.filter(pk=Response.objects.first().pk).update(submitted_at=timezone.now())
    client.force_login(owner)
    detail = client.get(reverse("console:campaign_detail", args=[campaign.pk])).content.decode()
    assert "2 people have started and not yet submitted: closing now stops them from finishing." in detail
    closed = client.post(reverse("console:campaign_close", args=[campaign.pk]), follow=True).content.decode()
    assert "2 people had started without submitting and can no longer finish" in closed


@pytest.mark.django_db(transaction=True)
def test_the_framework_cannot_change_while_a_first_response_is_being_created(campaign):
    """A response created at the same moment as the framework change: the change must wait for
    it under the campaign's row lock, then refuse, instead of missing the uncommitted response."""
    other = Framework.objects.create(
        key=campaign.framework.key,
        version="9.9",
        title_en="x",
        title_ja="x",
        scale={},
        levels={},
        profile={},
        source_sha256="0" * 64,
    )
    invitation, _token = invitation_create(campaign=campaign)
    inserted, release = threading.Event(), threading.Event()

    def respondent():
        try:
            with transaction.atomic():
                response_start(invitation=invitation, role_group="business", department=None, tenure="lt3")
                inserted.set()
                release.wait(5)
        finally:
            connection.close()

    thread = threading.Thread(target=respondent)
    thread.start()
    assert inserted.wait(5)
    outcome = []

    def staff():
        try:
            lifecycle.campaign_update(
                campaign=Campaign.objects.get(pk=campaign.pk),
                framework=other,
                name=campaign.name,
                opens_at=campaign.opens_at,
                closes_at=campaign.closes_at,
                anonymity_threshold=campaign.anonymity_threshold,
            )
            outcome.append("changed")
        except lifecycle.LifecycleError as error:
            outcome.append(str(error))
        finally:
            connection.close()

    change = threading.Thread(target=staff)
    change.start()
    change.join(1.0)
    assert change.is_alive()  # waiting for the respondent's transaction
    release.set()
    thread.join(10)
    change.join(30)
    assert outcome == ["People have already answered: the framework version can no longer change."]
    campaign.refresh_from_db()
    assert campaign.framework_id != other.pk
