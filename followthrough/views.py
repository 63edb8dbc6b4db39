"""Follow-through pages: fetch through one permission helper, call one service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.i18n import current_lang

from . import adapter, selectors, services
from .forms import ActionCreateForm, ActionForm, CommitmentsForm
from .loop import loop_context
from .permissions import (
    action_get_for_user,
    campaign_get_for_actions,
    campaign_get_for_commitments,
    campaign_get_for_followthrough,
    user_followthrough_rights,
)


def _level_names(campaign):
    return {level["level"]: level["name"] for level in campaign.framework.levels}


@require_GET
@login_required
def campaign_followthrough(request, pk):
    campaign = campaign_get_for_followthrough(user=request.user, pk=pk)
    lang = current_lang()
    from assessment.analysis import campaign_results  # pandas: imported where used

    result = campaign_results(campaign=campaign)
    dimensions = selectors.framework_dimensions_info(campaign=campaign)
    level_names = _level_names(campaign)
    current = selectors.commitments_current(campaign=campaign)
    planned = set(
        selectors.actions_for_campaign(campaign=campaign)
        .exclude(recommendation="")
        .values_list("recommendation", flat=True)
    )
    names = {d["key"]: d["name"][lang] for d in dimensions}
    rows = []
    for info, actions in selectors.actions_by_dimension(campaign=campaign, dimensions=dimensions):
        levels = adapter.dimension_levels(result, info["key"])
        commitment = current.get(info["key"])
        rows.append(
            {
                "key": info["key"],
                "name": info["name"][lang],
                "levels": levels,
                "staff_level_name": level_names.get(levels["staff"], {}).get(lang, ""),
                "commitment": commitment,
                "target_level_name": level_names.get(commitment.target_level, {}).get(lang, "") if commitment else "",
                "history": list(selectors.commitment_versions(campaign=campaign, dimension=info["key"])[1:])
                if commitment
                else [],
                "actions": actions,
                "overdue": sum(1 for a in actions if a.overdue),
            }
        )
    recommendations = [
        {
            "key": rec["key"],
            "dimension": names.get(rec["dimension"], rec["dimension"]),
            "title": rec["title"][lang],
            "reason": rec["reason"]["text"][lang],
            "priority": rec["priority"],
            "planned": rec["key"] in planned,
        }
        for rec in adapter.recommendations(result)
    ]
    context = {
        "campaign": campaign,
        "shown": result["shown"],
        "rows": rows,
        "recommendations": recommendations,
        "rights": user_followthrough_rights(user=request.user, campaign=campaign),
        "loop": loop_context(selectors.loop_data(campaign=campaign, result=result), lang=lang, level_names=level_names),
    }
    return render(request, "followthrough/campaign.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def commitments_edit(request, pk):
    campaign = campaign_get_for_commitments(user=request.user, pk=pk)
    form = CommitmentsForm(
        request.POST or None,
        dimensions=selectors.framework_dimensions_info(campaign=campaign),
        current=selectors.commitments_current(campaign=campaign),
        level_names=_level_names(campaign),
    )
    if form.is_valid():
        changed = 0
        for values in form.commitments:
            try:
                _commitment, created = services.commitment_set(campaign=campaign, user=request.user, **values)
            except services.FollowthroughError as error:
                form.add_error(None, str(error))
                break
            changed += created
        else:
            messages.success(
                request, ngettext("%(count)d target saved.", "%(count)d targets saved.", changed) % {"count": changed}
            )
            return redirect("followthrough:campaign", campaign.pk)
    return render(request, "followthrough/commitments_form.html", {"campaign": campaign, "form": form})


@require_POST
@login_required
def actions_create(request, pk):
    campaign = campaign_get_for_actions(user=request.user, pk=pk)
    keys = request.POST.getlist("recommendation")
    if not keys:
        messages.error(request, _("Choose at least one recommendation."))
        return redirect("followthrough:campaign", campaign.pk)
    try:
        created, existing = services.actions_create_from_recommendations(
            campaign=campaign, keys=keys, user=request.user
        )
    except services.FollowthroughError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext("%(count)d action created.", "%(count)d actions created.", len(created)) % {"count": len(created)},
        )
        if existing:
            messages.info(
                request, _("%(count)d already had an action and were left as they were.") % {"count": len(existing)}
            )
    return redirect("followthrough:campaign", campaign.pk)


@require_http_methods(["GET", "POST"])
@login_required
def action_edit(request, pk):
    action = action_get_for_user(user=request.user, pk=pk)
    form = ActionForm(request.POST or None, instance=action)
    if form.is_valid():
        try:
            services.action_update(action=action, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except services.FollowthroughError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Action saved."))
            return redirect("followthrough:campaign", action.campaign_id)
    return render(
        request, "followthrough/action_form.html", {"campaign": action.campaign, "action": action, "form": form}
    )


@require_http_methods(["GET", "POST"])
@login_required
def action_add(request, pk):
    campaign = campaign_get_for_actions(user=request.user, pk=pk)
    form = ActionCreateForm(request.POST or None, dimensions=selectors.framework_dimensions_info(campaign=campaign))
    if form.is_valid():
        try:
            services.action_create(
                campaign=campaign, user=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
            )
        except services.FollowthroughError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Action saved."))
            return redirect("followthrough:campaign", campaign.pk)
    return render(request, "followthrough/action_form.html", {"campaign": campaign, "form": form, "new": True})
