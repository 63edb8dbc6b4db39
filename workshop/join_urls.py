from django.urls import path

from . import participant_views

app_name = "join"

urlpatterns = [
    path("<str:code>/", participant_views.join, name="join"),
]
