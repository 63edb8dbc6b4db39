"""Forms: posted text to the values services take. Nothing typed is dropped on an error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.i18n import localized

from .models import Action

LEVEL_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class CommitmentsForm(forms.Form):
    """One row per dimension: target level, date and rationale; a row left empty sets nothing."""

    def __init__(self, *args, dimensions, current, level_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        choices = [("", "—")] + [(str(n), f"{n} {localized(level_names.get(n, {}), '')}") for n in range(1, 6)]
        for info in dimensions:
            key, now = info["key"], current.get(info["key"])
            self.fields[f"{key}-level"] = forms.TypedChoiceField(
                label=_("Target level"),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=now.target_level if now else None,
            )
            self.fields[f"{key}-date"] = forms.DateField(
                label=_("By"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                initial=now.target_date if now else None,
            )
            self.fields[f"{key}-rationale"] = forms.CharField(
                label=_("Why (one line)"),
                max_length=300,
                required=False,
                initial=now.rationale if now else "",
            )

    def rows(self):
        """For the template: (dimension info, level field, date field, rationale field)."""
        return [
            (info, self[f"{info['key']}-level"], self[f"{info['key']}-date"], self[f"{info['key']}-rationale"])
            for info in self.dimensions
        ]

    def clean(self):
        data = super().clean()
        self.commitments = []
        for info in self.dimensions:
            key = info["key"]
            level, date, rationale = (
                data.get(f"{key}-level"),
                data.get(f"{key}-date"),
                (data.get(f"{key}-rationale") or "").strip(),
            )
            if level is None and date is None and not rationale:
                continue
            if level is None:
                self.add_error(f"{key}-level", _("Choose a target level, or clear the row."))
            if date is None:
                self.add_error(f"{key}-date", _("Give the date by which the target should be reached."))
            if not rationale:
                self.add_error(f"{key}-rationale", _("Give a one-line rationale for the target."))
            if level is not None and date is not None and rationale:
                self.commitments.append(
                    {"dimension": key, "target_level": level, "target_date": date, "rationale": rationale}
                )
        return data


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title_en", "title_ja", "owner_role", "owner_name", "owner_email", "due_date", "status", "notes"]
        labels = {
            "title_en": _("Title in English"),
            "title_ja": _("Title in Japanese"),
            "owner_role": _("Owner (role)"),
            "owner_name": _("Owner (name)"),
            "owner_email": _("Owner's e-mail (for reminders)"),
            "due_date": _("Due date"),
            "status": _("Status"),
            "notes": _("Notes"),
        }
        help_texts = {"owner_email": _("Empty: reminders go to the organisation's HR and consultants.")}
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        if not data.get("owner_role") and not (data.get("owner_name") or "").strip():
            raise forms.ValidationError(_("Give an owner: a role, a name, or both."))
        return data


class ActionCreateForm(ActionForm):
    """A new action typed by hand: the same fields, plus its dimension (status starts as planned)."""

    dimension = forms.ChoiceField(label=_("Dimension"))

    class Meta(ActionForm.Meta):
        fields = ["dimension", "title_en", "title_ja", "owner_role", "owner_name", "owner_email", "due_date", "notes"]

    def __init__(self, *args, dimensions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = [(d["key"], localized(d["name"], "")) for d in dimensions]
