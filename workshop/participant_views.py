"""Participants' pages: joining with the code (/j/<code>/) and voting (/workshop/vote/<token>/).

No login: the join code gets a participant a personal respondent link, and from then on that
link's token is their only key, exactly as for an e-mailed invitation.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from assessment.models import Campaign
from assessment.selectors import invitation_get_for_token, invitation_response
from config.signin import client_ip

from . import live, selectors, services
from .forms import vote_form_class

# {campaign id: raw token} in the participant's session: joining again reuses the invitation.
SESSION_KEY = "workshop_tokens"


def _campaign_for_code(code):
    code = services.normalise_join_code(code)
    if not code:
        return None
    # A set code is unique (a database constraint): it names one campaign or none.
    return Campaign.objects.select_related("organisation").filter(join_code=code).first()


@require_http_methods(["GET", "POST"])
@never_cache
def join(request, code):
    campaign = _campaign_for_code(code)
    if campaign is None:
        return render(request, "workshop/join_unavailable.html", {"state": "unknown"}, status=404)
    if not campaign.is_open():
        state = "not_open" if timezone.now() < campaign.opens_at else "closed"
        return render(
            request,
            "workshop/join_unavailable.html",
            {"campaign": campaign, "state": state},
            status=403 if state == "not_open" else 410,
        )
    tokens = request.session.get(SESSION_KEY, {})
    known = tokens.get(str(campaign.pk))
    if request.method == "GET" and not known:
        # Only a person pressing "Join" (a POST with the CSRF cookie) gets an invitation: link
        # previews in chat and mail, and crawlers, only ever GET this page.
        return render(request, "workshop/join_confirm.html", {"campaign": campaign})
    try:
        invitation, token, created = services.participant_join(
            campaign=campaign, token=known, address=client_ip(request)
        )
    except services.JoinRefused as refused:
        return render(
            request,
            "workshop/join_unavailable.html",
            {"campaign": campaign, "state": refused.state},
            status=429 if refused.state == "too_fast" else 403,
        )
    if created:
        request.session[SESSION_KEY] = {**tokens, str(campaign.pk): token}
    # Someone who already submitted comes back to vote (the survey pages would only say "done").
    if _submitted(invitation) and selectors.session_current(campaign=campaign) is not None:
        return redirect("workshop:vote", token)
    return redirect("respondent:start", token)


def _submitted(invitation):
    response = invitation_response(invitation=invitation)
    return response is not None and response.is_submitted


def _vote_context(invitation, token, session, form=None, error=None):
    campaign = invitation.campaign
    context = {
        "campaign": campaign,
        "token": token,
        "session": session,
        "error": error,
        "survey_submitted": _submitted(invitation),
    }
    if session is None:
        return context
    context["phase"] = session.phase
    voting_round = session.voting_round
    if voting_round is not None:
        dimensions = selectors.campaign_dimensions(campaign=campaign)
        form_class = vote_form_class(dimensions=dimensions, levels=campaign.framework.levels)
        if form is None:
            mine = selectors.invitation_votes(session=session, invitation=invitation, round_key=voting_round)
            form = form_class(initial={f"vote_{k}": str(v) for k, v in mine.items()})
            context["has_voted"] = bool(mine)
        context.update(
            form=form, round_label=session.get_phase_display(), bands=live.level_bands(campaign.framework.levels)
        )
    return context


@require_http_methods(["GET", "POST"])
@never_cache
def vote(request, token):
    try:
        invitation = invitation_get_for_token(token=token)
    except Http404:  # the survey pages' wording: the usual cause is a mistyped or old link
        return render(request, "respondent/invalid_link.html", status=404)
    session = selectors.session_current(campaign=invitation.campaign)
    if request.method == "GET":
        return render(request, "workshop/vote.html", _vote_context(invitation, token, session))
    if session is None or session.voting_round is None:
        error = _("Voting is not open right now. Wait for the facilitator to open the next vote.")
        return render(request, "workshop/vote.html", _vote_context(invitation, token, session, error=error), status=409)
    dimensions = selectors.campaign_dimensions(campaign=invitation.campaign)
    form = vote_form_class(dimensions=dimensions, levels=invitation.campaign.framework.levels)(request.POST)
    if not form.is_valid():
        return render(request, "workshop/vote.html", _vote_context(invitation, token, session, form=form), status=400)
    try:
        services.vote_save(session=session, invitation=invitation, values=form.votes())
    except services.WorkshopError as error:
        # The facilitator moved on between showing the form and sending it.
        session.refresh_from_db()
        return render(
            request,
            "workshop/vote.html",
            _vote_context(invitation, token, session, error=str(error)),
            status=error.status,
        )
    messages.success(request, _("Your vote has been saved. You can change it until the facilitator closes this vote."))
    return redirect("workshop:vote", token)


@require_GET
@never_cache
def vote_status(request, token):
    """Polled by the vote page: reload it (HX-Refresh) once the facilitator changes the phase."""
    invitation = invitation_get_for_token(token=token)  # a plain 404: htmx ignores it
    session = selectors.session_current(campaign=invitation.campaign)
    current = f"{session.pk}:{session.phase}" if session else "none"
    if request.GET.get("state") != current:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return HttpResponse(status=204)
