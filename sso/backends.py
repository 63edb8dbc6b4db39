"""Sign-in with the company's OpenID Connect provider (mozilla-django-oidc), with the checks
this product needs on top of the library's:

- the ID token's issuer, audience (and authorised party), expiry and issue time are verified
  (the library checks the signature and the nonce only);
- the userinfo answer must be about the same subject as the ID token;
- the e-mail must be verified by the provider, and must match exactly one active account that
  already has a membership (or is a superuser). Nothing is ever created: no account, no membership.

A refusal is recorded in the session (`sso_error`) so that the sign-in page can say why.
"""

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

logger = logging.getLogger(__name__)
CLOCK_SKEW_SECONDS = 60


class SsoRefused(SuspiciousOperation):
    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}")
        self.code = code


class MembershipOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET:
            return None  # a password sign-in, not ours
        try:
            return super().authenticate(request, **kwargs)
        except SsoRefused as error:
            reason, detail = error.code, str(error)
        except (SuspiciousOperation, jwt.InvalidTokenError) as error:
            reason, detail = "token", str(error)
        except requests.RequestException as error:
            reason, detail = "provider", str(error)
        logger.warning("single sign-on refused: %s", detail)
        request.session.setdefault("sso_error", reason)
        return None

    def _refuse(self, code, detail):
        # recorded here: the library turns some refusals into a plain None before we see them
        self.request.session["sso_error"] = code
        return SsoRefused(code, detail)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        client_id = self.OIDC_RP_CLIENT_ID
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if client_id not in audiences:
            raise self._refuse("token", f"audience {audience!r} is not this client")
        if len(audiences) > 1 and payload.get("azp") != client_id:
            raise self._refuse("token", "several audiences and the authorised party is not this client")
        issuer = self.get_settings("OIDC_OP_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            raise self._refuse("token", f"issuer {payload.get('iss')!r} is not {issuer!r}")
        now = time.time()
        if not isinstance(payload.get("exp"), (int, float)) or payload["exp"] < now - CLOCK_SKEW_SECONDS:
            raise self._refuse("token", "expired")
        if not isinstance(payload.get("iat"), (int, float)) or payload["iat"] > now + CLOCK_SKEW_SECONDS:
            raise self._refuse("token", "issued in the future or without a time")
        self._id_token_subject = payload.get("sub")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise self._refuse("token", "userinfo is about another subject")
        return claims

    def verify_claims(self, claims):
        if not claims.get("email"):
            raise self._refuse("unverified", "no e-mail")
        if claims.get("email_verified") is not True:
            raise self._refuse("unverified", f"e-mail {claims['email']!r} not verified by the provider")
        return True

    def filter_users_by_claims(self, claims):
        email = claims["email"].strip()
        users = self.UserModel.objects.filter(
            Q(memberships__isnull=False) | Q(is_superuser=True), email__iexact=email, is_active=True
        ).distinct()
        if users.count() != 1:
            # no one, or several accounts share the address: never guess
            raise self._refuse("unknown", f"{users.count()} accounts with memberships for this e-mail")
        return users

    def create_user(self, claims):  # OIDC_CREATE_USER is off; belt and braces
        raise self._refuse("unknown", "accounts are never created by sign-in")


class PermissionsOnlyBackend(ModelBackend):
    """Django's permissions without password sign-in (LOCAL_LOGIN_ENABLED off)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None


def sso_enabled():
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))
