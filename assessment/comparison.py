"""Re-assessment across questionnaire versions (1.0 → 1.1), on what the two versions share.

A later version's file maps its dimensions and its unchanged statements to the earlier version's
keys (`comparison` in the framework file). A report of a campaign whose organisation's previous
campaign used that earlier version compares:

- each mapped dimension, scored on both sides from the mapped statements only (so neither side's
  score moves because statements were added or dropped); the routed minimum applies as everywhere;
- each mapped statement's score before and now;
- and lists the statements that are new in this version (nothing to compare them with).

Same-version re-assessments keep using `analysis.campaign_results`' "previous".
Anonymity is that of the two campaigns' own reports: nothing is shown for a side below its threshold.
"""

from dataclasses import replace

from .analysis import campaign_frames, frames_for_department, frames_results
from .models import Campaign


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


def _on_statements(frames, keys):
    items = frames.items[frames.items["item"].isin(keys)]
    answers = frames.answers[frames.answers["item"].isin(keys)]
    return replace(frames, items=items, answers=answers)


def version_comparison(*, campaign, result, department=None, frames=None):
    """Plain data for the report, or None when there is no earlier campaign on a mapped version."""
    earlier = previous_campaign_other_version(campaign=campaign)
    if earlier is None or not result.get("shown"):
        return None
    mapping = campaign.framework.comparison
    dimension_map, item_map = mapping.get("dimensions", {}), mapping.get("items", {})
    now_frames = frames if frames is not None else campaign_frames(campaign=campaign)
    before_frames = campaign_frames(campaign=earlier)
    if department is not None:
        now_frames = frames_for_department(now_frames, department)
        before_frames = frames_for_department(before_frames, department)
    now = frames_results(_on_statements(now_frames, set(item_map)), threshold=campaign.anonymity_threshold)
    before_items = _on_statements(before_frames, set(item_map.values()))
    before = frames_results(before_items, threshold=earlier.anonymity_threshold)
    texts = {row.item: {"en": row.text_en, "ja": row.text_ja} for row in now_frames.items.itertuples()}
    new_statements = [
        {"key": row.item, "dimension": row.dimension, "text": texts[row.item]}
        for row in now_frames.items.itertuples()
        if row.item not in item_map
    ]
    comparison = {
        "previous": {"id": earlier.pk, "name": earlier.name, "version": earlier.framework.version},
        "version": campaign.framework.version,
        "shown": bool(now["shown"] and before["shown"]),
        "new_statements": new_statements,
        "dropped": sorted(set(before_frames.items["item"]) - set(item_map.values())),
        "dimensions": [],
        "statements": [],
    }
    if not comparison["shown"]:
        return comparison
    mapped_count = now_frames.items[now_frames.items["item"].isin(set(item_map))].groupby("dimension").size()
    for key, old_key in dimension_map.items():
        score_now = now["dimensions"].get(key, {}).get("score")
        score_before = before["dimensions"].get(old_key, {}).get("score")
        comparison["dimensions"].append({
            "key": key,
            "statements": int(mapped_count.get(key, 0)),
            "before": score_before,
            "now": score_now,
            "delta": None if score_now is None or score_before is None else score_now - score_before,
        })
    item_now = {row["item"]: row["score"] for row in now["items"]}
    item_before = {row["item"]: row["score"] for row in before["items"]}
    for key, old_key in item_map.items():
        a, b = item_before.get(old_key), item_now.get(key)
        comparison["statements"].append({
            "key": key, "previous_key": old_key, "text": texts.get(key, {}),
            "dimension": now_frames.items.set_index("item")["dimension"].get(key),
            "before": a, "now": b, "delta": None if a is None or b is None else b - a,
        })
    return comparison
