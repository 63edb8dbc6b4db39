"""The facilitator's pages. Every view fetches its campaign through `campaign_get_for_user`.

Running a workshop changes things ("manage": consultants and HR); the summary only reads
("view": executive viewers too).
"""

from io import BytesIO

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assessment.i18n import current_lang, localized
from assessment.permissions import campaign_get_for_user

from . import live, selectors, services
from .forms import ExpectedForm, agreement_form_class, agreement_initial
from .models import Phase

PHASE_BUTTONS = {
    Phase.PRE_VOTE: lambda: _("Close the first vote and start the discussion"),
    Phase.DISCUSSION: lambda: _("Open the second vote"),
    Phase.RE_VOTE: lambda: _("Close the second vote"),
}
PHASE_HINTS = {
    Phase.PRE_VOTE: lambda: _("Participants answer the survey and give their first vote on their phones."),
    Phase.DISCUSSION: lambda: _("Discuss the first vote and the survey results. Voting is paused."),
    Phase.RE_VOTE: lambda: _("Participants vote again on the same page."),
    Phase.CLOSED: lambda: _("Voting is over. Record what the group agreed on."),
}


def join_url(campaign):
    return settings.SITE_URL.rstrip("/") + reverse("join:join", args=[campaign.join_code])


def qr_svg(url):
    """A large, scannable QR code: medium error correction, full quiet zone, sized by CSS."""
    buffer = BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer,
        kind="svg",
        scale=10,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        svgclass="qr",
        title=_("QR code for joining the workshop"),
    )
    return buffer.getvalue().decode()


def _manage(request, pk):
    return campaign_get_for_user(user=request.user, pk=pk, action="manage")


def _facilitator_context(campaign, session, agreement_form=None):
    context = live.live_context(campaign=campaign, session=session)
    if campaign.join_code:
        url = join_url(campaign)
        code = campaign.join_code
        context.update(join_url=url, qr=qr_svg(url), join_code_display=f"{code[:4]} {code[4:]}")
    if session is not None:
        phase = Phase(session.phase)
        context.update(
            phase_label=phase.label,
            phase_hint=PHASE_HINTS[phase](),
            next_phase=session.next_phase,
            next_phase_button=PHASE_BUTTONS[phase]() if phase in PHASE_BUTTONS else "",
            joined=session.joins.count(),
            expected=session.expected_participants,
        )
        if session.phase == Phase.CLOSED:
            dimensions = selectors.campaign_dimensions(campaign=campaign)
            if agreement_form is None:
                initial = agreement_initial(selectors.session_agreements(session=session))
                agreement_form = agreement_form_class(dimensions=dimensions)(initial=initial)
            # Beside each input, the numbers the group is deciding from.
            reference = {row["key"]: row for row in context["rows"]}
            context["agreement_form"] = agreement_form
            context["agreement_rows"] = [
                {**row, "ref": reference.get(row["dimension"].key)} for row in agreement_form.rows()
            ]
        if session.phase in (Phase.DISCUSSION, Phase.CLOSED) and campaign.framework.comments:
            # What people wrote, for the discussion: the report's rule (released responses, groups of at
            # least the comment threshold, never with role or department). Not in the 3-second live part.
            from reports.comments import comments_section

            context["comments"] = comments_section(campaign=campaign, lang=current_lang())
    context["campaign_open"] = campaign.is_open()
    return context


@require_GET
@login_required
@never_cache
def facilitate(request, pk):
    campaign = _manage(request, pk)
    session = selectors.session_current(campaign=campaign)
    return render(request, "workshop/facilitate.html", _facilitator_context(campaign, session))


@require_GET
@login_required
@never_cache
def live_partial(request, pk):
    """The part of the facilitator page that htmx reloads every few seconds."""
    campaign = _manage(request, pk)
    session = selectors.session_current(campaign=campaign)
    return render(request, "workshop/live.html", live.live_context(campaign=campaign, session=session))


@require_POST
@login_required
def start(request, pk):
    campaign = _manage(request, pk)
    form = ExpectedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how many people you expect in the room (1 to 1000): joining stops there."))
        return redirect("workshop:facilitate", pk)
    services.workshop_start(campaign=campaign, user=request.user, expected=form.cleaned_data["expected"])
    return redirect("workshop:facilitate", pk)


@require_POST
@login_required
def expected_set(request, pk):
    campaign = _manage(request, pk)
    session = selectors.session_current(campaign=campaign)
    form = ExpectedForm(request.POST)
    if session is None:
        messages.error(request, _("Start the workshop first."))
    elif not form.is_valid():
        messages.error(request, _("Say how many people you expect in the room (1 to 1000): joining stops there."))
    else:
        try:
            services.workshop_expected_set(session=session, expected=form.cleaned_data["expected"])
        except services.WorkshopError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Expected participants saved."))
    return redirect("workshop:facilitate", pk)


@require_POST
@login_required
def phase_set(request, pk):
    campaign = _manage(request, pk)
    session = selectors.session_current(campaign=campaign)
    if session is None:
        messages.error(request, _("Start the workshop first."))
        return redirect("workshop:facilitate", pk)
    try:
        services.workshop_phase_set(session=session, phase=request.POST.get("phase", ""))
    except services.WorkshopError as error:
        messages.error(request, str(error))
    return redirect("workshop:facilitate", pk)


@require_POST
@login_required
def agreements(request, pk):
    campaign = _manage(request, pk)
    session = selectors.session_current(campaign=campaign)
    if session is None or session.phase != Phase.CLOSED:
        messages.error(request, _("Agreed scores are recorded after the second vote has been closed."))
        return redirect("workshop:facilitate", pk)
    form = agreement_form_class(dimensions=selectors.campaign_dimensions(campaign=campaign))(request.POST)
    if form.is_valid():
        try:
            services.agreement_save(session=session, user=request.user, agreements=form.agreements())
        except services.WorkshopError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The agreed scores have been saved."))
        return redirect("workshop:facilitate", pk)
    context = _facilitator_context(campaign, session, agreement_form=form)
    return render(request, "workshop/facilitate.html", context, status=400)


@require_GET
@login_required
def summary(request, pk):
    """Agreed scores next to the survey score and both votes' means (anyone who may read reports)."""
    campaign = campaign_get_for_user(user=request.user, pk=pk, action="view")
    # The latest workshop unless an earlier one is asked for: a campaign may hold several.
    sessions = selectors.campaign_sessions(campaign=campaign)
    session = next((s for s in sessions if str(s.pk) == request.GET.get("session")), sessions[0] if sessions else None)
    dimensions = selectors.campaign_dimensions(campaign=campaign)
    # The live screen's shared entry: scored once per new submission, whoever asks.
    survey = live.survey_results(campaign=campaign, counts=selectors.participation_counts(campaign=campaign))
    votes = None
    if session is not None:
        votes = selectors.vote_summary(
            session=session, threshold=campaign.anonymity_threshold, dimension_keys=[d.key for d in dimensions]
        )
    agreed = selectors.session_agreements(session=session)
    rows = live.dimension_rows(
        dimensions=dimensions, survey=survey, votes=votes, agreements=agreed, levels=campaign.framework.levels
    )
    return render(
        request,
        "workshop/summary.html",
        {
            "campaign": campaign,
            "session": session,
            "sessions": sessions,
            "phase_label": Phase(session.phase).label if session else "",
            "rows": rows,
            "votes": votes,
            "survey_shown": survey["shown"],
            "respondents": survey["respondents"],
            "threshold": campaign.anonymity_threshold,
            "organisation_name": localized(campaign.organisation, "name"),
        },
    )
