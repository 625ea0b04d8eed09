from django.contrib import admin

from sunlit.witness.models import WitnessConfig, WitnessedLog


@admin.register(WitnessedLog)
class WitnessedLogAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("origin", "size", "updated_at")
    search_fields = ("origin",)
    # The state moves only forward, through add-checkpoint or `sunlit witness`; never by hand.
    readonly_fields = ("size", "root_b64", "checkpoint", "created_at", "updated_at")
    fields = ("origin", "keys", *readonly_fields)

    @admin.display(description="已见证根哈希")
    def root_b64(self, obj: WitnessedLog) -> str:
        return obj.root_b64


@admin.register(WitnessConfig)
class WitnessConfigAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "url", "active", "cosigned_size", "last_ok_at", "last_error_at")
    list_filter = ("active",)
    readonly_fields = ("name", "cosigned_size", "last_ok_at", "last_error", "last_error_at")
    fields = ("vkey", "url", "active", *readonly_fields)
