"""`manage.py campaign_scores` reports the comparison with a campaign on an earlier questionnaire
version (issue #12): shared dimensions and statements, their figures, and the new statements."""

import json
from io import StringIO

from django.core.management import call_command

from .test_version_comparison import fill, two_campaigns  # noqa: F401 (fixture)


def scores(campaign, *args):
    out = StringIO()
    call_command("campaign_scores", str(campaign.pk), *args, stdout=out)
    return out.getvalue()


def test_json_has_the_shared_dimensions_and_statements_and_the_new_ones(two_campaigns):
    before, after = two_campaigns
    comparison = json.loads(scores(after, "--json"))["version_comparison"]
    assert comparison["previous"] == {"id": before.pk, "name": "2025", "version": "1.0"}
    assert comparison["version"] == "1.1" and comparison["shown"] is True
    mapping = after.framework.comparison
    assert comparison["shared"] == {"dimensions": mapping["dimensions"], "statements": mapping["items"]}
    dimensions = {row["key"]: row for row in comparison["dimensions"]}
    assert dimensions["vision"] == {"key": "vision", "statements": 4, "before": 25.0, "now": 75.0, "delta": 50.0}
    statements = {row["key"]: row for row in comparison["statements"]}
    assert statements["vision_fit"]["previous_key"] == "vision_05" and statements["vision_fit"]["delta"] == 50.0
    new = {row["key"] for row in comparison["new_statements"]}
    assert "budget_approval_layers" in new and not new & set(mapping["items"])
    assert len(new) + len(mapping["items"]) == after.framework.items.count()
    # the 1.0 campaign compares with nothing
    assert json.loads(scores(before, "--json"))["version_comparison"] is None


def test_json_keeps_the_mapping_when_the_earlier_figures_cannot_be_shown(two_campaigns):
    before, after = two_campaigns
    before.anonymity_threshold = 7  # its 6 respondents are now too few to publish
    before.save()
    comparison = json.loads(scores(after, "--json"))["version_comparison"]
    assert comparison["shown"] is False and comparison["dimensions"] == [] and comparison["statements"] == []
    assert comparison["shared"]["statements"]["vision_fit"] == "vision_05"
    assert comparison["new_statements"]


def test_text_output_says_what_was_compared(two_campaigns):
    _before, after = two_campaigns
    text = scores(after)
    shared = len(after.framework.comparison["items"])
    assert f"Since 2025 (questionnaire 1.0 -> 1.1), on the {shared} shared statements:" in text
    assert "25.0 -> 75.0 (+50.0; 4 statements)" in text
    assert "New in 1.1: " in text
