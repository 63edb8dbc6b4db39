"""Follow-through: commitments (versioned), actions from recommendations, reminders, permissions, the loop."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assessment.analysis import campaign_results
from assessment.lifecycle import campaign_clone
from followthrough import selectors, services
from followthrough.models import Action, ActionStatus, Commitment

from .test_analysis import add_responses


@pytest.fixture
def scored(campaign):
    """A campaign with released results: executives optimistic, everyone else not."""
    add_responses(campaign, 6, agreement=2, role="business")
    add_responses(campaign, 5, agreement=4, role="executive", department_key="sales")
    return campaign


def _login(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- commitments -------------------------------------------------------------------------------


def test_commitments_are_versioned_and_an_unchanged_target_adds_no_version(campaign, member):
    first, created = services.commitment_set(
        campaign=campaign,
        dimension="vision",
        target_level=3,
        target_date=date(2027, 3, 31),
        rationale="Explain it to all",
        user=member,
    )
    assert created and first.version == 1
    same, created = services.commitment_set(
        campaign=campaign,
        dimension="vision",
        target_level=3,
        target_date=date(2027, 3, 31),
        rationale="Explain it to all",
    )
    assert not created and same.pk == first.pk
    second, created = services.commitment_set(
        campaign=campaign, dimension="vision", target_level=4, target_date=date(2027, 3, 31), rationale="Aim higher"
    )
    assert created and second.version == 2
    assert selectors.commitments_current(campaign=campaign)["vision"].target_level == 4
    assert [c.version for c in selectors.commitment_versions(campaign=campaign, dimension="vision")] == [2, 1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dimension": "nope"}, "Unknown dimension"),
        ({"target_level": 6}, "between 1 and 5"),
        ({"rationale": "  "}, "rationale"),
        ({"rationale": "two\nlines"}, "one line"),
    ],
)
def test_bad_commitments_are_refused_with_a_reason(campaign, kwargs, message):
    values = {"dimension": "vision", "target_level": 3, "target_date": date(2027, 1, 1), "rationale": "ok", **kwargs}
    with pytest.raises(services.FollowthroughError, match=message):
        services.commitment_set(campaign=campaign, **values)
    assert not Commitment.objects.exists()


def test_the_database_refuses_a_level_off_the_scale(campaign):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(
            campaign=campaign,
            dimension="vision",
            version=1,
            target_level=0,
            target_date=date(2027, 1, 1),
            rationale="x",
        )


# --- actions -----------------------------------------------------------------------------------


def test_actions_come_from_the_released_recommendations_once(scored, owner):
    recs = campaign_results(campaign=scored)["recommendations"]
    assert len(recs) >= 2
    keys = [recs[0]["key"], recs[1]["key"]]
    created, existing = services.actions_create_from_recommendations(campaign=scored, keys=keys, user=owner)
    assert [a.recommendation for a in created] == keys and existing == []
    action = created[0]
    assert (action.dimension, action.owner_role, action.title_en, action.title_ja) == (
        recs[0]["dimension"],
        recs[0]["owner"],
        recs[0]["title"]["en"],
        recs[0]["title"]["ja"],
    )
    assert action.status == ActionStatus.PLANNED and action.due_date > timezone.localdate()
    created, existing = services.actions_create_from_recommendations(campaign=scored, keys=keys)
    assert created == [] and len(existing) == 2
    assert Action.objects.filter(campaign=scored).count() == 2


def test_a_recommendation_not_in_the_report_is_refused(scored):
    with pytest.raises(services.FollowthroughError, match="not in this campaign"):
        services.actions_create_from_recommendations(campaign=scored, keys=["made-up"])


def test_overdue_actions_are_flagged_per_dimension(scored):
    rec = campaign_results(campaign=scored)["recommendations"][0]
    (action,), _ = services.actions_create_from_recommendations(campaign=scored, keys=[rec["key"]])
    services.action_update(action=action, due_date=timezone.localdate() - timedelta(days=1))
    dimensions = selectors.framework_dimensions_info(campaign=scored)
    grouped = {
        info["key"]: actions for info, actions in selectors.actions_by_dimension(campaign=scored, dimensions=dimensions)
    }
    assert [a.overdue for a in grouped[rec["dimension"]]] == [True]
    services.action_update(action=action, status=ActionStatus.DONE)
    grouped = {
        info["key"]: actions for info, actions in selectors.actions_by_dimension(campaign=scored, dimensions=dimensions)
    }
    assert [a.overdue for a in grouped[rec["dimension"]]] == [False]


def test_an_action_needs_an_owner(scored):
    rec = campaign_results(campaign=scored)["recommendations"][0]
    (action,), _ = services.actions_create_from_recommendations(campaign=scored, keys=[rec["key"]])
    with pytest.raises(services.FollowthroughError, match="owner"):
        services.action_update(action=action, owner_role="", owner_name="")


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_go_once_per_due_date_in_both_languages(scored, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner.email = "hr@example.com"
    owner.save()
    recs = campaign_results(campaign=scored)["recommendations"]
    (soon, later), _ = services.actions_create_from_recommendations(
        campaign=scored, keys=[recs[0]["key"], recs[1]["key"]]
    )
    today = timezone.localdate()
    services.action_update(action=soon, due_date=today + timedelta(days=3), owner_email="lead@example.com")
    services.action_update(action=later, due_date=today + timedelta(days=30))
    assert services.action_reminders_send(today=today) == {"sent": 1, "skipped": 0}
    assert services.action_reminders_send(today=today) == {"sent": 0, "skipped": 0}  # idempotent
    (message,) = mail.outbox
    assert message.to == ["lead@example.com"]
    assert soon.title_ja in message.body and soon.title_en in message.body and "期限" in message.body
    assert reverse("followthrough:campaign", args=[scored.pk]) in message.body
    # a new due date is a new reminder; the later action falls due in time and goes to HR
    soon.refresh_from_db()
    services.action_update(action=soon, due_date=today + timedelta(days=5))
    services.action_update(action=later, due_date=today + timedelta(days=6), owner_email="")
    assert services.action_reminders_send(today=today)["sent"] == 2
    assert sorted(m.to[0] for m in mail.outbox[1:]) == ["hr@example.com", "lead@example.com"]
    # done actions are never reminded
    services.action_update(action=later, status=ActionStatus.DONE, due_date=today + timedelta(days=2))
    assert services.action_reminders_send(today=today)["sent"] == 0


def test_the_reminder_task_runs_on_the_worker_backend(scored, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    rec = campaign_results(campaign=scored)["recommendations"][0]
    (action,), _ = services.actions_create_from_recommendations(campaign=scored, keys=[rec["key"]])
    services.action_update(action=action, due_date=timezone.localdate(), owner_email="x@example.com")
    out = StringIO()
    call_command("action_reminders", "--enqueue", stdout=out)
    assert "queued" in out.getvalue() and len(mail.outbox) == 1


def test_a_refused_e_mail_is_retried_next_run(scored, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    rec = campaign_results(campaign=scored)["recommendations"][0]
    (action,), _ = services.actions_create_from_recommendations(campaign=scored, keys=[rec["key"]])
    services.action_update(action=action, due_date=timezone.localdate(), owner_email="x@example.com")
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert services.action_reminders_send()["sent"] == 0
    monkeypatch.undo()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.action_reminders_send()["sent"] == 1


# --- the loop ----------------------------------------------------------------------------------


def _reassess(campaign):
    now = timezone.now()
    return campaign_clone(
        campaign=campaign,
        framework=campaign.framework,
        name="Second round",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=40),
        anonymity_threshold=campaign.anonymity_threshold,
    )


def test_the_next_assessment_closes_the_loop(scored):
    services.commitment_set(
        campaign=scored, dimension="vision", target_level=3, target_date=date(2027, 3, 31), rationale="Say where we go"
    )
    rec = next(r for r in campaign_results(campaign=scored)["recommendations"])
    (action,), _ = services.actions_create_from_recommendations(campaign=scored, keys=[rec["key"]])
    services.action_update(action=action, status=ActionStatus.DONE)
    second = _reassess(scored)
    assert selectors.loop_data(campaign=second) is not None
    add_responses(second, 6, agreement=4, role="business")
    add_responses(second, 5, agreement=4, role="executive", department_key="sales")
    data = selectors.loop_data(campaign=second)
    assert data["previous"]["id"] == scored.pk
    rows = {row["dimension"]: row for row in data["rows"]}
    before = campaign_results(campaign=scored)
    assert rows["vision"]["target"]["level"] == 3
    # staff-perceived: everyone but the executives (released exactly here): 25 before, 75 now
    vision_before = next(g for g in before["gaps"] if g["dimension"] == "vision")
    assert (vision_before["others"], vision_before["executives"]) == (25.0, 75.0)
    assert (rows["vision"]["staff_before"], rows["vision"]["staff_now"], rows["vision"]["executives_now"]) == (2, 4, 4)
    assert rows["vision"]["reached"] is (rows["vision"]["staff_now"] >= 3)
    assert rows[rec["dimension"]]["actions_done"] == [{"title": rec["title"]}]
    # campaign_scores --json carries it
    out = StringIO()
    call_command("campaign_scores", str(second.pk), "--json", stdout=out)
    assert json.loads(out.getvalue())["followthrough"]["rows"][0]["dimension"] == data["rows"][0]["dimension"]


def test_the_loop_shows_no_level_that_was_not_released(scored):
    services.commitment_set(
        campaign=scored, dimension="vision", target_level=3, target_date=date(2027, 3, 31), rationale="x"
    )
    second = _reassess(scored)
    add_responses(second, 3, agreement=4, role="business")  # below the threshold: nothing is released
    rows = selectors.loop_data(campaign=second)["rows"]
    assert {row["staff_now"] for row in rows} == {None} and {row["executives_now"] for row in rows} == {None}


def test_no_loop_without_an_earlier_commitment(scored):
    second = _reassess(scored)
    assert selectors.loop_data(campaign=second) is None


# --- pages and permissions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status", [("owner", 200), ("member", 200), ("consultant", 200), ("outsider", 404), (None, 302)]
)
def test_the_follow_through_page_is_for_the_organisations_staff(client, scored, request, who, status):
    user = request.getfixturevalue(who) if who else None
    response = _login(client, user).get(reverse("followthrough:campaign", args=[scored.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    "who, status", [("owner", 404), ("member", 200), ("consultant", 200), ("outsider", 404), (None, 302)]
)
def test_targets_are_set_by_executives_or_the_consultant(client, scored, request, who, status):
    user = request.getfixturevalue(who) if who else None
    url = reverse("followthrough:commitments_edit", args=[scored.pk])
    response = _login(client, user).post(
        url, {"vision-level": "3", "vision-date": "2027-03-31", "vision-rationale": "Say it"}
    )
    assert response.status_code == (302 if status == 200 else status)
    assert Commitment.objects.filter(campaign=scored).count() == (1 if status == 200 else 0)


@pytest.mark.parametrize(
    "who, status", [("owner", 302), ("member", 404), ("consultant", 302), ("outsider", 404), (None, 302)]
)
def test_actions_are_made_and_edited_by_hr_and_the_consultant(client, scored, request, who, status):
    user = request.getfixturevalue(who) if who else None
    rec = campaign_results(campaign=scored)["recommendations"][0]
    response = _login(client, user).post(
        reverse("followthrough:actions_create", args=[scored.pk]), {"recommendation": rec["key"]}
    )
    assert response.status_code == status
    made = who in ("owner", "consultant")
    assert Action.objects.filter(campaign=scored).exists() is made
    (action,), _ = (
        services.actions_create_from_recommendations(campaign=scored, keys=[rec["key"]])
        if not made
        else ([Action.objects.get()], None)
    )
    edit = reverse("followthrough:action_edit", args=[action.pk])
    response = client.post(
        edit,
        {
            "title_en": "Renamed",
            "title_ja": "改名",
            "owner_role": "hr",
            "owner_name": "",
            "owner_email": "",
            "due_date": "2027-01-31",
            "status": "in_progress",
            "notes": "n",
        },
    )
    assert response.status_code == status
    action.refresh_from_db()
    assert (action.status == "in_progress") is made


def test_a_half_filled_target_row_is_refused_and_kept(client, scored, member):
    url = reverse("followthrough:commitments_edit", args=[scored.pk])
    response = _login(client, member).post(
        url, {"vision-level": "3", "vision-date": "", "vision-rationale": "Keep me"}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 200 and not Commitment.objects.exists()
    body = response.content.decode()
    assert "Keep me" in body and "is-invalid" in body


def test_page_lists_overdue_actions_and_targets_in_japanese(client, scored, consultant):
    services.commitment_set(
        campaign=scored,
        dimension="budget",
        target_level=4,
        target_date=date(2027, 6, 30),
        rationale="予算を3年確保する",
    )
    rec = campaign_results(campaign=scored)["recommendations"][0]
    (action,), _ = services.actions_create_from_recommendations(campaign=scored, keys=[rec["key"]])
    services.action_update(action=action, due_date=timezone.localdate() - timedelta(days=2))
    client.cookies["django_language"] = "ja"
    body = _login(client, consultant).get(reverse("followthrough:campaign", args=[scored.pk])).content.decode()
    assert "予算を3年確保する" in body and rec["title"]["ja"] in body
    assert 'class="table-danger overdue"' in body
    assert "フォローアップ" in body


@pytest.mark.django_db(transaction=True)
def test_targets_and_actions_survive_a_backup_and_restore(scored, member, tmp_path):
    services.commitment_set(
        campaign=scored,
        dimension="vision",
        target_level=3,
        target_date=date(2027, 3, 31),
        rationale="Say where we go",
        user=member,
    )
    rec = campaign_results(campaign=scored)["recommendations"][0]
    services.actions_create_from_recommendations(campaign=scored, keys=[rec["key"]], user=member)
    path = tmp_path / "backup.xml"
    call_command("export_all", "-o", str(path))
    call_command("flush", "--noinput", verbosity=0)
    call_command("import_all", str(path))
    commitment = Commitment.objects.get()
    assert (commitment.dimension, commitment.version, commitment.set_by.username) == ("vision", 1, "member")
    assert Action.objects.get().recommendation == rec["key"]


@pytest.mark.parametrize(
    "who, status", [("owner", 302), ("consultant", 302), ("member", 404), ("outsider", 404), (None, 302)]
)
def test_an_action_can_be_typed_by_hand(client, scored, request, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    url = reverse("followthrough:action_add", args=[scored.pk])
    response = client.post(
        url,
        {
            "dimension": "buy_in",
            "title_en": "Monthly demo day",
            "title_ja": "毎月のデモデー",
            "owner_role": "",
            "owner_name": "Suzuki",
            "owner_email": "",
            "due_date": "2027-02-01",
            "notes": "",
        },
    )
    assert response.status_code == status
    made = Action.objects.filter(campaign=scored, title_en="Monthly demo day", dimension="buy_in", owner_name="Suzuki")
    assert made.exists() is (who in ("owner", "consultant"))


def test_a_hand_typed_action_without_owner_is_refused_in_japanese_and_kept(client, scored, owner):
    client.force_login(owner)
    client.cookies["django_language"] = "ja"
    response = client.post(
        reverse("followthrough:action_add", args=[scored.pk]),
        {
            "dimension": "buy_in",
            "title_en": "Monthly demo day",
            "title_ja": "毎月のデモデー",
            "owner_role": "",
            "owner_name": "",
            "due_date": "2027-02-01",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and not Action.objects.exists()
    assert "担当（役割、氏名、またはその両方）を入力してください。" in body and "毎月のデモデー" in body
    assert "Constraint" not in body
