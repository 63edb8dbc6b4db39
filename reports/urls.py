from django.urls import path

from . import export_views, views

app_name = "reports"

urlpatterns = [
    path("campaigns/<int:pk>/", views.organisation_report, name="organisation"),
    path("campaigns/<int:pk>/pdf/", views.organisation_report_pdf, name="organisation_pdf"),
    path("campaigns/<int:pk>/departments/<slug:key>/", views.department_report, name="department"),
    path("campaigns/<int:pk>/departments/<slug:key>/pdf/", views.department_report_pdf, name="department_pdf"),
    path("campaigns/<int:pk>/exports/", export_views.export_page, name="exports"),
    path("exports/<int:job_id>/status/", export_views.export_status, name="export_status"),
    path("exports/<int:job_id>/retry/", export_views.export_retry, name="export_retry"),
    path("exports/<int:job_id>/download/", export_views.export_download, name="export_download"),
    path("personal/<str:token>/", views.personal_report, name="personal"),
    path("personal/<str:token>/pdf/", views.personal_report_pdf, name="personal_pdf"),
]
