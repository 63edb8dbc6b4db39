import pytest

from api.models import SCOPES
from api.services import ROLE_SCOPES, api_token_create


def token_for(user, organisation, scopes=None, **kwargs):
    """A token of `user`'s membership of `organisation`, with every scope the role may hold by default."""
    membership = user.memberships.get(organisation=organisation)
    scopes = scopes if scopes is not None else sorted(ROLE_SCOPES[membership.role])
    _token, secret = api_token_create(membership=membership, name="BI", scopes=scopes, **kwargs)
    return secret


def auth(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters are per process: each test starts with none."""
    from django.core.cache import caches

    caches["api"].clear()


@pytest.fixture
def api_get(client):
    def get(url, secret=None, **extra):
        headers = auth(secret) if secret else {}
        return client.get(url, **headers, **extra)

    return get


ALL_SCOPES = sorted(SCOPES)
