"""Sign-in protection behind a reverse proxy (django-axes).

The client's address: REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXY_COUNT proxies the entry that
many places from the right of X-Forwarded-For. Entries further left were written by the client
and can be anything, so they are never believed.

Two limits: AXES_FAILURE_LIMIT failures for one account from one address (axes itself), and
AXES_IP_FAILURE_LIMIT failures from one address across all usernames (this handler), so
guessing many accounts from one place is stopped too.

Every lockout sends axes' `user_locked_out` signal (the per-address one too, with kind="address")
and writes one WARNING line on the `config.signin` logger: which limit, the account's id (never
the typed username: it may be a mistyped password or another person's name), the address the
limit counts, and the failures so far. axes' own per-attempt lines carry the username and the
browser, so its logger is kept to errors (config/logs.py).
"""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.dispatch import receiver
from django.utils import timezone

logger = logging.getLogger(__name__)


def client_ip(request):
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class AddressAwareHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        return self.address_failures(request) >= settings.AXES_IP_FAILURE_LIMIT

    @staticmethod
    def address_failures(request):
        """Failed sign-ins from the request's address within the cool-off, across usernames."""
        address = getattr(request, "axes_ip_address", None) or client_ip(request)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        cool_off = get_cool_off(request)
        if cool_off:
            attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
        return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # axes marks the request locked only for its own per-account count; the per-address
        # limit needs the same mark, or the failure would show as a plain wrong password.
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and self.is_locked(request, credentials)
        ):
            request.axes_locked_out = True
            user_locked_out.send(
                "axes",
                request=request,
                username=(credentials or {}).get("username"),
                ip_address=getattr(request, "axes_ip_address", None),
                kind="address",
                failures=self.address_failures(request),
            )


@receiver(user_locked_out)
def lockout_logged(sender, request=None, username=None, ip_address=None, kind="account", failures=None, **kwargs):
    user_id = (
        get_user_model().objects.filter(username=username).values_list("pk", flat=True).first() if username else None
    )
    logger.warning(
        "sign-in locked out: %s limit reached (user_id=%s address=%s failures=%s); "
        "blocked for %s h unless an administrator resets it (manage.py axes_reset_ip / axes_reset_username)",
        kind,
        user_id or "unknown",
        ip_address or "-",
        failures or getattr(request, "axes_failures_since_start", "-"),
        settings.AXES_COOLOFF_TIME,
    )
