"""Writes: commitments (versioned), actions, and the reminder e-mails for actions falling due."""

import logging
from datetime import date, timedelta

from django.core import mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment.errors import ApplicationError
from assessment.models import Membership

from . import adapter, selectors
from .models import Action, ActionStatus, Commitment, OwnerRole

logger = logging.getLogger(__name__)

# Default due date of an action made from a recommendation: its horizon.
HORIZON_DAYS = {"90d": 90, "1y": 365, "3y": 3 * 365}


class FollowthroughError(ApplicationError, ValueError):
    """Bad input, with a bilingual-ready message (already translated in the active language)."""


def _dimension_keys(campaign):
    return set(campaign.framework.dimensions.values_list("key", flat=True))


def commitment_set(*, campaign, dimension, target_level, target_date, rationale, user=None):
    """Record a target for one dimension. An unchanged target adds no version; a change adds one.

    Returns (commitment, created).
    """
    if dimension not in _dimension_keys(campaign):
        raise FollowthroughError(_("Unknown dimension: %(key)s") % {"key": dimension})
    if not isinstance(target_level, int) or not 1 <= target_level <= 5:
        raise FollowthroughError(_("The target level must be between 1 and 5."))
    if not isinstance(target_date, date):
        raise FollowthroughError(_("Give the date by which the target should be reached."))
    rationale = (rationale or "").strip()
    if not rationale:
        raise FollowthroughError(_("Give a one-line rationale for the target."))
    if len(rationale) > 300 or "\n" in rationale:
        raise FollowthroughError(_("The rationale must be one line of at most 300 characters."))
    for attempt in range(3):  # two people saving at once: the loser takes the next version number
        current = selectors.commitments_current(campaign=campaign).get(dimension)
        if current and (current.target_level, current.target_date, current.rationale) == (
            target_level,
            target_date,
            rationale,
        ):
            return current, False
        try:
            with transaction.atomic():
                commitment = Commitment.objects.create(
                    campaign=campaign,
                    dimension=dimension,
                    target_level=target_level,
                    target_date=target_date,
                    rationale=rationale,
                    set_by=user if user and user.is_authenticated else None,
                    version=selectors.commitment_version_latest(campaign=campaign, dimension=dimension) + 1,
                )
            return commitment, True
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def actions_create_from_recommendations(*, campaign, keys, user=None, today=None):
    """One action per chosen recommendation of the campaign's released results. Returns (created, existing).

    Owner, title and dimension come from the recommendation; the due date is its horizon from
    today. A recommendation that already has an action is left alone (the click is idempotent).
    """
    today = today or timezone.localdate()
    from assessment.analysis import campaign_results  # pandas: imported where used

    released = {rec["key"]: rec for rec in adapter.recommendations(campaign_results(campaign=campaign))}
    unknown = [key for key in keys if key not in released]
    if unknown:
        raise FollowthroughError(
            _("These recommendations are not in this campaign's report: %(keys)s") % {"keys": ", ".join(unknown)}
        )
    created, existing = [], []
    for key in dict.fromkeys(keys):  # keeps order, drops repeats
        rec = released[key]
        owner = rec["owner"] if rec["owner"] in OwnerRole.values else ""
        defaults = {
            "dimension": rec["dimension"],
            "title_en": rec["title"]["en"][:300],
            "title_ja": rec["title"]["ja"][:300],
            "owner_role": owner,
            "owner_name": "" if owner else _("To be named"),
            "due_date": today + timedelta(days=HORIZON_DAYS.get(rec["horizon"], 90)),
            "created_by": user if user and user.is_authenticated else None,
        }
        try:
            with transaction.atomic():
                action, made = Action.objects.get_or_create(campaign=campaign, recommendation=key, defaults=defaults)
        except IntegrityError:  # someone else's click won the race
            action, made = Action.objects.get(campaign=campaign, recommendation=key), False
        (created if made else existing).append(action)
    return created, existing


def action_create(
    *,
    campaign,
    dimension,
    title_en,
    title_ja,
    owner_role="",
    owner_name="",
    owner_email="",
    due_date=None,
    notes="",
    user=None,
):
    """An action typed by hand (not from a recommendation)."""
    if dimension not in _dimension_keys(campaign):
        raise FollowthroughError(_("Unknown dimension: %(key)s") % {"key": dimension})
    action = Action(campaign=campaign, dimension=dimension, created_by=user if user and user.is_authenticated else None)
    return action_update(
        action=action,
        title_en=title_en,
        title_ja=title_ja,
        owner_role=owner_role,
        owner_name=owner_name,
        owner_email=owner_email,
        due_date=due_date,
        notes=notes,
    )


EDITABLE = ("owner_role", "owner_name", "owner_email", "due_date", "status", "notes", "title_en", "title_ja")


def action_update(*, action, **fields):
    """Change an action's owner, due date, status, notes or titles."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    if not action.owner_role and not action.owner_name:
        raise FollowthroughError(_("Give an owner: a role, a name, or both."))
    if action.status not in ActionStatus.values:
        raise FollowthroughError(_("Unknown status."))
    if not action.title_en or not action.title_ja:
        raise FollowthroughError(_("The action needs a title in English and in Japanese."))
    action.full_clean(exclude=["campaign", "created_by"], validate_unique=False)
    action.save()
    return action


# --- reminders -----------------------------------------------------------------------------------


def _recipients(action):
    if action.owner_email:
        return [action.owner_email]
    roles = [Membership.Role.HR, Membership.Role.CONSULTANT]
    emails = (
        Membership.objects.filter(organisation_id=action.campaign.organisation_id, role__in=roles)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def _reminder_message(action, recipients, *, connection, site_url):
    from django.conf import settings
    from django.urls import reverse

    def labels(lang):
        with translation.override(lang):
            owner = str(OwnerRole(action.owner_role).label) if action.owner_role else ""
            return owner, str(ActionStatus(action.status).label)

    (owner_en, status_en), (owner_ja, status_ja) = labels("en"), labels("ja")
    context = {
        "action": action,
        "organisation": action.campaign.organisation,
        "campaign": action.campaign,
        "owner_role": action.owner_role,
        "owner_en": owner_en,
        "owner_role_ja": owner_ja,
        "status_en": status_en,
        "status_ja": status_ja,
        "link": site_url.rstrip("/") + reverse("followthrough:campaign", args=[action.campaign_id]),
        "overdue": action.due_date < timezone.localdate(),
    }
    subject = render_to_string("followthrough/email/action_reminder_subject.txt", context).strip()
    body = render_to_string("followthrough/email/action_reminder.txt", context)
    return mail.EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, connection=connection)


def action_reminders_send(*, today=None, site_url=None):
    """E-mail a bilingual reminder for every open action due within a week, once per due date.

    Idempotent: each action is claimed with a conditional UPDATE (reminded_for := due_date) before
    its e-mail goes out, so the task running twice, or on two workers at once, sends one e-mail;
    the claim is undone when the mail server refuses, so the next run tries again.
    Returns {"sent", "skipped"} (skipped: nobody to send to).
    """
    from django.conf import settings

    site_url = site_url or getattr(settings, "SITE_URL", "http://127.0.0.1:8000")
    sent = skipped = 0
    with mail.get_connection() as connection:
        for action in selectors.actions_due_for_reminder(today=today):
            recipients = _recipients(action)
            if not recipients:
                skipped += 1
                continue
            previous = action.reminded_for  # None becomes IS NULL in the filter
            claimed = Action.objects.filter(pk=action.pk, reminded_for=previous, due_date=action.due_date).update(
                reminded_for=action.due_date
            )
            if not claimed:
                continue
            try:
                _reminder_message(action, recipients, connection=connection, site_url=site_url).send()
            except OSError:
                Action.objects.filter(pk=action.pk).update(reminded_for=previous)
                logger.exception("action reminder for action %s failed; it will be retried", action.pk)
                continue
            sent += 1
    return {"sent": sent, "skipped": skipped}
