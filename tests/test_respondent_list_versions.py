"""A respondent list names only role groups of the campaign's questionnaire version (issue #12)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import Invitation
from assessment.services import framework_load

from .conftest import FRAMEWORK_FILE
from .factories import CampaignFactory

LIST_1_1 = (
    "email,name,role group,department\n"
    "a@example.com,A,executive,\n"
    "b@example.com,B,manager,\n"
    "c@example.com,C,管理職,\n"
    "d@example.com,D,bu_head,\n"
).encode()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _upload(client, campaign, **headers):
    url = reverse("console:campaign_respondents", args=[campaign.pk])
    return client.post(url, {"file": SimpleUploadedFile("list.csv", LIST_1_1)}, **headers)


def test_a_1_0_campaign_refuses_1_1_only_role_groups_with_their_lines_in_both_languages(client, campaign, owner):
    client.force_login(owner)
    html = _upload(client, campaign).content.decode()
    for line, role in ((3, "manager"), (4, "管理職"), (5, "bu_head")):
        refused = f"line {line}: the role group &#x27;{role}&#x27; is not part of this campaign&#x27;s questionnaire"
        assert refused in html
    assert "line 2:" not in html  # executive exists in 1.0
    assert "use one of: executive, innovation_team, business, corporate" in html
    assert not Invitation.objects.filter(campaign=campaign).exists()  # nothing imported
    html = _upload(client, campaign, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "3行目：役割グループ &#x27;manager&#x27; はこのキャンペーンの質問票にはありません" in html


def test_a_1_1_campaign_accepts_them(client, framework, owner):
    new, _outcome = framework_load(path=FRAMEWORK_FILE.parent / "innovation-readiness-1.1.yaml")
    campaign_1_1 = CampaignFactory(framework=new, organisation=owner.memberships.get().organisation)
    client.force_login(owner)
    assert _upload(client, campaign_1_1).status_code == 302
    roles = dict(Invitation.objects.filter(campaign=campaign_1_1).values_list("email", "role_group"))
    assert roles == {
        "a@example.com": "executive",
        "b@example.com": "manager",
        "c@example.com": "manager",
        "d@example.com": "bu_head",
    }


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_member_and_outsider_cannot_upload(client, request, campaign, who):
    client.force_login(request.getfixturevalue(who))
    assert _upload(client, campaign).status_code == 404
    assert not Invitation.objects.filter(campaign=campaign).exists()


def test_a_long_list_imported_by_the_worker_is_held_to_the_same_rule(client, campaign, owner, settings):
    settings.RESPONDENT_LIST_BACKGROUND_ROWS = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from assessment.models import RespondentListJob

    client.force_login(owner)
    html = _upload(client, campaign, follow=True).content.decode()  # 4 rows: the worker's path
    assert RespondentListJob.objects.get().status == "failed"
    assert "line 3: the role group &#x27;manager&#x27; is not part of this campaign&#x27;s questionnaire" in html
    assert not Invitation.objects.filter(campaign=campaign).exists()
