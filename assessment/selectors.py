"""Read functions: each returns a queryset or plain data, never changes anything."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from .analysis import campaign_results
from .models import Answer, Dimension, Framework, Invitation, Item, Response
from .tokens import token_hash


def invitation_get_for_token(*, token):
    """The respondent's only key: the raw token from the link. Unknown tokens are a 404."""
    try:
        return Invitation.objects.select_related(
            "campaign__organisation", "campaign__framework", "department", "response__department"
        ).get(token_hash=token_hash(token))
    except Invitation.DoesNotExist:
        raise Http404("unknown respondent link") from None


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


_ITEM_KEYS = {}


def framework_item_keys(*, framework):
    """{item key: Item with id and framework_id only}, cached per framework version and file.

    The autosave looks an item up on every request; a version's items only change together with
    its file hash (and never once answered), so the hash keeps the cache honest.
    """
    cache_key = (framework.pk, framework.source_sha256)
    if cache_key not in _ITEM_KEYS:
        rows = Item.objects.filter(framework=framework).values_list("id", "key")
        _ITEM_KEYS[cache_key] = {key: Item(id=pk, key=key, framework_id=framework.pk) for pk, key in rows}
    return _ITEM_KEYS[cache_key]


def response_progress(*, response, framework):
    """Answered and total statements (one small count query)."""
    answered = Answer.objects.filter(response=response).count()
    total = len(framework_item_keys(framework=framework))
    return {"answered": answered, "total": total, "percent": round(100 * answered / total) if total else 0}


def framework_latest(*, key):
    return Framework.objects.filter(key=key).order_by("-loaded_at").first()


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
    return campaign_results(campaign=campaign, limit=limit)["recommendations"]
