"""In a real browser: a target set, actions made from recommendations, and both seen in the next report."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assessment.lifecycle import campaign_clone
from assessment.models import Campaign, Department, Framework, Membership, Organisation
from followthrough.models import Action, Commitment

from .conftest import FRAMEWORK_FILE, PASSWORD
from .test_analysis import add_responses
from .test_browser_ux import assert_no_serious_violations

pytestmark = pytest.mark.browser

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_browser_staff.py

SCREENSHOTS = Path(os.environ.get("FOLLOW_SCREENSHOTS", "")) if os.environ.get("FOLLOW_SCREENSHOTS") else None


def _shot(page, name, element=None):
    """Pictures for a person to look at (set FOLLOW_SCREENSHOTS=folder); the assertions do the testing."""
    if SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if element is not None:
            element.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        else:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _sign_in(browser, base, username, locale):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/console/")
    return page


def test_targets_and_actions_close_the_loop_in_the_next_report(transactional_db, live_server, browser):
    call_command("load_framework", str(FRAMEWORK_FILE))
    framework = Framework.objects.get(version="1.0")
    organisation = Organisation.objects.create(slug="acme", name_en="Acme Heavy Industries", name_ja="アクメ重工業")
    for key, en, ja in (("rd", "R&D", "研究開発"), ("sales", "Sales", "営業")):
        Department.objects.create(organisation=organisation, key=key, name_en=en, name_ja=ja)
    users = get_user_model().objects
    Membership.objects.create(
        user=users.create_user("kato", password=PASSWORD), organisation=organisation, role="consultant"
    )
    Membership.objects.create(
        user=users.create_user("sato", password=PASSWORD), organisation=organisation, role="executive"
    )
    now = timezone.now()
    first = Campaign.objects.create(
        organisation=organisation,
        framework=framework,
        name="Readiness 2026",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )
    add_responses(first, 6, agreement=2, role="business")
    add_responses(first, 5, agreement=4, role="executive", department_key="sales")
    base = live_server.url

    # the consultant, in English: targets, then actions from two recommendations
    page = _sign_in(browser, base, "kato", "en-GB")
    page.get_by_role("link", name="Follow-through").first.click()
    page.wait_for_url(f"**/follow/campaigns/{first.pk}/")
    page.get_by_role("link", name="Set targets").click()
    assert_no_serious_violations(page)
    page.locator('select[name="vision-level"]').select_option("3")
    page.locator('input[name="vision-date"]').fill("2027-03-31")
    page.locator('input[name="vision-rationale"]').fill("Every employee can say where we are going")
    page.locator('select[name="budget-level"]').select_option("2")  # half a row: refused, nothing lost
    page.get_by_role("button", name="Save targets").click()
    assert page.locator('input[name="vision-rationale"]').input_value() == "Every employee can say where we are going"
    assert page.locator(".invalid-feedback").count() >= 2
    page.locator('select[name="budget-level"]').select_option("")
    page.get_by_role("button", name="Save targets").click()
    page.wait_for_url(f"**/follow/campaigns/{first.pk}/")
    assert "Every employee can say where we are going" in page.locator('tr[data-dimension="vision"]').inner_text()
    boxes = page.locator('#recommendations input[name="recommendation"]')
    chosen = [boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")]
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Create actions").click()
    page.wait_for_url(f"**/follow/campaigns/{first.pk}/")
    assert page.locator("tr[data-action]").count() == 2
    done = Action.objects.get(campaign=first, recommendation=chosen[0])
    page.locator(f'tr[data-action="{done.pk}"] a').click()
    assert_no_serious_violations(page)
    page.locator('select[name="status"]').select_option("done")
    page.locator('input[name="owner_name"]').fill("Tanaka")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/follow/campaigns/{first.pk}/")
    overdue = Action.objects.get(campaign=first, recommendation=chosen[1])
    Action.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - timedelta(days=3))
    page.reload()
    assert page.locator("tr.overdue").count() == 1
    _shot(page, "followthrough-en")
    assert_no_serious_violations(page)
    assert Commitment.objects.get(campaign=first, dimension="vision").target_level == 3

    # the re-assessment: same people answer again, a little more positive
    second = campaign_clone(
        campaign=first,
        framework=framework,
        name="Readiness 2027",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=20),
        anonymity_threshold=first.anonymity_threshold,
    )
    add_responses(second, 6, agreement=3, role="business")
    add_responses(second, 5, agreement=4, role="executive", department_key="sales")
    page.goto(f"{base}/reports/campaigns/{second.pk}/")
    section = page.locator("#followthrough")
    section.wait_for()
    text = section.inner_text()
    assert "Readiness 2026" in text and done.title_en in text and "by 2027-03-31" in text
    _shot(page, "report-loop-en", section)

    # the executive, in Japanese, reads the same in the report and the follow-through page
    page = _sign_in(browser, base, "sato", "ja-JP")
    page.goto(f"{base}/reports/campaigns/{second.pk}/")
    text = page.locator("#followthrough").inner_text()
    assert "前回の診断以降のコミットメント" in text and done.title_ja in text
    _shot(page, "report-loop-ja", page.locator("#followthrough"))
    page.goto(f"{base}/follow/campaigns/{first.pk}/")
    assert (
        "観点別の目標" in page.content() and page.locator("#recommendations").count() == 0
    )  # executives do not edit actions
    _shot(page, "followthrough-ja")
    assert_no_serious_violations(page)
