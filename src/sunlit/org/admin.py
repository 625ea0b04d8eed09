from django.contrib import admin

from sunlit.org.models import Appointment, Membership, Official, PortfolioArea, Post, Unit

admin.site.register([Unit, Post, PortfolioArea, Membership])


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    """Portfolios and appointments change only through org.services, where the principal rule
    (不直接分管) is checked; the admin shows them read-only."""

    list_display = ["name", "title", "unit"]
    search_fields = ["name", "title"]
    readonly_fields = ["portfolio"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["official", "post", "start", "end"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
