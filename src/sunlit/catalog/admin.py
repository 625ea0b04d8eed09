from django.contrib import admin

from sunlit.catalog.models import PowerItem


@admin.register(PowerItem)
class PowerItemAdmin(admin.ModelAdmin):
    """Read-only in the admin: changes go through versions in the console or the API."""

    list_display = ["code", "unit", "is_cancelled"]
    list_filter = ["is_cancelled"]
    search_fields = ["code"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
