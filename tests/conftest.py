import os
from pathlib import Path

import pytest

from assessment.services import framework_load, invitation_create

from .factories import CampaignFactory, DepartmentFactory

FRAMEWORK_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "framework" / "innovation-readiness-1.0.yaml"


# --- parallel runs (pytest-xdist, `make test` uses two workers) and Redis ------------------------
# Each worker has its own test database (config/settings.py names it by process id); live servers
# take a free port; files go under each test's tmp_path. Shared things stay on one worker:
# `--dist loadgroup` sends every test of one xdist_group to the same worker.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


# Slow: seconds each on an idle machine (worker processes, PDFs, browsers, generated requests),
# from `pytest --durations`. `-m "not slow"` leaves them out for a quick round.
SLOW_MODULES = {
    "test_api_schemathesis.py",
    "test_backup.py",
    "test_backup_faults.py",
    "test_concurrency.py",
    "test_exports.py",
    "test_production_settings.py",
    "test_report_pages.py",
    "test_serve_supervision.py",
    "test_signin_proxy.py",
    "test_sso_flow.py",
    "test_web_database_faults.py",
    "test_worker_faults.py",
}
SLOW_TESTS = {
    "test_random_organisations_never_isolate_anyone",
    "test_report_pages_keep_a_fixed_number_of_queries",
    "test_vectorised_results_equal_the_per_group_ones",
    "test_owner_and_same_organisation_viewer_read_reports_and_pdfs",
    "test_hashed_static_names_after_collectstatic_are_served",
    "test_the_same_report_is_printed_once",
    "test_reading_the_report_page_prints_its_pdf_in_the_background",
    "test_raising_one_answer_never_lowers_its_dimension",
    "test_previous_campaign_comparison_appears",
    "test_personal_report_only_with_the_link_and_after_submitting",
    "test_seed_demo_uses_1_1_and_answers_only_routed_statements",
    "test_japanese_organisation_report_pdf",
    "test_sign_in_locks_after_five_failures_and_cools_off",
    "test_consultant_s_pdf_carries_the_benchmark",
    "test_comments_are_escaped_on_the_page_and_in_the_pdf_without_role_or_department",
    "test_english_report_pdf_and_the_top_recommendation",
    "test_department_report_and_small_departments",
    "test_user_text_is_escaped_and_never_fetched",
    "test_a_department_report_reads_only_its_department_and_shows_what_the_whole_read_shows",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if (
            item.get_closest_marker("browser")
            or item.path.name in SLOW_MODULES
            or getattr(item, "originalname", item.name) in SLOW_TESTS
        ):
            item.add_marker(pytest.mark.slow)
        if "redis_queue" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.redis)
            # one "default" queue per Redis database: two workers' jobs would meet in it
            item.add_marker(pytest.mark.xdist_group("redis"))
        elif item.get_closest_marker("browser"):
            # one browser at a time: two chromiums and two live servers on two cores time out
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def redis_url():
    """The Redis database of the tests: TEST_REDIS_URL, by default database 15 (never the
    development queue's database 0). Tests that need it are skipped, saying why, without Redis."""
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL} ({error}); start redis-server or set TEST_REDIS_URL")
    return TEST_REDIS_URL


@pytest.fixture
def redis_queue(settings, redis_url):
    """The task queue on the tests' Redis database, emptied: returns its URL (for worker processes)."""
    import django_rq
    from django_rq import settings as rq_settings

    original = rq_settings.QUEUES
    settings.RQ_QUEUES = rq_settings.QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 1800}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    django_rq.get_queue("default").empty()
    yield redis_url
    rq_settings.QUEUES = original


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    """Export files of each test in its own folder: two workers' databases both have a job 1."""
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings.EXPORTS_DIR


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a Japanese request must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def report_cache(settings):
    """Each test starts with an empty chart and PDF cache of its own process."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "reports": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reports-tests"},
    }
    caches["reports"].clear()
    return caches["reports"]


@pytest.fixture
def no_report_cache(settings):
    settings.CACHES = {**settings.CACHES, "reports": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def framework(db):
    """The real framework file, loaded the way `load_framework` loads it."""
    framework, _ = framework_load(path=FRAMEWORK_FILE)
    return framework


@pytest.fixture
def campaign(framework):
    campaign = CampaignFactory(framework=framework)
    DepartmentFactory(organisation=campaign.organisation, key="rd", name_en="R&D", name_ja="研究開発")
    DepartmentFactory(organisation=campaign.organisation, key="sales", name_en="Sales", name_ja="営業")
    return campaign


@pytest.fixture
def make_token(campaign):
    """Create an invitation and return its raw token (the only thing a respondent holds)."""

    def make(target=None, **fields):
        _invitation, token = invitation_create(campaign=target or campaign, **fields)
        return token

    return make


@pytest.fixture
def token(make_token):
    return make_token()


# --- real browser (Playwright with Debian's chromium; a browser download is impossible here) ---
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # the suite runs as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # without these chromium keeps calling home, and the closed network refuses it loudly
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


# --- the standing users: every staff view is tested with each of them and with no one -------------
PASSWORD = "a-long-password-1"


def _user(username, organisation, role, **extra):
    from django.contrib.auth import get_user_model

    from assessment.models import Membership

    user = get_user_model().objects.create_user(username, password=PASSWORD, **extra)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def owner(campaign):
    """The organisation's HR admin: manages campaigns, exports, reads reports."""
    return _user("owner", campaign.organisation, "hr")


@pytest.fixture
def consultant(campaign):
    """The consultant running this client: everything the owner can, plus organisation set-up."""
    from django.contrib.auth.models import Permission

    user = _user("consultant", campaign.organisation, "consultant")
    user.user_permissions.add(Permission.objects.get(codename="add_organisation"))
    return user


@pytest.fixture
def member(campaign):
    """An executive viewer of the same organisation: reads reports, manages nothing."""
    return _user("member", campaign.organisation, "executive")


@pytest.fixture
def outsider(campaign):
    """HR of another organisation: sees nothing of this one."""
    from .factories import OrganisationFactory

    return _user("outsider", OrganisationFactory(), "hr")
