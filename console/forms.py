"""Staff console forms: each `clean_<field>` turns posted text into the value services take."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assessment.i18n import localized
from assessment.models import COMMENT_THRESHOLD_MIN, Department, Framework, Membership, Organisation

UPLOAD_SUFFIXES = (".csv", ".xlsx")
UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # tens of thousands of rows; anything bigger is a wrong file


def _datetime_field(label, **kwargs):
    # The browser's own date-and-time picker; the value is read in the site's time zone (Japan).
    return forms.DateTimeField(
        label=label,
        help_text=format_lazy(_("Time zone: {zone}"), zone=settings.TIME_ZONE),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        **kwargs,
    )


class JapaneseNameFirst:
    """In the Japanese interface the Japanese name is asked first (it is the one people know)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if (get_language() or "").startswith("ja") and "name_ja" in self.fields:
            order = list(self.fields)
            order.remove("name_ja")
            order.insert(order.index("name_en"), "name_ja")
            self.order_fields(order)


class OrganisationForm(JapaneseNameFirst, forms.Form):
    slug = forms.SlugField(
        max_length=64,
        label=_("Short name (for addresses)"),
        help_text=_("Lower-case letters, digits and hyphens, e.g. acme-japan."),
    )
    name_en = forms.CharField(max_length=200, label=_("Name in English"))
    name_ja = forms.CharField(max_length=200, label=_("Name in Japanese"))

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Organisation.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("An organisation with this short name already exists."), code="duplicate")
        return slug


class DepartmentForm(JapaneseNameFirst, forms.Form):
    key = forms.SlugField(
        max_length=64,
        label=_("Key"),
        help_text=_("Used in respondent lists and report addresses; it cannot change later."),
    )
    name_en = forms.CharField(max_length=200, label=_("Name in English"))
    name_ja = forms.CharField(max_length=200, label=_("Name in Japanese"))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_key(self):
        key = self.cleaned_data["key"].lower()
        if Department.objects.filter(organisation=self.organisation, key=key).exists():
            raise forms.ValidationError(
                _("A department with the key “%(key)s” already exists in this organisation."),
                code="duplicate",
                params={"key": key},
            )
        return key


def _version_field():
    """The object's version when the form was opened; the save is refused if it has moved on."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DepartmentRenameForm(JapaneseNameFirst, forms.Form):
    name_en = forms.CharField(max_length=200, label=_("Name in English"))
    name_ja = forms.CharField(max_length=200, label=_("Name in Japanese"))
    version = _version_field()


class MemberForm(forms.Form):
    user = forms.CharField(max_length=254, label=_("Username or e-mail address"))
    role = forms.ChoiceField(choices=Membership.Role.choices, label=_("Role"))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_user(self):
        text = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(is_active=True)
        matches = list(users.filter(username=text)) or list(users.filter(email__iexact=text)[:2])
        if not matches:
            raise forms.ValidationError(_("No active user has this username or e-mail address."), code="unknown")
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several users have this e-mail address; enter the username."), code="ambiguous"
            )
        user = matches[0]
        if Membership.objects.filter(organisation=self.organisation, user=user).exists():
            raise forms.ValidationError(_("This person is already a member of the organisation."), code="member")
        return user


class FrameworkChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("Choose…"))  # not Django's untranslated "---------"
        super().__init__(*args, **kwargs)

    def label_from_instance(self, framework):
        return f"{localized(framework, 'title')} – {framework.version} ({framework.key})"


class CampaignForm(forms.Form):
    """Create, edit or clone a campaign. Pass `with_framework=False` when it may no longer change."""

    framework = FrameworkChoiceField(
        queryset=Framework.objects.order_by("key", "-loaded_at"), label=_("Framework version")
    )
    name = forms.CharField(max_length=200, label=_("Name"))
    opens_at = _datetime_field(_("Opens"))
    closes_at = _datetime_field(_("Closes"))
    anonymity_threshold = forms.IntegerField(
        min_value=3,
        max_value=1000,
        initial=5,
        label=_("Anonymity threshold"),
        help_text=_(
            "Groups with fewer respondents are never shown on their own (at least 3). "
            "Once anyone has answered it can be raised, never lowered."
        ),
    )
    comment_threshold = forms.IntegerField(
        min_value=COMMENT_THRESHOLD_MIN,
        max_value=1000,
        initial=COMMENT_THRESHOLD_MIN,
        label=_("Comment threshold"),
        help_text=_(
            "Free-text comments are shown only for groups of at least this many respondents (at least 10, "
            "and not below the anonymity threshold). Once anyone has answered it can be raised, never lowered."
        ),
    )

    def __init__(self, *args, with_framework=True, versioned=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_framework:
            del self.fields["framework"]
        if versioned:  # editing an existing campaign
            self.fields["version"] = _version_field()

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error(
                "closes_at", forms.ValidationError(_("The closing date must be after the opening date."), code="order")
            )
        anonymity, comments = cleaned.get("anonymity_threshold"), cleaned.get("comment_threshold")
        if anonymity and comments and comments < anonymity:
            self.add_error(
                "comment_threshold",
                forms.ValidationError(
                    _("The comment threshold cannot be below the anonymity threshold (%(threshold)d)."),
                    code="below_anonymity",
                    params={"threshold": anonymity},
                ),
            )
        return cleaned


class ReopenForm(forms.Form):
    closes_at = _datetime_field(_("New closing date"))
    version = _version_field()

    def __init__(self, *args, campaign, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("version", campaign.version)
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_closes_at(self):
        closes_at = self.cleaned_data["closes_at"]
        if closes_at <= timezone.now():
            raise forms.ValidationError(_("The new closing date must be in the future."), code="past")
        if closes_at <= self.campaign.opens_at:
            raise forms.ValidationError(_("The closing date must be after the opening date."), code="order")
        return closes_at


class RespondentListForm(forms.Form):
    file = forms.FileField(
        label=_("Respondent list (CSV or Excel)"),
        help_text=_("Columns: email, name, role group, department. CSV may be UTF-8 or Shift_JIS."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="type")
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="size")
        return upload
