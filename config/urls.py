from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.generic import TemplateView

from sso import views as sso_views


def healthz(request):
    """For load balancers and monitoring: database, task queue and worker liveness, as JSON.

    503 when this node cannot serve (database or queue unreachable); a missing worker is
    reported but does not take the web node out of the balancer: it serves everything but exports.
    """
    from django.utils import timezone

    from reports.workers import ALIVE_WITHIN, database_ping, queue_ping, rq_backend, workers_alive

    report, healthy = {}, True
    try:
        database_ping()
        report["database"] = {"ok": True}
    except Exception as error:  # any failure is the answer here, never a 500
        report["database"], healthy = {"ok": False, "error": type(error).__name__}, False
    try:
        queue_ping()
        report["queue"] = {"ok": True, "backend": "redis" if rq_backend() else "database"}
    except Exception as error:
        report["queue"], healthy = {"ok": False, "error": type(error).__name__}, False
    try:
        alive, latest = workers_alive()
        report["worker"] = {
            "ok": alive > 0,
            "alive": alive,
            "last_heartbeat": latest.isoformat() if latest else None,
            "seconds_since": round((timezone.now() - latest).total_seconds()) if latest else None,
            "alive_within_seconds": int(ALIVE_WITHIN.total_seconds()),
        }
    except Exception as error:
        report["worker"] = {"ok": False, "error": type(error).__name__}
    report["ok"] = healthy
    return JsonResponse(report, status=200 if healthy else 503)


def livez(request):
    """The process answers: no database, no template (the load benchmark's ceiling)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("r/", include("assessment.urls")),
    path("reports/", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/", sso_views.LoginView.as_view(), name="login"
    ),  # issue 18: SSO button, password sign-in may be off
    path("accounts/", include("django.contrib.auth.urls")),
    path("oidc/", include("sso.urls")),
    path("console/", include("console.urls")),
    path("workshop/", include("workshop.urls")),
    path("follow/", include("followthrough.urls")),
    path("j/", include("workshop.join_urls")),
    path("admin/", admin.site.urls),
    # issue 18: enterprise fit
    path("benchmark/", include("benchmark.urls")),
    path("api/", include("api.urls")),
]

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
