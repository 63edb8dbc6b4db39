"""Whole-database backups of the product's data, as Django fixtures (XML, optionally gzipped).

XML rather than JSON: Django's JSON encoder rounds timestamps to milliseconds, XML keeps them whole.
"""

from django.core.management import call_command
from django.db import transaction

from .models import Answer, Campaign, Organisation

# Everything that makes up the product's data, in an order loaddata can follow. Permissions and
# content types are referred to by natural keys, since their ids differ between databases.
# Not included: task-queue rows and export jobs (transient; an export can be run again).
BACKUP_LABELS = ["auth.group", "auth.user", "assessment", "workshop", "followthrough"]


class BackupError(Exception):
    pass


def backup_export(*, path):
    call_command(
        "dumpdata", *BACKUP_LABELS, natural_foreign=True, natural_primary=True, output=str(path), verbosity=0,
        format="xml",
    )
    return backup_counts()


def backup_counts():
    return {
        "organisations": Organisation.objects.count(),
        "campaigns": Campaign.objects.count(),
        "answers": Answer.objects.count(),
    }


@transaction.atomic
def backup_import(*, path):
    """Load a backup into a database that has no organisations yet (all or nothing)."""
    if Organisation.objects.exists():
        raise BackupError("This database already has organisations; import into an empty (migrated) database.")
    call_command("loaddata", str(path), verbosity=0)
    return backup_counts()
