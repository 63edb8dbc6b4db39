from django.urls import path

from . import views

app_name = "respondent"

urlpatterns = [
    path("<str:token>/", views.respondent_start, name="start"),
    path("<str:token>/d/<slug:key>/", views.respondent_dimension, name="dimension"),
    path("<str:token>/answer/", views.respondent_answer, name="answer"),
    path("<str:token>/review/", views.respondent_review, name="review"),
    path("<str:token>/submit/", views.respondent_submit, name="submit"),
    path("<str:token>/done/", views.respondent_done, name="done"),
]
