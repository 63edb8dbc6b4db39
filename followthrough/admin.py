from django.contrib import admin

from .models import Action, Commitment


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    """Read-only: a target is changed by adding a version in the console, never edited in place."""

    list_display = ("campaign", "dimension", "version", "target_level", "target_date", "set_by", "created_at")
    list_filter = ("campaign__organisation",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("title_en", "campaign", "dimension", "owner_role", "owner_name", "due_date", "status")
    list_filter = ("status", "campaign__organisation")
    search_fields = ("title_en", "title_ja", "owner_name")
