"""Staff pages for the campaign life cycle: organisation set-up, campaigns, respondent lists, e-mails.

Every view fetches its object through one assessment.permissions helper (an id in the URL
grants nothing: no access is a 404), lets a form turn the input into values, calls one
assessment.lifecycle function and renders or redirects. Every change is a POST.
"""

import base64
import binascii
import tempfile
from datetime import timedelta
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import lifecycle
from assessment.models import COMMENT_THRESHOLD_MIN, Membership
from assessment.permissions import (
    campaign_get_for_user,
    organisation_get_for_user,
    organisations_for_user,
    user_may_create_organisations,
    user_roles,
)
from assessment.respondent_list import RespondentListError
from assessment.respondent_list_jobs import respondent_list_in_background
from assessment.selectors import campaign_response_counts, framework_latest

from .forms import (
    CampaignForm,
    DepartmentForm,
    DepartmentRenameForm,
    MemberForm,
    OrganisationForm,
    ReopenForm,
    RespondentListForm,
)
from .respondent_uploads import background_start, job_for_page, job_state, upload_rows

RESPONDENTS_PER_PAGE = 50


def _manage(request, pk):
    return campaign_get_for_user(user=request.user, pk=pk, action="manage")


# --- organisations ---------------------------------------------------------------------------


@require_GET
@login_required
def organisation_list(request):
    """Organisations whose campaigns the user manages (the dashboard shows only ones with campaigns)."""
    roles = user_roles(request.user)
    organisations = [
        {
            "organisation": organisation,
            "administer": request.user.is_superuser or roles.get(organisation.pk) == Membership.Role.CONSULTANT,
        }
        for organisation in organisations_for_user(request.user, action="manage")
    ]
    return render(
        request,
        "console/organisation_list.html",
        {"organisations": organisations, "may_create": user_may_create_organisations(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_create(request):
    if not user_may_create_organisations(request.user):
        raise Http404("no such page")
    form = OrganisationForm(request.POST or None)
    if form.is_valid():
        try:
            organisation = lifecycle.organisation_create(**form.cleaned_data, created_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The organisation was created. Add its departments next."))
            return redirect("console:organisation_detail", organisation.pk)
    return render(request, "console/organisation_form.html", {"form": form})


def _organisation_page(request, organisation, *, department_form=None, member_form=None):
    return render(
        request,
        "console/organisation_detail.html",
        {
            "organisation": organisation,
            "departments": organisation.departments.order_by("name_en"),
            "members": organisation.memberships.select_related("user").order_by("role", "user__username"),
            "campaigns": organisation.campaigns.select_related("framework"),
            "department_form": department_form or DepartmentForm(organisation=organisation),
            "member_form": member_form or MemberForm(organisation=organisation),
        },
    )


@require_GET
@login_required
def organisation_detail(request, pk):
    organisation = organisation_get_for_user(user=request.user, pk=pk, action="administer")
    return _organisation_page(request, organisation)


@require_POST
@login_required
def department_create(request, pk):
    organisation = organisation_get_for_user(user=request.user, pk=pk, action="administer")
    form = DepartmentForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            lifecycle.department_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Department added."))
            return redirect("console:organisation_detail", organisation.pk)
    return _organisation_page(request, organisation, department_form=form)


@require_http_methods(["GET", "POST"])
@login_required
def department_rename(request, pk, department_pk):
    organisation = organisation_get_for_user(user=request.user, pk=pk, action="administer")
    department = get_object_or_404(organisation.departments, pk=department_pk)
    initial = {"name_en": department.name_en, "name_ja": department.name_ja, "version": department.version}
    form = DepartmentRenameForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            lifecycle.department_rename(department=department, **form.cleaned_data)
        except lifecycle.StaleEdit as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Department renamed."))
            return redirect("console:organisation_detail", organisation.pk)
    return render(
        request, "console/department_form.html", {"organisation": organisation, "department": department, "form": form}
    )


@require_POST
@login_required
def member_add(request, pk):
    organisation = organisation_get_for_user(user=request.user, pk=pk, action="administer")
    form = MemberForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            lifecycle.membership_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Member added."))
            return redirect("console:organisation_detail", organisation.pk)
    return _organisation_page(request, organisation, member_form=form)


# --- campaigns -------------------------------------------------------------------------------


def _default_dates():
    """A new campaign opens tomorrow at 09:00 and closes two weeks later at 18:00 (site time zone)."""
    tomorrow = timezone.localtime() + timedelta(days=1)
    opens_at = tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)
    return opens_at, (opens_at + timedelta(days=14)).replace(hour=18)


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request, pk):
    organisation = organisation_get_for_user(user=request.user, pk=pk, action="manage")
    opens_at, closes_at = _default_dates()
    initial = {
        "framework": framework_latest(key=lifecycle.DEFAULT_FRAMEWORK_KEY),
        "anonymity_threshold": 5,
        "comment_threshold": COMMENT_THRESHOLD_MIN,
        "opens_at": opens_at,
        "closes_at": closes_at,
    }
    form = CampaignForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            campaign = lifecycle.campaign_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign created. Upload its respondent list next."))
            return redirect("console:campaign_detail", campaign.pk)
    return render(
        request, "console/campaign_form.html", {"organisation": organisation, "form": form, "title": _("New campaign")}
    )


@require_GET
@login_required
def campaign_detail(request, pk):
    campaign = _manage(request, pk)
    context = {
        "campaign": campaign,
        "status": lifecycle.campaign_status(campaign=campaign),
        "counts": campaign_response_counts(campaign=campaign),
        "pending": lifecycle.invitations_pending(campaign=campaign).count(),
        "mid_survey": lifecycle.campaign_mid_survey_count(campaign=campaign),
        "reopen_form": ReopenForm(campaign=campaign),
    }
    return render(request, "console/campaign_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def campaign_edit(request, pk):
    campaign = _manage(request, pk)
    with_framework = not campaign.responses.exists()  # a version with answers stays: scores must compare
    fields = ("framework", "name", "opens_at", "closes_at", "anonymity_threshold", "comment_threshold", "version")
    initial = {f: getattr(campaign, f) for f in fields}
    form = CampaignForm(request.POST or None, initial=initial, with_framework=with_framework, versioned=True)
    if form.is_valid():
        try:
            lifecycle.campaign_update(campaign=campaign, changed_by=request.user, **form.cleaned_data)
        except (ValidationError, lifecycle.LifecycleError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("console:campaign_detail", campaign.pk)
    context = {"organisation": campaign.organisation, "campaign": campaign, "form": form, "title": _("Edit campaign")}
    return render(request, "console/campaign_form.html", context)


@require_POST
@login_required
def campaign_close(request, pk):
    campaign = _manage(request, pk)
    try:
        lifecycle.campaign_close(campaign=campaign)
    except lifecycle.LifecycleError as error:
        messages.error(request, str(error))
    else:
        cut_off = lifecycle.campaign_mid_survey_count(campaign=campaign)
        text = _("The campaign is closed: nobody can answer any more.")
        if cut_off:
            text += " " + ngettext(
                "%(count)d person had started without submitting and can no longer finish; reopen the campaign to let them.",
                "%(count)d people had started without submitting and can no longer finish; reopen the campaign to let them.",
                cut_off,
            ) % {"count": cut_off}
        messages.success(request, text)
    return redirect("console:campaign_detail", campaign.pk)


@require_http_methods(["GET", "POST"])
@login_required
def campaign_reopen(request, pk):
    campaign = _manage(request, pk)
    form = ReopenForm(request.POST or None, campaign=campaign)
    if form.is_valid():
        try:
            lifecycle.campaign_reopen(campaign=campaign, **form.cleaned_data)
        except lifecycle.LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The campaign is open until the new closing date."))
            return redirect("console:campaign_detail", campaign.pk)
    return render(request, "console/campaign_reopen.html", {"campaign": campaign, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def campaign_clone(request, pk):
    campaign = _manage(request, pk)
    initial = {
        "framework": campaign.framework,  # the same version by default, so that scores compare
        "name": _("%(name)s (re-assessment)") % {"name": campaign.name},
        "anonymity_threshold": campaign.anonymity_threshold,
        "comment_threshold": campaign.comment_threshold,
    }
    form = CampaignForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            clone = lifecycle.campaign_clone(campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Re-assessment created with %(count)d people from the respondent list; nobody has been e-mailed yet.")
                % {"count": clone.invitations.count()},
            )
            return redirect("console:campaign_detail", clone.pk)
    context = {"organisation": campaign.organisation, "campaign": campaign, "form": form, "title": _("Re-assessment")}
    return render(request, "console/campaign_form.html", context)


# --- respondents and e-mail ------------------------------------------------------------------


def _import_upload(*, campaign, name, data, create_departments=()):
    """The file reader takes a path (it tells CSV from XLSX by the suffix): write the upload to one."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"respondents{Path(name).suffix.lower()}"
        path.write_bytes(data)
        return lifecycle.respondent_list_import(campaign=campaign, path=path, create_departments=create_departments)


# A file naming unknown departments comes back in the confirmation form (no server-side state,
# so any web node can take the confirmation); larger files are simply uploaded again.
CONFIRM_MAX_BYTES = 1024 * 1024


def _confirmed_upload(post):
    """(name, bytes) of a file sent back by the departments confirmation form, or None."""
    try:
        data = base64.b64decode(post.get("file_data", ""), validate=True)
    except (ValueError, binascii.Error):
        return None
    name = post.get("file_name", "")
    if not data or len(data) > CONFIRM_MAX_BYTES or Path(name).suffix.lower() not in {".csv", ".xlsx"}:
        return None
    return name, data


@require_http_methods(["GET", "POST"])
@login_required
def campaign_respondents(request, pk):
    campaign = _manage(request, pk)
    confirming = request.method == "POST" and "file_data" in request.POST
    form = RespondentListForm(
        None if confirming else request.POST or None, None if confirming else request.FILES or None
    )
    problems, offer, upload = [], None, None
    if confirming:
        upload = _confirmed_upload(request.POST)
        if upload is None:
            problems = [_("The file could not be read back. Upload it again.")]
    elif form.is_valid():
        upload = (form.cleaned_data["file"].name, form.cleaned_data["file"].read())
    if upload is not None:
        create = request.POST.getlist("create_department") if confirming else ()
        rows = upload_rows(name=upload[0], data=upload[1])
        if rows is not None and respondent_list_in_background(rows=rows):
            background_start(request, campaign=campaign, name=upload[0], data=upload[1], create_departments=create)
            return redirect("console:campaign_respondents", campaign.pk)
        try:
            added = _import_upload(campaign=campaign, name=upload[0], data=upload[1], create_departments=create)
        except RespondentListError as error:
            problems = error.problems
            if error.creatable and len(upload[1]) <= CONFIRM_MAX_BYTES:
                offer = {
                    "names": error.unknown_departments,
                    "file_name": upload[0],
                    "file_data": base64.b64encode(upload[1]).decode(),
                }
        else:
            text = ngettext(
                "%(count)d person was added to the respondent list.",
                "%(count)d people were added to the respondent list.",
                added,
            )
            messages.success(request, text % {"count": added})
            return redirect("console:campaign_respondents", campaign.pk)
    # Who is on the list, never whether they answered (that is for nobody to see per person).
    invitations = campaign.invitations.exclude(email="").select_related("department").order_by("pk")
    page = Paginator(invitations, RESPONDENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "status": lifecycle.campaign_status(campaign=campaign),
        "form": form,
        "problems": problems,
        "offer": offer,
        "page": page,
        "pending": lifecycle.invitations_pending(campaign=campaign).count(),
    }
    job = job_for_page(campaign)
    if job is not None:
        context |= {"job": job, "job_state": job_state(job), "no_worker": _no_worker()}
    return render(request, "console/campaign_respondents.html", context)


def _no_worker():
    from reports.workers import workers_alive

    try:
        return workers_alive()[0] == 0
    except Exception:  # Redis down: the page still shows, with the warning
        return True


@require_POST
@login_required
def invitations_send(request, pk):
    campaign = _manage(request, pk)
    try:
        result = lifecycle.invitations_send(campaign=campaign)
    except lifecycle.LifecycleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, ngettext("%(sent)d invitation sent.", "%(sent)d invitations sent.", result["sent"]) % result
        )
        if result["without_link"]:
            messages.warning(request, _("%(without_link)d people have an old link that cannot be sent again.") % result)
    return redirect("console:campaign_detail", campaign.pk)


@require_POST
@login_required
def reminders_send(request, pk):
    campaign = _manage(request, pk)
    try:
        result = lifecycle.reminders_send(campaign=campaign)
    except lifecycle.LifecycleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, ngettext("%(sent)d reminder sent.", "%(sent)d reminders sent.", result["sent"]) % result
        )
        if result["recent"]:
            messages.info(
                request, _("%(recent)d people were e-mailed less than an hour ago and were skipped.") % result
            )
        if result["without_link"]:
            messages.warning(request, _("%(without_link)d people have an old link that cannot be sent again.") % result)
    return redirect("console:campaign_detail", campaign.pk)


@require_GET
@login_required
def campaign_response_rates(request, pk):
    campaign = _manage(request, pk)
    context = {
        "campaign": campaign,
        "status": lifecycle.campaign_status(campaign=campaign),
        "rates": lifecycle.campaign_response_rates(campaign=campaign),
        "now": timezone.now(),
    }
    return render(request, "console/campaign_response_rates.html", context)
