"""Rules the database itself enforces (migration 0006: PostgreSQL and SQLite triggers). Each test
goes around the application (querysets, bulk_create, raw SQL) and tries to break one."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assessment.loading import answers_loading
from assessment.models import (
    Answer,
    AnswerLoad,
    Campaign,
    Department,
    Framework,
    Invitation,
    Item,
    Response,
)
from assessment.services import (
    answers_save,
    invitation_create,
    response_start,
    response_submit,
)

from .factories import CampaignFactory, DepartmentFactory


def refused(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


@pytest.fixture
def response(campaign):
    invitation, _token = invitation_create(campaign=campaign)
    rd = Department.objects.get(organisation=campaign.organisation, key="rd")
    return response_start(invitation=invitation, role_group="business", department=rd, tenure="lt3")


@pytest.fixture
def other_framework(campaign):
    framework = Framework.objects.create(
        key="other",
        version="1",
        title_en="Other",
        title_ja="他",
        scale={},
        levels={},
        profile={},
        source_sha256="0" * 64,
    )
    dimension = framework.dimensions.create(key="d", order=1, name_en="D", name_ja="D")
    framework.items.create(dimension=dimension, key="x_01", order=1, text_en="X", text_ja="X")
    return framework


def test_an_answer_to_a_statement_of_another_framework_is_refused(response, other_framework):
    foreign = Item.objects.get(framework=other_framework)
    refused(lambda: Answer.objects.create(response=response, item=foreign, value=3))
    refused(lambda: Answer.objects.bulk_create([Answer(response=response, item=foreign, value=3)]))
    own = response.campaign.framework.items.first()
    answer = Answer.objects.create(response=response, item=own, value=3)
    refused(lambda: Answer.objects.filter(pk=answer.pk).update(item=foreign))
    assert Answer.objects.get().item == own


def test_a_campaign_with_responses_keeps_its_framework_and_organisation(response, other_framework):
    refused(lambda: Campaign.objects.filter(pk=response.campaign_id).update(framework=other_framework))
    other_org = CampaignFactory(framework=response.campaign.framework).organisation
    refused(lambda: Campaign.objects.filter(pk=response.campaign_id).update(organisation=other_org))
    empty = CampaignFactory(framework=response.campaign.framework)
    Campaign.objects.filter(pk=empty.pk).update(framework=other_framework)  # nobody answered: allowed


def test_a_submitted_responses_answers_cannot_change(response):
    items = list(response.campaign.framework.items.all())
    answers_save(response=response, values=dict.fromkeys(items, 4))
    response_submit(response=response)
    refused(lambda: Answer.objects.filter(response=response).update(value=1))
    refused(
        lambda: Answer.objects.bulk_create(
            [Answer(response=response, item=items[0], value=1)],
            update_conflicts=True,
            unique_fields=["response", "item"],
            update_fields=["value"],
        )
    )
    with connection.cursor() as cursor:
        refused(lambda: cursor.execute("UPDATE assessment_answer SET value = 2 WHERE response_id = %s", [response.pk]))
    refused(lambda: Response.objects.filter(pk=response.pk).update(submitted_at=None))  # no back door
    assert set(Answer.objects.filter(response=response).values_list("value", flat=True)) == {4}


def test_answers_of_an_open_response_still_change(response):
    item = response.campaign.framework.items.first()
    answers_save(response=response, values={item: 2})
    answers_save(response=response, values={item: 5})
    assert Answer.objects.get().value == 5


def test_a_responses_campaign_is_its_invitations(response, campaign):
    other = CampaignFactory(framework=campaign.framework, organisation=campaign.organisation)
    refused(lambda: Response.objects.filter(pk=response.pk).update(campaign=other))
    invitation, _token = invitation_create(campaign=campaign)
    refused(lambda: Response.objects.create(invitation=invitation, campaign=other))
    refused(lambda: Invitation.objects.filter(pk=response.invitation_id).update(campaign=other))
    assert Response.objects.get(pk=response.pk).campaign == campaign


def test_a_responses_department_belongs_to_the_campaigns_organisation(response, campaign):
    foreign = DepartmentFactory()
    refused(lambda: Response.objects.filter(pk=response.pk).update(department=foreign))
    invitation, _token = invitation_create(campaign=campaign)
    refused(lambda: Response.objects.create(invitation=invitation, campaign=campaign, department=foreign))
    Response.objects.create(invitation=invitation, campaign=campaign, department=None)  # no department: fine


def test_deleting_a_campaign_with_submitted_answers_still_works(response):
    answers_save(response=response, values=dict.fromkeys(response.campaign.framework.items.all(), 3))
    Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now())
    response.campaign.organisation.delete()
    assert not Answer.objects.exists()


# --- a submitted response takes no new answers (migration 0010) ----------------------------


def _submitted_with_one_answer_missing(response):
    """A submitted response lacking one answer (as an import of a partly answered row leaves it)."""
    items = list(response.campaign.framework.items.order_by("pk"))
    with answers_loading():
        Answer.objects.bulk_create([Answer(response=response, item=item, value=4) for item in items[1:]])
        Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now())
    return items[0]


def test_a_submitted_response_takes_no_new_answer(response):
    missing = _submitted_with_one_answer_missing(response)
    refused(lambda: Answer.objects.create(response=response, item=missing, value=1))
    refused(lambda: Answer.objects.bulk_create([Answer(response=response, item=missing, value=1)]))
    refused(
        lambda: Answer.objects.bulk_create(
            [Answer(response=response, item=missing, value=1)],
            update_conflicts=True,
            unique_fields=["response", "item"],
            update_fields=["value"],
        )
    )
    with connection.cursor() as cursor:
        refused(
            lambda: cursor.execute(
                "INSERT INTO assessment_answer (response_id, item_id, value, updated_at) VALUES (%s, %s, 1, %s)",
                [response.pk, missing.pk, timezone.now()],
            )
        )
    assert not Answer.objects.filter(item=missing).exists()
    assert not AnswerLoad.objects.exists()  # the loader's mark went with its transaction


def test_a_loader_adds_answers_to_submitted_responses_and_leaves_no_mark(response):
    missing = _submitted_with_one_answer_missing(response)
    with answers_loading():
        Answer.objects.create(response=response, item=missing, value=2)
    assert Answer.objects.get(item=missing).value == 2
    assert not AnswerLoad.objects.exists()
    with pytest.raises(RuntimeError), answers_loading():  # a failing loader rolls its mark back with its rows
        Answer.objects.filter(item=missing).delete()
        raise RuntimeError("interrupted")
    assert Answer.objects.filter(item=missing).exists() and not AnswerLoad.objects.exists()


def test_an_open_response_still_takes_new_answers_and_a_submission(response):
    items = list(response.campaign.framework.items.all())
    Answer.objects.create(response=response, item=items[0], value=3)  # no loader needed while open
    answers_save(response=response, values=dict.fromkeys(items[1:], 4))
    assert response_submit(response=response)
    assert Answer.objects.filter(response=response).count() == len(items)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer: no second connection can insert")
def test_a_loaders_mark_is_invisible_to_other_connections(campaign):
    """While one connection loads, another still cannot add an answer to a submitted response."""
    import threading

    from django.db import connections

    invitation, _token = invitation_create(campaign=campaign)
    response = Response.objects.create(invitation=invitation, campaign=campaign, submitted_at=timezone.now())
    item = campaign.framework.items.first()
    loading, done, outcome = threading.Event(), threading.Event(), {}

    def other():
        loading.wait(10)
        try:
            Answer.objects.create(response=response, item=item, value=1)
            outcome["other"] = "inserted"
        except IntegrityError:
            outcome["other"] = "refused"
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with answers_loading():
        assert AnswerLoad.objects.count() == 1
        loading.set()
        assert done.wait(10)
    thread.join()
    assert outcome == {"other": "refused"}
    assert not Answer.objects.exists() and not AnswerLoad.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's EXPLAIN ANALYZE trigger report")
def test_the_autosaves_touch_of_a_response_runs_no_trigger(response):
    """The autosave's UPDATE ... SET updated_at (every click) wakes no invariant trigger; a submission does."""

    def triggers(sql):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, [response.pk])
            return [t["Trigger Name"] for t in cursor.fetchone()[0][0].get("Triggers", [])]

    assert triggers("UPDATE assessment_response SET updated_at = now() WHERE id = %s") == []
    assert triggers("UPDATE assessment_response SET submitted_at = now() WHERE id = %s") == [
        "assessment_response_update_check"
    ]
