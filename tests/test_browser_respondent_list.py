"""A long respondent list in a real browser: the card waits for a worker, shows progress, and the
page shows the list once the worker is done (static/js/respondent-list-progress.js)."""

import os

import pytest
from django.urls import reverse

from assessment import respondent_list_jobs as jobs
from assessment.models import RespondentListJob

from .conftest import PASSWORD
from .test_respondent_list_jobs import DATABASE_QUEUE, people

pytestmark = pytest.mark.browser
# Playwright's sync API keeps an event loop in this thread; see tests/test_browser_staff.py.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_the_page_shows_progress_and_the_list_when_the_worker_is_done(
    campaign, owner, live_server, browser, settings, tmp_path
):
    """In a real browser: the card waits for a worker, then the page's poll sees the job end and shows the list."""
    settings.RESPONDENT_LIST_BACKGROUND_ROWS = 5
    settings.TASKS = DATABASE_QUEUE
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/")
    page.goto(f"{live_server.url}{reverse('console:campaign_respondents', args=[campaign.pk])}")
    path = tmp_path / "people.csv"
    path.write_bytes(people(30))
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    page.locator("#respondent-list-job .job-label", has_text="Waiting for a worker…").wait_for()
    assert not campaign.invitations.exists()

    jobs.respondent_list_job_run.call(RespondentListJob.objects.get().pk)  # the worker, meanwhile
    page.get_by_text("30 people on the list").wait_for(timeout=15_000)  # the poll saw it end and reloaded
    assert page.locator("#respondent-list-job .job-label").inner_text() == "Imported"
    assert "p29@example.com" in page.content()
    context.close()
