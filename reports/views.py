from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessment.i18n import current_lang
from assessment.permissions import department_get_for_campaign
from assessment.selectors import invitation_get_for_token, invitation_response
from benchmark.report import benchmark_report_context

from . import services
from .permissions import campaign_get_for_reports
from .prefetch import report_pdf_prefetch


def _pdf_response(pdf, filename):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _lang_param(request):
    lang = request.GET.get("lang") or current_lang()
    if lang not in services.LANGS:
        raise Http404("unsupported language")
    return lang


def _pdf_links(url):
    return [(f"{url}?lang=ja", "PDF 日本語"), (f"{url}?lang=en", "PDF English")]


@never_cache  # results and answers must not stay in a shared or browser cache
@require_GET
@login_required
def organisation_report(request, pk):
    campaign = campaign_get_for_reports(user=request.user, pk=pk)
    result = services.report_result(campaign=campaign)  # once, for the report and the benchmark
    context = services.report_context_for(campaign=campaign, lang=current_lang(), result=result)
    report_pdf_prefetch(campaign=campaign, context=context, lang=current_lang())
    context.update(benchmark_report_context(user=request.user, campaign=campaign, lang=current_lang(), result=result))
    context["pdf_links"] = _pdf_links(reverse("reports:organisation_pdf", args=[pk]))
    return render(request, "reports/report_page.html", context)


@never_cache  # results and answers must not stay in a shared or browser cache
@require_GET
@login_required
def organisation_report_pdf(request, pk):
    campaign = campaign_get_for_reports(user=request.user, pk=pk)
    lang = _lang_param(request)
    result = services.report_result(campaign=campaign)
    benchmark = benchmark_report_context(user=request.user, campaign=campaign, lang=lang, result=result)
    if benchmark:  # a consultant's copy carries the benchmark section
        context = {**services.report_context_for(campaign=campaign, lang=lang, result=result), **benchmark}
        from .pdf import template_to_pdf  # WeasyPrint: imported where used, not by the URL configuration

        pdf = template_to_pdf(services.PDF_TEMPLATE, context, lang=lang)
    else:
        pdf = services.report_pdf(campaign=campaign, lang=lang, result=result)
    return _pdf_response(pdf, services.report_filename(campaign=campaign, lang=lang))


@never_cache  # results and answers must not stay in a shared or browser cache
@require_GET
@login_required
def department_report(request, pk, key):
    campaign = campaign_get_for_reports(user=request.user, pk=pk)
    department = department_get_for_campaign(campaign=campaign, key=key)
    context = services.report_context_for(campaign=campaign, lang=current_lang(), department=department.key)
    report_pdf_prefetch(campaign=campaign, context=context, lang=current_lang(), department=department.key)
    context["pdf_links"] = _pdf_links(reverse("reports:department_pdf", args=[pk, key]))
    return render(request, "reports/report_page.html", context)


@never_cache  # results and answers must not stay in a shared or browser cache
@require_GET
@login_required
def department_report_pdf(request, pk, key):
    campaign = campaign_get_for_reports(user=request.user, pk=pk)
    department = department_get_for_campaign(campaign=campaign, key=key)
    lang = _lang_param(request)
    pdf = services.report_pdf(campaign=campaign, lang=lang, department=department.key)
    return _pdf_response(pdf, services.report_filename(campaign=campaign, lang=lang, department=department.key))


def _submitted_response(token):
    invitation = invitation_get_for_token(token=token)
    response = invitation_response(invitation=invitation)
    if response is None or not response.is_submitted:
        raise Http404("no submitted response for this link")
    return invitation.campaign, response


@never_cache  # results and answers must not stay in a shared or browser cache
@require_GET
def personal_report(request, token):
    """A respondent's own report: reachable only with their link, only after submitting."""
    campaign, response = _submitted_response(token)
    context = services.personal_context(campaign=campaign, response=response, lang=current_lang())
    context["pdf_links"] = _pdf_links(reverse("reports:personal_pdf", args=[token]))
    return render(request, "reports/report_page.html", context)


@never_cache  # results and answers must not stay in a shared or browser cache
@require_GET
def personal_report_pdf(request, token):
    campaign, response = _submitted_response(token)
    lang = _lang_param(request)
    pdf = services.personal_pdf(campaign=campaign, response=response, lang=lang)
    return _pdf_response(pdf, f"my-innovation-readiness-{lang}.pdf")
