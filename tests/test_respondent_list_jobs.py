"""Large respondent lists go to the task worker: progress polled by the page, nothing lost when
the worker dies part-way, problems listed as for a small file, in both languages."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessment import respondent_list_jobs as jobs
from assessment import services
from assessment.models import Department, Invitation, RespondentListJob

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def people(count, *, department="rd", start=0):
    lines = "".join(f"p{n}@example.com,Person {n},business,{department}\n" for n in range(start, start + count))
    return ("email,name,role group,department\n" + lines).encode()


def upload(client, campaign, content, name="list.csv", **headers):
    url = reverse("console:campaign_respondents", args=[campaign.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True, **headers)


@pytest.fixture
def small_threshold(settings):
    settings.RESPONDENT_LIST_BACKGROUND_ROWS = 5
    return settings


def emails(campaign):
    return sorted(campaign.invitations.values_list("email", flat=True))


def test_a_list_at_the_threshold_is_imported_in_the_request(client, campaign, owner, small_threshold):
    small_threshold.TASKS = DATABASE_QUEUE  # nothing would run it: the import must not need the worker
    client.force_login(owner)
    html = upload(client, campaign, people(5)).content.decode()
    assert "5 people were added" in html
    assert len(emails(campaign)) == 5 and not RespondentListJob.objects.exists()


def test_a_long_list_waits_for_the_worker_with_progress_shown_then_is_imported(
    client, campaign, owner, small_threshold
):
    small_threshold.TASKS = DATABASE_QUEUE
    client.force_login(owner)
    html = upload(client, campaign, people(12)).content.decode()
    job = RespondentListJob.objects.get()
    assert "imported in the background" in html and "Background import of list.csv" in html
    assert "No task worker is running" in html and 'id="respondent-list-job"' in html
    assert job.status == "queued" and not campaign.invitations.exists()  # nothing yet, nothing half
    status_url = reverse("console:respondent_list_job_status", args=[job.pk])
    assert client.get(status_url).json()["status"] == "queued"

    jobs.respondent_list_job_run.call(job.pk)  # what the worker does
    state = client.get(status_url).json()
    assert state | {"problems": None} == {
        "id": job.pk,
        "status": "done",
        "done": 12,
        "total": 12,
        "percent": 100,
        "problems": None,
        "status_url": status_url,
    }
    assert emails(campaign) == sorted(f"p{n}@example.com" for n in range(12))
    job.refresh_from_db()
    assert bytes(job.data) == b""  # the file is not kept once imported
    page = client.get(reverse("console:campaign_respondents", args=[campaign.pk])).content.decode()
    assert "Imported" in page or "12 of 12 people added" in page


def test_the_page_in_japanese(client, campaign, owner, small_threshold):
    small_threshold.TASKS = DATABASE_QUEUE
    client.force_login(owner)
    html = upload(client, campaign, people(8), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "バックグラウンドで取り込みます" in html
    assert "list.csv のバックグラウンド取り込み" in html and "タスクワーカーが動いていません" in html


def test_a_worker_that_dies_part_way_loses_nobody_and_adds_nobody_twice(
    client, campaign, owner, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    small_threshold.TASKS = DATABASE_QUEUE
    monkeypatch.setattr(jobs, "BATCH", 4)
    client.force_login(owner)
    upload(client, campaign, people(10))
    job = RespondentListJob.objects.get()
    real = services.invitation_create
    calls = []

    def dying(**kwargs):
        calls.append(1)
        if len(calls) == 6:  # in the second batch: the first batch of 4 is committed
            raise SystemExit("worker killed")
        return real(**kwargs)

    monkeypatch.setattr("assessment.lifecycle.invitation_create", dying)
    with pytest.raises(SystemExit):
        jobs.respondent_list_job_run.call(job.pk)
    job.refresh_from_db()
    assert job.status == "running" and job.done_rows == 4 and len(emails(campaign)) == 4  # whole batches only
    monkeypatch.setattr("assessment.lifecycle.invitation_create", real)

    # The page's poll finds the heartbeat stale and re-queues it; the worker goes on from row 5.
    RespondentListJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    small_threshold.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        state = client.get(reverse("console:respondent_list_job_status", args=[job.pk])).json()
    job.refresh_from_db()
    assert job.status == "done", state
    assert emails(campaign) == sorted(f"p{n}@example.com" for n in range(10))
    assert Invitation.objects.filter(campaign=campaign).count() == 10


def test_a_server_error_fails_the_job_clearly_and_try_again_goes_on(
    client, campaign, owner, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    small_threshold.TASKS = IMMEDIATE
    monkeypatch.setattr(jobs, "BATCH", 3)
    real = services.invitation_create
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr("assessment.lifecycle.invitation_create", flaky)
    client.force_login(owner)
    html = upload(client, campaign, people(7)).content.decode()
    job = RespondentListJob.objects.get()
    assert job.status == "failed" and job.retryable and job.done_rows == 3
    assert "error on the server (RuntimeError)" in html and "Try again" in html
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(reverse("console:respondent_list_job_retry", args=[job.pk]), follow=True)
    assert retried.status_code == 200
    job.refresh_from_db()
    assert job.status == "done" and len(emails(campaign)) == 7


def test_a_long_list_with_problems_imports_nothing_and_lists_at_most_fifty(client, campaign, owner, small_threshold):
    small_threshold.TASKS = IMMEDIATE
    content = people(80).replace(b",business,", b",chairman,")
    client.force_login(owner)
    html = upload(client, campaign, content).content.decode()
    job = RespondentListJob.objects.get()
    assert job.status == "failed" and not job.retryable and "Try again" not in html
    assert html.count("unknown role group") == 50 and "… and 30 more problems not listed" in html
    assert not campaign.invitations.exists()


def test_unknown_departments_of_a_long_list_can_be_created_and_imported(client, campaign, owner, small_threshold):
    small_threshold.TASKS = IMMEDIATE
    client.force_login(owner)
    html = upload(client, campaign, people(6, department="Logistics")).content.decode()
    job = RespondentListJob.objects.get()
    assert job.creatable and job.unknown_departments == ["Logistics"] and "Create the department and import" in html
    client.post(reverse("console:respondent_list_job_confirm", args=[job.pk]), {"create_department": ["Logistics"]})
    latest = RespondentListJob.objects.first()
    assert latest.pk != job.pk and latest.status == "done"
    logistics = Department.objects.get(organisation=campaign.organisation, name_en="Logistics")
    assert campaign.invitations.filter(department=logistics).count() == 6


def test_one_background_import_per_campaign_and_no_upload_beside_it(client, campaign, owner, small_threshold):
    small_threshold.TASKS = DATABASE_QUEUE
    client.force_login(owner)
    upload(client, campaign, people(8))
    html = upload(client, campaign, people(8, start=100)).content.decode()
    assert "being imported in the background" in html and RespondentListJob.objects.count() == 1
    html = upload(client, campaign, people(2, start=200)).content.decode()  # a small one waits too
    assert "being imported in the background" in html and not campaign.invitations.exists()


def test_a_queue_that_is_down_leaves_no_job(client, campaign, owner, small_threshold, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(jobs, "respondent_list_job_run", SimpleNamespace(enqueue=down))
    client.force_login(owner)
    html = upload(client, campaign, people(8)).content.decode()
    assert "the task queue is not reachable" in html
    assert not RespondentListJob.objects.exists() and not campaign.invitations.exists()


def test_someone_adding_a_person_meanwhile_is_not_doubled(client, campaign, owner, small_threshold, monkeypatch):
    small_threshold.TASKS = DATABASE_QUEUE
    monkeypatch.setattr(jobs, "BATCH", 3)
    client.force_login(owner)
    upload(client, campaign, people(6))
    job = RespondentListJob.objects.get()
    services.invitation_create(campaign=campaign, email="p4@example.com")  # e.g. the admin, while it waited
    jobs.respondent_list_job_run.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert any("already invited" in problem for problem in job.problems)
    assert campaign.invitations.filter(email="p4@example.com").count() == 1


@pytest.mark.parametrize(
    "who, allowed", [("owner", True), ("consultant", True), ("member", False), ("outsider", False)]
)
def test_job_pages_are_for_those_who_manage_the_campaign(client, campaign, small_threshold, request, who, allowed):
    small_threshold.TASKS = DATABASE_QUEUE
    job = RespondentListJob.objects.create(
        campaign=campaign,
        file_name="list.csv",
        data=people(8),
        status="failed",
        retryable=True,
        unknown_departments=["X"],
    )
    client.force_login(request.getfixturevalue(who))
    status = client.get(reverse("console:respondent_list_job_status", args=[job.pk]))
    retry = client.post(reverse("console:respondent_list_job_retry", args=[job.pk]))
    confirm = client.post(reverse("console:respondent_list_job_confirm", args=[job.pk]), {"create_department": "X"})
    if allowed:
        assert status.status_code == 200 and retry.status_code == 302 and confirm.status_code == 302
    else:
        assert status.status_code == retry.status_code == confirm.status_code == 404
    client.logout()
    assert client.get(reverse("console:respondent_list_job_status", args=[job.pk])).status_code == 302  # sign in


def test_a_job_queued_twice_runs_once(client, campaign, owner, small_threshold):
    """The stall check may leave a second copy in the queue: it leaves a job another worker has taken."""
    small_threshold.TASKS = DATABASE_QUEUE
    client.force_login(owner)
    upload(client, campaign, people(8))
    job = RespondentListJob.objects.get()
    RespondentListJob.objects.filter(pk=job.pk).update(status="running")  # taken by another worker
    jobs.respondent_list_job_run.call(job.pk)
    assert not campaign.invitations.exists()
    RespondentListJob.objects.filter(pk=job.pk).update(status="queued")
    jobs.respondent_list_job_run.call(job.pk)
    jobs.respondent_list_job_run.call(job.pk)  # the second copy, after the first finished
    job.refresh_from_db()
    assert job.status == "done" and job.done_rows == 8 and len(emails(campaign)) == 8
