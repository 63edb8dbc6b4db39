from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import TemplateView

from sso import views as sso_views


def healthz(request):
    """For load balancers and as the load benchmark's ceiling: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("r/", include("assessment.urls")),
    path("reports/", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", sso_views.LoginView.as_view(), name="login"),  # issue 18: SSO button, password sign-in may be off
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
