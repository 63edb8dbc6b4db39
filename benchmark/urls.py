from django.urls import path

from . import views

app_name = "benchmark"

urlpatterns = [
    path("organisations/<int:pk>/", views.profile, name="profile"),
]
