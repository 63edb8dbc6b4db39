from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .selectors import api_token_get_for_secret
from .services import api_token_touch


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer irk_...`; request.user is the member, request.auth the ApiToken."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Malformed Authorization header: use 'Bearer <token>'."))
        token = api_token_get_for_secret(secret=parts[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed(_("Unknown, expired or revoked API token."))
        api_token_touch(token=token)
        return token.membership.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API token from /api/tokens/ (irk_...)."}
