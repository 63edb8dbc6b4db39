"""Single sign-on end to end: a real OpenID Connect provider (django-oauth-toolkit, tests/oidc_provider/)
runs on a free loopback port with its own database and an RSA key made for this run; the staff
console goes through the authorization-code flow with PKCE against it."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessment.models import Membership

from .conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID, CLIENT_SECRET = "readiness-console", "test-secret-of-the-relying-party"
CALLBACK = "http://testserver/oidc/callback/"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(folder / "key.pem"),
        "OIDC_PROVIDER_ISSUER": f"{base}/o",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port), CLIENT_ID, CLIENT_SECRET, CALLBACK],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"test provider did not start: {line}{process.stderr.read()}")
        yield {"base": base, "issuer": f"{base}/o"}
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, oidc_provider):
    """The relying party configured as docs/deploy.md says, pointing at the test provider."""
    base = oidc_provider["base"]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = oidc_provider["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/o/.well-known/jwks.json"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "sso.backends.MembershipOIDCBackend"]
    return oidc_provider


def sign_in(client, provider, username, email, next_url="/console/", keep=None):
    """The browser's part: start at the console, sign in at the provider, come back with the code."""
    start = client.get(reverse("oidc_authentication_init") + f"?next={next_url}")
    assert start.status_code == 302 and start["Location"].startswith(provider["base"] + "/o/authorize/")
    browser = requests.Session()
    browser.get(f"{provider['base']}/login-as/", params={"username": username, "email": email}, allow_redirects=False)
    consent = browser.get(start["Location"], allow_redirects=False, timeout=10)
    assert consent.status_code == 302, consent.text[:500]
    back = consent.headers["Location"]
    assert back.startswith(CALLBACK) and "code=" in back
    parts = urlsplit(back)
    if keep is not None:
        keep.append(f"{parts.path}?{parts.query}")
    return client.get(f"{parts.path}?{parts.query}")


def signed_in_user(client):
    return client.get(reverse("console:dashboard"))


@pytest.fixture
def hr_user(campaign):
    user = get_user_model().objects.create_user("hanako", email="Hanako.Sato@Example.co.jp", password=PASSWORD)
    Membership.objects.create(user=user, organisation=campaign.organisation, role="hr")
    return user


def test_a_member_signs_in_with_the_company_provider(client, sso, hr_user, campaign):
    reply = sign_in(client, sso, "hsato", "hanako.sato@example.co.jp")  # the provider's spelling of the address
    assert reply.status_code == 302 and reply["Location"] == "/console/"
    page = signed_in_user(client)
    assert page.status_code == 200 and campaign.organisation.name_en in page.content.decode()
    assert int(client.session["_auth_user_id"]) == hr_user.pk


def _refused(client, reply):
    assert reply.status_code == 302 and reply["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    return client.get(reply["Location"]).content.decode()


def test_an_unknown_user_is_refused_and_nothing_is_created(client, sso, hr_user):
    users, memberships = get_user_model().objects.count(), Membership.objects.count()
    page = _refused(client, sign_in(client, sso, "stranger", "stranger@example.co.jp"))
    assert "not linked to any organisation" in page
    assert (get_user_model().objects.count(), Membership.objects.count()) == (users, memberships)


def test_an_account_without_a_membership_gets_none_from_signing_in(client, sso, campaign):
    get_user_model().objects.create_user("taro", email="taro@example.co.jp")
    page = _refused(client, sign_in(client, sso, "taro", "taro@example.co.jp"))
    assert "not linked to any organisation" in page and not Membership.objects.filter(user__username="taro").exists()


def test_a_token_for_another_audience_is_refused(client, sso, hr_user, caplog):
    page = _refused(client, sign_in(client, sso, "wrong-audience-1", hr_user.email))
    assert "wrong audience" in page
    assert "audience 'another-application' is not this client" in caplog.text


def test_an_expired_token_is_refused(client, sso, hr_user, caplog):
    page = _refused(client, sign_in(client, sso, "expired-1", hr_user.email))
    assert "expired" in page
    assert "expired" in caplog.text.lower() and "refused" in caplog.text


def test_an_unverified_e_mail_is_refused(client, sso, hr_user):
    page = _refused(client, sign_in(client, sso, "unverified-1", hr_user.email))
    assert "verified" in page


def test_two_accounts_with_one_address_are_never_guessed_between(client, sso, hr_user, campaign):
    twin = get_user_model().objects.create_user("hanako2", email=hr_user.email.upper())
    Membership.objects.create(user=twin, organisation=campaign.organisation, role="executive")
    _refused(client, sign_in(client, sso, "hsato", hr_user.email))


def test_refusal_is_explained_in_japanese(client, sso, hr_user):
    reply = sign_in(client, sso, "stranger", "stranger@example.co.jp")
    page = client.get(reply["Location"], HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "どの組織にも" in page


def test_a_replayed_callback_signs_no_one_in(client, sso, hr_user):
    used = []
    assert sign_in(client, sso, "hsato", hr_user.email, keep=used)["Location"] == "/console/"
    client.logout()
    replay = client.get(used[0])  # same code and state: the state left with the session, the code is spent
    assert replay.status_code == 302 and replay["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


# --- password sign-in off ------------------------------------------------------------------------


@pytest.fixture
def passwords_off(settings, sso):
    settings.LOCAL_LOGIN_ENABLED = False
    settings.AUTHENTICATION_BACKENDS = [
        "sso.backends.PermissionsOnlyBackend" if b == "django.contrib.auth.backends.ModelBackend" else b
        for b in settings.AUTHENTICATION_BACKENDS
    ]


def test_with_passwords_off_only_the_provider_signs_in(client, passwords_off, sso, hr_user):
    page = client.get(reverse("login"))
    assert 'id="sso-button"' in page.content.decode() and 'name="password"' not in page.content.decode()
    refused = client.post(reverse("login"), {"username": "hanako", "password": PASSWORD})
    assert refused.status_code == 403 and "_auth_user_id" not in client.session
    admin = client.post("/admin/login/", {"username": "hanako", "password": PASSWORD})
    assert "_auth_user_id" not in client.session and admin.status_code == 200
    assert sign_in(client, sso, "hsato", hr_user.email)["Location"] == "/console/"


def test_permissions_still_work_with_passwords_off(passwords_off, consultant):
    assert consultant.has_perm("assessment.add_organisation")


def test_the_environment_turns_password_sign_in_off_and_single_sign_on_on():
    code = "import django; django.setup(); from django.conf import settings as s; print(' '.join(s.AUTHENTICATION_BACKENDS))"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_LOCAL_LOGIN": "false",
        "OIDC_RP_CLIENT_ID": "x",
        "OIDC_OP_JWKS_ENDPOINT": "https://idp.invalid/jwks",
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    backends = out.stdout.split()
    assert "django.contrib.auth.backends.ModelBackend" not in backends
    assert "sso.backends.PermissionsOnlyBackend" in backends and "sso.backends.MembershipOIDCBackend" in backends


def test_without_configuration_there_is_no_single_sign_on(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert 'id="sso-button"' not in client.get(reverse("login")).content.decode()
