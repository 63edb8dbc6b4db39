"""A campaign's results: the database is read once into frames, then scoring's pure functions run.

`campaign_results` returns plain, JSON-ready data; reports, the command line and the web pages
all use it, so a number means the same everywhere.
"""

from dataclasses import dataclass, replace

import pandas as pd
from django.db import connection

from . import recommendations as recs
from . import routing, scoring
from .models import Answer, Campaign, Department, Dimension, Item, Response


@dataclass
class CampaignFrames:
    spec: scoring.FrameworkSpec
    dimensions: list  # [{"key", "name": {"en","ja"}, "weight", "levels": {...}}]
    items: pd.DataFrame  # item (key), dimension, reverse, text_en, text_ja
    respondents: pd.DataFrame  # respondent, role_group, department
    answers: pd.DataFrame  # respondent, item (key), value
    departments: dict  # key -> {"en", "ja"}


def _rows(queryset):
    """Rows of a values_list queryset straight from the cursor: no per-row model overhead."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def campaign_frames(*, campaign):
    """Four queries, whatever the number of respondents: dimensions, items, respondents, answers (+ departments)."""
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
    submitted = Response.objects.filter(campaign=campaign, submitted_at__isnull=False)
    respondents = pd.DataFrame(
        _rows(submitted.order_by("id").values_list("id", "role_group", "department__key")),
        columns=["respondent", "role_group", "department"],
    )
    answers = pd.DataFrame(
        _rows(Answer.objects.filter(response__in=submitted).values_list("response_id", "item_id", "value")),
        columns=["respondent", "item_id", "value"],
    )
    answers["value"] = pd.to_numeric(answers["value"], errors="coerce")
    answers = answers.merge(items[["item_id", "item"]], on="item_id").drop(columns="item_id")
    departments = {
        key: {"en": en, "ja": ja}
        for key, en, ja in Department.objects.filter(organisation_id=campaign.organisation_id).values_list(
            "key", "name_en", "name_ja"
        )
    }
    spec = scoring.FrameworkSpec(
        dimensions=tuple(d["key"] for d in dimension_rows),
        weights={d["key"]: float(d["weight"]) for d in dimension_rows},
        level_mins=tuple(float(level["min"]) for level in framework.levels),
        min_answered=framework.min_answered_per_dimension,
        gap_threshold=float(framework.gap_threshold),
    )
    dimensions = [
        {"key": d["key"], "name": {"en": d["name_en"], "ja": d["name_ja"]}, "weight": float(d["weight"]),
         "levels": d["level_descriptions"]}
        for d in dimension_rows
    ]
    return CampaignFrames(spec, dimensions, items, respondents, answers, departments)


def frames_results(frames, *, threshold):
    """Everything computed from the frames (pure; no database)."""
    spec = frames.spec
    scored = scoring.scored_answers(frames.answers, frames.items)
    # Statements are routed by role group (1.1): minimum answered relative to what each was shown.
    required = routing.routed_minimum(frames.items, frames.respondents, spec.min_answered)
    scores = scoring.respondent_scores(scored, spec, frames.respondents, required=required)
    total = len(frames.respondents)
    result = {"respondents": total, "shown": total >= threshold}
    if not result["shown"]:
        # Below the threshold the organisation itself is a group too small to show.
        return result
    result.update(scoring.summarise(scores, scored, spec))
    roles = scoring.group_results(
        scores, scored, frames.respondents, "role_group", spec, threshold, protect=("executive",)
    )
    executives_alone = any(row["key"] == "executive" for row in roles)
    result["gaps"] = routing.perception_gaps_shared(
        scored, frames.items, frames.respondents, spec, threshold, exact_allowed=executives_alone
    )
    result["groups"] = {
        "role_group": roles,
        "department": scoring.group_results(scores, scored, frames.respondents, "department", spec, threshold),
    }
    items = scoring.item_summary(scored)
    result["items"] = [
        {"item": key, "dimension": row.dimension, "score": _num(row.score), "favourable": _num(row.favourable),
         "answered": int(row.answered), "dont_know": int(row.dont_know)}
        for key, row in items.iterrows()
    ]
    return result


def _num(value):
    return None if pd.isna(value) else float(value)


def previous_campaign(*, campaign):
    """The organisation's latest earlier campaign on the same framework version (same items)."""
    return (
        Campaign.objects.filter(
            organisation_id=campaign.organisation_id, framework_id=campaign.framework_id, opens_at__lt=campaign.opens_at
        )
        .order_by("-opens_at")
        .first()
    )


def frames_for_department(frames, department):
    """The same frames narrowed to one department's respondents (for a department report)."""
    respondents = frames.respondents[frames.respondents["department"] == department]
    answers = frames.answers[frames.answers["respondent"].isin(respondents["respondent"])]
    return replace(frames, respondents=respondents, answers=answers)


def campaign_results(*, campaign, limit=10, department=None, frames=None):
    """Scores, levels, groups, gaps, recommendations with reasons, and change since last time.

    With `department` (a key) everything is computed for that department's respondents alone,
    under the same anonymity rules. `frames` lets a caller that already read the campaign
    (the personal report) pass them in instead of reading it again.
    """
    framework = campaign.framework
    frames = frames if frames is not None else campaign_frames(campaign=campaign)
    if department is not None:
        frames = frames_for_department(frames, department)
    result = frames_results(frames, threshold=campaign.anonymity_threshold)
    levels = {level["level"]: level["name"] for level in framework.levels}
    result.update(
        campaign={"id": campaign.pk, "name": campaign.name, "organisation": campaign.organisation.name_en,
                  "organisation_name": {"en": campaign.organisation.name_en, "ja": campaign.organisation.name_ja},
                  "framework": f"{framework.key} {framework.version}"},
        anonymity_threshold=campaign.anonymity_threshold,
        gap_threshold=float(framework.gap_threshold),
        department=department,
        dimension_info=frames.dimensions,
        item_info=[
            {"key": row.item, "dimension": row.dimension, "reverse": bool(row.reverse),
             "text": {"en": row.text_en, "ja": row.text_ja}}
            for row in frames.items.itertuples()
        ],
        level_names=levels,
        department_names=frames.departments,
        recommendations=[],
        first_three=[],
        previous=None,
    )
    if not result["shown"]:
        return result
    path = recs.catalogue_path(framework.key, framework.version)
    if path is not None:
        catalogue = recs.catalogue_load(str(path), frames.spec.dimensions)
        result["recommendations"] = recs.recommendations_select(
            catalogue,
            result,
            dimension_names={d["key"]: d["name"] for d in frames.dimensions},
            level_names=levels,
            weights=frames.spec.weights,
            gap_threshold=frames.spec.gap_threshold,
            limit=limit,
        )
        result["first_three"] = recs.first_three(result["recommendations"])
    earlier = previous_campaign(campaign=campaign)
    if earlier is not None:
        before_frames = campaign_frames(campaign=earlier)
        if department is not None:
            before_frames = frames_for_department(before_frames, department)
        before = frames_results(before_frames, threshold=earlier.anonymity_threshold)
        if before["shown"]:
            result["previous"] = {
                "campaign": {"id": earlier.pk, "name": earlier.name},
                "overall": before["overall"],
                "dimensions": {k: v["score"] for k, v in before["dimensions"].items()},
                "delta": scoring.deltas(result, before),
            }
    return result
