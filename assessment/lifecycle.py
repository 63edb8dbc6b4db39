"""Write functions for the campaign life cycle: organisations, campaigns, respondent lists, e-mails.

Views check permissions (assessment.permissions) and validate input (console.forms); these
functions trust their arguments' access but still refuse states that make no sense (closing a
closed campaign, reminding after it closed), raising LifecycleError with a message for staff.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .cells import cell_norm as _norm
from .errors import ApplicationError
from .models import (
    COMMENT_THRESHOLD_MIN,
    Campaign,
    Department,
    Invitation,
    Membership,
    Organisation,
    RoleGroup,
    ThresholdChange,
)
from .respondent_list import (
    RespondentListError,
    new_department_keys,
    respondent_list_parse,
    role_labels_for,
    unknown_department_names,
)
from .selectors import survey_duration
from .services import invitation_create, invitation_token
from .upload_reader import UploadReadError, table_read

DEFAULT_FRAMEWORK_KEY = "innovation-readiness"
# A second click on "Send reminders" (or a colleague's) must not e-mail everyone twice.
REMINDER_QUIET_PERIOD = timedelta(hours=1)


class LifecycleError(ApplicationError):
    """An action refused in the campaign's current state; the message is shown to staff."""


class StaleEdit(LifecycleError):
    """The form was opened before someone else saved the same object."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else changed this after you opened the form, so nothing was saved (it would have undone "
                "their change). Reload the page to see the current values, then make your change again."
            )
        )


def _lock_current(queryset, obj, version):
    """Lock obj's row for this transaction; refuse if it was saved since the form showed `version`.

    version=None skips the comparison (scripts, and actions that read and write in one request).
    obj gets the next version number; the caller saves it with `version` in update_fields.
    """
    current = queryset.select_for_update().only("version").get(pk=obj.pk)
    if version is not None and current.version != version:
        raise StaleEdit()
    obj.version = current.version + 1


class CampaignStatus(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    OPEN = "open", gettext_lazy("Open")
    CLOSED = "closed", gettext_lazy("Closed")


def campaign_status(*, campaign, at=None):
    at = at or timezone.now()
    if at < campaign.opens_at:
        return CampaignStatus.SCHEDULED
    return CampaignStatus.OPEN if at < campaign.closes_at else CampaignStatus.CLOSED


# --- organisations ---------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, slug, name_en, name_ja, created_by):
    """A client organisation; its creator becomes its consultant so they can set it up."""
    organisation = Organisation(slug=slug, name_en=name_en, name_ja=name_ja)
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(user=created_by, organisation=organisation, role=Membership.Role.CONSULTANT)
    return organisation


def department_create(*, organisation, key, name_en, name_ja):
    department = Department(organisation=organisation, key=key, name_en=name_en, name_ja=name_ja)
    department.full_clean()
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError:  # the same key added at the same moment in another tab
        raise ValidationError({"key": _("A department with this key already exists.")}) from None
    return department


@transaction.atomic
def department_rename(*, department, name_en, name_ja, version=None):
    """Only the names change: the key is in report addresses and in uploaded files."""
    _lock_current(Department.objects, department, version)
    department.name_en, department.name_ja = name_en, name_ja
    department.full_clean()
    department.save(update_fields=["name_en", "name_ja", "version"])
    return department


def membership_create(*, organisation, user, role):
    try:
        with transaction.atomic():
            return Membership.objects.create(organisation=organisation, user=user, role=role)
    except IntegrityError:
        raise ValidationError(_("%(user)s is already a member of this organisation.") % {"user": user}) from None


# --- campaigns -------------------------------------------------------------------------------


def campaign_create(
    *, organisation, framework, name, opens_at, closes_at, anonymity_threshold, comment_threshold=None, cloned_from=None
):
    """A new campaign; `comment_threshold=None` takes the default (10, or the anonymity threshold if higher)."""
    campaign = Campaign(
        organisation=organisation,
        framework=framework,
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymity_threshold=anonymity_threshold,
        comment_threshold=comment_threshold,
        cloned_from=cloned_from,
    )
    if comment_threshold is None:
        _comment_threshold_follow(campaign)
    _comment_threshold_check(campaign)
    campaign.full_clean()  # the model's constraints (closes after opens, threshold >= 3, comments >= 10)
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign,
    name,
    opens_at,
    closes_at,
    anonymity_threshold,
    comment_threshold=None,
    framework=None,
    version=None,
    changed_by=None,
):
    """Change a campaign; the framework only while nobody has answered (scores must stay comparable).

    Both thresholds follow one rule: once anyone has answered (under the promise their start page
    and invitation made) they can be raised, never lowered, and every change is logged.
    `comment_threshold=None` keeps it, raised to the anonymity threshold if that goes above it.

    The campaign row is locked first: a response being created at this moment holds a key-share
    lock on it (PostgreSQL) or the write lock (SQLite), so "nobody has answered" cannot change
    between the check and the save.
    """
    _lock_current(Campaign.objects, campaign, version)
    answered = campaign.responses.exists()
    if framework is not None and framework != campaign.framework:
        if answered:
            raise LifecycleError(_("People have already answered: the framework version can no longer change."))
        campaign.framework = framework
    old = {
        ThresholdChange.Kind.ANONYMITY: campaign.anonymity_threshold,
        ThresholdChange.Kind.COMMENT: campaign.comment_threshold,
    }
    if anonymity_threshold < old[ThresholdChange.Kind.ANONYMITY] and answered:
        # People answered under the promised threshold (their invitation said so): never lowered.
        raise LifecycleError(
            _("People have already answered under a threshold of %(old)d: it can be raised but not lowered.")
            % {"old": old[ThresholdChange.Kind.ANONYMITY]}
        )
    if comment_threshold is not None and comment_threshold < old[ThresholdChange.Kind.COMMENT] and answered:
        raise LifecycleError(
            _("People have already answered under a comment threshold of %(old)d: it can be raised but not lowered.")
            % {"old": old[ThresholdChange.Kind.COMMENT]}
        )
    campaign.name, campaign.opens_at, campaign.closes_at = name, opens_at, closes_at
    campaign.anonymity_threshold = anonymity_threshold
    if comment_threshold is None:
        _comment_threshold_follow(campaign)
    else:
        campaign.comment_threshold = comment_threshold
    _comment_threshold_check(campaign)
    campaign.full_clean()
    new = {
        ThresholdChange.Kind.ANONYMITY: campaign.anonymity_threshold,
        ThresholdChange.Kind.COMMENT: campaign.comment_threshold,
    }
    ThresholdChange.objects.bulk_create(
        [
            ThresholdChange(
                campaign=campaign, changed_by=changed_by, kind=kind, old_value=old[kind], new_value=new[kind]
            )
            for kind in old
            if old[kind] != new[kind]
        ]
    )
    campaign.save(
        update_fields=[
            "framework",
            "name",
            "opens_at",
            "closes_at",
            "anonymity_threshold",
            "comment_threshold",
            "version",
        ]
    )
    return campaign


def _comment_threshold_follow(campaign):
    """Comments need a group at least as large as numbers do: raised with the anonymity threshold, never lowered."""
    campaign.comment_threshold = max(campaign.comment_threshold or COMMENT_THRESHOLD_MIN, campaign.anonymity_threshold)


def _comment_threshold_check(campaign):
    """An explicit comment threshold below 10 or below the anonymity threshold is refused, not raised silently."""
    if campaign.comment_threshold < max(COMMENT_THRESHOLD_MIN, campaign.anonymity_threshold):
        raise ValidationError(
            {
                "comment_threshold": _(
                    "The comment threshold must be at least %(min)d and not below the anonymity threshold (%(threshold)d)."
                )
                % {"min": COMMENT_THRESHOLD_MIN, "threshold": campaign.anonymity_threshold}
            }
        )


@transaction.atomic
def campaign_close(*, campaign):
    """Close now. Returns the campaign; `campaign_mid_survey_count` tells who is cut off."""
    _lock_current(Campaign.objects, campaign, None)
    status = campaign_status(campaign=campaign)
    if status == CampaignStatus.CLOSED:
        raise LifecycleError(_("This campaign is already closed."))
    if status == CampaignStatus.SCHEDULED:
        raise LifecycleError(_("This campaign has not opened yet; change its dates instead."))
    campaign.closes_at = timezone.now()
    campaign.save(update_fields=["closes_at", "version"])
    return campaign


def campaign_mid_survey_count(*, campaign):
    """Respondents who started and have not submitted: closing now stops them from finishing."""
    return campaign.responses.filter(submitted_at__isnull=True).count()


@transaction.atomic
def campaign_reopen(*, campaign, closes_at, version=None):
    """Give the campaign a new closing date in the future (reopens it, or extends it)."""
    _lock_current(Campaign.objects, campaign, version)
    if closes_at <= timezone.now() or closes_at <= campaign.opens_at:
        raise LifecycleError(_("The new closing date must be in the future and after the opening date."))
    campaign.closes_at = closes_at
    campaign.save(update_fields=["closes_at", "version"])
    return campaign


@transaction.atomic
def campaign_clone(*, campaign, framework, name, opens_at, closes_at, anonymity_threshold, comment_threshold=None):
    """A re-assessment: a new campaign for the same organisation and the same people.

    Everyone on the respondent list gets a new invitation with a new link; nothing of the
    old answers comes along, and nobody is e-mailed until staff send the invitations.
    """
    clone = campaign_create(
        organisation=campaign.organisation,
        framework=framework,
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymity_threshold=anonymity_threshold,
        comment_threshold=comment_threshold,
        cloned_from=campaign,
    )
    for invitation in campaign.invitations.exclude(email="").select_related("department").order_by("pk"):
        invitation_create(
            campaign=clone,
            role_group=invitation.role_group,
            department=invitation.department,
            email=invitation.email,
            name=invitation.name,
        )
    return clone


# --- respondent lists ------------------------------------------------------------------------


def _role_labels(campaign):
    """Role labels people may write: the framework file's (en/ja) and the app's own (en/ja)."""
    code_labels = []
    for lang in ("en", "ja"):
        with translation.override(lang):
            code_labels += [(str(label), key) for key, label in RoleGroup.choices]
    options = (campaign.framework.profile or {}).get("role_group", {}).get("options", [])
    return role_labels_for(profile_options=options, code_labels=code_labels)


def _version_roles(campaign):
    """Role keys of the campaign's questionnaire version, or None when its file lists none."""
    options = (campaign.framework.profile or {}).get("role_group", {}).get("options", [])
    return [option["key"] for option in options] or None


def respondent_list_check(*, campaign, header, records, create_departments=(), written_emails=()):
    """Check a respondent list against the campaign as it is now: (rows, departments, new).

    `departments`: {key: Department} of the organisation; `new`: [(key, name)] of the unknown
    departments the user confirmed (`create_departments`), to create with the rows.
    `written_emails`: e-mails this same list already added (a background import going on after
    a restart): not "already invited". Raises RespondentListError with every problem.
    """
    departments = {d.key: d for d in campaign.organisation.departments.all()}
    existing = [(d.key, d.name_en, d.name_ja) for d in departments.values()]
    written = {_norm(email) for email in written_emails}
    invited = [
        e for e in campaign.invitations.exclude(email="").values_list("email", flat=True) if _norm(e) not in written
    ]
    parse = partial(
        respondent_list_parse,
        header=header,
        records=records,
        role_labels=_role_labels(campaign),
        invited_emails=invited,
        version_roles=_version_roles(campaign),
    )
    unknown = unknown_department_names(header=header, records=records, departments=existing)
    confirmed = {_norm(name) for name in create_departments}
    to_create = [name for name in unknown if _norm(name) in confirmed]
    new = list(zip(new_department_keys(to_create, departments), to_create, strict=True))
    rows, problems = parse(departments=existing + [(key, name, name) for key, name in new])
    if problems:
        # Would creating the unknown departments be enough? Then the page offers it.
        creatable = (
            bool(unknown) and not parse(departments=existing + [(f"new-{i}", n, n) for i, n in enumerate(unknown)])[1]
        )
        raise RespondentListError(problems, unknown_departments=unknown, creatable=creatable)
    return rows, departments, new


def respondent_rows_write(*, campaign, rows, departments, new=()):
    """Create the confirmed new departments, then one invitation per row (the caller's transaction)."""
    for key, name in new:
        departments[key] = department_create(organisation=campaign.organisation, key=key, name_en=name, name_ja=name)
    for row in rows:
        invitation_create(
            campaign=campaign,
            role_group=row["role_group"],
            department=departments.get(row["department"]),
            email=row["email"],
            name=row["name"],
        )


def respondent_list_import(*, campaign, path, create_departments=()):
    """Add the people of a CSV/XLSX file as invitations; returns how many were added.

    All or nothing: every problem is collected into one RespondentListError first.
    `create_departments`: names of unknown departments the user confirmed; they are created
    (same name in both languages, generated key) together with the invitations.
    """
    try:
        header, records = table_read(path)
    except UploadReadError as error:
        raise RespondentListError(error.problems) from None
    with transaction.atomic():
        # Lock the campaign so that two uploads at once cannot both add the same person.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if campaign.respondent_list_jobs.filter(status__in=["queued", "running"]).exists():
            raise RespondentListError(
                [
                    _(
                        "A respondent list is being imported in the background for this campaign. "
                        "Wait until it has finished, then upload this file."
                    )
                ]
            )
        rows, departments, new = respondent_list_check(
            campaign=campaign, header=header, records=records, create_departments=create_departments
        )
        respondent_rows_write(campaign=campaign, rows=rows, departments=departments, new=new)
    return len(rows)


# --- e-mail ----------------------------------------------------------------------------------


def _message(*, invitation, token, kind, connection):
    campaign = invitation.campaign
    context = {
        "invitation": invitation,
        "organisation": campaign.organisation,
        "campaign": campaign,
        "link": settings.SITE_URL.rstrip("/") + reverse("respondent:start", args=[token]),
        "closes_at": timezone.localtime(campaign.closes_at),
        "opens_at": timezone.localtime(campaign.opens_at) if campaign.opens_at > timezone.now() else None,
        "minutes": survey_duration(framework=campaign.framework, role_group=invitation.role_group),
    }
    # The text is bilingual whatever language the sender uses; dates are formatted in English.
    with translation.override("en"):
        subject = " ".join(render_to_string(f"email/{kind}_subject.txt", context).split())
        body = render_to_string(f"email/{kind}.txt", context)
    return mail.EmailMessage(subject, body, to=[invitation.email], connection=connection)


def _not_submitted(queryset):
    return queryset.exclude(email="").exclude(response__submitted_at__isnull=False)


def _send(*, invitations, kind, claim, release):
    """E-mail each invitation once; returns (sent, without_link).

    `claim(invitation)` marks it sent with a conditional UPDATE and says whether this call won
    it, so two clicks at once never e-mail one person twice; `release` undoes the mark when the
    mail server refuses, so the person is picked up next time.
    """
    sent = without_link = 0
    with mail.get_connection() as connection:
        for invitation in invitations:
            token = invitation_token(invitation=invitation)
            if token is None:  # an old random token cannot be derived again
                without_link += 1
                continue
            if not claim(invitation):
                continue
            try:
                _message(invitation=invitation, token=token, kind=kind, connection=connection).send()
            except OSError as error:  # smtplib errors are OSErrors
                release(invitation)
                raise LifecycleError(
                    _("The mail server failed after %(sent)d e-mails were sent: %(error)s")
                    % {"sent": sent, "error": error}
                ) from None
            sent += 1
    return sent, without_link


def _ensure_not_closed(campaign):
    if campaign_status(campaign=campaign) == CampaignStatus.CLOSED:
        raise LifecycleError(_("This campaign is closed: reopen it before e-mailing anyone."))


def invitations_pending(*, campaign):
    """People on the list who have not been e-mailed their link yet."""
    return _not_submitted(campaign.invitations.filter(invited_at__isnull=True))


def invitations_send(*, campaign):
    """E-mail their personal link to everyone not yet invited. Returns {"sent", "without_link"}."""
    _ensure_not_closed(campaign)
    now = timezone.now()
    pending = list(invitations_pending(campaign=campaign).select_related("campaign__organisation").order_by("pk"))

    def claim(invitation):
        mine = _not_submitted(Invitation.objects.filter(pk=invitation.pk, invited_at__isnull=True))
        return mine.update(invited_at=now) == 1

    def release(invitation):
        Invitation.objects.filter(pk=invitation.pk).update(invited_at=None)

    sent, without_link = _send(invitations=pending, kind="invitation", claim=claim, release=release)
    return {"sent": sent, "without_link": without_link}


def reminders_send(*, campaign):
    """Remind invited people who have not submitted. Returns {"sent", "recent", "without_link"}.

    Only while the campaign is open; people contacted within REMINDER_QUIET_PERIOD are left
    alone (counted as "recent").
    """
    if campaign_status(campaign=campaign) != CampaignStatus.OPEN:
        raise LifecycleError(_("Reminders can only be sent while the campaign is open."))
    now = timezone.now()
    quiet_since = now - REMINDER_QUIET_PERIOD
    due = _not_submitted(campaign.invitations.filter(invited_at__isnull=False))
    recent = Q(invited_at__gt=quiet_since) | Q(reminded_at__gt=quiet_since)
    recent_count = due.filter(recent).count()
    invitations = list(due.exclude(recent).select_related("campaign__organisation").order_by("pk"))

    def claim(invitation):
        mine = _not_submitted(Invitation.objects.filter(pk=invitation.pk, reminder_count=invitation.reminder_count))
        return mine.update(reminded_at=now, reminder_count=F("reminder_count") + 1) == 1

    def release(invitation):
        Invitation.objects.filter(pk=invitation.pk).update(
            reminded_at=invitation.reminded_at, reminder_count=invitation.reminder_count
        )

    sent, without_link = _send(invitations=invitations, kind="reminder", claim=claim, release=release)
    return {"sent": sent, "recent": recent_count, "without_link": without_link}


# --- response rates (read) -------------------------------------------------------------------


def _rate(invited, started, submitted):
    def percent(n):
        return 100 * n / invited if invited else 0.0

    return {
        "invited": invited,
        "started": started,
        "submitted": submitted,
        "rate": round(percent(submitted)),
        "submitted_percent": percent(submitted),
        "in_progress_percent": percent(started - submitted),
    }


def campaign_response_rates(*, campaign):
    """Counts per department and overall, in two queries whatever the number of departments.

    A person counts under the department of their response when they chose one while
    answering, else the one on their invitation. Counts only: never who answered.
    """
    grouped = (
        Invitation.objects.filter(campaign=campaign)
        .annotate(group=Coalesce("response__department_id", "department_id", output_field=models.BigIntegerField()))
        .values("group")
        .annotate(
            invited=Count("pk"),
            started=Count("response"),
            submitted=Count("response", filter=Q(response__submitted_at__isnull=False)),
        )
        .order_by()
    )
    counts = {row["group"]: (row["invited"], row["started"], row["submitted"]) for row in grouped}
    rows = [
        {"department": department, **_rate(*counts.pop(department.pk, (0, 0, 0)))}
        for department in Department.objects.filter(organisation_id=campaign.organisation_id).order_by("name_en")
    ]
    unknown = [sum(values) for values in zip(*counts.values(), strict=True)] if counts else None
    if unknown:  # no department given (or one since moved away from the organisation)
        rows.append({"department": None, **_rate(*unknown)})
    total = [sum(row[key] for row in rows) for key in ("invited", "started", "submitted")]
    _coarsen_small_counts(rows, campaign.anonymity_threshold)
    return {"rows": rows, "total": _rate(*total), "threshold": campaign.anonymity_threshold}


def _coarsen_small_counts(rows, threshold):
    """Started and submitted counts below the threshold read "fewer than N" (never who answered).

    The organisation's total stays exact, so a single coarsened department would be the total
    minus the others: the smallest other department is then coarsened with it.
    """
    for key in ("started", "submitted"):
        small = [row for row in rows if 0 < row[key] < threshold]
        if len(small) == 1:
            others = sorted((row for row in rows if row[key] >= threshold), key=lambda row: row[key])
            small += others[:1]
        for row in small:
            row[f"{key}_hidden"] = True
    for row in rows:
        if row.get("started_hidden") or row.get("submitted_hidden"):
            row.update(rate=None, submitted_percent=0, in_progress_percent=0)
