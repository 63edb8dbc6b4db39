"""Read functions: each returns a queryset or plain data, never changes anything."""

import statistics
import time
from datetime import timedelta
from typing import overload

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404

from .models import Answer, Dimension, Framework, Invitation, Item, Response
from .result_types import LocalText
from .routing import items_shown, survey_minutes  # routing imports pandas only where used
from .tokens import token_hash


def invitation_get_for_token(*, token):
    """The respondent's only key: the raw token from the link. Unknown tokens are a 404."""
    try:
        return Invitation.objects.select_related(
            "campaign__organisation", "campaign__framework", "department", "response__department"
        ).get(token_hash=token_hash(token))
    except Invitation.DoesNotExist:
        raise Http404("unknown respondent link") from None


_AUTOSAVE_SQL: dict[str, tuple[str, int]] = {}  # database vendor -> (statement, parameter count)


def autosave_target(*, token):
    """What the autosave needs for a token, in one narrow query; unknown tokens are a 404.

    The pages' lookup joins seven tables for whole objects; the busiest request needs six
    columns: {"opens_at", "closes_at", "framework": Framework(pk, source_sha256 only),
    "response_id" (None before the profile page), "role_group", "submitted"}. Its SQL is compiled
    once per process (only the token hash changes).
    """
    from django.db import connection

    if connection.vendor not in _AUTOSAVE_SQL:
        query = Invitation.objects.filter(token_hash="").values_list(
            "campaign__opens_at",
            "campaign__closes_at",
            "campaign__framework_id",
            "campaign__framework__source_sha256",
            "response__id",
            "response__role_group",
            "response__submitted_at",
        )[:1]
        sql, params = query.query.sql_with_params()
        if list(params) not in (["", 1], [""]):  # the token hash (and the LIMIT) only
            raise RuntimeError(f"autosave query has unexpected parameters: {params!r}")
        _AUTOSAVE_SQL[connection.vendor] = (sql, len(params))
    sql, n_params = _AUTOSAVE_SQL[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_hash(token), 1][:n_params])
        row = cursor.fetchone()
    if row is None:
        raise Http404("unknown respondent link")
    opens_at, closes_at, framework_id, sha, response_id, role_group, submitted_at = row

    def moment(value):  # SQLite's raw cursor gives naive datetimes (or text); PostgreSQL aware ones
        if isinstance(value, str) or value.tzinfo is None:
            return connection.ops.convert_datetimefield_value(value, None, connection)
        return value

    return {
        "opens_at": moment(opens_at),
        "closes_at": moment(closes_at),
        "framework": Framework(pk=framework_id, source_sha256=sha),
        "response_id": response_id,
        "role_group": role_group or "",
        "submitted": submitted_at is not None,
    }


def invitation_response(*, invitation):
    """The invitation's response, or None before the respondent has started."""
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


def framework_dimensions(*, framework):
    """Dimensions in questionnaire order with their items prefetched (two queries)."""
    return Dimension.objects.filter(framework=framework).prefetch_related(
        Prefetch("items", queryset=Item.objects.order_by("order"))
    )


def response_answer_values(*, response):
    """{item_id: value} for a response; value None is "don't know"."""
    if response is None:
        return {}
    return dict(Answer.objects.filter(response=response).values_list("item_id", "value"))


_ITEM_KEYS: dict[tuple[int, str], dict[str, Item]] = {}


def framework_item_keys(*, framework):
    """{item key: Item with id and framework_id only}, cached per framework version and file.

    The autosave looks an item up on every request; a version's items only change together with
    its file hash (and never once answered), so the hash keeps the cache honest.
    """
    cache_key = (framework.pk, framework.source_sha256)
    if cache_key not in _ITEM_KEYS:
        rows = Item.objects.filter(framework=framework).values_list("id", "key", "audience")
        _ITEM_KEYS[cache_key] = {
            key: Item(id=pk, key=key, framework_id=framework.pk, audience=audience) for pk, key, audience in rows
        }
    return _ITEM_KEYS[cache_key]


def framework_items_shown_count(*, framework, role_group):
    """How many statements a respondent of `role_group` is shown (from the cached item keys)."""
    return len(items_shown(framework_item_keys(framework=framework).values(), role_group))


def response_progress(*, response, framework):
    """Answered and total statements shown to this respondent (one small count query)."""
    answered = Answer.objects.filter(response=response).count()
    total = len(items_shown(framework_item_keys(framework=framework).values(), response.role_group))
    return {"answered": answered, "total": total, "percent": round(100 * answered / total) if total else 0}


def framework_latest(*, key):
    """The highest version of a framework (1.1 after 1.0 whatever the loading order); new campaigns use it."""
    return max(Framework.objects.filter(key=key), key=lambda f: _version_tuple(f.version), default=None)


def _version_tuple(version):
    return tuple(int(part) if part.isdigit() else -1 for part in str(version).split("."))


def campaign_response_counts(*, campaign):
    """Invited, started and submitted, in two queries.

    Counted per table: one aggregate over a join of invitations and responses multiplies the
    rows (10,000 × 10,000 at scale, minutes of work) before DISTINCT removes them again.
    """
    responses = Response.objects.filter(campaign=campaign).aggregate(
        started=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False))
    )
    return {"invited": Invitation.objects.filter(campaign=campaign).count(), **responses}


def campaign_recommendations(*, campaign, limit=10):
    """The campaign's recommendations, most important first, each with the reason it was chosen."""
    from .analysis import campaign_results  # pandas: imported where used, not by every view module

    return campaign_results(campaign=campaign, limit=limit)["recommendations"]


@overload
def framework_role_labels(*, framework: Framework, lang: None = None) -> dict[str, LocalText]: ...
@overload
def framework_role_labels(*, framework: Framework, lang: str) -> dict[str, str]: ...
def framework_role_labels(*, framework: Framework, lang: str | None = None) -> dict[str, LocalText] | dict[str, str]:
    """{role key: {"en", "ja"}} short labels of a framework version's role groups, in its order.

    Reports label groups with these (1.1 has six role groups, 1.0 four); `lang` gives plain strings.
    The file's `short` label is used when present, else the option label.
    """
    labels = {
        option["key"]: option.get("short") or option["label"]
        for option in (framework.profile or {}).get("role_group", {}).get("options", [])
    }
    return {key: text[lang] for key, text in labels.items()} if lang else labels


def framework_statement_counts(*, framework):
    """{role key: statements shown to that role group} for a framework version."""
    items = list(framework_item_keys(framework=framework).values())
    roles = [o["key"] for o in (framework.profile or {}).get("role_group", {}).get("options", [])]
    return {role: len(items_shown(items, role)) for role in roles}


# How long the survey takes is measured, not guessed, once enough people have answered this version:
# the time from the profile page (`started_at`, right before the first answer) to the submission,
# per statement shown to the person, median over the latest submitted responses. Durations under a
# minute (imported or generated responses) or over three hours (left and came back) are not
# answering times and are left out. Fewer than DURATION_MEASURED_MIN: the statement-count estimate.
DURATION_MEASURED_MIN = 20
DURATION_MEASURED_LATEST = 200
DURATION_PLAUSIBLE = (timedelta(minutes=1), timedelta(hours=3))
DURATION_CACHE_SECONDS = 600  # read at most every ten minutes per process: a median of 200 moves slowly
_PACE: dict[
    tuple[int, str, object], tuple[float, float | None]
] = {}  # (framework pk, file hash, loaded at) -> (monotonic time read, seconds per statement or None)


def survey_seconds_per_statement(*, framework):
    """Median measured seconds per statement shown, over recent submissions of this version; None if too few."""
    key = (framework.pk, framework.source_sha256, framework.loaded_at)
    now = time.monotonic()
    cached = _PACE.get(key)
    if cached is None or now - cached[0] > DURATION_CACHE_SECONDS:
        cached = _PACE[key] = (now, _measured_pace(framework))
    return cached[1]


def _measured_pace(framework):
    shortest, longest = DURATION_PLAUSIBLE
    rows = (
        Response.objects.filter(
            campaign__framework_id=framework.pk,
            submitted_at__isnull=False,
            submitted_at__gte=F("started_at") + shortest,
            submitted_at__lte=F("started_at") + longest,
        )
        .order_by("-pk")
        .values_list("role_group", "started_at", "submitted_at")[:DURATION_MEASURED_LATEST]
    )
    counts = framework_statement_counts(framework=framework)
    rates = [
        (submitted - started).total_seconds() / counts[role] for role, started, submitted in rows if counts.get(role)
    ]
    return statistics.median(rates) if len(rates) >= DURATION_MEASURED_MIN else None


def survey_duration(*, framework, role_group=""):
    """(low, high) minutes to answer: exact for a known role group, else the range over all of them.

    Measured (`survey_seconds_per_statement`) when enough people answered this version, else the
    estimate from the statement counts.
    """
    counts = framework_statement_counts(framework=framework)
    if role_group in counts:
        counts = {role_group: counts[role_group]}
    pages = framework.dimensions.count() + 2  # profile and review pages
    return survey_minutes(counts.values(), pages, survey_seconds_per_statement(framework=framework))
