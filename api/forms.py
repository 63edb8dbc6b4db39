from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SCOPES


class ApiTokenForm(forms.Form):
    membership = forms.ChoiceField(label=_("Organisation"))
    name = forms.CharField(max_length=100, label=_("Name"), help_text=_("What the token is for, e.g. Power BI."))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=730, initial=365)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.pk): m for m in memberships}
        self.fields["membership"].choices = [
            (str(m.pk), f"{m.organisation.name_en} / {m.organisation.name_ja} ({m.get_role_display()})")
            for m in memberships
        ]

    def clean_membership(self):
        return self.memberships[self.cleaned_data["membership"]]
