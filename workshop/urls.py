from django.urls import path

from . import participant_views, views

app_name = "workshop"

urlpatterns = [
    path("campaigns/<int:pk>/", views.facilitate, name="facilitate"),
    path("campaigns/<int:pk>/live/", views.live_partial, name="live"),
    path("campaigns/<int:pk>/start/", views.start, name="start"),
    path("campaigns/<int:pk>/phase/", views.phase_set, name="phase"),
    path("campaigns/<int:pk>/expected/", views.expected_set, name="expected"),
    path("campaigns/<int:pk>/agreements/", views.agreements, name="agreements"),
    path("campaigns/<int:pk>/summary/", views.summary, name="summary"),
    # participants: the respondent token is the key, as under /r/<token>/
    path("vote/<str:token>/", participant_views.vote, name="vote"),
    path("vote/<str:token>/status/", participant_views.vote_status, name="vote_status"),
]
