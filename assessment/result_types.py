"""The shape of `analysis.campaign_results`: what reports, the workshop, the console, the API and
the command line receive.

The payload stays plain JSON-ready dicts (`campaign_scores --json` prints it as it is, the API
reshapes it, templates index it), so its types are TypedDicts: they name every key and its
meaning for the type checker and the reader without changing one byte of what is produced.

A figure the release does not publish is None (never left out): see assessment/published.py.
Keys marked NotRequired are present only when the group is shown (`shown` is True).
"""

from typing import Literal, NotRequired, TypedDict

Lang = Literal["en", "ja"]  # the interface languages


class LocalText(TypedDict):
    """A text in both interface languages."""

    en: str
    ja: str


# --- one group's scores (scoring.summarise, blanked by published._summary) -----------------------


class DimensionScore(TypedDict):
    score: float | None  # 0–100 mean of the group's respondent scores, whole points (half up)
    level: int | None  # maturity level 1–5: the band `score` AND `favourable` both reach
    n: int | None  # people with a score for the dimension
    spread: float | None  # standard deviation of their scores (consensus); None for one person
    favourable: float | None  # percent of their answers scoring 75 or more


class HeadlineScore(DimensionScore):
    """A dimension of the organisation's (or a department's) own results: what people other than
    executives experience, with everyone's figures and the executives' own view beside it."""

    basis: Literal["staff", "everyone"]  # "everyone" where the executives cannot be shown apart
    limited_by_share: bool  # the favourable share, not the score, holds the level down
    everyone: DimensionScore
    executives: DimensionScore | None  # None where not released


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


class ReasonFacts(TypedDict):
    """The figures that fired a trigger: each trigger names its own."""

    score: NotRequired[float | None]
    level: NotRequired[int | None]
    favourable: NotRequired[float | None]
    basis: NotRequired[str]
    by_score: NotRequired[int | None]  # the level the score alone would reach, where the share holds it down
    needed: NotRequired[float | None]  # the favourable share that level needs
    spread: NotRequired[float]
    gap: NotRequired[float]
    items: NotRequired[int | None]
    share: NotRequired[float]  # dont_know_at_least: % "don't know"
    role: NotRequired[str]
    role_score: NotRequired[float]
    everyone: NotRequired[float]
    below: NotRequired[float]


class FiredTrigger(ReasonFacts):
    """A fired trigger and its figures: what the reason's sentence is made from."""

    kind: str  # the catalogue's trigger (recommendations.TRIGGERS)
    limit: float | dict[str, str | float]  # role_below: {"role", "points"}
    dimension: str


class RecommendationReason(FiredTrigger):
    """Why an entry was chosen: its trigger, the figures that fired it and the sentence saying so."""

    text: LocalText


class Recommendation(TypedDict):
    key: str
    dimension: str
    priority: int  # 1 (first) to 3
    owner: str
    horizon: str
    title: LocalText
    summary: LocalText
    actions: list[LocalText]
    severity: float  # how far past its trigger, times the dimension's weight: the ranking
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
    released_at: str | None  # ISO time the latest release was cut: the date of its numbers


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
    audience: list[str]  # role groups asked the statement, or ["everyone"]


class BandRow(TypedDict):
    """`bands.LevelBands.rows`: one level's minimums."""

    level: int
    min: float
    next_min: float | None  # None for the top level
    favourable_min: float | None  # the favourable share the level needs (None: 1.0, score only)


class LevelBand(BandRow):
    name: LocalText


class Reliability(TypedDict):
    alpha: float | None
    n: int
    low: bool  # alpha below 0.6
    items: list[dict[str, str | float | None]]  # {"item", "item_total"}


class RoleDontKnow(TypedDict):
    key: str | None
    members: list[str]
    items: dict[str, float | None]  # % "don't know" per statement, None where not published


class LanguageRow(TypedDict):
    """Shares (%) of all answers given in one language."""

    language: str  # "ja", "en" or "unknown"
    n: int  # respondents
    favourable: float | None
    neutral: float | None
    unfavourable: float | None
    dont_know: float | None


class LanguageAnswers(TypedDict):
    shown: bool
    rows: list[LanguageRow]


class MethodAppendix(TypedDict):
    """`appendix.method_appendix`: each figure under the disclosure rules."""

    reliability: dict[str, Reliability | None]
    low_alpha: float
    dont_know_by_role: list[RoleDontKnow]
    languages: LanguageAnswers


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
    dimensions: NotRequired[dict[str, HeadlineScore]]
    overall: NotRequired[OverallScore]  # over the headline figures
    overall_everyone: NotRequired[OverallScore]  # over everyone's figures
    staff: NotRequired[GroupSummary | None]  # everyone but executives, when published
    executives: NotRequired[GroupSummary | None]
    gaps: NotRequired[list[PerceptionGap]]
    groups: NotRequired[Breakdowns]
    items: NotRequired[list[StatementScore]]
    method: NotRequired[MethodAppendix | None]


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
    first_three: list[Recommendation]  # the three most urgent, across dimensions
    previous: PreviousCampaign | None
