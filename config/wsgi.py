import gc
import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _warm():
    """Load what requests would load on first use, before gunicorn forks its workers.

    With `gunicorn --preload` this runs once in the master and every worker starts with the URL
    configuration and the report libraries already in (shared, copy-on-write) memory, so no
    worker's first request pays about a second of imports. No database connection is opened here.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    from assessment import analysis  # noqa: F401  (pandas)
    from reports import charts, pdf  # noqa: F401  (WeasyPrint)

    charts._font()  # the font file chart labels are measured with (fontconfig, Pillow)
    # What was loaded stays for the process's life: keep the cycle collector from walking it
    # in every worker (and from touching, hence copying, the pages the workers share).
    gc.collect()
    gc.freeze()


# Under gunicorn only (its command is argv[0]; WSGI_WARM=true/false overrides): the development
# server and tests import report code where it is used.
if os.environ.get("WSGI_WARM", "true" if "gunicorn" in os.path.basename(sys.argv[0]) else "false") == "true":
    _warm()
