"""API tokens: created by members for one membership, shown once, stored hashed, revocable."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from api.models import ApiToken
from api.services import api_token_create, token_hash

from .api_helpers import auth, fresh_rate_limits  # noqa: F401 (fixture)


def test_only_the_hash_is_stored_and_the_secret_works(client, campaign, owner):
    token, secret = api_token_create(membership=owner.memberships.get(), name="BI", scopes=["campaigns:read"])
    assert secret.startswith("irk_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == token_hash(secret) and secret not in {stored.token_hash, stored.prefix}
    assert client.get(reverse("api:campaigns"), **auth(secret)).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.parametrize("scopes", [[], ["everything"], ["benchmark:read"]])
def test_bad_or_unallowed_scopes_are_refused(campaign, owner, scopes):
    with pytest.raises(ValidationError):
        api_token_create(membership=owner.memberships.get(), name="BI", scopes=scopes)
    assert not ApiToken.objects.exists()


def test_member_creates_sees_once_and_revokes_a_token(client, campaign, member):
    client.force_login(member)
    url = reverse("api:tokens")
    membership = member.memberships.get()
    page = client.post(url, {"membership": membership.pk, "name": "HR system", "scopes": ["results:read"], "days": 30})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    secret = page.context["secret"]
    assert secret in page.content.decode()
    token = ApiToken.objects.get()
    assert token.membership == membership and token.scopes == "results:read" and token.expires_at is not None
    assert secret not in client.get(url).content.decode()  # never shown again
    assert client.get(reverse("api:scores", args=[campaign.pk]), **auth(secret)).status_code == 200
    client.post(reverse("api:token_revoke", args=[token.pk]))
    assert client.get(reverse("api:scores", args=[campaign.pk]), **auth(secret)).status_code == 401


def test_an_executive_cannot_grant_the_benchmark_scope_on_the_page(client, campaign, member):
    client.force_login(member)
    page = client.post(
        reverse("api:tokens"),
        {"membership": member.memberships.get().pk, "name": "x", "scopes": ["benchmark:read"], "days": 30},
    )
    assert page.status_code == 200 and "cannot grant" in page.content.decode() and not ApiToken.objects.exists()


def test_a_token_for_someone_else_s_membership_cannot_be_made_or_revoked(client, campaign, owner, outsider):
    token, _secret = api_token_create(
        membership=owner.memberships.get(), name="Tableau-owner", scopes=["campaigns:read"]
    )
    client.force_login(outsider)
    page = client.post(
        reverse("api:tokens"),
        {"membership": owner.memberships.get().pk, "name": "x", "scopes": ["campaigns:read"], "days": 30},
    )
    assert page.status_code == 200 and ApiToken.objects.count() == 1  # not one of the outsider's choices
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert token.name not in client.get(reverse("api:tokens")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, campaign):
    reply = client.get(reverse("api:tokens"))
    assert reply.status_code == 302 and "/accounts/login/" in reply["Location"]


def test_japanese_token_page(client, campaign, owner):
    client.force_login(owner)
    page = client.get(reverse("api:tokens"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "APIトークン" in page and "スコープ" in page


def test_unknown_api_addresses_and_bad_parameters_answer_in_json(client, campaign, owner):
    from api.services import api_token_create

    _token, secret = api_token_create(membership=owner.memberships.get(), name="BI", scopes=["campaigns:read"])
    reply = client.get("/api/v1/nothing-here/", **auth(secret))
    assert reply.status_code == 404 and reply.json()["detail"]
    for query in ("?page_size=0", "?page_size=201", "?page=x", "?colour=red", "?page=1&page=2"):
        reply = client.get(reverse("api:campaigns") + query, **auth(secret))
        assert reply.status_code == 400 and reply.json()["detail"], query
