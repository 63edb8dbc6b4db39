"""The shape of `analysis.campaign_results`: what reports, the workshop, the console, the API and
the command line receive.

The payload stays plain JSON-ready dicts (`campaign_scores --json` prints it as it is, the API
reshapes it, templates index it), so its types are TypedDicts: they name every key and its
meaning for the type checker and the reader without changing one byte of what is produced.

A figure the release does not publish is None (never left out): see assessment/published.py.
Keys marked NotRequired are present only when the group is shown (`shown` is True).
"""

from typing import Literal, NotRequired, TypedDict


class LocalText(TypedDict):
    """A text in both interface languages."""

    en: str
    ja: str


# --- one group's scores (scoring.summarise, blanked by published._summary) -----------------------


class DimensionScore(TypedDict):
    score: float | None  # 0–100 mean of the group's respondent scores
    level: int | None  # maturity level 1–5 of `score`
    n: int | None  # people with a score for the dimension
    spread: float | None  # standard deviation of their scores (consensus); None for one person
    favourable: float | None  # percent of their answers scoring 75 or more


class OverallScore(TypedDict):
    score: float | None  # weighted mean of the dimension scores shown
    level: int | None


class GroupSummary(TypedDict):
    n: int  # members of the group
    dimensions: dict[str, DimensionScore]  # by dimension key, in questionnaire order
    overall: OverallScore


class GroupRow(GroupSummary):
    """A row of a breakdown by role group or department; `key` None is the pooled "Other" row."""

    key: str | None
    members: list[str]  # the role or department keys the row pools


class Breakdowns(TypedDict):
    role_group: list[GroupRow]
    department: list[GroupRow]  # empty in a department's own results


class StatementScore(TypedDict):
    item: str
    dimension: str
    score: float | None
    favourable: float | None
    answered: int | None
    dont_know: int | None


GapBand = Literal["much_lower", "lower", "similar", "higher", "much_higher"]


class PerceptionGap(TypedDict):
    """Executives minus everyone else on one dimension, on the statements both sides answered."""

    dimension: str
    gap: float | None  # None unless both sides are published
    band: GapBand | None
    large: bool | None  # |gap| at or above the framework's gap threshold
    exact: bool
    executives: float | None
    others: float | None
    n_executives: int | None
    n_others: int | None
    items_compared: int


# --- recommendations (assessment.recommendations) ------------------------------------------------


class RecommendationReason(TypedDict):
    """Why an entry was chosen: its trigger, the figures that fired it and the sentence saying so."""

    kind: str  # the catalogue's trigger: level_at_most, score_below, gap_at_least, spread_at_least
    limit: float
    dimension: str
    text: LocalText
    score: NotRequired[float]
    level: NotRequired[int]
    spread: NotRequired[float]
    gap: NotRequired[float]
    band: NotRequired[GapBand]


class Recommendation(TypedDict):
    key: str
    dimension: str
    priority: int  # 1 (first) to 3
    owner: str
    horizon: str
    title: LocalText
    summary: LocalText
    actions: list[LocalText]
    reason: RecommendationReason


# --- the campaign and what describes the figures -----------------------------------------------


class CampaignInfo(TypedDict):
    id: int
    name: str
    organisation: str  # English name (the command line's)
    organisation_name: LocalText
    framework: str  # "<key> <version>"


class ReleaseInfo(TypedDict):
    number: int  # 0 while nothing is released
    submitted: int  # submitted responses, released or not
    included: int  # responses in the releases read


class DimensionInfo(TypedDict):
    key: str
    name: LocalText
    weight: float
    levels: dict[str, LocalText]  # level number (as text: stored JSON) -> what it looks like


class StatementInfo(TypedDict):
    key: str
    dimension: str
    reverse: bool
    text: LocalText


class LevelBand(TypedDict):
    level: int
    name: LocalText
    min: float
    next_min: float | None  # None for the top level


class ScoreChange(TypedDict):
    overall: float | None
    dimensions: dict[str, float | None]


class PreviousCampaign(TypedDict):
    """The organisation's previous campaign on the same version, and the change since."""

    campaign: dict[str, int | str]  # {"id", "name"}
    overall: OverallScore
    dimensions: dict[str, float | None]
    delta: ScoreChange


# --- the payloads ------------------------------------------------------------------------------


class ReleaseFigures(TypedDict):
    """`published.released_results`: the figures of one release, before analysis shapes them."""

    org: GroupSummary
    executives: GroupSummary | None
    staff: GroupSummary | None
    gaps: list[PerceptionGap]
    roles: list[GroupRow]
    departments: list[GroupRow]
    items: list[StatementScore]


class ReleasedResults(TypedDict):
    """`analysis.frames_results`: one group (organisation or a department) as a plan publishes it."""

    respondents: int
    shown: bool
    n: NotRequired[int]
    dimensions: NotRequired[dict[str, DimensionScore]]
    overall: NotRequired[OverallScore]
    staff: NotRequired[GroupSummary | None]  # everyone but executives, when published
    executives: NotRequired[GroupSummary | None]
    gaps: NotRequired[list[PerceptionGap]]
    groups: NotRequired[Breakdowns]
    items: NotRequired[list[StatementScore]]


class CoreResults(ReleasedResults):
    """`analysis.campaign_results_core`: the released scores only."""

    published_departments: list[str]


class CampaignResults(ReleasedResults):
    """`analysis.campaign_results`: everything a report shows, as the latest release publishes it."""

    campaign: CampaignInfo
    release: ReleaseInfo
    anonymity_threshold: int
    gap_threshold: float
    department: str | None  # the department's key for its own results, else None
    dimension_info: list[DimensionInfo]
    item_info: list[StatementInfo]
    level_names: dict[int, LocalText]
    level_bands: list[LevelBand]
    department_names: dict[str, LocalText]
    role_names: dict[str, LocalText]
    published_departments: list[str]
    recommendations: list[Recommendation]
    first_three: list[Recommendation]  # the top recommendation of the three most urgent dimensions
    previous: PreviousCampaign | None
