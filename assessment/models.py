"""Data model: the versioned framework, the organisations that use it, and the answers.

Bilingual texts live in paired `*_en` / `*_ja` columns; `assessment.i18n.localized`
picks the one for the active language.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 2000
# Free text can give its writer away more easily than a score: groups of at least 10 (issue #12).
COMMENT_THRESHOLD_MIN = 10


class FrameworkLocked(ValidationError):
    """A framework version that has answers must stay as it is so scores stay reproducible."""


class RoleGroup(models.TextChoices):
    # Scoring relies on these keys (perception gap = executive vs the rest), so they are
    # fixed in code; the framework file gives their question texts.
    EXECUTIVE = "executive", _("Executive")
    # Added in questionnaire 1.1: business-unit heads are no longer counted as "executives"
    # (the perception gap is the executive team's view), and middle managers (管理職) are a group.
    BU_HEAD = "bu_head", _("Business-unit head")
    MANAGER = "manager", _("Middle manager")
    INNOVATION_TEAM = "innovation_team", _("Innovation team")
    BUSINESS = "business", _("Business department")
    CORPORATE = "corporate", _("Corporate function")


class Tenure(models.TextChoices):
    LT3 = "lt3", _("Less than 3 years")
    Y3_10 = "y3_10", _("3 to 9 years")
    Y10_20 = "y10_20", _("10 to 19 years")
    GT20 = "gt20", _("20 years or more")


class Framework(models.Model):
    """One immutable version of the questionnaire and its scoring rules."""

    key = models.SlugField(max_length=64)
    version = models.CharField(max_length=20)
    title_en = models.CharField(max_length=200)
    title_ja = models.CharField(max_length=200)
    description_en = models.TextField(blank=True)
    description_ja = models.TextField(blank=True)
    min_answered_per_dimension = models.PositiveSmallIntegerField(default=4)
    gap_threshold = models.DecimalField(max_digits=5, decimal_places=2, default=15)
    # {"anchors": {"1": {"en", "ja"}, ...}, "dont_know": {"en", "ja"}}
    scale = models.JSONField()
    # [{"level": 1, "key": "ad_hoc", "min": 0, "name": {...}, "summary": {...}}, ...]
    levels = models.JSONField()
    # {"role_group": {"prompt": {...}, "options": [...]}, "department": {...}, "tenure": {...}}
    # (1.1 has no tenure question: see the file's header)
    profile = models.JSONField()
    # {"version": "1.0", "dimensions": {key: earlier key}, "items": {key: earlier key}}: what a
    # re-assessment may compare with the earlier version; empty for the first version.
    comparison = models.JSONField(default=dict, blank=True)
    # {"dimension": {"en", "ja"}, "obstacle": {"en", "ja"}}: prompts of the optional comments; empty: none asked
    comments = models.JSONField(default=dict, blank=True)
    source_sha256 = models.CharField(max_length=64, help_text="Hash of the file it was loaded from.")
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="framework_key_version_unique"),
            models.CheckConstraint(condition=~Q(title_en="") & ~Q(title_ja=""), name="framework_titles_bilingual"),
            models.CheckConstraint(
                condition=Q(min_answered_per_dimension__gte=1), name="framework_min_answered_positive"
            ),
        ]

    def __str__(self):
        return f"{self.key} {self.version}"

    def save(self, *args, **kwargs):
        self.ensure_unlocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.ensure_unlocked()
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self):
        return Answer.objects.filter(response__campaign__framework=self).exists()

    def ensure_unlocked(self):
        if self.pk and self.is_locked:
            raise FrameworkLocked(
                _("Framework %(fw)s already has answers and cannot be changed; load it as a new version instead.")
                % {"fw": self}
            )


class LockedWithFramework(models.Model):
    """Dimensions and items refuse changes once their framework version has answers."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.framework.ensure_unlocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.framework.ensure_unlocked()
        return super().delete(*args, **kwargs)


class Dimension(LockedWithFramework):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="dimensions")
    key = models.SlugField(max_length=32)
    order = models.PositiveSmallIntegerField()
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    name_en = models.CharField(max_length=200)
    name_ja = models.CharField(max_length=200)
    description_en = models.TextField(blank=True)
    description_ja = models.TextField(blank=True)
    # {"1": {"en", "ja"}, ..., "5": {...}}: what each maturity level looks like here
    level_descriptions = models.JSONField(default=dict)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="dimension_key_unique"),
            models.UniqueConstraint(fields=["framework", "order"], name="dimension_order_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="dimension_weight_positive"),
            models.CheckConstraint(condition=~Q(name_en="") & ~Q(name_ja=""), name="dimension_names_bilingual"),
        ]

    def __str__(self):
        return f"{self.framework} / {self.key}"


class Item(LockedWithFramework):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=32)
    order = models.PositiveSmallIntegerField()
    reverse = models.BooleanField(default=False, help_text="Agreeing means lower readiness.")
    # Role groups shown this statement, or ["everyone"] (1.0 files have no audiences: everyone).
    audience = models.JSONField(default=list, blank=True)
    text_en = models.TextField()
    text_ja = models.TextField()

    class Meta:
        ordering = ["dimension__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="item_key_unique"),
            models.CheckConstraint(condition=~Q(text_en="") & ~Q(text_ja=""), name="item_texts_bilingual"),
        ]

    def __str__(self):
        return self.key


class Industry(models.TextChoices):
    """Broad sectors for the cross-client benchmark ("companies like you")."""

    MANUFACTURING = "manufacturing", _("Manufacturing")
    IT_TELECOM = "it_telecom", _("IT and telecommunications")
    FINANCE = "finance", _("Finance and insurance")
    TRADING_RETAIL = "trading_retail", _("Trading and retail")
    CONSTRUCTION_REAL_ESTATE = "construction_real_estate", _("Construction and real estate")
    ENERGY_UTILITIES = "energy_utilities", _("Energy and utilities")
    TRANSPORT_LOGISTICS = "transport_logistics", _("Transport and logistics")
    HEALTHCARE_PHARMA = "healthcare_pharma", _("Healthcare and pharmaceuticals")
    SERVICES = "services", _("Services")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    """Employees, group-wide."""

    LT1000 = "lt1000", _("Fewer than 1,000 employees")
    E1000 = "1000_4999", _("1,000 to 4,999 employees")
    E5000 = "5000_9999", _("5,000 to 9,999 employees")
    E10000 = "10000_49999", _("10,000 to 49,999 employees")
    GE50000 = "50000_plus", _("50,000 employees or more")


class Organisation(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=200)
    name_ja = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # Benchmark profile: an organisation's released results count in other clients' percentiles
    # only while it has explicitly agreed (benchmark/selectors.py).
    industry = models.CharField(max_length=32, choices=Industry.choices, blank=True)
    size_band = models.CharField(max_length=16, choices=SizeBand.choices, blank=True)
    benchmark_consent = models.BooleanField(default=False)
    benchmark_consent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [
            # consent is a recorded decision: it always carries its date
            models.CheckConstraint(
                condition=Q(benchmark_consent=False) | Q(benchmark_consent_at__isnull=False),
                name="organisation_benchmark_consent_dated",
            ),
        ]

    def __str__(self):
        return self.name_en


class Department(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="departments")
    key = models.SlugField(max_length=64)
    name_en = models.CharField(max_length=200)
    name_ja = models.CharField(max_length=200)
    # Raised by every console save; a form posted with an older number is refused (no lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["organisation", "name_en"]
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="department_key_unique")]

    def __str__(self):
        return self.name_en


class Membership(models.Model):
    """What a person may do for one organisation. Access is always decided through this."""

    class Role(models.TextChoices):
        CONSULTANT = "consultant", _("Consultant")
        HR = "hr", _("Organisation admin / HR")
        EXECUTIVE = "executive", _("Executive viewer")

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_once_per_organisation")
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.role})"


class Campaign(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="campaigns")
    # PROTECT: a framework version in use must never vanish from under its scores.
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=200)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    anonymity_threshold = models.PositiveSmallIntegerField(
        default=5, help_text="Groups with fewer respondents are never shown on their own."
    )
    # Free-text comments are shown only for groups at least this large (DOMAIN.md: 10); the
    # constraint keeps it from ever being lower than the promise for numbers.
    comment_threshold = models.PositiveSmallIntegerField(
        default=COMMENT_THRESHOLD_MIN,
        validators=[MinValueValidator(COMMENT_THRESHOLD_MIN)],
        help_text="Comments are shown only for groups of at least this many respondents.",
    )
    # Short code for workshop participants to join without a personal invitation (empty: no joining).
    # Unique when set (a conditional constraint: many campaigns have none), so a code names one campaign.
    join_code = models.CharField(max_length=12, blank=True, db_index=True)
    cloned_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="clones")
    created_at = models.DateTimeField(auto_now_add=True)
    # Raised by every console save; a form posted with an older number is refused (no lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="campaign_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=3), name="campaign_anonymity_threshold_at_least_3"
            ),
            models.CheckConstraint(
                condition=Q(comment_threshold__gte=models.F("anonymity_threshold")),
                name="campaign_comment_threshold_not_below_anonymity",
            ),
            models.UniqueConstraint(fields=["join_code"], condition=~Q(join_code=""), name="campaign_join_code_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.name}"

    def is_open(self, at=None):
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at


class Invitation(models.Model):
    """A personal link. Only a hash of its token is stored: a database leak reveals no links.

    The token is an HMAC of `token_nonce` under a server secret, so the server can send the
    same link again in a reminder, while the database alone cannot produce it.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    token_nonce = models.CharField(max_length=32, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True, help_text="when the invitation e-mail was sent")
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices, blank=True)
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True)
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Invitation {self.pk} ({self.campaign})"


class Response(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    # Copied from the invitation so that scoring reads one table without joins.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    role_group = models.CharField(max_length=20, choices=RoleGroup.choices, blank=True)
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True)
    tenure = models.CharField(max_length=10, choices=Tenure.choices, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The results release that first included this response (None: submitted since the last one).
    release_number = models.PositiveIntegerField(null=True, blank=True)
    # The language the answers were given in ("ja"/"en"), set at submission; None before it was
    # recorded and for imported answers. Nullable without a default so SQLite adds the column in
    # place (no table rebuild, which would drop migration 0006's triggers).
    language = models.CharField(max_length=8, null=True, blank=True)  # noqa: DJ001

    class Meta:
        indexes = [models.Index(fields=["campaign", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(release_number__isnull=True) | Q(submitted_at__isnull=False),
                name="response_released_only_when_submitted",
            ),
        ]

    def __str__(self):
        return f"Response {self.pk} ({self.campaign})"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class Answer(models.Model):
    """One answer; `value` NULL means the respondent chose "don't know"."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_once_per_item"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5), name="answer_value_on_scale"
            ),
        ]

    def __str__(self):
        return f"{self.response_id}/{self.item_id}={self.value}"


class RespondentListJob(models.Model):
    """A large respondent list imported by the task worker (assessment.respondent_list_jobs).

    The file itself is kept here (any worker node can read it) until the job is done. Rows are
    written in batches, each committed together with `done_rows`, so a job restarted after a
    crash goes on from the first row not written: nobody twice, nobody lost.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="respondent_list_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    file_name = models.CharField(max_length=255)
    data = models.BinaryField(blank=True)
    create_departments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    unknown_departments = models.JSONField(default=list, blank=True)
    creatable = models.BooleanField(default=False)
    # Failed part-way or by a server error (not by the file's problems): running it again helps.
    retryable = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_rows__lte=F("total_rows")), name="respondent_list_progress_within_total"
            ),
        ]

    def __str__(self):
        return f"Respondent list {self.file_name} for {self.campaign} ({self.status})"

    @property
    def percent(self):
        return round(100 * self.done_rows / self.total_rows) if self.total_rows else 0


class AnswerLoad(models.Model):
    """A mark that lives only inside a loader's transaction (`answers_loading`).

    The database refuses a new answer to a submitted response unless this table has a row the
    inserting transaction can see: importers, backups and demo data write a submitted response
    and then its answers. The loader deletes its row before committing, so no other connection
    ever sees one and the table stays empty.
    """

    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Answer load {self.pk} ({self.started_at})"


class Comment(models.Model):
    """An optional free-text comment: one per dimension page, and one on the biggest obstacle.

    Shown only in reports of groups of at least the campaign's comment threshold, never with
    the writer's role or department (reports/comments.py).
    """

    class Kind(models.TextChoices):
        DIMENSION = "dimension", _("Comment on a dimension")
        OBSTACLE = "obstacle", _("Biggest obstacle")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    text = models.TextField(max_length=COMMENT_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "kind", "dimension"], name="comment_once_per_dimension"),
            models.UniqueConstraint(
                fields=["response"], condition=Q(kind="obstacle"), name="comment_one_obstacle_per_response"
            ),
            models.CheckConstraint(
                condition=(Q(kind="dimension") & Q(dimension__isnull=False))
                | (Q(kind="obstacle") & Q(dimension__isnull=True)),
                name="comment_dimension_matches_kind",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="comment_not_empty"),
        ]

    def __str__(self):
        return f"Comment {self.pk} ({self.kind})"


class ResponseImport(models.Model):
    """A file imported with `import_responses`, by content digest: the same file twice into one
    campaign would count its respondents twice, so a repeat is refused unless forced."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    rows = models.PositiveIntegerField()
    forced = models.BooleanField(default=False, help_text="imported again with --force")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "sha256"], condition=Q(forced=False), name="response_import_once_unless_forced"
            )
        ]

    def __str__(self):
        return f"{self.file_name} into {self.campaign_id} ({self.rows} rows)"


class Release(models.Model):
    """A published state of a campaign's results: what every report, screen and export shows.

    Results change only when a new release is cut, with at least the threshold of new responses;
    `plan` records which groups it published (assessment.disclosure), so later releases are
    judged together with it. Releases are never changed or deleted.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    threshold = models.PositiveSmallIntegerField()
    respondents = models.PositiveIntegerField()
    plan = models.JSONField()

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="release_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="release_number_positive"),
        ]

    def __str__(self):
        return f"Release {self.number} of {self.campaign_id}"


class ThresholdChange(models.Model):
    """Every change of a campaign's anonymity or comment threshold, with who made it and when."""

    class Kind(models.TextChoices):
        ANONYMITY = "anonymity", _("Anonymity threshold")
        COMMENT = "comment", _("Comment threshold")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="threshold_changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ANONYMITY)
    old_value = models.PositiveSmallIntegerField()
    new_value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["campaign", "changed_at"]

    def __str__(self):
        return f"{self.kind} threshold of {self.campaign_id}: {self.old_value} → {self.new_value}"
