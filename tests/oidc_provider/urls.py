from django.contrib.auth import get_user_model, login
from django.http import HttpResponseRedirect
from django.urls import include, path


def login_as(request):
    """The provider's 'sign-in': the test names the person (and their e-mail) it signs in as."""
    user, _ = get_user_model().objects.get_or_create(username=request.GET["username"])
    user.email = request.GET.get("email", "")
    user.save()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(request.GET.get("next", "/"))


urlpatterns = [
    path("login-as/", login_as),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
