"""Response shapes, for the OpenAPI document and for output. Every released number may be null:
null means the disclosure rules withhold it, exactly as the report does."""

from rest_framework import serializers as s


class Bilingual(s.Serializer):
    en = s.CharField()
    ja = s.CharField()


class OrganisationRef(s.Serializer):
    id = s.IntegerField()
    slug = s.CharField()
    name = Bilingual()


class FrameworkRef(s.Serializer):
    key = s.CharField()
    version = s.CharField()


class Campaign(s.Serializer):
    id = s.IntegerField()
    name = s.CharField()
    organisation = OrganisationRef()
    framework = FrameworkRef()
    opens_at = s.DateTimeField()
    closes_at = s.DateTimeField()
    status = s.ChoiceField(choices=["scheduled", "open", "closed"])
    anonymity_threshold = s.IntegerField()


class CampaignRef(s.Serializer):
    id = s.IntegerField()
    name = s.CharField()


class Overall(s.Serializer):
    score = s.FloatField(allow_null=True)
    level = s.IntegerField(allow_null=True)


class DimensionCell(s.Serializer):
    dimension = s.CharField()
    score = s.FloatField(allow_null=True)
    level = s.IntegerField(allow_null=True)
    n = s.IntegerField(allow_null=True)
    spread = s.FloatField(allow_null=True, help_text="Standard deviation of respondents' scores (consensus).")
    favourable = s.FloatField(allow_null=True, help_text="Percent of answers agreeing (4 or 5).")


class Figures(s.Serializer):
    score = s.FloatField(allow_null=True)
    level = s.IntegerField(allow_null=True)
    n = s.IntegerField(allow_null=True)
    spread = s.FloatField(allow_null=True)
    favourable = s.FloatField(allow_null=True)


class DimensionScore(DimensionCell):
    name = Bilingual()
    level_name = Bilingual(allow_null=True)
    basis = s.ChoiceField(
        choices=["staff", "everyone"],
        help_text="Whose experience the headline figures describe: people other than executives ('staff'), or "
        "everyone where the release cannot show the executives apart.",
    )
    limited_by_share = s.BooleanField(help_text="True where the favourable share, not the score, holds the level down.")
    everyone = Figures(help_text="All respondents' figures, executives included.")
    executives = Figures(allow_null=True, help_text="The executives' own view; null where not released.")


class ResultHeader(s.Serializer):
    campaign = CampaignRef()
    department = s.CharField(allow_null=True, help_text="Department key, or null for the whole organisation.")
    shown = s.BooleanField(
        help_text="False when fewer people answered than the anonymity threshold: nothing else is released."
    )
    respondents = s.IntegerField(allow_null=True)
    anonymity_threshold = s.IntegerField()


class Scores(ResultHeader):
    overall = Overall(allow_null=True)
    dimensions = DimensionScore(many=True)


class Group(s.Serializer):
    key = s.CharField(allow_null=True, help_text="Null for the merged 'other' group.")
    name = Bilingual(allow_null=True)
    members = s.ListField(child=s.CharField(allow_blank=True), help_text="Groups merged into this row.")
    n = s.IntegerField(allow_null=True)
    overall = Overall(allow_null=True)
    dimensions = DimensionCell(many=True)


class Groups(ResultHeader):
    role_group = Group(many=True)
    departments = Group(many=True)


class Gap(s.Serializer):
    dimension = s.CharField()
    gap = s.FloatField(
        allow_null=True, help_text="Executives minus everyone else; null when only the band may be shown."
    )
    band = s.ChoiceField(choices=["much_lower", "lower", "similar", "higher", "much_higher"], allow_null=True)
    large = s.BooleanField(allow_null=True)
    exact = s.BooleanField(allow_null=True)
    executives = s.FloatField(allow_null=True)
    others = s.FloatField(allow_null=True)
    n_executives = s.IntegerField(allow_null=True)
    n_others = s.IntegerField(allow_null=True)
    items_compared = s.IntegerField(
        allow_null=True, help_text="Statements both sides answered (framework 1.1 routes statements by role)."
    )


class Gaps(ResultHeader):
    gap_threshold = s.FloatField(allow_null=True)
    gaps = Gap(many=True)


class Recommendation(s.Serializer):
    key = s.CharField()
    dimension = s.CharField()
    priority = s.IntegerField(allow_null=True)
    owner = s.CharField(allow_null=True)
    horizon = s.CharField(allow_null=True)
    title = Bilingual()
    summary = Bilingual(allow_null=True)
    actions = Bilingual(many=True)
    first_three = s.BooleanField(help_text="One of the report's three things to do first.")
    reason = s.DictField(help_text="Why it was chosen: kind, limit, dimension, the released figures and text {en, ja}.")


class Action(s.Serializer):
    id = s.IntegerField()
    dimension = s.CharField()
    recommendation = s.CharField(allow_blank=True)
    title = Bilingual()
    owner_role = s.CharField(allow_blank=True)
    owner_name = s.CharField(allow_blank=True)
    due_date = s.DateField(allow_null=True)
    status = s.CharField()
    overdue = s.BooleanField()
    created_at = s.DateTimeField()
    updated_at = s.DateTimeField()


class BenchmarkPercentile(s.Serializer):
    dimension = s.CharField(help_text="A dimension key, or 'overall'.")
    percentile = s.IntegerField(allow_null=True, help_text="Null: not enough organisations, or no released score.")


class BenchmarkGroup(s.Serializer):
    key = s.ChoiceField(choices=["all", "industry", "size_band"])
    label = s.CharField()
    available = s.BooleanField()
    percentiles = BenchmarkPercentile(many=True)


class Benchmark(s.Serializer):
    campaign = CampaignRef()
    available = s.BooleanField()
    own_released = s.BooleanField()
    min_organisations = s.IntegerField()
    framework = s.CharField()
    message = s.CharField(allow_null=True)
    groups = BenchmarkGroup(many=True)


class Error(s.Serializer):
    detail = s.CharField()
