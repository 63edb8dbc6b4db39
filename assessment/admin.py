from django.contrib import admin

from .models import Campaign, Department, Dimension, Framework, Invitation, Item, Organisation, Response


class ReadOnlyWhenLockedMixin:
    """A framework version with answers is shown, never edited (scores must stay reproducible)."""

    def _framework(self, obj):
        return obj if isinstance(obj, Framework) else getattr(obj, "framework", None)

    def has_change_permission(self, request, obj=None):
        framework = self._framework(obj) if obj else None
        if framework is not None and framework.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        framework = self._framework(obj) if obj else None
        if framework is not None and framework.is_locked:
            return False
        return super().has_delete_permission(request, obj)


class ItemInline(admin.TabularInline):
    model = Item
    fields = ["order", "key", "reverse", "audience", "text_en", "text_ja"]
    extra = 0


class DimensionInline(admin.TabularInline):
    model = Dimension
    fields = ["order", "key", "weight", "name_en", "name_ja"]
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyWhenLockedMixin, admin.ModelAdmin):
    list_display = ["key", "version", "title_en", "loaded_at", "locked"]
    readonly_fields = ["source_sha256", "loaded_at"]
    inlines = [DimensionInline]

    @admin.display(boolean=True, description="has answers (locked)")
    def locked(self, obj):
        return obj.is_locked


@admin.register(Dimension)
class DimensionAdmin(ReadOnlyWhenLockedMixin, admin.ModelAdmin):
    list_display = ["key", "framework", "order", "weight", "name_en"]
    list_filter = ["framework"]
    inlines = [ItemInline]


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ja", "slug", "industry", "size_band", "benchmark_consent", "created_at"]
    prepopulated_fields = {"slug": ["name_en"]}
    # consent is given or withdrawn on the console's benchmark page, which records its date
    readonly_fields = ["benchmark_consent", "benchmark_consent_at"]
    inlines = [DepartmentInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "framework",
        "opens_at",
        "closes_at",
        "anonymity_threshold",
        "comment_threshold",
    ]
    list_filter = ["organisation", "framework"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # Left blank: 10, or the anonymity threshold when that is higher (see save_model).
        form.base_fields["comment_threshold"].required = False
        return form

    def save_model(self, request, obj, form, change):
        obj.comment_threshold = max(obj.comment_threshold or 10, obj.anonymity_threshold)
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    # The token hash is deliberately absent: it is useless to staff and best not shown.
    list_display = ["id", "campaign", "role_group", "department", "email", "created_at"]
    list_filter = ["campaign", "role_group"]
    fields = ["campaign", "role_group", "department", "email", "name"]

    def has_add_permission(self, request):
        return False  # invitations are created by the respondent-list upload, which shows the link once


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    # Answers are anonymous: staff see counts and dates, never who answered what.
    list_display = ["id", "campaign", "role_group", "department", "started_at", "submitted_at"]
    list_filter = ["campaign", "role_group"]
    fields = ("campaign", "role_group", "department", "tenure", "started_at", "submitted_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
