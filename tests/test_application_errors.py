"""One base class for the errors a person is shown: every kind carries its list of problems."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from assessment.errors import MAX_PROBLEMS, ApplicationError
from assessment.framework_file import FrameworkFileError
from assessment.lifecycle import LifecycleError, StaleEdit
from assessment.respondent_list import RespondentListError
from assessment.responses_io import AlreadyImported, ResponsesFileError
from assessment.services import CampaignNotOpen, RespondentError
from assessment.upload_reader import UploadReadError
from backup.services import BackupError
from followthrough.services import FollowthroughError
from reports.exports import QueueUnavailable
from workshop.services import JoinRefused, VotingClosed, WorkshopError

LISTS = (FrameworkFileError, ResponsesFileError, RespondentListError, UploadReadError)  # take a list
KINDS = [
    BackupError,
    FrameworkFileError,
    LifecycleError,
    StaleEdit,
    RespondentError,
    CampaignNotOpen,
    FollowthroughError,
    QueueUnavailable,
    WorkshopError,
    VotingClosed,
    JoinRefused,
    ResponsesFileError,
    RespondentListError,
    AlreadyImported,
    UploadReadError,
]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_every_application_error_is_one_kind_with_a_list_of_problems(kind):
    assert issubclass(kind, ApplicationError)
    error = kind() if kind is StaleEdit else kind(["line 2: bad"]) if kind in LISTS else kind("bad")
    assert isinstance(error.problems, list) and len(error.problems) == 1
    assert str(error) == "\n".join(str(p) for p in error.problems)


def test_a_single_message_and_a_list_read_the_same_way():
    assert ApplicationError("refused").problems == ["refused"]
    many = ApplicationError(problems=["line 2: bad role", "line 5: no e-mail"])
    assert many.problems == ["line 2: bad role", "line 5: no e-mail"]
    assert str(many) == "line 2: bad role\nline 5: no e-mail" and many.total == 2


def test_a_capped_list_says_how_many_more_and_keeps_the_true_count():
    error = ApplicationError(problems=[f"line {n}: bad" for n in range(MAX_PROBLEMS + 7)], capped=True)
    assert len(error.problems) == MAX_PROBLEMS + 1 and error.total == MAX_PROBLEMS + 7
    assert "7 more problems" in error.problems[-1]


def test_a_lazy_message_is_translated_when_shown_not_when_raised():
    error = ApplicationError(gettext_lazy("This campaign is already closed."))
    with translation.override("ja"):
        japanese = str(error)
    with translation.override("en"):
        english = str(error)
    assert english == "This campaign is already closed." and japanese != english


def test_kinds_that_were_value_errors_still_are():
    # callers that caught ValueError keep working
    assert issubclass(FrameworkFileError, ValueError) and issubclass(FollowthroughError, ValueError)


def test_both_upload_parsers_cap_their_problems_the_same_way():
    many = [f"line {n}: bad" for n in range(MAX_PROBLEMS + 3)]
    for kind in (ResponsesFileError, RespondentListError):
        error = kind(many)
        assert len(error.problems) == MAX_PROBLEMS + 1 and error.total == MAX_PROBLEMS + 3, kind


def test_both_upload_parsers_read_cells_with_the_same_helpers():
    from assessment import cells, lifecycle, respondent_list, responses_io

    assert respondent_list._norm is responses_io._norm is lifecycle._norm is cells.cell_norm
    assert respondent_list._department_lookup is responses_io._department_lookup is cells.department_lookup
    assert cells.cell_norm("  ＲＤ ") == "rd" and cells.cell_norm(float("nan")) == ""
    lookup = cells.department_lookup([("rd", "R&D", "研究開発"), ("sales", "Sales", "営業")])
    assert lookup["研究開発"] == {"rd"} and lookup["sales"] == {"sales"}
