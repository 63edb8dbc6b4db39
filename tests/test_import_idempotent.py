"""import_responses by content digest: the same file twice into one campaign is refused (it would
count its respondents twice), --force imports it again and is logged, other campaigns are free."""

import logging
import threading

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assessment.models import Response, ResponseImport

from .factories import CampaignFactory


@pytest.fixture
def responses_file(campaign, tmp_path):
    keys = list(campaign.framework.items.order_by("dimension__order", "order").values_list("key", flat=True))
    rows = [{"role": "business", "department": "rd", "tenure": "", **dict.fromkeys(keys, "4")} for _ in range(3)]
    path = tmp_path / "survey.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_the_same_file_twice_is_refused_and_changes_nothing(campaign, responses_file, tmp_path):
    call_command("import_responses", str(campaign.pk), str(responses_file))
    renamed = tmp_path / "survey-copy.csv"  # same content under another name: still the same file
    renamed.write_bytes(responses_file.read_bytes())
    with pytest.raises(CommandError, match=r"already imported into this campaign .* as 'survey.csv' \(3 responses\)"):
        call_command("import_responses", str(campaign.pk), str(renamed))
    assert Response.objects.filter(campaign=campaign).count() == 3


def test_force_imports_again_and_is_logged(campaign, responses_file, caplog):
    call_command("import_responses", str(campaign.pk), str(responses_file))
    with caplog.at_level(logging.WARNING, logger="assessment.responses_io"):
        call_command("import_responses", str(campaign.pk), str(responses_file), "--force")
    assert Response.objects.filter(campaign=campaign).count() == 6
    assert "--force" in caplog.text and f"campaign {campaign.pk}" in caplog.text
    assert list(ResponseImport.objects.order_by("pk").values_list("forced", flat=True)) == [False, True]


def test_another_campaign_may_import_the_same_file(campaign, responses_file):
    other = CampaignFactory(framework=campaign.framework, organisation=campaign.organisation)
    call_command("import_responses", str(campaign.pk), str(responses_file))
    call_command("import_responses", str(other.pk), str(responses_file))
    assert Response.objects.filter(campaign=other).count() == 3


def test_a_failed_import_can_be_run_again(campaign, responses_file, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(responses_file.read_text().replace("business", "nobody", 1))
    with pytest.raises(CommandError, match="was not imported"):
        call_command("import_responses", str(campaign.pk), str(bad))
    assert not ResponseImport.objects.exists()
    call_command("import_responses", str(campaign.pk), str(responses_file))
    assert Response.objects.filter(campaign=campaign).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_import_once(campaign, responses_file):
    outcomes = []

    def run():
        try:
            call_command("import_responses", str(campaign.pk), str(responses_file))
            outcomes.append("imported")
        except CommandError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["imported", "refused"]
    assert Response.objects.filter(campaign=campaign).count() == 3
