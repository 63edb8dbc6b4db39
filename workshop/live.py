"""What the facilitator's screen shows: survey charts and vote results, in the active language.

The screen polls every few seconds. Charts only change when a response is submitted, so the
rendered SVG is cached under a key made of the submitted count and the latest submission time:
polling costs two small queries until something actually changes. The entry lives in the report
cache (reports/cache.py), shared by every worker process and node: a new submission is scored
once for the room, not once per gunicorn worker that happens to serve the next poll.
"""

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessment.bands import LevelBands
from assessment.i18n import current_lang, localized
from reports import cache, charts
from reports.labels import BAND_LABELS, chart_rings, radar_series

from . import selectors

# The code that turns answers into these numbers: a release that changes it gets new entries.
SOURCES = (
    *(
        Path(__file__).resolve().parent.parent / "assessment" / f"{name}.py"
        for name in ("analysis", "scoring", "recommendations")
    ),
    Path(__file__),
)


def survey_results(*, campaign, counts):
    """{"shown", "respondents", "remaining", "scores", "radar", "gap"} for the campaign, cached."""
    last = counts["last_submitted_at"].isoformat() if counts["last_submitted_at"] else "-"
    parts = (
        campaign.pk,
        campaign.framework_id,
        campaign.anonymity_threshold,
        current_lang(),
        counts["submitted"],
        last,
    )
    return cache.shared_value("workshop-live", parts=parts, sources=SOURCES, build=lambda: _survey_results(campaign))


def _survey_results(campaign):
    from assessment.analysis import campaign_results  # pandas: imported on the first scoring, not with the URLs

    result = campaign_results(campaign=campaign)
    data = {
        "shown": result["shown"],
        "respondents": result["respondents"],
        "remaining": max(campaign.anonymity_threshold - result["respondents"], 0),
        "scores": {},
        "radar": "",
        "gap": "",
        "gap_empty": False,
    }
    # Below the anonymity threshold nothing derived from the answers leaves this function.
    if not result["shown"]:
        return data
    order = [d["key"] for d in result["dimension_info"]]
    labels = [localized(d["name"], "name") for d in result["dimension_info"]]
    gaps = {g["dimension"]: g for g in result["gaps"]}
    scores = [result["dimensions"][k]["score"] for k in order]
    # the report's picture: what people other than executives experience, executives beside (reports.labels)
    series = radar_series(result, order)
    data["scores"] = dict(zip(order, scores, strict=True))
    # An empty chart on a projector looks broken: say why instead (e.g. every participant is an executive).
    data["gap_empty"] = all(gaps[k]["band"] is None for k in order)
    data["radar"] = charts.radar_svg(
        labels=labels, series=series, title=_("Readiness by dimension"), rings=chart_rings(result)
    )
    data["gap"] = charts.gap_svg(
        labels=labels,
        gaps=[{"gap": gaps[k]["gap"], "band": gaps[k]["band"], "large": gaps[k]["large"]} for k in order],
        threshold=result["gap_threshold"],
        title=_("Perception gap: executives minus everyone else"),
        band_labels={band: label() for band, label in BAND_LABELS.items()},
    )
    return data


def vote_on_score_scale(mean, levels):
    """A vote mean (levels 1–5) on the survey's 0–100 scale, so votes and agreed scores compare.

    Each level stands for the middle of its score band (level 2, 20–39, is 30); a mean between two
    levels lies between their middles. `levels` is the framework's list of {"level", "min"}.
    """
    if mean is None or not levels:
        return None
    mins = [*LevelBands.from_levels(levels).mins, 100.0]
    middles = [(mins[i] + mins[i + 1]) / 2 for i in range(len(mins) - 1)]
    position = min(max(float(mean), 1.0), float(len(middles))) - 1
    below = int(position)
    if below >= len(middles) - 1:
        return middles[-1]
    return middles[below] + (position - below) * (middles[below + 1] - middles[below])


def level_bands(levels):
    """{"2": "20–39"}: the score band each vote value stands for (keys as posted, strings)."""
    mins = [int(low) for low in LevelBands.from_levels(levels).mins]
    tops = [low - 1 for low in mins[1:]] + [100]
    return {str(level): f"{low}–{top}" for level, (low, top) in enumerate(zip(mins, tops, strict=True), start=1)}


def _with_score(cell, levels):
    if not cell or not cell.get("shown"):
        return cell
    return {**cell, "score": vote_on_score_scale(cell.get("mean"), levels)}


def dimension_rows(*, dimensions, survey, votes, agreements, levels=()):
    """One row per dimension: survey score, the two rounds' results, the agreed score.

    Vote cells carry `score`, the mean on the 0–100 scale, when the framework's `levels` are given.
    """
    rows = []
    for d in dimensions:
        rows.append(
            {
                "key": d.key,
                "name": localized(d, "name"),
                "survey": survey["scores"].get(d.key) if survey["shown"] else None,
                "pre": _with_score(votes["pre"]["dimensions"].get(d.key), levels) if votes else None,
                "re": _with_score(votes["re"]["dimensions"].get(d.key), levels) if votes else None,
                "agreement": agreements.get(d.key),
            }
        )
    return rows


def live_context(*, campaign, session):
    """Everything the live partial shows (also the first render of the facilitator page)."""
    counts = selectors.participation_counts(campaign=campaign)
    survey = survey_results(campaign=campaign, counts=counts)
    dimensions = selectors.campaign_dimensions(campaign=campaign)
    votes = None
    if session is not None:
        votes = selectors.vote_summary(
            session=session, threshold=campaign.anonymity_threshold, dimension_keys=[d.key for d in dimensions]
        )
    agreements = selectors.session_agreements(session=session)
    return {
        "campaign": campaign,
        "session": session,
        "counts": counts,
        "survey": survey,
        "votes": votes,
        "rows": dimension_rows(
            dimensions=dimensions, survey=survey, votes=votes, agreements=agreements, levels=campaign.framework.levels
        ),
        "round_notes": round_notes(session=session, votes=votes, threshold=campaign.anonymity_threshold),
        "threshold": campaign.anonymity_threshold,
    }


def round_notes(*, session, votes, threshold):
    """Why a round shows no results yet: still voting (count only), or too few voters."""
    notes = []
    for entry in (votes or {}).values():
        n = entry["voters"]
        if session.voting_round == entry["round"]:
            text = ngettext(
                "%(round)s: %(n)d person has voted so far. Results appear when the vote is closed.",
                "%(round)s: %(n)d people have voted so far. Results appear when the vote is closed.",
                n,
            )
        elif entry["finished"] and not entry["enough"]:
            text = ngettext(
                "%(round)s: only %(n)d person voted; results are shown from %(threshold)d voters.",
                "%(round)s: only %(n)d people voted; results are shown from %(threshold)d voters.",
                n,
            )
        else:
            continue
        values = {"round": entry["label"], "n": n, "threshold": threshold}
        notes.append({"round": entry["round"], "text": text % values})
    return notes
