"""清权 editor (编制): a new item, or a new version of an item, in a form with every field and the legal
bases as rows; saved as a draft or submitted for review. Only staff with a write role on the item's unit
open it (403 otherwise). Thin: parse with console.forms, call catalog.services, show refusals beside the
field they name."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sunlit.catalog import selectors, services
from sunlit.catalog.models import ChangeKind, PowerItem, PowerItemVersion, VersionStatus
from sunlit.catalog.permissions import EDIT_ROLES
from sunlit.catalog.rules import validate_content
from sunlit.console.forms import NewItemForm, VersionForm, legal_bases_formset, mark_invalid, show_refusal
from sunlit.core.errors import DomainError, Invalid, NotAllowed, NotFound
from sunlit.org.models import Unit


def _saved(request: HttpRequest, version: PowerItemVersion) -> HttpResponse:
    if version.status == VersionStatus.SUBMITTED:
        messages.success(request, f"已保存第{version.number}版并提交审核，审核通过后对外公开")
    else:
        messages.success(request, f"已保存第{version.number}版（草稿），确认无误后请提交审核")
    return redirect("console:power_detail", item_id=version.item_id)


def _edit(request: HttpRequest, form: VersionForm, save: Any, context: dict[str, Any],
          base: PowerItemVersion | None = None) -> HttpResponse:
    """The form round trip both pages share: another row of legal bases, or save through `save(form, bases)`."""
    posted = request.method == "POST"
    bases = legal_bases_formset(request.POST if posted else None, base)
    basis_errors: list[str] = []
    if posted and "add_basis" in request.POST:
        form, bases = _again(form, bases)
    elif posted and all([form.is_valid(), bases.is_valid()]):
        try:
            return _saved(request, save(form, bases))
        except DomainError as exc:
            if isinstance(exc, NotAllowed):
                raise PermissionDenied(exc.message) from exc
            basis_errors = show_refusal(exc, form, bases)
    elif posted:
        # The rules too, on the fields that were readable: every problem shows at once, not one per try.
        basis_errors = [str(e) for e in bases.non_form_errors()]
        problems = validate_content(form.content(), bases.bases())
        if problems:
            basis_errors += show_refusal(Invalid(problems), form, bases)
    mark_invalid(form, *bases.forms)
    return render(request, "console/power_edit.html", {
        **context, "form": form, "bases": bases, "basis_errors": basis_errors,
        "refused": posted and "add_basis" not in request.POST,
    })


def _again(form: VersionForm, bases: Any) -> tuple[VersionForm, Any]:
    """The posted form shown again, unvalidated, with the rows kept (those marked for removal gone) and
    one more empty row: asking for a row is not a save, so no field is marked wrong."""
    values = {name: form[name].value() for name in form.fields}
    rows = [{name: f[name].value() for name in ("law", "article", "excerpt")}
            for f in bases.forms if not f["DELETE"].value()]
    again = type(form)(initial=values, unit=form.unit, base=form.base)
    return again, legal_bases_formset(None, None, rows=[*rows, {}])


def _submit(request: HttpRequest) -> bool:
    return request.POST.get("action") == "submit"


@login_required
@require_http_methods(["GET", "POST"])
def power_new(request: HttpRequest) -> HttpResponse:
    """新增事项: choose the unit (among those the viewer edits), then fill in the item and its first version."""
    units = list(selectors.staff_units(viewer=request.user, roles=EDIT_ROLES))
    if not units:
        raise PermissionDenied("您没有任何单位的编制权限")
    code = request.GET.get("unit", "")
    unit: Unit | None = next((u for u in units if u.code == code), None)
    if code and unit is None:
        raise PermissionDenied(f"您没有单位{code}的编制权限")
    if unit is None and len(units) == 1:
        unit = units[0]
    context: dict[str, Any] = {"units": units, "unit": unit, "new": True}
    if unit is None:
        return render(request, "console/power_edit.html", context)

    def save(form: NewItemForm, bases: Any) -> PowerItemVersion:
        return services.power_item_create(
            unit=unit, code=form.cleaned_data["code"], parent=form.cleaned_data["main_item"], content=form.content(),
            legal_bases=bases.bases(), reason=form.cleaned_data["reason"], author=request.user,
            submit=_submit(request))

    return _edit(request, NewItemForm(request.POST or None, unit=unit), save, context)


@login_required
@require_http_methods(["GET", "POST"])
def power_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    """编制新版本: every field of the version it starts from (the published one unless `?from=N`), to
    change what needs changing; the rest stays as it was."""
    item = _item(request, item_id)
    context: dict[str, Any] = {"item": item, "unit": item.unit, "new": False,
                               "pending": selectors.open_version(item)}
    if item.is_cancelled or context["pending"] is not None:
        return render(request, "console/power_edit.html", context, status=409 if request.method == "POST" else 200)
    number = request.GET.get("from", "")
    base = selectors.version_to_revise(item, int(number) if number.isdigit() else None)
    if base is None:
        raise Http404("没有这个版本")
    context.update(base=base, other_bases=item.versions.exclude(pk=base.pk).exclude(change_kind=ChangeKind.CANCEL)
                   .order_by("-number"))

    def save(form: VersionForm, bases: Any) -> PowerItemVersion:
        return services.power_version_draft(item=item, content=form.content(), legal_bases=bases.bases(),
                                            reason=form.cleaned_data["reason"], author=request.user,
                                            submit=_submit(request))

    return _edit(request, VersionForm(request.POST or None, unit=item.unit, base=base), save, context, base)


def _item(request: HttpRequest, item_id: int) -> PowerItem:
    try:
        return selectors.item_to_edit(viewer=request.user, item_id=item_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
