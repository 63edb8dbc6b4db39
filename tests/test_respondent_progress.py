"""The progress bar before the role is known (issue #12): 1.1 routes statements by role group, so the
start page says which step this is and the range of statement counts instead of a wrong total."""

import re

import pytest
from django.urls import reverse

from assessment.models import Department
from assessment.selectors import framework_statement_counts
from assessment.services import invitation_create

from .test_routing import campaign_1_1  # noqa: F401 (fixture)


def url(name, token, *args):
    return reverse(f"respondent:{name}", args=[token, *args])


def bar(html):
    """(text beside the bar, aria-valuenow, width of the filled part)."""
    text = re.search(r'<span id="progress-text">(.*?)</span>', html, re.S).group(1)
    now = int(re.search(r'aria-valuenow="(\d+)" id="progress"', html).group(1))
    width = int(re.search(r'class="progress-bar" style="width: (\d+)%"', html).group(1))
    return text, now, width


def test_before_the_role_is_chosen_the_bar_shows_the_step_and_the_range(client, campaign_1_1):
    counts = framework_statement_counts(framework=campaign_1_1.framework)
    low, high = min(counts.values()), max(counts.values())
    assert low < high  # routed: a single total would be wrong for most people
    steps = campaign_1_1.framework.dimensions.count() + 2
    _invitation, token = invitation_create(campaign=campaign_1_1)  # no role on the list
    html = client.get(url("start", token)).content.decode()
    assert bar(html) == (
        f"Step 1 of {steps} · {low} to {high} statements, depending on your role",
        round(100 / steps),
        round(100 / steps),
    )
    html = client.get(url("start", token), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert bar(html)[0] == f"全{steps}ステップ中1ステップ目・設問数は役割により{low}〜{high}問"
    # Once the role is chosen the bar counts that role's statements.
    rd = Department.objects.get(key="rd").pk
    assert client.post(url("start", token), {"role_group": "manager", "department": rd}).status_code == 302
    html = client.get(url("dimension", token, "vision")).content.decode()
    assert bar(html) == (f"0 of {counts['manager']} answered", 0, 0)
    html = client.get(url("start", token)).content.decode()
    assert bar(html)[0] == f"0 of {counts['manager']} answered"


@pytest.mark.parametrize("role", ["executive", "business"])
def test_a_role_known_from_the_list_gives_the_exact_total_at_once(client, campaign_1_1, role):
    _invitation, token = invitation_create(campaign=campaign_1_1, role_group=role)
    total = framework_statement_counts(framework=campaign_1_1.framework)[role]
    assert bar(client.get(url("start", token)).content.decode()) == (f"0 of {total} answered", 0, 0)


def test_an_unrouted_questionnaire_counts_its_statements_before_the_role(client, campaign):
    _invitation, token = invitation_create(campaign=campaign)  # 1.0: everyone answers everything
    total = campaign.framework.items.count()
    assert bar(client.get(url("start", token)).content.decode()) == (f"0 of {total} answered", 0, 0)
