"""Respondent forms: each turns posted strings into real values (int 1–5, None, model objects)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .i18n import localized
from .models import Department, RoleGroup, Tenure
from .selectors import framework_item_keys

DONT_KNOW = "dk"
ANSWER_CHOICES = [(str(v), str(v)) for v in range(1, 6)] + [(DONT_KNOW, DONT_KNOW)]


def answer_from_string(raw):
    """'1'..'5' -> int, 'dk' -> None; anything else is a ValidationError."""
    if raw == DONT_KNOW:
        return None
    if raw in {"1", "2", "3", "4", "5"}:
        return int(raw)
    raise forms.ValidationError(_("Choose a value from 1 to 5 or “don't know”."), code="invalid_answer")


class AnswerField(forms.Field):
    def to_python(self, value):
        if value in self.empty_values:
            return ""  # left blank: not an answer, nothing saved
        return answer_from_string(value)


class DimensionAnswersForm(forms.Form):
    """One field per statement of a dimension, named `item_<key>`."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.key}"] = AnswerField(required=False)

    def answers(self):
        """{item: value} for the statements that were answered on this page."""
        return {
            item: self.cleaned_data[f"item_{item.key}"]
            for item in self.items
            if self.cleaned_data.get(f"item_{item.key}") != ""
        }


class SingleAnswerForm(forms.Form):
    """The autosave request: one statement, one value."""

    item = forms.CharField(max_length=32)
    value = forms.CharField(max_length=4)

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework

    def clean_item(self):
        item = framework_item_keys(framework=self.framework).get(self.cleaned_data["item"])
        if item is None:
            raise forms.ValidationError(_("That statement is not part of this survey."), code="unknown_item")
        return item

    def clean_value(self):
        return answer_from_string(self.cleaned_data["value"])


class ProfileForm(forms.Form):
    role_group = forms.ChoiceField(label=_("Your role"), widget=forms.RadioSelect)
    department = forms.ModelChoiceField(
        label=_("Your department"), queryset=Department.objects.none(), empty_label=_("Choose…")
    )
    tenure = forms.ChoiceField(label=_("Years in the company"), choices=Tenure.choices, widget=forms.RadioSelect)

    def __init__(self, *args, invitation, framework, **kwargs):
        super().__init__(*args, **kwargs)
        profile = framework.profile
        # Texts come from the framework file so that wording is versioned with the questions.
        self.fields["role_group"].label = localized(profile["role_group"]["prompt"], None)
        self.fields["role_group"].choices = [
            (option["key"], localized(option["label"], None))
            for option in profile["role_group"]["options"]
            if option["key"] in RoleGroup.values
        ]
        if "tenure" in profile:
            self.fields["tenure"].label = localized(profile["tenure"]["prompt"], None)
            self.fields["tenure"].choices = [
                (o["key"], localized(o["label"], None)) for o in profile["tenure"]["options"]
            ]
        else:
            del self.fields["tenure"]  # 1.1 does not ask tenure (re-identification risk, unused)
        self.fields["department"].label = localized(profile["department"]["prompt"], None)
        departments = Department.objects.filter(organisation=invitation.campaign.organisation)
        self.fields["department"].queryset = departments
        self.fields["department"].label_from_instance = lambda d: localized(d, "name")
        # What HR already knows from the respondent list is not asked again.
        if invitation.role_group:
            del self.fields["role_group"]
        if invitation.department_id or not departments.exists():
            del self.fields["department"]
