"""Writing submitted responses together with their answers (imports, backups, demo data).

The database refuses a new answer to a submitted response (migration 0010) unless the inserting
transaction has marked itself as a loader; `answers_loading` is that mark, held only inside its
own transaction.
"""

from contextlib import contextmanager

from django.db import transaction

from .models import AnswerLoad


@contextmanager
def answers_loading():
    """Inside this block (one transaction), answers may be added to submitted responses.

    The mark is a row only this transaction sees; it is deleted before the block's transaction
    commits, and a failure rolls it back with everything else. Other connections never see it,
    so they stay refused meanwhile.
    """
    with transaction.atomic():
        mark = AnswerLoad.objects.create()
        yield
        AnswerLoad.objects.filter(pk=mark.pk).delete()
