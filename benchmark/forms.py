from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import Industry, SizeBand


class BenchmarkProfileForm(forms.Form):
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *Industry.choices], required=False)
    size_band = forms.ChoiceField(label=_("Size"), choices=[("", "—"), *SizeBand.choices], required=False)
    consent = forms.BooleanField(
        label=_("The organisation agrees that its released results count, anonymously, in other clients' benchmarks"),
        help_text=_(
            "No name is ever shown; a percentile appears only when at least five organisations form the comparison."
        ),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("consent") and not (data.get("industry") and data.get("size_band")):
            raise forms.ValidationError(
                _("Choose the industry and the size before giving benchmark consent."), code="profile_incomplete"
            )
        return data
