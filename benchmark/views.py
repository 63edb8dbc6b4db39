from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessment.permissions import organisation_get_for_user

from .forms import BenchmarkProfileForm
from .services import organisation_benchmark_profile_update


@require_http_methods(["GET", "POST"])
@login_required
def profile(request, pk):
    """Industry, size band and benchmark consent of an organisation (its consultants set them)."""
    organisation = organisation_get_for_user(user=request.user, pk=pk, action="administer")
    initial = {
        "industry": organisation.industry,
        "size_band": organisation.size_band,
        "consent": organisation.benchmark_consent,
    }
    form = BenchmarkProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        organisation_benchmark_profile_update(organisation=organisation, **form.cleaned_data)
        messages.success(request, _("Benchmark profile saved."))
        return redirect("console:organisation_detail", organisation.pk)
    return render(request, "benchmark/profile_form.html", {"organisation": organisation, "form": form})
