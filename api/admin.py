from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # The hash is useless to staff; tokens are created by their owners on /api/tokens/.
    list_display = ["name", "prefix", "membership", "scopes", "expires_at", "revoked_at", "last_used_at"]
    fields = ["name", "prefix", "membership", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["name", "prefix", "membership", "scopes", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
