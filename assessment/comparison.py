"""Re-assessment across questionnaire versions (1.0 → 1.1), on what the two versions share.

A later version's file maps its dimensions and its unchanged statements to the earlier version's
keys (`comparison` in the framework file). A report of a campaign whose organisation's previous
campaign used that earlier version compares:

- each mapped dimension, scored on both sides from the mapped statements only (so neither side's
  score moves because statements were added or dropped); the routed minimum applies as everywhere;
- each mapped statement's score before and now;
- and lists the statements that are new in this version (nothing to compare them with).

Same-version re-assessments keep using `analysis.campaign_results`' "previous".
Both sides come from their campaign's latest release and pass the disclosure plan: a dimension's
score on the shared statements is a figure of its own ("mapped" family), published for the
organisation or a department only where the plan allows it; statement scores are those the
release publishes.
"""

from dataclasses import replace

from . import disclosure, published
from .analysis import campaign_frames, frames_results, mapped_scores, plan_for_frames
from .models import Campaign, Release
from .releases import release_current


def previous_campaign_other_version(*, campaign):
    """The organisation's latest earlier campaign, when it used the version this one maps to."""
    mapping = campaign.framework.comparison or {}
    if not mapping.get("version"):
        return None
    earlier = (
        Campaign.objects.filter(organisation_id=campaign.organisation_id, opens_at__lt=campaign.opens_at)
        .select_related("framework")
        .order_by("-opens_at")
        .first()
    )
    if earlier is None or earlier.framework_id == campaign.framework_id:
        return None
    if earlier.framework.key != campaign.framework.key or earlier.framework.version != mapping["version"]:
        return None
    return earlier


def _mapped_means(frames, plan, label):
    """{dimension: mean on the shared statements} for the group `label`, where the plan publishes it."""
    scores = mapped_scores(frames)
    if scores is None or not plan.shows(label):
        return {}
    ids = published.members(frames.respondents, plan.groups[label])
    rows = scores.loc[scores.index.isin(ids)]
    return {
        key: float(rows[key].mean())
        for key in scores.columns
        if rows[key].notna().any() and plan.shows(label, disclosure.mapped_family(key))
    }


def _earlier_side(earlier, old_keys, department):
    """The earlier campaign's released scores on the shared statements (its own plan and releases)."""
    frames = campaign_frames(campaign=earlier)
    _number, plan, released, _at = release_current(campaign=earlier, frames=frames)
    if plan is None:
        return None, {}
    released = replace(released, mapped_items=frozenset(old_keys))
    prior = [
        disclosure.Plan.from_json(r.plan, upto=r.number)
        for r in Release.objects.filter(campaign=earlier).order_by("number")
    ]
    # The shared-statement scores were never published for the earlier campaign: plan them now
    # with everything it published before, over its latest release's respondents.
    mapped_plan = plan_for_frames(released, threshold=earlier.anonymity_threshold, prior=prior[:-1])
    top = ("org",) if department is None else ("department", department)
    result = frames_results(released, threshold=earlier.anonymity_threshold, plan=plan, department=department)
    return result, _mapped_means(released, mapped_plan, top)


def version_comparison(*, campaign, result, department=None, frames=None):
    """Plain data for the report, or None when there is no earlier campaign on a mapped version."""
    earlier = previous_campaign_other_version(campaign=campaign)
    if earlier is None or not result.get("shown"):
        return None
    mapping = campaign.framework.comparison
    dimension_map, item_map = mapping.get("dimensions", {}), mapping.get("items", {})
    now_frames = frames if frames is not None else campaign_frames(campaign=campaign)
    _number, plan, released, _at = release_current(campaign=campaign, frames=now_frames)
    top = ("org",) if department is None else ("department", department)
    now_means = _mapped_means(released, plan, top) if plan is not None else {}
    before, before_means = _earlier_side(earlier, set(item_map.values()), department)
    texts = {row.item: {"en": row.text_en, "ja": row.text_ja} for row in now_frames.items.itertuples()}
    new_statements = [
        {"key": row.item, "dimension": row.dimension, "text": texts[row.item]}
        for row in now_frames.items.itertuples()
        if row.item not in item_map
    ]
    comparison = {
        "previous": {"id": earlier.pk, "name": earlier.name, "version": earlier.framework.version},
        "version": campaign.framework.version,
        "shown": bool(result.get("shown") and before is not None and before.get("shown")),
        # What the two versions share, {key now: key before}, whether or not figures can be shown.
        "shared": {"dimensions": dict(dimension_map), "statements": dict(item_map)},
        "new_statements": new_statements,
        "dropped": sorted(set(_earlier_item_keys(earlier)) - set(item_map.values())),
        "dimensions": [],
        "statements": [],
    }
    if not comparison["shown"]:
        return comparison
    mapped_count = now_frames.items[now_frames.items["item"].isin(set(item_map))].groupby("dimension").size()
    for key, old_key in dimension_map.items():
        score_now = now_means.get(key)
        score_before = before_means.get(old_key)
        comparison["dimensions"].append(
            {
                "key": key,
                "statements": int(mapped_count.get(key, 0)),
                "before": score_before,
                "now": score_now,
                "delta": None if score_now is None or score_before is None else score_now - score_before,
            }
        )
    item_now = {row["item"]: row["score"] for row in result["items"]}
    item_before = {row["item"]: row["score"] for row in before["items"]}
    for key, old_key in item_map.items():
        a, b = item_before.get(old_key), item_now.get(key)
        comparison["statements"].append(
            {
                "key": key,
                "previous_key": old_key,
                "text": texts.get(key, {}),
                "dimension": now_frames.items.set_index("item")["dimension"].get(key),
                "before": a,
                "now": b,
                "delta": None if a is None or b is None else b - a,
            }
        )
    return comparison


def _earlier_item_keys(earlier):
    return list(earlier.framework.items.values_list("key", flat=True))
