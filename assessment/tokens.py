"""Respondent link tokens: random, shown once, stored only as a SHA-256 hash."""

import hashlib
import secrets


def token_new():
    return secrets.token_urlsafe(24)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()
