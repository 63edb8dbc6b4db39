"""One product name in English and Japanese everywhere; polite Japanese and honest promises to respondents."""

import re
from pathlib import Path

import pytest
import yaml
from django.core import mail
from django.urls import reverse
from django.utils import translation

from assessment.branding import PRODUCT_NAME
from assessment.lifecycle import _message, invitations_send
from assessment.services import framework_load, invitation_create

from .conftest import FRAMEWORK_FILE
from .factories import CampaignFactory

ROOT = Path(__file__).resolve().parent.parent
# The names respondents met before: 1.0's framework title is locked and not scanned.
VARIANTS = re.compile(
    r"レディネス|準備度調査|推進力診断|準備度レポート|readiness survey|innovation-readiness questionnaire",
    re.IGNORECASE,
)


def test_the_1_1_framework_title_is_the_product_name():
    data = yaml.safe_load((FRAMEWORK_FILE.parent / "innovation-readiness-1.1.yaml").read_text(encoding="utf-8"))
    assert data["title"] == PRODUCT_NAME


def test_the_ui_translates_the_product_name_to_the_same_japanese_name():
    with translation.override("ja"):
        assert translation.gettext("Innovation Readiness Assessment") == PRODUCT_NAME["ja"]


def test_no_other_product_name_in_templates_or_translations():
    files = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("templates/**/*.txt"),
        ROOT / "locale/ja/LC_MESSAGES/django.po",
    ]
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if VARIANTS.search(line)
    ]
    assert found == []


@pytest.fixture
def campaign_1_1(db):
    framework_load(path=FRAMEWORK_FILE)
    framework, _ = framework_load(path=FRAMEWORK_FILE.parent / "innovation-readiness-1.1.yaml")
    return CampaignFactory(framework=framework)


def test_invitation_states_the_name_the_duration_and_confidentiality(campaign_1_1):
    invitation_create(campaign=campaign_1_1, email="a@example.com", name="Aoki", role_group="business")
    invitation_create(campaign=campaign_1_1, email="b@example.com", name="Baba")
    invitations_send(campaign=campaign_1_1)
    business, unknown = sorted(mail.outbox, key=lambda m: m.to[0])
    for message in (business, unknown):
        assert PRODUCT_NAME["ja"] in message.subject and PRODUCT_NAME["en"] in message.subject
        assert PRODUCT_NAME["ja"] in message.body and PRODUCT_NAME["en"] in message.body
        assert "機密" in message.body and "confidential" in message.body
        assert not VARIANTS.search(message.body)
    assert re.search(r"所要時間は約\d+分です", business.body) and re.search(r"about \d+ minutes\.", business.body)
    assert re.search(r"約\d+〜\d+分", unknown.body) and "depending on your role" in unknown.body
    invitation = campaign_1_1.invitations.get(email="a@example.com")
    reminder = _message(invitation=invitation, token="t", kind="reminder", connection=None)
    assert PRODUCT_NAME["ja"] in reminder.subject and PRODUCT_NAME["en"] in reminder.body
    assert not VARIANTS.search(reminder.subject + reminder.body)


def test_start_page_states_duration_and_confidential_when_names_are_listed(client, campaign_1_1):
    _i, named = invitation_create(campaign=campaign_1_1, email="a@example.com", name="Aoki", role_group="business")
    page = client.get(reverse("respondent:start", args=[named]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "ご回答は機密として扱われます" in page and "匿名" not in page
    assert re.search(r"所要時間は約\d+分です。", page)
    assert PRODUCT_NAME["ja"] in page
    assert "ご自身の現在の役割" not in page  # role known from the list: not asked again
    _i, unnamed = invitation_create(campaign=campaign_1_1)
    page = client.get(reverse("respondent:start", args=[unnamed]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "anonymous" in page and "depending on your role" in page
