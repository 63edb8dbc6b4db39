"""Whole-database backups of the product's data, as Django fixtures (XML, optionally gzipped).

XML rather than JSON: Django's JSON encoder rounds timestamps to milliseconds, XML keeps them whole.

The export reads one consistent snapshot (a single read-only REPEATABLE READ transaction on
PostgreSQL; one transaction holding SQLite's lock), writes to a `.partial` file, reads that back
in full, and only then renames it into place. The file ends with a trailer comment naming the
schema (the latest migration of each app) and the object count: a file without it is truncated,
and a restore refuses a schema newer than its own database.
"""

import gzip
import json
import os
import xml.sax
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from assessment.errors import ApplicationError
from assessment.loading import answers_loading
from assessment.models import Answer, AnswerLoad, Campaign, Organisation, RespondentListJob

# Everything that makes up the product's data, in an order loaddata can follow. Permissions and
# content types are referred to by natural keys, since their ids differ between databases.
# Not included: task-queue rows, export jobs and background respondent-list imports (transient:
# an export can be run again, a list uploaded again), and AnswerLoad (never has committed rows).
BACKUP_LABELS = ["auth.group", "auth.user", "assessment", "workshop", "followthrough"]
NOT_BACKED_UP = (AnswerLoad, RespondentListJob)
SCHEMA_APPS = ["auth", "assessment", "workshop", "followthrough"]
TRAILER = "readiness-backup "


class BackupError(ApplicationError):
    """A backup that cannot be written or read back; nothing was changed."""


def _models():
    for label in BACKUP_LABELS:
        if "." in label:
            yield apps.get_model(label)
        else:
            yield from (
                m
                for m in apps.get_app_config(label).get_models()
                if not m._meta.proxy and m._meta.managed and m not in NOT_BACKED_UP
            )


def _schema():
    """{app: name of the latest applied migration}, as numbers sort (0010 after 0009)."""
    applied = MigrationRecorder(connection).applied_migrations()
    return {app: max((name for a, name in applied if a == app), default="") for app in SCHEMA_APPS}


def _open(path, mode):
    return gzip.open(path, mode) if str(path).endswith(".gz") else open(path, mode)


def backup_export(*, path):
    path = Path(path)
    partial = path.with_name(path.name + ".partial" + (".gz" if path.suffix == ".gz" else ".xml"))
    try:
        outer = connection.in_atomic_block  # called inside a transaction (tests): its snapshot rules
        with transaction.atomic():
            if connection.vendor == "postgresql" and not outer:
                # first statement of the transaction: every table read below sees the same instant
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            expected = sum(model._default_manager.count() for model in _models())
            call_command(
                "dumpdata",
                *BACKUP_LABELS,
                natural_foreign=True,
                natural_primary=True,
                exclude=[m._meta.label for m in NOT_BACKED_UP],
                output=str(partial),
                verbosity=0,
                format="xml",
            )
            counts = backup_counts()
            trailer = {"schema": _schema(), "objects": expected, "created": timezone.now().isoformat()}
        with _open(partial, "ab") as out:  # gzip: a second member, read as one stream
            out.write(f"\n<!-- {TRAILER}{json.dumps(trailer)} -->\n".encode())
            out.flush()
        with open(partial, "rb+") as raw:
            os.fsync(raw.fileno())
        found = backup_inspect(path=partial)
        if found["objects"] != expected:
            raise BackupError(
                f"Verification failed: {found['objects']} objects in the file, {expected} in the database."
            )
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return counts


class _Counter(xml.sax.handler.ContentHandler, xml.sax.handler.LexicalHandler):
    def __init__(self):
        super().__init__()
        self.objects, self.trailer, self.depth = 0, None, 0

    def startElement(self, name, attrs):
        self.depth += 1
        if name == "object" and self.depth == 2:  # not the <object pk> references inside m2m fields
            self.objects += 1

    def endElement(self, name):
        self.depth -= 1

    def comment(self, content):
        content = content.strip()
        if content.startswith(TRAILER):
            self.trailer = json.loads(content[len(TRAILER) :])


def backup_inspect(*, path):
    """Read the whole file (streaming): its trailer, and how many objects it really holds.

    A truncated, corrupted or foreign file is a BackupError with a plain explanation.
    """
    counter = _Counter()
    # The operator's own backup; external entities stay off (Python's default, said here).
    parser = xml.sax.make_parser()  # noqa: S317
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setContentHandler(counter)
    parser.setProperty(xml.sax.handler.property_lexical_handler, counter)
    try:
        with _open(path, "rb") as stream:
            parser.parse(stream)
    except (EOFError, gzip.BadGzipFile, OSError, xml.sax.SAXException, ValueError) as error:
        raise BackupError(
            f"{path} is not a complete backup (truncated or damaged: {error}). Nothing was restored; use another copy."
        ) from None
    if counter.trailer is None:
        raise BackupError(
            f"{path} has no end marker: it is truncated or was not written by export_all. Nothing was restored."
        )
    if counter.trailer.get("objects") != counter.objects:
        raise BackupError(
            f"{path} holds {counter.objects} objects but was written with {counter.trailer.get('objects')}: "
            "it is damaged. Nothing was restored."
        )
    return {"objects": counter.objects, **counter.trailer}


def backup_counts():
    return {
        "organisations": Organisation.objects.count(),
        "campaigns": Campaign.objects.count(),
        "answers": Answer.objects.count(),
    }


def _newer(theirs, ours):
    # migration names start with a zero-padded number, so names compare in order
    return bool(theirs) and theirs > ours


def backup_import(*, path):
    """Load a backup into a database whose product tables are all empty (all or nothing)."""
    found = backup_inspect(path=path)
    ours = _schema()
    newer = {app: name for app, name in found.get("schema", {}).items() if _newer(name, ours.get(app, ""))}
    if newer:
        listed = ", ".join(
            f"{app} {name} (this database: {ours.get(app) or 'none'})" for app, name in sorted(newer.items())
        )
        raise BackupError(
            f"This backup comes from a newer version of the application: {listed}. "
            "Install that version (and migrate) before restoring."
        )
    with answers_loading():  # a backup holds submitted responses and then their answers
        filled = [m._meta.label for m in _models() if m._default_manager.exists()]
        if filled:
            raise BackupError(
                f"This database is not empty ({', '.join(filled)} have rows); import into an empty, migrated database."
            )
        try:
            call_command("loaddata", str(path), verbosity=0)
        except (DatabaseError, DeserializationError) as error:
            raise BackupError(f"The backup could not be loaded, so nothing was restored: {error}") from error
    return backup_counts()
