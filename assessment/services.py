"""Write functions for frameworks, invitations and the respondent's answers."""

from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ApplicationError
from .framework_file import (
    EVERYONE,
    FrameworkFileError,
    audience_includes,
    framework_file_read,
    items_shown,  # not .routing: that imports pandas
)
from .models import Answer, Campaign, Dimension, Framework, FrameworkLocked, Invitation, Item, Response
from .selectors import framework_dimensions
from .tokens import token_for_nonce, token_hash, token_nonce_new


class RespondentError(ApplicationError):
    """A respondent action that cannot be done; the message is shown to the respondent."""

    status = 400


class CampaignNotOpen(RespondentError):
    status = 403


class ResponseLocked(RespondentError):
    status = 409


class ResponseIncomplete(RespondentError):
    def __init__(self, missing_items):
        self.missing_items = missing_items
        super().__init__(_("%(count)d statements still need an answer.") % {"count": len(missing_items)})


# --- frameworks --------------------------------------------------------------------------


@transaction.atomic
def framework_load(*, path):
    """Load a framework file. Returns (framework, outcome) with outcome created/updated/unchanged.

    A version that already has answers is never changed: a different file for it raises
    FrameworkLocked, and the author must publish it under a new version number.
    """
    data, sha = framework_file_read(path, earlier=_earlier_version_lookup(Path(path).parent))
    framework = Framework.objects.filter(key=data["key"], version=data["version"]).first()
    if framework and framework.source_sha256 == sha:
        return framework, "unchanged"
    if framework:
        framework.ensure_unlocked()
        framework.dimensions.all().delete()
        outcome = "updated"
    else:
        framework = Framework(key=data["key"], version=data["version"])
        outcome = "created"
    framework.title_en, framework.title_ja = data["title"]["en"], data["title"]["ja"]
    framework.description_en, framework.description_ja = data["description"]["en"], data["description"]["ja"]
    framework.min_answered_per_dimension = data["min_answered_per_dimension"]
    framework.gap_threshold = data["gap_threshold"]
    framework.scale = {
        "anchors": {str(k): v for k, v in data["scale"]["anchors"].items()},
        "dont_know": data["scale"]["dont_know"],
    }
    framework.levels = data["levels"]
    framework.profile = data["profile"]
    framework.comparison = data.get("comparison", {})
    framework.comments = data.get("comments", {})
    framework.source_sha256 = sha
    framework.loaded_at = timezone.now()
    framework.save()
    for d_order, d in enumerate(data["dimensions"], start=1):
        dimension = Dimension.objects.create(
            framework=framework,
            key=d["key"],
            order=d_order,
            weight=d["weight"],
            name_en=d["name"]["en"],
            name_ja=d["name"]["ja"],
            description_en=d["description"]["en"],
            description_ja=d["description"]["ja"],
            level_descriptions={str(k): v for k, v in d["levels"].items()},
        )
        Item.objects.bulk_create(
            Item(
                framework=framework,
                dimension=dimension,
                key=i["key"],
                order=i_order,
                reverse=i.get("reverse", False),
                text_en=i["text"]["en"],
                text_ja=i["text"]["ja"],
                audience=i.get("audience", [EVERYONE]),
            )
            for i_order, i in enumerate(d["items"], start=1)
        )
    return framework, outcome


def _earlier_version_lookup(folder):
    """For a comparison mapping: the keys of another version, loaded or in a file beside this one."""

    def lookup(key, version):
        framework = Framework.objects.filter(key=key, version=version).first()
        if framework is not None:
            return {
                "dimensions": set(framework.dimensions.values_list("key", flat=True)),
                "items": dict(framework.items.values_list("key", "dimension__key")),
            }
        for suffix in (".yaml", ".yml", ".json"):
            candidate = folder / f"{key}-{version}{suffix}"
            if candidate.exists():
                try:
                    data, _sha = framework_file_read(candidate)
                except FrameworkFileError:
                    return None
                return {
                    "dimensions": {d["key"] for d in data["dimensions"]},
                    "items": {i["key"]: d["key"] for d in data["dimensions"] for i in d["items"]},
                }
        return None

    return lookup


# --- invitations ---------------------------------------------------------------------------


def invitation_create(*, campaign, role_group="", department=None, email="", name=""):
    """Create an invitation and return (invitation, raw_token); the raw token is never stored."""
    if department is not None and department.organisation_id != campaign.organisation_id:
        raise ValueError("department belongs to another organisation")
    nonce = token_nonce_new()
    token = token_for_nonce(nonce)
    invitation = Invitation.objects.create(
        campaign=campaign,
        token_hash=token_hash(token),
        token_nonce=nonce,
        role_group=role_group,
        department=department,
        email=email,
        name=name,
    )
    return invitation, token


def invitation_token(*, invitation):
    """The link token of an invitation, derived again (for reminders); None for old random ones."""
    if not invitation.token_nonce:
        return None
    return token_for_nonce(invitation.token_nonce)


# --- the respondent ------------------------------------------------------------------------


def _ensure_open(campaign):
    if not campaign.is_open():
        if timezone.now() < campaign.opens_at:
            raise CampaignNotOpen(_("This survey has not opened yet."))
        raise CampaignNotOpen(_("This survey has closed."))


def response_start(*, invitation, role_group, department, tenure):
    """Create the response (or update its profile while it is still open to changes)."""
    _ensure_open(invitation.campaign)
    if department is not None and department.organisation_id != invitation.campaign.organisation_id:
        raise RespondentError(_("Choose a department of your organisation."))
    with transaction.atomic():
        # Share the campaign's row lock with other starts, against a framework change
        # (lifecycle.campaign_update locks it fully before checking that nobody has answered).
        list(Campaign.objects.select_for_update(no_key=True).filter(pk=invitation.campaign_id).values_list("pk"))
        try:
            response, _created = Response.objects.select_for_update().get_or_create(
                invitation=invitation,
                defaults={"campaign": invitation.campaign},
            )
        except IntegrityError:  # two tabs started at once: the other one won
            response = Response.objects.select_for_update().get(invitation=invitation)
        if response.is_submitted:
            raise ResponseLocked(_("Your answers have been submitted and can no longer be changed."))
        role_before = response.role_group
        response.role_group = invitation.role_group or role_group
        response.department = invitation.department or department
        response.tenure = tenure
        response.save()
        if response.role_group != role_before:
            _drop_answers_not_shown(response)
    return response


def _drop_answers_not_shown(response):
    """After a change of role group, answers to statements the new group is not asked go away.

    They would otherwise count in scores for statements this person is not shown any more.
    """
    hidden = [
        item.id
        for item in Item.objects.filter(framework_id=response.campaign.framework_id).only("id", "audience")
        if not audience_includes(item.audience, response.role_group)
    ]
    if hidden:
        Answer.objects.filter(response=response, item_id__in=hidden).delete()


@transaction.atomic
def answers_save(*, response, values, campaign=None):
    """Save {item: value} (value 1–5, or None for "don't know") for an open response."""
    campaign = campaign or response.campaign
    _ensure_open(campaign)
    framework_id = campaign.framework_id
    for item, value in values.items():
        if item.framework_id != framework_id or not audience_includes(item.audience, response.role_group):
            raise RespondentError(_("That statement is not part of this survey."))
        if value is not None and not (isinstance(value, int) and 1 <= value <= 5):
            raise RespondentError(_("Answers must be 1 to 5 or “don't know”."))
    now = timezone.now()
    # Lock the response row and check it is still open in one statement. Submitting takes the
    # same row lock, so a save either lands before the submission or sees it and is refused.
    if not Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(updated_at=now):
        raise ResponseLocked(_("Your answers have been submitted and can no longer be changed."))
    # One upsert for the page (INSERT ... ON CONFLICT DO UPDATE): the autosave is the busiest request.
    Answer.objects.bulk_create(
        [Answer(response=response, item=item, value=value, updated_at=now) for item, value in values.items()],
        update_conflicts=True,
        unique_fields=["response", "item"],
        update_fields=["value", "updated_at"],
    )


# PostgreSQL: lock-and-check the response, upsert the answer and count the answers in one
# statement (one round trip, no BEGIN/COMMIT). Every part sees the snapshot taken before the
# upsert, so the count is the earlier answers plus one if this answer is new (xmax = 0 marks an
# inserted row). Two tabs saving at once serialise on the response row; the count is then a
# display hint that the next save corrects.
_AUTOSAVE_PG = """
WITH locked AS (
    UPDATE assessment_response SET updated_at = %(now)s
    WHERE id = %(response)s AND submitted_at IS NULL RETURNING id
), saved AS (
    INSERT INTO assessment_answer (response_id, item_id, value, updated_at)
    SELECT id, %(item)s, %(value)s, %(now)s FROM locked
    ON CONFLICT (response_id, item_id) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
    RETURNING (xmax = 0) AS inserted
)
SELECT (SELECT count(*) FROM locked),
       (SELECT count(*) FROM assessment_answer WHERE response_id = %(response)s)
       + (SELECT count(*) FROM saved WHERE inserted)
"""


def answer_autosave(*, response_id, role_group, framework_id, opens_at, closes_at, item, value):
    """Save one answer of an open response; returns how many answers the response has now.

    The autosave's own path (see `selectors.autosave_target`): the same rules as `answers_save`,
    from plain values instead of whole objects, in one statement on PostgreSQL.
    """
    if not opens_at <= timezone.now() < closes_at:
        raise CampaignNotOpen(
            _("This survey has not opened yet.") if timezone.now() < opens_at else _("This survey has closed.")
        )
    if item.framework_id != framework_id or not audience_includes(item.audience, role_group):
        raise RespondentError(_("That statement is not part of this survey."))
    if value is not None and not (isinstance(value, int) and 1 <= value <= 5):
        raise RespondentError(_("Answers must be 1 to 5 or “don't know”."))
    if connection.vendor != "postgresql":
        response = Response(pk=response_id, role_group=role_group)
        answers_save(
            response=response,
            campaign=Campaign(framework_id=framework_id, opens_at=opens_at, closes_at=closes_at),
            values={item: value},
        )
        return Answer.objects.filter(response_id=response_id).count()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_AUTOSAVE_PG, {"now": now, "response": response_id, "item": item.pk, "value": value})
        locked, answered = cursor.fetchone()
    if not locked:
        raise ResponseLocked(_("Your answers have been submitted and can no longer be changed."))
    return answered


def response_missing_items(*, response):
    answered = set(Answer.objects.filter(response=response).values_list("item_id", flat=True))
    return [
        item
        for dimension in framework_dimensions(framework=response.campaign.framework)
        for item in items_shown(dimension.items.all(), response.role_group)
        if item.id not in answered
    ]


def response_submit(*, response, language=None):
    """Submit once. Returns True when this call submitted it, False when it already was.

    A second click, a second tab or the back button all arrive here; the row lock makes
    exactly one of them the submission and the others see it done.
    """
    with transaction.atomic():
        response = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
        if response.is_submitted:
            return False
        _ensure_open(response.campaign)
        missing = response_missing_items(response=response)
        if missing:
            raise ResponseIncomplete(missing)
        response.submitted_at = timezone.now()
        response.language = language
        response.save(update_fields=["submitted_at", "language", "updated_at"])
    return True


__all__ = [
    "CampaignNotOpen",
    "FrameworkLocked",
    "RespondentError",
    "ResponseIncomplete",
    "ResponseLocked",
    "answers_save",
    "framework_load",
    "invitation_create",
    "response_start",
    "response_submit",
]
