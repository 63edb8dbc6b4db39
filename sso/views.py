from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .backends import sso_enabled

SSO_ERRORS = {
    "unverified": _("Your identity provider did not confirm that this e-mail address is verified."),
    "unknown": _(
        "Your company account is not linked to any organisation here. Ask your consultant or HR administrator to add you with this e-mail address."
    ),
    "token": _(
        "The identity provider's answer could not be accepted (wrong audience, issuer or signature, or expired). Please try again; if it persists, tell your administrator."
    ),
    "provider": _("The identity provider could not be reached. Please try again later."),
    "failed": _("Sign-in with your company account did not succeed. Please try again."),
}


def _only_when_configured(view):
    def wrapped(request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("single sign-on is not configured")
        return view(request, *args, **kwargs)

    return wrapped


sso_start = _only_when_configured(OIDCAuthenticationRequestView.as_view())
sso_callback = _only_when_configured(OIDCAuthenticationCallbackView.as_view())


class LoginView(auth_views.LoginView):
    """The sign-in page: the company sign-in button when configured; the password form unless turned off."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        error = self.request.session.pop("sso_error", None)
        context.update(
            sso_enabled=sso_enabled(),
            sso_name=settings.SSO_PROVIDER_NAME,
            local_login=settings.LOCAL_LOGIN_ENABLED,
            sso_error=SSO_ERRORS.get(error)
            if error
            else (SSO_ERRORS["failed"] if self.request.GET.get("sso") == "failed" else None),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not settings.LOCAL_LOGIN_ENABLED:
            response = self.get(request, *args, **kwargs)
            response.status_code = 403
            return response
        return super().post(request, *args, **kwargs)
