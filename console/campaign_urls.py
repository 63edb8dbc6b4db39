# Campaign life cycle pages (organisations, campaigns, respondent lists, reminders, response rates).
from django.urls import path

from . import campaigns as views
from . import respondent_uploads

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/departments/", views.department_create, name="department_create"),
    path("organisations/<int:pk>/departments/<int:department_pk>/", views.department_rename, name="department_rename"),
    path("organisations/<int:pk>/members/", views.member_add, name="member_add"),
    path("organisations/<int:pk>/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/reopen/", views.campaign_reopen, name="campaign_reopen"),
    path("campaigns/<int:pk>/clone/", views.campaign_clone, name="campaign_clone"),
    path("campaigns/<int:pk>/respondents/", views.campaign_respondents, name="campaign_respondents"),
    path(
        "respondent-lists/<int:job_id>/",
        respondent_uploads.respondent_list_job_status,
        name="respondent_list_job_status",
    ),
    path(
        "respondent-lists/<int:job_id>/retry/",
        respondent_uploads.respondent_list_job_retry,
        name="respondent_list_job_retry",
    ),
    path(
        "respondent-lists/<int:job_id>/departments/",
        respondent_uploads.respondent_list_job_confirm,
        name="respondent_list_job_confirm",
    ),
    path("campaigns/<int:pk>/invitations/send/", views.invitations_send, name="invitations_send"),
    path("campaigns/<int:pk>/reminders/send/", views.reminders_send, name="reminders_send"),
    path("campaigns/<int:pk>/response-rates/", views.campaign_response_rates, name="campaign_response_rates"),
]
