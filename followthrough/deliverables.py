"""Downloads for the consultant: PowerPoint deck, Excel data pack, facilitator kit."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from assessment.i18n import current_lang

from .permissions import campaign_get_for_followthrough

LANGS = ("ja", "en")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _lang(request):
    lang = request.GET.get("lang") or current_lang()
    if lang not in LANGS:
        raise Http404("unsupported language")
    return lang


def _download(body, content_type, campaign, suffix):
    name = "-".join([slugify(campaign.organisation.slug), slugify(campaign.name) or f"campaign-{campaign.pk}", suffix])
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
def data_pack(request, pk):
    from .datapack import data_pack_xlsx

    campaign = campaign_get_for_followthrough(user=request.user, pk=pk)
    lang = _lang(request)
    return _download(data_pack_xlsx(campaign=campaign, lang=lang), XLSX, campaign, f"data-{lang}.xlsx")


@require_GET
@login_required
def deck(request, pk):
    from .deck import deck_pptx

    campaign = campaign_get_for_followthrough(user=request.user, pk=pk)
    lang = _lang(request)
    return _download(deck_pptx(campaign=campaign, lang=lang), PPTX, campaign, f"deck-{lang}.pptx")


@require_GET
@login_required
def facilitator_kit(request, pk):
    from .kit import kit_pdf

    campaign = campaign_get_for_followthrough(user=request.user, pk=pk)
    lang = _lang(request)
    return _download(kit_pdf(campaign=campaign, lang=lang), "application/pdf", campaign, f"facilitator-kit-{lang}.pdf")
