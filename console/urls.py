from django.urls import include, path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("", include("console.campaign_urls")),
]
