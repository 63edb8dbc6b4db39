"""A campaign's results: the database is read once into frames, then scoring's pure functions run.

`campaign_results` returns plain, JSON-ready data; reports, the command line and the web pages
all use it, so a number means the same everywhere.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import QuerySet

from . import appendix, disclosure, published, routing, scoring
from . import recommendations as recs
from .models import Answer, Campaign, Department, Dimension, Item, Response
from .result_types import CampaignResults, CoreResults, DimensionInfo, LocalText, ReleasedResults
from .selectors import framework_role_labels


@dataclass
class CampaignFrames:
    spec: scoring.FrameworkSpec
    dimensions: list[DimensionInfo]
    items: pd.DataFrame  # item (key), dimension, reverse, text_en, text_ja
    respondents: pd.DataFrame  # respondent, role_group, department, release_number (NaN: not yet released)
    answers: pd.DataFrame  # respondent, item (key), value
    departments: dict[str, LocalText]  # by key
    # Statements shared with an earlier questionnaire version (re-assessment across versions):
    # dimension scores on these alone are a published figure of their own ("mapped" family).
    mapped_items: frozenset[str] = frozenset()
    # The release's perception-gap statements, when the frames hold only part of it (one department):
    # the statements both executives and everyone else answered are a fact of the whole release.
    gap_items: frozenset[str] | None = None


def _rows(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """Rows of a values_list queryset straight from the cursor: no per-row model overhead."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _answers(queryset: QuerySet[Any, Any], items: pd.DataFrame) -> pd.DataFrame:
    """Frame (respondent, value, item key) of a values_list("response_id", "item_id", "value") queryset.

    On PostgreSQL the database joins the rows into one text ("response,item,value,...", "don't
    know" as 0, never a valid value) that numpy parses: for 336,000 answers about 20 ms of this
    process's CPU instead of about 300 ms for a Python tuple per row and a frame built from them.
    """
    if connection.vendor == "postgresql":
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            joined = f"SELECT string_agg(concat_ws(',', t.r, t.i, COALESCE(t.v, 0)), ',') FROM ({sql}) AS t (r, i, v)"  # noqa: S608
            cursor.execute(joined, params)  # `sql` is Django's own compiled query, its values in `params`
            row = cursor.fetchone()  # an aggregate: always one row
            text = (row[0] if row is not None else None) or ""
        respondent, item_id, value = np.fromstring(text, dtype=np.int64, sep=",").reshape(-1, 3).T
        value = np.where(value == 0, np.nan, value.astype(float))
    else:
        frame = pd.DataFrame(_rows(queryset), columns=["respondent", "item_id", "value"])
        respondent, item_id = frame["respondent"].to_numpy(), frame["item_id"].to_numpy()
        value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    # the item keys by position (an answer to an item of another version would be dropped, as a join would)
    where = pd.Index(items["item_id"]).get_indexer(np.asarray(item_id, dtype=np.int64))
    known = where >= 0
    return pd.DataFrame(
        {
            "respondent": np.asarray(respondent, dtype=np.int64)[known],
            "value": np.asarray(value, dtype=float)[known],
            # categorical: every later groupby and lookup by statement works on small integer codes
            # instead of hashing 300,000 strings again
            "item": pd.Categorical.from_codes(where[known], categories=pd.Index(items["item"])),
        }
    )


def campaign_frames(
    *,
    campaign: Campaign,
    department: str | None = None,
    upto: int | None = None,
    gap_items: Iterable[str] | None = None,
) -> CampaignFrames:
    """Four queries, whatever the number of respondents: dimensions, items, respondents, answers (+ departments).

    With `department` and `upto` only that department's respondents of releases 1..upto (and
    their answers); `gap_items` is then that release's perception-gap statements.
    """
    framework = campaign.framework
    dimension_rows = list(
        Dimension.objects.filter(framework=framework)
        .order_by("order")
        .values("key", "weight", "name_en", "name_ja", "level_descriptions")
    )
    items = pd.DataFrame(
        _rows(
            Item.objects.filter(framework=framework)
            .order_by("dimension__order", "order")
            .values_list("id", "key", "dimension__key", "reverse", "text_en", "text_ja", "audience")
        ),
        columns=["item_id", "item", "dimension", "reverse", "text_en", "text_ja", "audience"],
    )
    # Rows read straight from the cursor skip JSONField decoding: SQLite returns the audience as JSON
    # text (PostgreSQL as a list). Substring tests on that text happened to work; lists are meant.
    items["audience"] = items["audience"].map(lambda a: json.loads(a) if isinstance(a, str) else (a or []))
    submitted = Response.objects.filter(campaign=campaign, submitted_at__isnull=False)
    if department is not None:
        submitted = submitted.filter(department__key=department, release_number__lte=upto)
    respondents = pd.DataFrame(
        _rows(
            submitted.order_by("id").values_list("id", "role_group", "department__key", "release_number", "language")
        ),
        columns=["respondent", "role_group", "department", "release_number", "language"],
    )
    respondents["release_number"] = pd.to_numeric(respondents["release_number"]).astype(float)
    answers = _answers(
        Answer.objects.filter(response__in=submitted).values_list("response_id", "item_id", "value"), items
    )
    departments: dict[str, LocalText] = {
        key: {"en": en, "ja": ja}
        for key, en, ja in Department.objects.filter(organisation_id=campaign.organisation_id).values_list(
            "key", "name_en", "name_ja"
        )
    }
    spec = scoring.FrameworkSpec(
        dimensions=tuple(d["key"] for d in dimension_rows),
        weights={d["key"]: float(d["weight"]) for d in dimension_rows},
        level_mins=scoring.LevelBands.from_levels(framework.levels).mins,
        favourable_mins=scoring.LevelBands.from_levels(framework.levels).favourable_mins,
        min_answered=framework.min_answered_per_dimension,
        gap_threshold=float(framework.gap_threshold),
    )
    dimensions: list[DimensionInfo] = [
        {
            "key": d["key"],
            "name": {"en": d["name_en"], "ja": d["name_ja"]},
            "weight": float(d["weight"]),
            "levels": d["level_descriptions"],
        }
        for d in dimension_rows
    ]
    mapped = frozenset((framework.comparison or {}).get("items", {})) if framework.comparison else frozenset()
    return CampaignFrames(
        spec,
        dimensions,
        items,
        respondents,
        answers,
        departments,
        mapped,
        frozenset(gap_items) if gap_items is not None else None,
    )


def frames_results(
    frames: CampaignFrames, *, threshold: int, plan: disclosure.Plan | None = None, department: str | None = None
) -> ReleasedResults:
    """Everything computed from the frames (pure; no database), as published by `plan`.

    `frames.respondents` is the released population; `plan` (assessment.disclosure.Plan) says
    which groups may be shown in which family. Without a plan, one is made for a single release.
    """
    spec = frames.spec
    scored, scores, gap_scores = frames_scores(frames)
    total = len(frames.respondents)
    if plan is None:
        plan = plan_for_frames(frames, threshold=threshold)
    top = ("org",) if department is None else ("department", department)
    result: ReleasedResults = {"respondents": total, "shown": plan.shows(top)}
    if not result["shown"]:
        # Below the threshold (or not publishable with the rest) the group shows nothing at all.
        return result
    audiences = (
        dict(zip(frames.items["item"], frames.items["audience"], strict=True)) if "audience" in frames.items else None
    )
    released = published.released_results(
        scores,
        scored,
        frames.respondents,
        spec,
        plan,
        department=department,
        gap_scores=gap_scores,
        audiences=audiences,
    )
    result["respondents"] = released["org"]["n"]
    result["n"] = released["org"]["n"]  # with "dimensions" and "overall", the order of the org's summary
    # Levels say what people other than executives experience; everyone's figures stay beside them.
    result["dimensions"], result["overall"] = scoring.experienced(
        released["org"], released["staff"], released["executives"], spec
    )
    result["overall_everyone"] = released["org"]["overall"]
    result["staff"] = released["staff"]
    result["executives"] = released["executives"]
    result["gaps"] = released["gaps"]
    result["groups"] = {"role_group": released["roles"], "department": released["departments"]}
    result["items"] = released["items"]
    result["method"] = appendix.method_appendix(
        scored=scored,
        respondents=frames.respondents,
        items=frames.items,
        plan=plan,
        threshold=threshold,
        top=top,
        dimension_keys=spec.dimensions,
        role_rows=released["roles"],
        department=department,
    )
    return result


def frames_scores(frames: CampaignFrames) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(scored answers, respondent × dimension scores, the same on the statements both executives
    and everyone else answered: the perception gap's basis)."""
    scored = scoring.scored_answers(frames.answers, frames.items)
    # Statements are routed by role group (1.1): minimum answered relative to what each was shown.
    required = routing.routed_minimum(frames.items, frames.respondents, frames.spec.min_answered)
    scores = scoring.respondent_scores(scored, frames.spec, frames.respondents, required=required)
    gap_scores = routing.shared_scores(
        scored, frames.items, frames.respondents, frames.spec, shared=frames.gap_items, all_scores=scores
    )
    return scored, scores, gap_scores


def mapped_scores(frames: CampaignFrames, scored: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """Respondent × dimension scores on the statements shared with the earlier version, or None."""
    if not frames.mapped_items:
        return None
    if scored is None:
        scored = scoring.scored_answers(frames.answers, frames.items)
    items = frames.items[frames.items["item"].isin(frames.mapped_items)]
    on_mapped = scored[scored["item"].isin(frames.mapped_items)]
    required = routing.routed_minimum(items, frames.respondents, frames.spec.min_answered) if len(items) else None
    mapped = scoring.respondent_scores(on_mapped, frames.spec, frames.respondents, required=required)
    return mapped[[k for k in frames.spec.dimensions if k in set(items["dimension"])]]


def plan_for_frames(
    frames: CampaignFrames, *, threshold: int, prior: Iterable[disclosure.Plan] = ()
) -> disclosure.Plan:
    """The disclosure plan of one release over `frames.respondents` (column `batch` optional)."""
    respondents = frames.respondents
    if "batch" not in respondents:
        respondents = respondents.assign(batch=1)
    scored, scores, gap_scores = frames_scores(replace(frames, respondents=respondents))
    answered = scoring.answered_table(scored, respondents, list(frames.items["item"]))
    atoms, index = disclosure.atoms_of(respondents)
    mapped = mapped_scores(replace(frames, respondents=respondents), scored)
    weights = disclosure.family_weights(respondents, index, len(atoms), scores, answered, gap_scores, mapped)
    candidates = disclosure.campaign_candidates(
        respondents,
        frames.spec.dimensions,
        list(frames.items["item"]),
        threshold,
        mapped_keys=tuple(mapped.columns) if mapped is not None else (),
    )
    return disclosure.plan_release(
        atoms=atoms, weights=weights, candidates=candidates, prior=disclosure.prior_groups(prior), threshold=threshold
    )


@dataclass
class ReleaseRead:
    frames: CampaignFrames  # what was read (the whole campaign, or one department's released part)
    number: int  # the latest release (0: none yet)
    plan: disclosure.Plan | None
    released: CampaignFrames | None  # the frames of the release's respondents (batch = their release)
    submitted: int  # submitted responses in the campaign, released or not
    included: int  # responses in releases 1..number
    released_at: datetime | None = None  # when the latest release was cut: the date of its numbers


def _release_read(
    *, campaign: Campaign, department: str | None = None, frames: CampaignFrames | None = None
) -> ReleaseRead:
    """The latest release of the campaign and the frames it covers, reading as little as it can.

    A department's report reads only its department's released respondents and their answers
    when the latest release stands (no new one due): the plan and the gap's statements are stored
    with the release, and every other figure of a department report is about its own members.
    Otherwise the whole campaign is read, and a release cut when one is due.
    """
    from .releases import _released, release_current, release_standing  # releases imports this module

    if frames is None and department is not None:
        standing = release_standing(campaign=campaign)
        if standing is not None:
            release, counts = standing
            plan: disclosure.Plan | None = disclosure.Plan.from_json(release.plan, upto=None)
            part = campaign_frames(
                campaign=campaign, department=department, upto=release.number, gap_items=release.plan["gap_items"]
            )
            return ReleaseRead(
                part, release.number, plan, _released(part, release.number), **counts, released_at=release.created_at
            )
    frames = frames if frames is not None else campaign_frames(campaign=campaign)
    number, plan, released, released_at = release_current(campaign=campaign, frames=frames)
    return ReleaseRead(
        frames,
        number,
        plan,
        released,
        len(frames.respondents),
        len(released.respondents) if released is not None else 0,
        released_at,
    )


def previous_campaign(*, campaign: Campaign) -> Campaign | None:
    """The organisation's latest earlier campaign on the same framework version (same items)."""
    return (
        Campaign.objects.filter(
            organisation_id=campaign.organisation_id, framework_id=campaign.framework_id, opens_at__lt=campaign.opens_at
        )
        .order_by("-opens_at")
        .first()
    )


def campaign_results(
    *, campaign: Campaign, limit: int = 10, department: str | None = None, frames: CampaignFrames | None = None
) -> CampaignResults:
    """Scores, levels, groups, gaps, recommendations with reasons, and change since last time,
    as published by the campaign's latest release (assessment.releases).

    With `department` (a key) the department's own results, if the release publishes it.
    `frames` lets a caller that already read the campaign pass them in instead of reading it again.
    """
    framework = campaign.framework
    read = _release_read(campaign=campaign, department=department, frames=frames)
    frames, number, plan, released = read.frames, read.number, read.plan, read.released
    scores: ReleasedResults
    if plan is None:
        scores = {"respondents": read.submitted, "shown": False}
    # (a plan always comes with its released frames: `released is None` only tells the type checker)
    elif released is None or not plan.shows(("org",) if department is None else ("department", department)):
        scores = {"respondents": read.included, "shown": False}  # never the size of the group not shown
    else:
        scores = frames_results(released, threshold=campaign.anonymity_threshold, plan=plan, department=department)
    levels = {level["level"]: level["name"] for level in framework.levels}
    result: CampaignResults = {
        **scores,
        "campaign": {
            "id": campaign.pk,
            "name": campaign.name,
            "organisation": campaign.organisation.name_en,
            "organisation_name": {"en": campaign.organisation.name_en, "ja": campaign.organisation.name_ja},
            "framework": f"{framework.key} {framework.version}",
        },
        "release": {
            "number": number,
            "submitted": read.submitted,
            "included": read.included,
            "released_at": read.released_at.isoformat() if read.released_at else None,
        },
        "anonymity_threshold": campaign.anonymity_threshold,
        "gap_threshold": float(framework.gap_threshold),
        "department": department,
        "dimension_info": frames.dimensions,
        "item_info": [
            {
                "key": row.item,
                "dimension": row.dimension,
                "reverse": bool(row.reverse),
                "text": {"en": row.text_en, "ja": row.text_ja},
                "audience": list(getattr(row, "audience", None) or [routing.EVERYONE]),
            }
            for row in frames.items.itertuples()
        ],
        "level_names": levels,
        "level_bands": [
            {**row, "name": levels[row["level"]]} for row in scoring.LevelBands.from_levels(framework.levels).rows()
        ],
        "department_names": frames.departments,
        "role_names": framework_role_labels(framework=framework),
        "published_departments": _published_departments(plan),
        "recommendations": [],
        "first_three": [],
        "previous": None,
    }
    if not result["shown"]:
        return result
    path = recs.catalogue_path(framework.key, framework.version)
    if path is not None:
        catalogue = recs.catalogue_load(str(path), frames.spec.dimensions, tuple(result["role_names"]) or None)
        result["recommendations"] = recs.recommendations_select(
            catalogue,
            result,
            dimension_names={d["key"]: d["name"] for d in frames.dimensions},
            level_names=levels,
            weights=frames.spec.weights,
            bands=frames.spec.bands,
            role_names=result["role_names"],
            limit=limit,
        )
        result["first_three"] = recs.first_three(result["recommendations"])
    earlier = previous_campaign(campaign=campaign)
    if earlier is not None:
        before = campaign_results_core(campaign=earlier, department=department)
        if before["shown"]:
            result["previous"] = {
                "campaign": {"id": earlier.pk, "name": earlier.name},
                "overall": before["overall"],
                "dimensions": {k: v["score"] for k, v in before["dimensions"].items()},
                "delta": scoring.deltas(result, before),
            }
    return result


def campaign_results_core(
    *, campaign: Campaign, department: str | None = None, frames: CampaignFrames | None = None
) -> CoreResults:
    """Only the released scores of a campaign (no recommendations, no comparison)."""
    read = _release_read(campaign=campaign, department=department, frames=frames)
    plan = read.plan
    if plan is None:
        return {"respondents": 0, "shown": False, "published_departments": []}
    result: ReleasedResults
    # (a plan always comes with its released frames: `released is None` only tells the type checker)
    if read.released is None or not plan.shows(("org",) if department is None else ("department", department)):
        result = {"respondents": read.included, "shown": False}
    else:
        result = frames_results(read.released, threshold=campaign.anonymity_threshold, plan=plan, department=department)
    return {**result, "published_departments": _published_departments(plan)}


def _published_departments(plan: disclosure.Plan | None) -> list[str]:
    return [
        label[1]
        for label in (plan.families.get(disclosure.MEMBERS, []) if plan else [])
        if label[0] == "department" and label[1]
    ]
