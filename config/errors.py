"""Error pages: bilingual HTML with a way back, or JSON for the autosave script.

The 500 page is rendered without the request context: whatever broke (the database, a template
tag) must not break the error page too.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext


def wants_json(request):
    return request.headers.get("accept", "").startswith("application/json")


def not_found(request, exception=None):
    if wants_json(request):
        return JsonResponse(
            {"ok": False, "code": "not_found", "error": gettext("This page does not exist.")}, status=404
        )
    # Respondent links get their own wording: the usual cause is a mistyped or old link.
    template = "respondent/invalid_link.html" if request.path.startswith("/r/") else "404.html"
    return render(request, template, status=404)


def server_error(request):
    if wants_json(request):
        return JsonResponse(
            {
                "ok": False,
                "code": "server_error",
                "error": gettext(
                    "The server could not save this just now. It is kept on this device and will be sent again."
                ),
            },
            status=500,
        )
    from django.http import HttpResponseServerError

    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    """An expired or missing CSRF cookie: usually a page left open across a sign-out or a restart."""
    if wants_json(request):
        return JsonResponse(
            {
                "ok": False,
                "code": "csrf",
                "error": gettext(
                    "This page has expired. Reload it: answers not yet saved are kept on this device and sent after reloading."
                ),
            },
            status=403,
        )
    return render(request, "403_csrf.html", {"back": request.path}, status=403)
