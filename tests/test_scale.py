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
    campaign_populate(
        campaign=campaign, respondents=40, departments=departments, started=0.5, submitted=0.25, answers=False
    )
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
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert out.stdout.strip() == ""


def test_production_keeps_database_connections_and_checks_them():
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k" * 60,
    }
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
        "vision_01": 2,
        "vision_02": None,
    }


# --- report pages: a fixed number of queries, and a department report reads its department only ---


def _populated(framework, consultant, *, respondents, departments):
    from assessment.models import Membership

    from .factories import CampaignFactory

    campaign = CampaignFactory(framework=framework)
    Membership.objects.create(user=consultant, organisation=campaign.organisation, role="consultant")
    depts = departments_create(organisation=campaign.organisation, count=departments)
    campaign_populate(campaign=campaign, respondents=respondents, departments=depts)
    return campaign


def _report_urls(campaign):
    return {
        "organisation": reverse("reports:organisation", args=[campaign.pk]),
        "department": reverse("reports:department", args=[campaign.pk, "d00"]),
    }


def test_report_pages_keep_a_fixed_number_of_queries(client, framework, consultant):
    small = _populated(framework, consultant, respondents=40, departments=3)
    large = _populated(framework, consultant, respondents=600, departments=12)
    counts = {}
    for name, campaign in (("small", small), ("large", large)):
        for page, url in _report_urls(campaign).items():
            _get(client, consultant, url)  # the first reader cuts the release
            _reply, queries = _get(client, consultant, url)
            counts[name, page] = len(queries)
    assert counts["small", "organisation"] == counts["large", "organisation"]
    assert counts["small", "department"] == counts["large", "department"]


def _normalised(result):
    """A result with its statements by key: answers come back from the database in no set order."""
    return {**result, "items": sorted(result.get("items", []), key=lambda item: item["item"])}


def test_a_department_report_reads_only_its_department_and_shows_what_the_whole_read_shows(
    client, framework, consultant, monkeypatch
):
    from assessment import analysis

    campaign = _populated(framework, consultant, respondents=300, departments=6)
    _get(client, consultant, _report_urls(campaign)["organisation"])  # cuts the release
    reads = []
    original = analysis.campaign_frames

    def recording(**kwargs):
        reads.append(kwargs.get("department"))
        return original(**kwargs)

    monkeypatch.setattr(analysis, "campaign_frames", recording)
    reply, _queries = _get(client, consultant, _report_urls(campaign)["department"])
    assert reads == ["d00"]
    own = analysis.campaign_results(campaign=campaign, department="d00")
    assert reads == ["d00", "d00"]
    whole = analysis.campaign_results(campaign=campaign, department="d00", frames=original(campaign=campaign))
    assert own["shown"] and own["respondents"] == 40  # 300 invited, 240 submitted over six departments
    assert _normalised(own) == _normalised(whole)
    assert reply.context["respondents"] == 40


def test_a_department_the_release_does_not_publish_shows_no_size_of_its_own(framework, consultant):
    from assessment import analysis
    from assessment.models import Response

    campaign = _populated(framework, consultant, respondents=60, departments=3)
    small = Response.objects.filter(campaign=campaign, department__key="d02", submitted_at__isnull=False)
    keep = list(small.values_list("pk", flat=True)[:2])
    Response.objects.filter(campaign=campaign, department__key="d02").exclude(pk__in=keep).delete()
    analysis.campaign_results(campaign=campaign)  # cuts the release
    result = analysis.campaign_results(campaign=campaign, department="d02")
    whole = analysis.campaign_results(
        campaign=campaign, department="d02", frames=analysis.campaign_frames(campaign=campaign)
    )
    assert result["shown"] is False and whole["shown"] is False
    assert result["respondents"] == whole["respondents"] == result["release"]["included"] > 2
    assert result["release"] == whole["release"]


def test_a_release_without_stored_gap_statements_is_read_whole(framework, consultant):
    """Releases cut before the gap's statements were stored with them: the department report reads
    the whole campaign, as before, and shows the same figures."""
    from assessment import analysis
    from assessment.models import Release

    campaign = _populated(framework, consultant, respondents=120, departments=3)
    analysis.campaign_results(campaign=campaign)
    release = Release.objects.get(campaign=campaign)
    from assessment import routing, scoring

    frames = analysis.campaign_frames(campaign=campaign)  # everyone submitted is in the release
    found = routing.shared_items(scoring.scored_answers(frames.answers, frames.items), frames.respondents)
    assert release.plan["gap_items"] == sorted(found) and found
    stored = release.plan
    Release.objects.filter(pk=release.pk).update(plan={k: v for k, v in stored.items() if k != "gap_items"})
    with CaptureQueriesContext(connection) as queries:
        old_style = analysis.campaign_results(campaign=campaign, department="d01")
    assert not [q for q in queries.captured_queries if "department" in q["sql"] and "assessment_answer" in q["sql"]]
    Release.objects.filter(pk=release.pk).update(plan=stored)
    assert _normalised(old_style) == _normalised(analysis.campaign_results(campaign=campaign, department="d01"))
