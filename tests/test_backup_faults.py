"""Backups under faults and honest mistakes: one consistent snapshot, verified after writing;
a restore refuses a non-empty database, a newer schema, a truncated or damaged file, clearly."""

import gzip
import json
import re
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assessment.demo import demo_organisation_create
from assessment.models import Answer, Organisation
from backup import services as backup

from .factories import OrganisationFactory


@pytest.fixture
def made(framework, tmp_path):
    demo_organisation_create(framework=framework, seed=4)
    path = tmp_path / "backup.xml.gz"
    call_command("export_all", "-o", str(path))
    return path


def test_the_backup_names_its_schema_and_holds_what_it_says(made):
    found = backup.backup_inspect(path=made)
    assert found["schema"]["assessment"].startswith("0006") or found["schema"]["assessment"] >= "0006"
    assert found["objects"] > Answer.objects.count() > 0
    assert not list(made.parent.glob("*.partial*"))


def _restore_into_empty(path):
    call_command("flush", "--noinput", verbosity=0)
    return call_command("import_all", str(path))


@pytest.mark.django_db(transaction=True)
def test_a_truncated_backup_is_refused_clearly_and_loads_nothing(made):
    data = made.read_bytes()
    made.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match="not a complete backup"):
        _restore_into_empty(made)
    assert not Organisation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_cut_between_objects_is_refused(made, tmp_path):
    xml = gzip.decompress(made.read_bytes()).decode()
    cut = tmp_path / "cut.xml"
    # everything up to the last object, closed properly: well-formed, but the end marker is gone
    cut.write_text(xml[: xml.rindex("<object ")] + "</django-objects>\n")
    with pytest.raises(CommandError, match="no end marker"):
        _restore_into_empty(cut)
    assert not Organisation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_a_newer_schema_is_refused(made, tmp_path):
    xml = gzip.decompress(made.read_bytes()).decode()
    trailer = json.loads(re.search(r"<!-- readiness-backup (.*) -->", xml).group(1))
    newer = {**trailer, "schema": {**trailer["schema"], "assessment": "9999_from_the_future"}}
    future = tmp_path / "future.xml"
    future.write_text(xml.replace(json.dumps(trailer), json.dumps(newer)))
    with pytest.raises(CommandError, match="newer version of the application: assessment 9999_from_the_future"):
        _restore_into_empty(future)
    assert not Organisation.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("what", ["user", "organisation"])
def test_a_restore_refuses_any_non_empty_product_table(made, what):
    call_command("flush", "--noinput", verbosity=0)
    if what == "user":
        from django.contrib.auth import get_user_model

        get_user_model().objects.create_user("admin-made-by-hand")
        expected = "auth.User"
    else:
        OrganisationFactory()
        expected = "assessment.Organisation"
    with pytest.raises(CommandError, match=f"not empty \\({re.escape(expected)} have rows\\)"):
        call_command("import_all", str(made))
    assert not Answer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_export_reads_one_snapshot_while_others_write(framework, tmp_path, monkeypatch):
    """An organisation committed by someone else while the dump runs is either wholly in the
    snapshot or not at all; the count written and the objects written agree."""
    demo_organisation_create(framework=framework, seed=4)
    real = backup.call_command
    writer_done = threading.Event()

    def writer():
        try:
            OrganisationFactory(slug="arrived-during-backup")
        finally:
            connection.close()
            writer_done.set()

    def dump_while_someone_writes(*args, **kwargs):
        thread = threading.Thread(target=writer)
        thread.start()
        writer_done.wait(2)  # PostgreSQL: committed meanwhile; SQLite: waits for our lock
        return real(*args, **kwargs)

    monkeypatch.setattr(backup, "call_command", dump_while_someone_writes)
    path = tmp_path / "b.xml"
    call_command("export_all", "-o", str(path))
    assert writer_done.wait(30)
    assert "arrived-during-backup" not in path.read_text()
    assert backup.backup_inspect(path=path)["objects"] > 0


def test_an_export_that_fails_verification_leaves_no_file(framework, tmp_path, monkeypatch):
    demo_organisation_create(framework=framework, seed=4)
    monkeypatch.setattr(backup, "backup_inspect", lambda path: {"objects": -1})
    path = tmp_path / "b.xml.gz"
    with pytest.raises(backup.BackupError, match="Verification failed"):
        backup.backup_export(path=path)
    assert list(tmp_path.iterdir()) == []
