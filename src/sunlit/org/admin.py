"""配权 in the Django admin. Every save and delete goes through org.services, so each has its event and
its rules; what has no service (roles, appointments, portfolios) is shown read-only.

A service that refuses (moving a unit under its own child, the principal rule 不直接分管, a login already
linked) rolls the whole admin request back; the admin then shows the reason above the same page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from sunlit.core.errors import DomainError
from sunlit.core.models import CalendarDay, CalendarNotice
from sunlit.org import services
from sunlit.org.models import Appointment, Membership, Official, PortfolioArea, Post, Role, StaffContact, Unit


def _adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's instance the row the service wrote, so the admin's log and redirect find it."""
    for f in saved._meta.concrete_fields:
        setattr(obj, f.attname, getattr(saved, f.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def _changes(form: ModelForm, fields: tuple[str, ...]) -> dict[str, Any]:
    data = form.cleaned_data
    return {f: ("" if data[f] is False else data[f]) for f in fields if f in form.changed_data}


class ServiceAdmin(admin.ModelAdmin):
    """Shows a service's refusal as a message on the page instead of a server error."""

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id: str,
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    list_display = ["name", "code", "kind", "parent"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "short_name", "kind", "parent", "path", "sort_order", "address", "phone", "calendar"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The code is the unit's identity and part of every path below it.
        return ["code", "path"] if obj is not None else ["path"]

    def save_model(self, request: HttpRequest, obj: Unit, form: ModelForm, change: bool) -> None:
        data, actor = form.cleaned_data, request.user
        if not change:
            _adopt(obj, services.unit_create(
                code=data["code"], name=data["name"], short_name=data["short_name"], kind=data["kind"],
                parent=data["parent"], sort_order=data["sort_order"], address=data["address"],
                phone=data["phone"], calendar=data["calendar"], actor=actor))
            return
        unit = Unit.objects.get(pk=obj.pk)
        if "parent" in form.changed_data:
            unit = services.unit_move(unit=unit, parent=data["parent"], actor=actor)
        if {"name", "short_name"} & set(form.changed_data):
            unit = services.unit_rename(unit=unit, name=data["name"], short_name=data["short_name"], actor=actor)
        other = _changes(form, services.UNIT_CHANGEABLE)
        if other:
            unit = services.unit_change(unit=unit, actor=actor, **other)
        _adopt(obj, unit)


@admin.register(PortfolioArea)
class PortfolioAreaAdmin(ServiceAdmin):
    """Areas are added, never changed: whether a principal may hold one is what the rule reads."""

    list_display = ["code", "name", "principal_forbidden"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PortfolioArea, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        _adopt(obj, services.portfolio_area_create(code=data["code"], name=data["name"],
                                                   principal_forbidden=data["principal_forbidden"],
                                                   actor=request.user))


@admin.register(Post)
class PostAdmin(ServiceAdmin):
    list_display = ["name", "unit", "is_principal", "is_leader", "is_sensitive", "is_internal"]
    list_filter = ["is_principal", "is_internal"]
    search_fields = ["name", "unit__name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["unit"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Post, form: ModelForm, change: bool) -> None:
        if not change:
            data = form.cleaned_data
            _adopt(obj, services.post_create(
                unit=data["unit"], name=data["name"], is_principal=data["is_principal"],
                is_leader=data["is_leader"], is_sensitive=data["is_sensitive"], is_internal=data["is_internal"],
                actor=request.user))
            return
        post = Post.objects.get(pk=obj.pk)
        changes = _changes(form, services.POST_CHANGEABLE)
        _adopt(obj, services.post_change(post=post, actor=request.user, **changes) if changes else post)


@admin.register(Official)
class OfficialAdmin(ServiceAdmin):
    """Portfolios and appointments change only through org.services, where the principal rule
    (不直接分管) is checked; the admin shows them read-only."""

    list_display = ["name", "title", "unit", "user"]
    search_fields = ["name", "title"]
    readonly_fields = ["portfolio"]

    def save_model(self, request: HttpRequest, obj: Official, form: ModelForm, change: bool) -> None:
        if not change:
            data = form.cleaned_data
            _adopt(obj, services.official_create(
                unit=data["unit"], name=data["name"], title=data["title"], duties=data["duties"],
                public_phone=data["public_phone"], sort_order=data["sort_order"], audience=data["audience"],
                exemption=data["exemption"], photo=data["photo"] or None, user=data["user"], actor=request.user))
            return
        official = Official.objects.get(pk=obj.pk)
        changes = _changes(form, services.OFFICIAL_CHANGEABLE)
        _adopt(obj, services.official_change(official=official, actor=request.user, **changes)
               if changes else official)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        """Nothing: the portfolio is read-only here and has its own service."""


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    """Roles are granted and revoked, never edited in place."""

    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        _adopt(obj, services.membership_grant(user=data["user"], unit=data["unit"], role=data["role"],
                                              actor=request.user))

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_revoke(membership=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            services.membership_revoke(membership=membership, actor=request.user)


@admin.register(StaffContact)
class StaffContactAdmin(ServiceAdmin):
    """A login's mobile number for texts (短信提醒), set and cleared through org.services."""

    list_display = ["user", "__str__", "changed_at"]
    search_fields = ["user__username"]
    fields = ["user", "mobile"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def save_model(self, request: HttpRequest, obj: StaffContact, form: ModelForm, change: bool) -> None:
        saved = services.staff_mobile_set(user=obj.user, mobile=form.cleaned_data["mobile"], actor=request.user)
        if saved is not None:
            _adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: StaffContact) -> None:
        services.staff_mobile_set(user=obj.user, mobile="", actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StaffContact]) -> None:
        for contact in queryset.select_related("user"):
            services.staff_mobile_set(user=contact.user, mobile="", actor=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    """Roles are data the migrations seed; the modules that use a role bring it."""

    list_display = ["code", "name", "description"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["official", "post", "start", "end"]


@admin.register(CalendarNotice)
class CalendarNoticeAdmin(ServiceAdmin):
    """A year's holiday notice: entered once (next year's in December, when the State Council publishes it)."""

    list_display = ["year", "jurisdiction", "source", "entered_at", "entered_by"]
    list_filter = ["jurisdiction"]
    fields = ["jurisdiction", "year", "source"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CalendarNotice, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        _adopt(obj, services.calendar_notice_enter(year=data["year"], source=data["source"],
                                                   jurisdiction=data["jurisdiction"], actor=request.user))


@admin.register(CalendarDay)
class CalendarDayAdmin(ServiceAdmin):
    """Holidays on weekdays and weekends worked (调休), nationally or for a province or county."""

    list_display = ["day", "kind", "name", "jurisdiction", "source"]
    list_filter = ["jurisdiction", "kind"]
    date_hierarchy = "day"
    search_fields = ["name", "source"]
    fields = ["jurisdiction", "day", "kind", "name", "source"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["jurisdiction", "day"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        _adopt(obj, services.calendar_day_set(
            day=obj.day if change else data["day"], kind=data["kind"], name=data["name"], source=data["source"],
            jurisdiction=obj.jurisdiction if change else data["jurisdiction"], actor=request.user))
