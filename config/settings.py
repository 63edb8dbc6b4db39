"""Settings read from the environment; defaults give a working local SQLite setup."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "assessment",
    "backup",
    "reports",
    "console",
    "workshop",
    "followthrough",
    # issue 18: enterprise fit
    "benchmark",
    "rest_framework",
    "drf_spectacular",
    "api",
    "sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files from the app server itself
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    # last, as django-axes asks: it turns locked-out logins into a clear page
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failed logins first
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock it for fifteen minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy: the real client address (config/signin.py), and a limit per address
# across usernames (twenty wrong passwords from one place, whatever the accounts).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.signin.client_ip"
AXES_HANDLER = "config.signin.AddressAwareHandler"
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "20"))

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default; PostgreSQL (production) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Production keeps connections (a new PostgreSQL connection costs a backend fork and a
        # handshake per request), checked before reuse so a restarted database costs no errors.
        # Development and tests close them after each request (threads in tests would hold them).
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two requests saving
    # the same response serialise instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not the in-memory default: its shared cache locks whole tables and ignores the
    # timeout, so concurrency tests would see failures production never has.
    # One file per test run (pid), so two runs on one checkout never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
elif DATABASES["default"].get("NAME"):
    # Likewise on PostgreSQL: test_<name>_<pid>, dropped at the end of the run.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # A database that does not answer fails fast instead of hanging requests and workers; a
    # runaway statement, or a client gone silent inside a transaction (holding row locks), is
    # stopped by the server. 0 turns a limit off (scripts/serve.sh runs migrations without one).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    DATABASES["default"]["OPTIONS"]["options"] = (
        f"-c statement_timeout={int(os.environ.get('DB_STATEMENT_TIMEOUT_MS', '30000'))}"
        f" -c idle_in_transaction_session_timeout={int(os.environ.get('DB_IDLE_TRANSACTION_TIMEOUT_MS', '60000'))}"
    )

# Key for respondent-link tokens (assessment/tokens.py); empty means the secret key. Keep it when
# rotating DJANGO_SECRET_KEY, or links already sent can no longer be re-sent in reminders.
INVITATION_TOKEN_KEY = os.environ.get("INVITATION_TOKEN_KEY", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Hashed, compressed file names in production (after collectstatic); plain files in development
# and tests, where no manifest exists.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("DJANGO_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Innovation readiness <no-reply@readiness.invalid>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))  # a hung mail server must not hang a request

# Background work: the database-backed worker (`manage.py db_worker`) by default; set
# TASKS_BACKEND=django_tasks_rq.RQBackend to queue on Redis (`manage.py rqworker default`).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 1800}}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Errors and warnings to stderr with the request's method, path and user id; respondent tokens
# and workshop codes masked everywhere (config/logs.py).
from config.logs import logging_config  # noqa: E402

LOGGING = logging_config(os.environ.get("DJANGO_LOG_LEVEL", "INFO"))
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# Charts and PDFs by a digest of what produced them (reports/cache.py): files on this machine by
# default, shared by its web and worker processes; REPORT_CACHE_REDIS_URL shares them between
# machines; REPORT_CACHE=off turns caching off.
_REPORT_CACHE: dict[str, object]
if os.environ.get("REPORT_CACHE", "on").lower() in {"0", "off", "false", "no"}:
    _REPORT_CACHE = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
elif os.environ.get("REPORT_CACHE_REDIS_URL"):
    _REPORT_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REPORT_CACHE_REDIS_URL"],
        "KEY_PREFIX": "reports",
    }
else:
    _REPORT_CACHE = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("REPORT_CACHE_DIR", str(BASE_DIR / "var" / "report-cache")),
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }  # at most about 600 MB of PDFs
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "reports": {**_REPORT_CACHE, "TIMEOUT": 60 * 60 * 24 * 30},
}

# Rendered exports (ZIPs of PDFs). On several web nodes this must be shared storage.
# Respondent lists with more rows than this are imported by the task worker, with progress on the page.
RESPONDENT_LIST_BACKGROUND_ROWS = int(os.environ.get("RESPONDENT_LIST_BACKGROUND_ROWS", "500"))
EXPORTS_DIR = Path(os.environ.get("EXPORTS_DIR", BASE_DIR / "var" / "exports"))

# Public base address used when printing respondent links from the command line.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- production hardening: on whenever DEBUG is off (see `manage.py check --deploy`) ----------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Off only for plain-http serving on one machine (scripts/serve.sh); never behind the internet.
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # respondent tokens live in URLs: never leak them in Referer

# Scripts only from our own files (no inline script); styles allow inline attributes for
# progress bars. Charts' colour scales are data: images.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)

# --- issue 18: read-only API (api/) -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Innovation readiness API",
    "DESCRIPTION": "Read-only; returns exactly what the reports release (null: withheld by the anonymity rules).",
    "VERSION": "1.0.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120/min")  # per token (or per address without one)
CACHES["api"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["API_RATE_LIMIT_REDIS_URL"],
        "KEY_PREFIX": "api",
    }
    if os.environ.get("API_RATE_LIMIT_REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"}
)

# --- issue 18: single sign-on with the company's OpenID Connect provider (sso/, docs/deploy.md) ---
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")  # empty: single sign-on off
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # sign-in never creates an account, let alone a membership
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
SSO_PROVIDER_NAME = os.environ.get("SSO_PROVIDER_NAME", "")  # shown on the button, e.g. "Microsoft Entra ID"
LOCAL_LOGIN_ENABLED = env_bool("DJANGO_LOCAL_LOGIN", True)
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("sso.backends.MembershipOIDCBackend")
if not LOCAL_LOGIN_ENABLED:  # permissions stay; passwords are no longer checked anywhere (admin too)
    AUTHENTICATION_BACKENDS = [
        "sso.backends.PermissionsOnlyBackend" if b == "django.contrib.auth.backends.ModelBackend" else b
        for b in AUTHENTICATION_BACKENDS
    ]
