"""Autosave under faults in a real browser: a stalled request is abandoned and retried; a
closed survey says so and stops retrying, instead of "no connection"."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from assessment.models import Answer, Campaign, Department
from assessment.services import response_start

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page_at_first_dimension(transactional_db, campaign, make_token, live_server, browser):
    token = make_token()
    from assessment.models import Invitation
    from assessment.tokens import token_hash

    invitation = Invitation.objects.get(token_hash=token_hash(token))
    response_start(
        invitation=invitation,
        role_group="business",
        department=Department.objects.get(organisation=campaign.organisation, key="rd"),
        tenure="lt3",
    )
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.clock.install()
    answers = []
    page.on("request", lambda r: answers.append(r) if r.url.endswith("/answer/") else None)
    page.goto(f"{live_server.url}/r/{token}/d/vision/")
    yield page, answers
    context.close()


def test_a_stalled_save_is_abandoned_after_its_timeout_and_sent_again(page_at_first_dimension):
    page, answers = page_at_first_dimension
    held = []
    # The first save stalls (never answered, as behind a dead connection); later ones go through.
    page.route("**/answer/", lambda route: held.append(route) if not held else route.continue_())
    page.locator('input[name="item_vision_01"][value="4"]').check()
    page.wait_for_function("() => document.getElementById('save-status').textContent.includes('Saving')")
    page.clock.run_for(10_500)  # the browser gives up on the stalled request
    page.locator("#save-status", has_text="no connection").wait_for()
    page.clock.run_for(5_000)  # the retry timer sends it again
    page.locator("#save-status", has_text="All answers saved.").wait_for()
    assert len(answers) >= 2
    assert dict(Answer.objects.values_list("item__key", "value")) == {"vision_01": 4}


def test_a_closed_survey_says_so_and_stops_retrying(page_at_first_dimension):
    page, answers = page_at_first_dimension
    Campaign.objects.update(closes_at=timezone.now() - timedelta(seconds=1))
    page.locator('input[name="item_vision_01"][value="4"]').check()
    page.locator("#save-status", has_text="This survey has closed.").wait_for()
    sent = len(answers)
    page.locator('input[name="item_vision_02"][value="2"]').check()
    page.clock.run_for(30_000)
    assert len(answers) == sent  # no retries, no further sends
    assert "This survey has closed." in page.locator("#save-status").inner_text()
    assert not Answer.objects.exists()
