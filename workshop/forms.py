"""Forms with one field (or pair of fields) per dimension of the campaign's framework.

The dimensions come from the framework, so the form classes are built per request; each field
still gets its own `clean_<field>`, which turns the posted text into the real type.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.i18n import localized

SCORE_MAX_LENGTH = 8  # "100" plus some spaces; anything longer is not a score


def _whole_number(value, low, high, message):
    """int() also reads full-width digits (７０) that a Japanese keyboard may produce."""
    text = (value or "").strip()
    try:
        number = int(text)
    except ValueError:
        raise forms.ValidationError(message) from None
    if not low <= number <= high:
        raise forms.ValidationError(message)
    return number


# --- votes -------------------------------------------------------------------------------------


class VoteFormBase(forms.Form):
    dimensions = ()

    def votes(self):
        """{dimension key: 1–5} from a valid form."""
        return {d.key: self.cleaned_data[f"vote_{d.key}"] for d in self.dimensions}

    def rows(self):
        return [{"dimension": d, "field": self[f"vote_{d.key}"]} for d in self.dimensions]


def _clean_vote(name):
    def clean(self):
        return _whole_number(self.cleaned_data.get(name), 1, 5, _("Choose a value from 1 to 5."))

    return clean


def vote_form_class(*, dimensions, levels):
    """A form asking 1–5 for every dimension; `levels` is the framework's level list (names per language)."""
    level_names = {int(level["level"]): localized(level["name"], "name") for level in levels}
    choices = [(str(v), level_names.get(v, "")) for v in range(1, 6)]
    attrs = {"dimensions": tuple(dimensions)}
    for dimension in dimensions:
        name = f"vote_{dimension.key}"
        # CharField rather than ChoiceField: the clean method gives one clear message for
        # anything that is not 1–5, and returns an int.
        attrs[name] = forms.CharField(
            label=localized(dimension, "name"),
            widget=forms.RadioSelect(choices=choices),
            error_messages={"required": gettext_lazy("Choose a value from 1 to 5.")},
            max_length=SCORE_MAX_LENGTH,
        )
        attrs[f"clean_{name}"] = _clean_vote(name)
    return type("VoteForm", (VoteFormBase,), attrs)


# --- agreements ----------------------------------------------------------------------------------


class AgreementFormBase(forms.Form):
    """Agreed score and rationale per dimension. A dimension left blank is not decided (yet)."""

    dimensions = ()

    def clean(self):
        cleaned = super().clean()
        decided = 0
        for d in self.dimensions:
            score_name, rationale_name = f"score_{d.key}", f"rationale_{d.key}"
            if score_name in self.errors:
                continue
            score, rationale = cleaned.get(score_name), cleaned.get(rationale_name, "")
            if score is None and rationale:
                self.add_error(score_name, _("Enter the agreed score for this rationale."))
            elif score is not None and not rationale:
                self.add_error(rationale_name, _("Say why the group agreed on this score."))
            elif score is not None:
                decided += 1
        if not decided and not self.errors:
            raise forms.ValidationError(_("Enter an agreed score and its rationale for at least one dimension."))
        return cleaned

    def agreements(self):
        """{dimension key: (score, rationale)} for the dimensions filled in."""
        return {
            d.key: (self.cleaned_data[f"score_{d.key}"], self.cleaned_data[f"rationale_{d.key}"])
            for d in self.dimensions
            if self.cleaned_data.get(f"score_{d.key}") is not None
        }

    def rows(self):
        return [
            {"dimension": d, "score": self[f"score_{d.key}"], "rationale": self[f"rationale_{d.key}"]}
            for d in self.dimensions
        ]


def _clean_score(name):
    def clean(self):
        if not (self.cleaned_data.get(name) or "").strip():
            return None
        return _whole_number(self.cleaned_data.get(name), 0, 100, _("Enter a whole number from 0 to 100."))

    return clean


def _clean_rationale(name):
    def clean(self):
        return (self.cleaned_data.get(name) or "").strip()

    return clean


def agreement_form_class(*, dimensions):
    attrs = {"dimensions": tuple(dimensions)}
    for dimension in dimensions:
        score, rationale = f"score_{dimension.key}", f"rationale_{dimension.key}"
        attrs[score] = forms.CharField(
            label=_("Agreed score (0–100)"),
            required=False,
            max_length=SCORE_MAX_LENGTH,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4, "autocomplete": "off"}),
        )
        attrs[rationale] = forms.CharField(
            label=_("Rationale"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
        )
        attrs[f"clean_{score}"] = _clean_score(score)
        attrs[f"clean_{rationale}"] = _clean_rationale(rationale)
    return type("AgreementForm", (AgreementFormBase,), attrs)


def agreement_initial(agreements):
    """Form initial values from `selectors.session_agreements`."""
    initial = {}
    for key, agreement in agreements.items():
        initial[f"score_{key}"] = agreement["score"]
        initial[f"rationale_{key}"] = agreement["rationale"]
    return initial


class ExpectedForm(forms.Form):
    """How many people the facilitator expects: joins by code stop at this number."""

    expected = forms.CharField(max_length=SCORE_MAX_LENGTH)

    def clean_expected(self):
        return _whole_number(self.cleaned_data["expected"], 1, 1000, _("Enter a whole number from 1 to 1000."))
