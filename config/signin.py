"""Sign-in protection behind a reverse proxy (django-axes).

The client's address: REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXY_COUNT proxies the entry that
many places from the right of X-Forwarded-For. Entries further left were written by the client
and can be anything, so they are never believed.

Two limits: AXES_FAILURE_LIMIT failures for one account from one address (axes itself), and
AXES_IP_FAILURE_LIMIT failures from one address across all usernames (this handler), so
guessing many accounts from one place is stopped too.
"""

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt


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
        address = getattr(request, "axes_ip_address", None) or client_ip(request)
        if not address:
            return False
        attempts = AccessAttempt.objects.filter(ip_address=address)
        cool_off = get_cool_off(request)
        if cool_off:
            attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
        failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        return failures >= settings.AXES_IP_FAILURE_LIMIT

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # axes marks the request locked only for its own per-account count; the per-address
        # limit needs the same mark, or the failure would show as a plain wrong password.
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False) and self.is_locked(request, credentials):
            request.axes_locked_out = True

