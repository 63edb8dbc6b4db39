"""Optional free-text comments: one per dimension page and one on the biggest obstacle (1.1).

Write and read functions for the respondent's side; what a report may show of them is decided in
`reports/comments.py` (groups of at least the campaign's comment threshold, never with role or
department).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from .models import COMMENT_MAX_LENGTH, Comment, Response
from .services import RespondentError, ResponseLocked, _ensure_open


def comment_save(*, response, kind, text, dimension=None, campaign=None):
    """Store (or, for blank text, remove) one comment of an open, unsubmitted response."""
    campaign = campaign or response.campaign
    _ensure_open(campaign)
    text = (text or "").strip()
    if len(text) > COMMENT_MAX_LENGTH:
        raise RespondentError(_("A comment can be at most %(max)d characters long.") % {"max": COMMENT_MAX_LENGTH})
    if kind == Comment.Kind.DIMENSION and (dimension is None or dimension.framework_id != campaign.framework_id):
        raise RespondentError(_("That statement is not part of this survey."))
    with transaction.atomic():
        # The same row lock as an answer save: a comment never lands after the submission.
        if not Response.objects.select_for_update().filter(pk=response.pk, submitted_at__isnull=True).exists():
            raise ResponseLocked(_("Your answers have been submitted and can no longer be changed."))
        target = Comment.objects.filter(response=response, kind=kind, dimension=dimension)
        if not text:
            target.delete()
            return None
        comment, _created = Comment.objects.update_or_create(
            response=response, kind=kind, dimension=dimension, defaults={"text": text}
        )
    return comment


def response_comment_texts(*, response):
    """{dimension id or "obstacle": text} of a response's comments."""
    if response is None:
        return {}
    return {
        (c.dimension_id if c.kind == Comment.Kind.DIMENSION else "obstacle"): c.text
        for c in Comment.objects.filter(response=response)
    }
