from django.urls import path

from . import views

# mozilla-django-oidc reverses these names (no namespace)
urlpatterns = [
    path("authenticate/", views.sso_start, name="oidc_authentication_init"),
    path("callback/", views.sso_callback, name="oidc_authentication_callback"),
]
