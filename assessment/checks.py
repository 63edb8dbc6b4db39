"""Deployment checks (`manage.py check --deploy`, also run by scripts/serve.sh before serving):
refuse a production start that would silently lose e-mail or leave the demo logins open."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

SILENT_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


@register(Tags.security, deploy=True)
def email_backend_delivers(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_BACKEND not in SILENT_EMAIL_BACKENDS:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: invitations and reminders would never reach anyone.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST, EMAIL_PORT, "
            "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS (docs/deploy.md).",
            id="assessment.E101",
        )
    ]


@register(Tags.security, deploy=True)
def no_demo_logins(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    from django.contrib.auth import get_user_model

    from .demo import DEMO_PASSWORD, DEMO_ROLES, DEMO_USERNAME

    names = [DEMO_USERNAME, *(name for name, _role in DEMO_ROLES)]
    try:
        open_logins = [
            u.username
            for u in get_user_model().objects.filter(username__in=names, is_active=True)
            if u.check_password(DEMO_PASSWORD)
        ]
    except DatabaseError:  # not migrated yet, or unreachable: other checks and the start itself say so
        return []
    if not open_logins:
        return []
    return [
        Error(
            f"Demo logins with the published demo password are active: {', '.join(sorted(open_logins))}.",
            hint="Delete them (python manage.py shell: User.objects.filter(username__in=[...]).delete()) or give "
            "them real passwords; seed_demo is for development databases only.",
            id="assessment.E102",
        )
    ]
