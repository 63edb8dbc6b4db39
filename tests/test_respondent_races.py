"""Simultaneous requests for one response: two tabs, a double click, a save racing the submit."""

import threading

import pytest
from django.db import connection

from assessment.models import Answer, Response
from assessment.services import ResponseLocked, answers_save, invitation_create, response_submit


def run_together(*calls):
    """Start the calls at the same instant in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def complete_response(transactional_db, campaign):
    invitation, _ = invitation_create(campaign=campaign)
    response = Response.objects.create(invitation=invitation, campaign=campaign)
    Answer.objects.bulk_create(Answer(response=response, item=item, value=3) for item in campaign.framework.items.all())
    return response


def test_two_simultaneous_submits_make_exactly_one_submission(complete_response):
    results = run_together(*(lambda: response_submit(response=complete_response) for _ in range(4)))
    assert sorted(results, key=str) == [False, False, False, True]


def test_a_save_racing_the_submit_never_changes_a_submitted_response(complete_response):
    item = complete_response.campaign.framework.items.first()
    results = run_together(
        lambda: response_submit(response=complete_response),
        lambda: answers_save(response=complete_response, values={item: 5}),
    )
    value = Answer.objects.get(response=complete_response, item=item).value
    assert results[0] is True
    # either the save landed before the submission (and is part of it) or it was refused
    assert (results[1] is None and value == 5) or (isinstance(results[1], ResponseLocked) and value == 3)
