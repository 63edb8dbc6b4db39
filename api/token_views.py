"""Staff create and revoke their own API tokens; a token acts for one of their memberships."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessment.models import Membership

from .forms import ApiTokenForm
from .selectors import api_tokens_for_user
from .services import api_token_create, api_token_revoke


@require_http_methods(["GET", "POST"])
@login_required
def token_list(request):
    memberships = list(Membership.objects.select_related("organisation").filter(user=request.user))
    form = ApiTokenForm(request.POST or None, memberships=memberships)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = api_token_create(**form.cleaned_data)
        except ValidationError as error:
            form.add_error("scopes", error)
        else:
            form = ApiTokenForm(memberships=memberships)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": api_tokens_for_user(user=request.user),
            "has_memberships": bool(memberships),
        },
    )
    response["Cache-Control"] = "no-store"  # the new secret is on this page once
    return response


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(api_tokens_for_user(user=request.user), pk=pk)
    api_token_revoke(token=token)
    messages.success(request, _("Token revoked."))
    return redirect("api:tokens")
