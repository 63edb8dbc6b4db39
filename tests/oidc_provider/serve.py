"""Run the test provider: migrate its own database, register the relying party, serve on 127.0.0.1.

python -m tests.oidc_provider.serve PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")


def main(port, client_id, client_secret, redirect_uri):
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIRequestHandler
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0)
    get_application_model().objects.create(
        name="readiness",
        client_id=client_id,
        client_secret=client_secret,
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=redirect_uri,
        algorithm="RS256",
        skip_authorization=True,
    )

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    _serve(port, QuietHandler)


def _serve(port, handler):
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.core.wsgi import get_wsgi_application

    server = ThreadedWSGIServer(("127.0.0.1", int(port)), handler)
    server.set_app(get_wsgi_application())
    print("ready", flush=True)  # the fixture waits for this line
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:5])
