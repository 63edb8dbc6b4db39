"""Write functions for live workshops. Every check that protects the data is made here, not in views."""

import secrets

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.errors import ApplicationError
from assessment.models import Campaign, Dimension
from assessment.selectors import invitation_get_for_token
from assessment.services import invitation_create

from .models import NEXT_PHASE, Phase, WorkshopAgreement, WorkshopJoin, WorkshopSession, WorkshopVote

# No 0/O, 1/I/L, 5/S or 8/B: the code is read off a projector and typed on a phone.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXYZ234679"
JOIN_CODE_LENGTH = 8


class WorkshopError(ApplicationError):
    """An action the workshop's state does not allow; the message is shown as it is."""

    status = 409


class VotingClosed(WorkshopError):
    pass


def join_code_new():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(code):
    """What people type: lower case, spaces or dashes from reading it out in groups of four."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _join_code_give(campaign_pk):
    """Store a new code for the campaign. 27^8 codes make a clash practically impossible; the
    database's unique constraint on set codes makes it impossible, and a clash just draws again."""
    while True:
        code = join_code_new()
        try:
            with transaction.atomic():  # savepoint: a clash must not break the caller's transaction
                # update(), not save(): only this column, and no model code of another app runs.
                Campaign.objects.filter(pk=campaign_pk).update(join_code=code)
            return code
        except IntegrityError:
            continue


def workshop_start(*, campaign, user, expected=None):
    """The campaign's running workshop, or a new one; gives the campaign a join code if it has none."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().only("pk", "join_code").get(pk=campaign.pk)
        if not locked.join_code:
            locked.join_code = _join_code_give(campaign.pk)
        campaign.join_code = locked.join_code
        running = WorkshopSession.objects.filter(campaign=campaign).exclude(phase=Phase.CLOSED).first()
        if running is not None:
            return running
        try:
            with transaction.atomic():  # savepoint: a lost race must not break the outer transaction
                return WorkshopSession.objects.create(
                    campaign=campaign, created_by=user, expected_participants=expected or 0
                )
        except IntegrityError:  # another facilitator started it a moment ago
            return WorkshopSession.objects.filter(campaign=campaign).exclude(phase=Phase.CLOSED).get()


def workshop_phase_set(*, session, phase):
    """Move the workshop to `phase`, which must be the next one; asking for the current one is a no-op.

    Phases only move forward: going back would reopen a round whose results were already shown.
    """
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        if locked.phase != phase:
            if NEXT_PHASE.get(locked.phase) != phase:
                raise WorkshopError(
                    _("The workshop is in the “%(current)s” phase and cannot move to “%(target)s”.")
                    % {"current": Phase(locked.phase).label, "target": _phase_label(phase)}
                )
            locked.phase = phase
            locked.phase_changed_at = timezone.now()
            locked.save(update_fields=["phase", "phase_changed_at"])
    session.phase, session.phase_changed_at = locked.phase, locked.phase_changed_at
    return session


def _phase_label(phase):
    return Phase(phase).label if phase in Phase.values else str(phase)


JOINS_PER_ADDRESS_PER_MINUTE = 10  # a room behind one company address still gets in within minutes


class JoinRefused(ApplicationError):
    """A join by code that is not accepted; `state` names the page to show."""

    def __init__(self, state):
        self.state = state
        super().__init__(state)


def participant_join(*, campaign, token=None, address=None):
    """(invitation, token, created) for someone joining with the campaign's code.

    `token` is the one this browser got when it joined before: it is reused when it still
    belongs to this campaign, so reloading or scanning again does not count a person twice.
    A new invitation is made only while a workshop runs, up to its expected head-count, and at
    most JOINS_PER_ADDRESS_PER_MINUTE per address; otherwise JoinRefused.
    """
    if token:
        try:
            invitation = invitation_get_for_token(token=token)
        except Http404:  # the invitation was deleted since: join afresh
            invitation = None
        if invitation is not None and invitation.campaign_id == campaign.pk:
            return invitation, token, False
    with transaction.atomic():
        # The session row is locked so that two joins at once cannot both take the last place.
        session = (
            WorkshopSession.objects.select_for_update().filter(campaign=campaign).exclude(phase=Phase.CLOSED).first()
        )
        if session is None:
            raise JoinRefused("not_live")
        if WorkshopJoin.objects.filter(session=session).count() >= session.expected_participants:
            raise JoinRefused("full")
        if address and not _join_allowed(session, address):
            raise JoinRefused("too_fast")
        # Role group left empty: the questionnaire asks the profile questions.
        invitation, token = invitation_create(campaign=campaign)
        WorkshopJoin.objects.create(invitation=invitation, session=session)
    return invitation, token, True


def _join_allowed(session, address):
    key = f"workshop:joins:{session.pk}:{address}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) <= JOINS_PER_ADDRESS_PER_MINUTE
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        return True


def workshop_expected_set(*, session, expected):
    """The head-count joins stop at; it can be raised during the session, never below the joins so far."""
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        joined = WorkshopJoin.objects.filter(session=locked).count()
        if expected < max(joined, 1):
            raise WorkshopError(
                _("%(n)d people have already joined: the expected number cannot be lower.") % {"n": joined}
            )
        locked.expected_participants = expected
        locked.save(update_fields=["expected_participants"])
    session.expected_participants = expected
    return session


def _dimension_keys(campaign):
    return list(
        Dimension.objects.filter(framework_id=campaign.framework_id).order_by("order").values_list("key", flat=True)
    )


def vote_save(*, session, invitation, values):
    """Save {dimension key: 1–5} for the round now open; votes can change until the phase moves on."""
    if invitation.campaign_id != session.campaign_id:
        raise WorkshopError(_("This link belongs to another survey."))
    keys = set(_dimension_keys(session.campaign))
    for key, value in values.items():
        if key not in keys:
            raise WorkshopError(_("That dimension is not part of this survey."))
        # bool is an int in Python; a checkbox value must not pass as a vote of 1.
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise WorkshopError(_("Votes must be whole numbers from 1 to 5."))
    with transaction.atomic():
        # The row lock orders this against a phase change: a vote lands in the round it was
        # cast in, or is refused because the round has ended; never half of each.
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        voting_round = locked.voting_round
        if voting_round is None:
            raise VotingClosed(_("Voting is not open right now. Wait for the facilitator to open the next vote."))
        for key, value in values.items():
            WorkshopVote.objects.update_or_create(
                session=locked,
                invitation=invitation,
                round=voting_round,
                dimension=key,
                defaults={"value": value},
            )
    return voting_round


def agreement_save(*, session, user, agreements):
    """Record {dimension key: (agreed score 0–100, rationale)} once the votes are over.

    An agreement can be revised (the latest decision counts); answers and votes are untouched.
    """
    keys = set(_dimension_keys(session.campaign))
    for key, (score, rationale) in agreements.items():
        if key not in keys:
            raise WorkshopError(_("That dimension is not part of this survey."))
        if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100:
            raise WorkshopError(_("Agreed scores must be whole numbers from 0 to 100."))
        if not rationale.strip():
            raise WorkshopError(_("Give the reason for each agreed score."))
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        if locked.phase != Phase.CLOSED:
            raise WorkshopError(_("Agreed scores are recorded after the second vote has been closed."))
        now = timezone.now()
        for key, (score, rationale) in agreements.items():
            WorkshopAgreement.objects.update_or_create(
                session=locked,
                dimension=key,
                defaults={"agreed_score": score, "rationale": rationale.strip(), "decided_by": user, "decided_at": now},
            )
