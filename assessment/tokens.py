"""Respondent link tokens: random, never stored, re-derivable by the server for reminders.

token = HMAC-SHA256(server key, random nonce), base64url. The database keeps the nonce and a
SHA-256 of the token: without the server key neither gives the link away.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def _key():
    return (getattr(settings, "INVITATION_TOKEN_KEY", "") or settings.SECRET_KEY).encode()


def token_nonce_new():
    return secrets.token_urlsafe(16)


def token_for_nonce(nonce):
    digest = hmac.new(_key(), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()
