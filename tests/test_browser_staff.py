"""A consultant's workshop in a real browser: campaign, respondent list, live chart as people answer."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from assessment.models import Department, Invitation, Membership, Organisation, Response
from assessment.services import invitation_token

from .conftest import FRAMEWORK_FILE, PASSWORD

pytestmark = pytest.mark.browser

# Playwright's sync API keeps an event loop running in this thread for the whole session, and the
# ORM calls between browser steps (and the database set-up) are plain synchronous code, which
# Django would otherwise refuse. It must be set before any fixture runs, so at import; tests that
# start a `check --deploy` subprocess remove it from that process's environment.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def answer_whole_questionnaire(page, base, token):
    """A respondent on their own phone: the profile question HR did not know, then every page."""
    page.goto(f"{base}/r/{token}/")
    page.locator('input[name="tenure"][value="y3_10"]').check()
    page.get_by_role("button", name="Start").click()
    while "/review/" not in page.url:
        page.wait_for_selector("#dimension-form")
        for radio in page.locator('#dimension-form input[type="radio"][value="4"]').all():
            radio.check()
        page.locator('button[name="go"][value="next"]').click()
        page.wait_for_load_state()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url("**/done/")


def test_consultant_runs_a_workshop_and_the_live_chart_updates(transactional_db, live_server, browser, tmp_path):
    call_command("load_framework", str(FRAMEWORK_FILE))
    organisation = Organisation.objects.create(slug="acme", name_en="Acme Heavy Industries", name_ja="アクメ重工業")
    Department.objects.create(organisation=organisation, key="rd", name_en="R&D", name_ja="研究開発")
    Department.objects.create(organisation=organisation, key="sales", name_en="Sales", name_ja="営業")
    consultant = get_user_model().objects.create_user("kato", password=PASSWORD)
    consultant.user_permissions.add(Permission.objects.get(codename="add_organisation"))
    Membership.objects.create(user=consultant, organisation=organisation, role="consultant")
    base = live_server.url

    staff = browser.new_context(locale="en-GB")
    page = staff.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("kato")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/")

    # a campaign, small enough to show results with three people (the lowest threshold allowed)
    page.get_by_role("link", name="New campaign").click()
    now = timezone.localtime()
    page.get_by_label("Name").fill("Strategy workshop")
    page.get_by_label("Opens").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Closes").fill((now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Anonymity threshold").fill("3")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/campaigns/*/")
    campaign_url = page.url

    # the respondent list, as HR would export it from their own system
    csv = tmp_path / "respondents.csv"
    csv.write_text(
        "email,name,role group,department\nsato@acme.example,佐藤 花子,executive,rd\n"
        "tanaka@acme.example,田中 太郎,business,sales\nsuzuki@acme.example,鈴木 一郎,corporate,rd\n",
        encoding="utf-8",
    )
    page.goto(campaign_url)
    page.get_by_role("link", name="Upload the respondent list").click()
    page.locator('input[type="file"]').set_input_files(str(csv))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()
    invitations = list(Invitation.objects.filter(campaign__name="Strategy workshop").order_by("email"))
    assert [i.email for i in invitations] == ["sato@acme.example", "suzuki@acme.example", "tanaka@acme.example"]
    assert [i.role_group for i in invitations] == ["executive", "corporate", "business"]

    # the workshop page: QR code, and nothing shown before enough people answered
    page.goto(campaign_url)
    page.get_by_role("link", name="Workshop", exact=True).click()
    page.get_by_label("People expected in the room").fill("10")
    page.get_by_role("button", name="Start the workshop").click()
    page.wait_for_selector("svg.qr")
    assert page.locator("#survey-waiting").is_visible()
    assert page.locator("#survey-radar svg").count() == 0

    # three respondents answer on their own devices
    for invitation in invitations:
        phone = browser.new_context(locale="en-GB").new_page()
        answer_whole_questionnaire(phone, base, invitation_token(invitation=invitation))
        phone.context.close()
    assert Response.objects.filter(campaign__name="Strategy workshop", submitted_at__isnull=False).count() == 3

    # the facilitator's screen updates by itself (htmx polling), without a reload
    page.locator("#survey-radar svg").wait_for(timeout=20000)
    assert page.locator("#count-submitted").inner_text() == "3"
    assert page.locator("#survey-waiting").count() == 0
    staff.close()
