"""Pages at the size of a real campaign: counts stay right and the number of queries stays fixed.

Timings live in bench/scale.py; these tests hold what can be asserted exactly.
"""

import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.selectors import campaign_response_counts
from bench.population import campaign_populate, departments_create

@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

def _get(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        reply = client.get(url)
    assert reply.status_code == 200
    return reply, [q["sql"] for q in queries.captured_queries]

def test_campaign_page_counts_thousands_of_responses_with_a_fixed_number_of_queries(client, consultant, campaign):
    url = reverse("console:campaign_detail", args=[campaign.pk])
    _reply, small = _get(client, consultant, url)

    departments = departments_create(organisation=campaign.organisation, count=30)
    expected = campaign_populate(campaign=campaign, respondents=3000, departments=departments, answers=False)
    reply, large = _get(client, consultant, url)

    assert reply.context["counts"] == {"invited": 3000, "started": 2700, "submitted": 2400}
    assert expected == reply.context["counts"]
    html = reply.content.decode()
    for figure in ("3000", "2700", "2400"):
        assert f">{figure}</dd>" in html
    assert len(large) == len(small)
    # The old single aggregate joined invitations to responses and de-duplicated the product
    # with COUNT(DISTINCT ...): minutes at 10,000 respondents.
    assert not [sql for sql in large if "COUNT(DISTINCT" in sql.upper()]

def test_response_counts_per_table(campaign):
    departments = departments_create(organisation=campaign.organisation, count=3)
    campaign_populate(campaign=campaign, respondents=40, departments=departments, started=0.5, submitted=0.25, answers=False)
    assert campaign_response_counts(campaign=campaign) == {"invited": 40, "started": 20, "submitted": 10}
    with CaptureQueriesContext(connection) as queries:
        campaign_response_counts(campaign=campaign)
    assert len(queries) == 2


def test_the_url_configuration_imports_no_report_library():
    """A worker's first respondent page must not pay for WeasyPrint, matplotlib and pandas (~1 s of CPU):
    they are imported where used. Checked in a fresh interpreter, as a new worker starts."""
    import subprocess
    import sys

    code = (
        "import sys, django; django.setup()\n"
        "from django.urls import get_resolver; get_resolver().url_patterns\n"
        "print(' '.join(m for m in ('weasyprint', 'matplotlib', 'pandas', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert out.stdout.strip() == ""


def test_production_keeps_database_connections_and_checks_them():
    import subprocess
    import sys

    code = ("import django; django.setup(); from django.conf import settings as s; "
            "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "k" * 60}
    env.pop("DB_CONN_MAX_AGE", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split()[-2:] == ["60", "True"]


def test_autosave_is_one_narrow_lookup_and_one_statement(client, campaign, token):
    """The busiest request: no seven-table join for the token, no separate count (on PostgreSQL
    the save, the submitted check and the count are one statement); progress stays right."""
    from assessment.models import Answer
    from assessment.selectors import framework_item_keys, invitation_get_for_token
    from assessment.services import response_start

    invitation = invitation_get_for_token(token=token)
    response_start(invitation=invitation, role_group="business", department=None, tenure="")
    framework_item_keys(framework=campaign.framework)  # read once per process and framework version
    answer = reverse("respondent:answer", args=[token])
    seen = []
    for item, value in (("vision_01", "4"), ("vision_02", "dk"), ("vision_01", "2")):
        with CaptureQueriesContext(connection) as queries:
            reply = client.post(answer, {"item": item, "value": value}, HTTP_ACCEPT="application/json")
        assert reply.status_code == 200, reply.content
        seen.append(reply.json()["answered"])
        lookup = queries.captured_queries[0]["sql"]
        assert "assessment_organisation" not in lookup and "assessment_department" not in lookup
        if connection.vendor == "postgresql":
            assert len(queries) == 2
    assert seen == [1, 2, 2]  # a changed answer is not counted twice
    assert dict(Answer.objects.filter(response__invitation=invitation).values_list("item__key", "value")) == {
        "vision_01": 2, "vision_02": None}
