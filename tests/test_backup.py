"""Backups: export_all then import_all into an emptied database gives back the same data."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment.analysis import campaign_results
from assessment.demo import demo_organisation_create, demo_users_ensure
from assessment.models import Answer, Campaign, Invitation, Membership, Organisation
from assessment.selectors import invitation_get_for_token
from assessment.services import invitation_create


def snapshot():
    answers = sorted(
        map(
            str,
            Answer.objects.values_list(
                "response__campaign__organisation__slug",
                "response__campaign__name",
                "response__role_group",
                "response__department__key",
                "item__key",
                "value",
            ),
        )
    )
    return {
        "answers": answers,
        "memberships": sorted(Membership.objects.values_list("user__username", "organisation__slug", "role")),
        "campaigns": sorted(Campaign.objects.values_list("name", "anonymity_threshold", "opens_at", "closes_at")),
        "invitations": Invitation.objects.count(),
    }


# Real transactions: a restore runs outside any wrapping transaction (PostgreSQL refuses TRUNCATE
# inside one with deferred constraints pending).
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("suffix", [".xml", ".xml.gz"])
def test_export_all_and_import_all_round_trip(framework, tmp_path, suffix, capsys):
    campaign = demo_organisation_create(framework=framework, seed=9)
    demo_users_ensure(organisation=campaign.organisation)
    _invitation, token = invitation_create(campaign=campaign)
    before, results_before = snapshot(), campaign_results(campaign=campaign)
    path = tmp_path / f"backup{suffix}"
    call_command("export_all", "-o", str(path))

    call_command("flush", "--noinput", verbosity=0)
    assert not Organisation.objects.exists()
    call_command("import_all", str(path))
    assert snapshot() == before
    restored = Campaign.objects.get(organisation__slug="demo-manufacturing")
    assert campaign_results(campaign=restored)["overall"] == results_before["overall"]
    # respondent links and consultant logins keep working after a restore
    assert invitation_get_for_token(token=token).campaign == restored
    from django.contrib.auth import get_user_model

    consultant = get_user_model().objects.get(username="consultant")
    assert consultant.check_password("demo-innovation") and consultant.has_perm("assessment.add_organisation")


def test_import_refuses_a_database_that_already_has_data(campaign, tmp_path):
    path = tmp_path / "b.xml"
    call_command("export_all", "-o", str(path))
    with pytest.raises(CommandError, match="This database is not empty"):
        call_command("import_all", str(path))


@pytest.mark.django_db(transaction=True)
def test_a_broken_backup_loads_nothing(framework, tmp_path):
    demo_organisation_create(framework=framework, seed=9)
    path = tmp_path / "b.xml"
    call_command("export_all", "-o", str(path))
    call_command("flush", "--noinput", verbosity=0)
    xml = path.read_text()
    # the last answer off the scale: the database constraint refuses it, and with it everything
    last = list(re.finditer(r'(<field name="value" type="PositiveSmallIntegerField">)\d(</field>)', xml))[-1]
    path.write_text(xml[: last.start()] + last.group(1) + "9" + last.group(2) + xml[last.end() :])
    with pytest.raises(CommandError, match="could not be loaded, so nothing was restored"):
        call_command("import_all", str(path))
    assert not Organisation.objects.exists() and not Answer.objects.exists()


def test_backup_command_errors(db, tmp_path):
    with pytest.raises(CommandError, match=r"must end in \.xml"):
        call_command("export_all", "-o", str(tmp_path / "b.zip"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_all", str(tmp_path / "missing.xml"))


def test_background_respondent_list_imports_are_not_backed_up(campaign, tmp_path):
    """Transient, and they hold an uploaded file: left out, and the file still verifies."""
    from assessment.models import RespondentListJob

    RespondentListJob.objects.create(campaign=campaign, file_name="list.csv", data=b"email\nsecret@example.com\n")
    path = tmp_path / "b.xml"
    call_command("export_all", "-o", str(path))
    text = path.read_text()
    assert "assessment.respondentlistjob" not in text and "assessment.campaign" in text
