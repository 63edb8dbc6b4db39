"""The respondent's pages under /r/<token>/.

The token is the only credential: `invitation_get_for_token` is the one way in, and it gives
access to that invitation's response and nothing else.
"""

from functools import cached_property, wraps

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import wants_json

from . import comments, selectors, services
from .forms import DimensionAnswersForm, ProfileForm, SingleAnswerForm
from .framework_file import items_shown  # not .routing: that imports pandas

_UNAVAILABLE = {
    "not_open": lambda: gettext("This survey has not opened yet."),
    "closed": lambda: gettext("This survey has closed. Answers can no longer be given or changed."),
}


def respondent_page(view):
    """Fetch the invitation for the token and turn respondent errors into clear pages.

    Pages are never cached: answers stay off shared computers' disks, and the back button
    after submitting reloads (and lands on the locked page) instead of showing a stale form.
    """

    @never_cache
    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        invitation = selectors.invitation_get_for_token(token=token)
        response = selectors.invitation_response(invitation=invitation)
        campaign = invitation.campaign
        if not campaign.is_open():
            status = "not_open" if campaign.opens_at > timezone.now() else "closed"
            if wants_json(request):
                # The autosave script stops retrying on "closed" and says why, instead of "no connection".
                return JsonResponse(
                    {"ok": False, "code": status, "error": _UNAVAILABLE[status]()},
                    status=403 if status == "not_open" else 410,
                )
            return render(
                request,
                "respondent/campaign_unavailable.html",
                {"campaign": campaign, "state": status},
                status=403 if status == "not_open" else 410,
            )
        survey = _Survey(invitation, response, token)
        try:
            return view(request, survey, *args, **kwargs)
        except services.RespondentError as error:
            if wants_json(request):
                return JsonResponse({"ok": False, "error": str(error)}, status=error.status)
            return render(request, "respondent/problem.html", survey.context(error=error), status=error.status)

    return wrapper


class _Survey:
    """What every respondent page needs: the questionnaire, the answers so far, the progress."""

    def __init__(self, invitation, response, token):
        self.invitation = invitation
        self.response = response
        self.token = token
        self.campaign = invitation.campaign
        self.framework = self.campaign.framework

    # Loaded on first use: the autosave request needs neither, and it is the busiest one.
    @cached_property
    def dimensions(self):
        return list(selectors.framework_dimensions(framework=self.framework))

    @cached_property
    def values(self):
        return selectors.response_answer_values(response=self.response)

    @cached_property
    def comments(self):
        return comments.response_comment_texts(response=self.response)

    @property
    def role_group(self):
        return (self.response.role_group if self.response else "") or self.invitation.role_group

    def shown(self, dimension):
        """The dimension's statements for this respondent's role group (1.1 routes by role)."""
        return items_shown(dimension.items.all(), self.role_group)

    @property
    def items(self):
        return [item for dimension in self.dimensions for item in self.shown(dimension)]

    def dimension(self, key):
        return next((d for d in self.dimensions if d.key == key), None)

    def progress(self):
        if not self.role_group:
            counts = [n for n in selectors.framework_statement_counts(framework=self.framework).values() if n]
            if len(set(counts)) > 1:
                # Routed (1.1) and the role not chosen yet: how many statements follow is not known,
                # so say which step this is and the range over the role groups, not a made-up total.
                steps = len(self.dimensions) + 2  # about you, one page per section, the review
                return {
                    "known": False,
                    "step": 1,
                    "steps": steps,
                    "answered": 0,
                    "low": min(counts),
                    "high": max(counts),
                    "percent": round(100 / steps),
                }
        total = len(self.items)
        answered = sum(1 for item in self.items if item.id in self.values)
        return {
            "known": True,
            "answered": answered,
            "total": total,
            "percent": round(100 * answered / total) if total else 0,
        }

    def steps(self):
        return [
            {
                "dimension": d,
                "complete": all(i.id in self.values for i in self.shown(d)),
                "url": reverse("respondent:dimension", args=[self.token, d.key]),
            }
            for d in self.dimensions
        ]

    def resume_url(self):
        for step in self.steps():
            if not step["complete"]:
                return step["url"]
        return reverse("respondent:review", args=[self.token])

    def context(self, **extra):
        return {
            "survey": self,
            "campaign": self.campaign,
            "framework": self.framework,
            "token": self.token,
            "response": self.response,
            "progress": self.progress(),
            "steps": self.steps(),
            **extra,
        }


@require_http_methods(["GET", "POST"])
@respondent_page
def respondent_start(request, survey):
    if survey.response and survey.response.is_submitted:
        return redirect("respondent:done", survey.token)
    initial = {}
    if survey.response:
        initial = {
            "role_group": survey.response.role_group,
            "department": survey.response.department_id,
            "tenure": survey.response.tenure,
        }
    form = ProfileForm(request.POST or None, initial=initial, invitation=survey.invitation, framework=survey.framework)
    if request.method == "POST" and form.is_valid():
        survey.response = services.response_start(
            invitation=survey.invitation,
            role_group=form.cleaned_data.get("role_group", ""),
            department=form.cleaned_data.get("department"),
            tenure=form.cleaned_data.get("tenure", ""),
        )
        return redirect(survey.resume_url())
    status = 400 if request.method == "POST" else 200
    extra = {
        "form": form,
        "minutes": selectors.survey_duration(framework=survey.framework, role_group=survey.role_group),
        # Names are on the respondent list: answers are confidential, not anonymous.
        "confidential": bool(survey.invitation.email or survey.invitation.name),
    }
    return render(request, "respondent/start.html", survey.context(**extra), status=status)


@require_http_methods(["GET", "POST"])
@respondent_page
def respondent_dimension(request, survey, key):
    dimension = survey.dimension(key)
    if dimension is None:
        return render(request, "respondent/problem.html", survey.context(error=_unknown_page()), status=404)
    if survey.response is None:
        return redirect("respondent:start", survey.token)
    if survey.response.is_submitted:
        return redirect("respondent:done", survey.token)
    items = survey.shown(dimension)
    form = DimensionAnswersForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        services.answers_save(response=survey.response, campaign=survey.campaign, values=form.answers())
        if survey.framework.comments and "comment" in request.POST:
            comments.comment_save(
                response=survey.response,
                campaign=survey.campaign,
                kind="dimension",
                dimension=dimension,
                text=request.POST["comment"],
            )
        return redirect(_next_url(survey, dimension, request.POST.get("go")))
    index = survey.dimensions.index(dimension)
    rows = [{"item": item, "value": _posted_or_saved(form, survey, item)} for item in items]
    # Coming back to a half-answered page on a phone: one tap to where the answers stop.
    unanswered = [row["item"].key for row in rows if not row["value"]]
    return render(
        request,
        "respondent/dimension.html",
        survey.context(
            dimension=dimension,
            rows=rows,
            first_unanswered=unanswered[0] if unanswered and len(unanswered) < len(rows) else None,
            form=form,
            step_number=index + 1,
            previous=survey.dimensions[index - 1] if index > 0 else None,
            anchors=survey.framework.scale["anchors"],
            dont_know=survey.framework.scale["dont_know"],
            comment_prompt=survey.framework.comments.get("dimension"),
            comment_text=request.POST.get("comment") if form.is_bound else survey.comments.get(dimension.id, ""),
        ),
        status=400 if form.is_bound and form.errors else 200,
    )


def _posted_or_saved(form, survey, item):
    """The value to show checked: what was just posted, else what is stored, as a string."""
    if form.is_bound:
        return form.data.get(f"item_{item.key}", "")
    if item.id not in survey.values:
        return ""
    value = survey.values[item.id]
    return "dk" if value is None else str(value)


def _next_url(survey, dimension, go):
    index = survey.dimensions.index(dimension)
    if go == "previous":
        if index == 0:
            return reverse("respondent:start", args=[survey.token])
        return reverse("respondent:dimension", args=[survey.token, survey.dimensions[index - 1].key])
    if go == "review" or index + 1 == len(survey.dimensions):
        return reverse("respondent:review", args=[survey.token])
    return reverse("respondent:dimension", args=[survey.token, survey.dimensions[index + 1].key])


def _unknown_page():
    return services.RespondentError(gettext("This page does not exist."))


@require_POST
@never_cache
def respondent_answer(request, token):
    """Autosave: one answer per request, sent by the page as soon as it is chosen.

    The busiest request, so it skips `respondent_page`'s whole objects: one narrow lookup and
    (on PostgreSQL) one statement that checks, saves and counts. Same rules and answers as the pages.
    """
    target = selectors.autosave_target(token=token)
    now = timezone.now()
    if not target["opens_at"] <= now < target["closes_at"]:
        status = "not_open" if target["opens_at"] > now else "closed"
        return JsonResponse(
            {"ok": False, "code": status, "error": _UNAVAILABLE[status]()}, status=403 if status == "not_open" else 410
        )
    if target["response_id"] is None:
        return JsonResponse({"ok": False, "error": "profile first"}, status=409)
    form = SingleAnswerForm(request.POST, framework=target["framework"])
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"ok": False, "error": " ".join(errors)}, status=400)
    try:
        answered = services.answer_autosave(
            response_id=target["response_id"],
            role_group=target["role_group"],
            framework_id=target["framework"].pk,
            opens_at=target["opens_at"],
            closes_at=target["closes_at"],
            item=form.cleaned_data["item"],
            value=form.cleaned_data["value"],
        )
    except services.RespondentError as error:
        return JsonResponse({"ok": False, "error": str(error)}, status=error.status)
    total = selectors.framework_items_shown_count(framework=target["framework"], role_group=target["role_group"])
    return JsonResponse(
        {"ok": True, "answered": answered, "total": total, "percent": round(100 * answered / total) if total else 0}
    )


@require_http_methods(["GET"])
@respondent_page
def respondent_review(request, survey):
    if survey.response is None:
        return redirect("respondent:start", survey.token)
    if survey.response.is_submitted:
        return redirect("respondent:done", survey.token)
    return render(request, "respondent/review.html", _review_context(survey))


def _review_context(survey, **extra):
    """The review page: every answer, and per section a link straight to its first unanswered statement."""
    sections = _review_sections(survey)
    unanswered = []
    for section in sections:
        missing = [row["item"] for row in section["rows"] if not row["answered"]]
        if missing:
            unanswered.append(
                {"dimension": section["dimension"], "url": section["url"], "item": missing[0], "count": len(missing)}
            )
    obstacle = {
        "obstacle_prompt": survey.framework.comments.get("obstacle"),
        "obstacle_text": survey.comments.get("obstacle", ""),
    }
    return survey.context(sections=sections, unanswered=unanswered, **obstacle, **extra)


def _review_sections(survey):
    return [
        {
            "dimension": d,
            "url": reverse("respondent:dimension", args=[survey.token, d.key]),
            "rows": [
                {"item": item, "answered": item.id in survey.values, "value": survey.values.get(item.id)}
                for item in survey.shown(d)
            ],
        }
        for d in survey.dimensions
    ]


@require_POST
@respondent_page
def respondent_submit(request, survey):
    if survey.response is None:
        return redirect("respondent:start", survey.token)
    try:
        if survey.framework.comments and "obstacle" in request.POST and not survey.response.is_submitted:
            comments.comment_save(
                response=survey.response, campaign=survey.campaign, kind="obstacle", text=request.POST["obstacle"]
            )
        services.response_submit(response=survey.response, language=translation.get_language())
    except services.ResponseIncomplete as error:
        return render(
            request,
            "respondent/review.html",
            _review_context(survey, error=error),
            status=400,
        )
    except services.ResponseLocked:
        pass
    if _workshop_live(survey):  # joined by the workshop's QR code: on to the vote
        messages.success(request, gettext("Thank you: your answers have been submitted. Now give your vote."))
        return redirect("workshop:vote", survey.token)
    return redirect("respondent:done", survey.token)


def _workshop_live(survey):
    from workshop.selectors import workshop_live_for  # workshop builds on assessment, not the reverse

    return workshop_live_for(invitation=survey.invitation)


@require_http_methods(["GET"])
@respondent_page
def respondent_done(request, survey):
    if survey.response is None or not survey.response.is_submitted:
        return redirect("respondent:start", survey.token)
    return render(
        request,
        "respondent/done.html",
        survey.context(sections=_review_sections(survey), workshop_live=_workshop_live(survey)),
    )
