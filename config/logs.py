"""Logging without secrets: respondent tokens (/r/<token>/) and workshop codes (/j/<code>/)
are credentials carried in URLs, so every log line and access-log entry masks them.

Used by LOGGING in settings (Django's request errors, the development server) and by gunicorn
(`--logger-class config.logs.AccessLogger` in scripts/serve.sh).
"""

import logging
import re

# /r/<token>, /j/<code>, also URL-encoded inside a query string (next=%2Fr%2F...).
_LINK = re.compile(r"(/[rj]/)[^/?#\s\"'&]+|(%2F[rj]%2F)[^%&\s\"']+", re.IGNORECASE)


def mask(text):
    return _LINK.sub(lambda m: (m.group(1) or m.group(2)) + "***", text) if isinstance(text, str) else text


class RequestContextFilter(logging.Filter):
    """Adds what helps find a request error without naming anyone: method, masked path, user id."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.method = getattr(request, "method", "-") or "-"
        record.path = mask(getattr(request, "path", "-") or "-")
        user = getattr(request, "user", None)
        record.user_id = getattr(user, "pk", None) or "-"
        record.status_code = getattr(record, "status_code", "-")
        return True


class MaskingFormatter(logging.Formatter):
    """Masks the whole formatted line, the traceback included (exception messages can hold URLs)."""

    def format(self, record):
        return mask(super().format(record))


def logging_config(level="INFO"):
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": RequestContextFilter}},
        "formatters": {
            "masked": {
                "()": MaskingFormatter,
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            },
            "request": {
                "()": MaskingFormatter,
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s "
                "[method=%(method)s path=%(path)s status=%(status_code)s user_id=%(user_id)s]",
            },
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "masked"},
            "stderr_request": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "request",
                "filters": ["request_context"],
            },
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Request errors (500s, and 4xx as warnings) with their context; not passed to root twice.
            "django.request": {"handlers": ["stderr_request"], "level": "WARNING", "propagate": False},
            "django.security": {"handlers": ["stderr_request"], "level": "WARNING", "propagate": False},
            "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            # chatty libraries: their INFO lines are progress, not events
            "weasyprint": {"level": "ERROR"},  # notes on every CSS rule it does not support, by the dozen
            "fontTools": {"level": "WARNING"},
            # axes writes every failed sign-in with the typed username and browser; the lockout
            # itself is logged without them by config.signin
            "axes": {"level": "ERROR"},
        },
    }


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed where it serves
    _GunicornLogger = None

if _GunicornLogger is not None:

    class AccessLogger(_GunicornLogger):
        """gunicorn's logger with tokens masked in every access-log field (request line, path,
        query, referer)."""

        def atoms(self, resp, req, environ, request_time):
            return {key: mask(value) for key, value in super().atoms(resp, req, environ, request_time).items()}
