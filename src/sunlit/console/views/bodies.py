"""三重一大 pages the party and government offices keep: the deciding bodies (党委会, 政府常务会议, 局长办公会议)
with their members (officials with a login, who sign the minutes with it) and their meetings, and the county's
observer pool (旁听人员库). A secretary sees and changes only the bodies of their units (404 for any other id);
the pool only its keepers (403 to anyone else). Thin: parse with console.decision_forms, call
decisions.selectors / decisions.services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sunlit.console.decision_forms import BodyForm, MeetingForm, MemberForm, ObserverForm
from sunlit.core.errors import DomainError
from sunlit.decisions import selectors, services
from sunlit.decisions.models import Body, BodyMember, Meeting
from sunlit.decisions.permissions import keeps_pool

# ------------------------------------------------------------------------------------------- bodies


@login_required
@require_http_methods(["GET", "POST"])
def bodies(request: HttpRequest) -> HttpResponse:
    units = selectors.secretary_units(request.user)
    if not units.exists():
        raise PermissionDenied("您不是任何单位的会议秘书")
    form = BodyForm(request.POST or None, units=units, prefix="body")
    if request.method == "POST" and form.valid():
        data = form.cleaned_data
        try:
            body = services.body_create(unit=data["unit"], kind=data["kind"], name=data["name"], actor=request.user)
        except DomainError as exc:
            form.refuse(exc)
        else:
            messages.success(request, f"已设立「{body.name}」，请添加成员")
            return redirect("console:body", body_id=body.pk)
    return render(request, "console/bodies.html", {"bodies": selectors.bodies_for(request.user), "form": form,
                                                   "desk": selectors.desk(request.user)},
                  status=400 if form.errors else 200)


def _body(request: HttpRequest, body_id: int) -> Body:
    found = selectors.body_for(request.user, body_id)
    if found is None:
        raise Http404("决策机构不存在或您不是其会议秘书")
    return found


def _body_page(request: HttpRequest, body: Body, *, member: MemberForm | None = None,
               meeting: MeetingForm | None = None) -> HttpResponse:
    return render(request, "console/body.html", {
        "body": body, "desk": selectors.desk(request.user), "base": f"/console/bodies/{body.pk}/",
        "members": BodyMember.objects.filter(body=body).select_related("official__unit", "official__user"),
        "meetings": Meeting.objects.filter(body=body).order_by("-starts_at", "-pk")[:50],
        "member_form": member or MemberForm(officials=selectors.member_candidates(body), prefix="member"),
        "meeting_form": meeting or MeetingForm(prefix="meeting"),
    }, status=400 if member is not None or meeting is not None else 200)


@login_required
def body(request: HttpRequest, body_id: int) -> HttpResponse:
    return _body_page(request, _body(request, body_id))


@login_required
@require_POST
def body_member_add(request: HttpRequest, body_id: int) -> HttpResponse:
    found = _body(request, body_id)
    form = MemberForm(request.POST, officials=selectors.member_candidates(found), prefix="member")
    if form.valid():
        try:
            member = services.body_member_add(body=found, official=form.cleaned_data["official"],
                                              principal=form.cleaned_data["principal"], actor=request.user)
        except DomainError as exc:
            form.refuse(exc)
        else:
            messages.success(request, f"{member.official.name}已加入{found.name}")
            return redirect("console:body", body_id=found.pk)
    return _body_page(request, found, member=form)


@login_required
@require_POST
def body_meeting_create(request: HttpRequest, body_id: int) -> HttpResponse:
    found = _body(request, body_id)
    form = MeetingForm(request.POST, prefix="meeting")
    if form.valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(body=found, title=data["title"], starts_at=data["starts_at"],
                                              place=data["place"], actor=request.user)
        except DomainError as exc:
            form.refuse(exc)
        else:
            messages.success(request, f"已安排「{meeting.title}」，请列入议程")
            return redirect("console:meeting", meeting_id=meeting.pk)
    return _body_page(request, found, meeting=form)


# ------------------------------------------------------------------------------------------- the observer pool


@login_required
@require_http_methods(["GET", "POST"])
def observers(request: HttpRequest) -> HttpResponse:
    if not keeps_pool(request.user):
        raise PermissionDenied("您没有维护旁听人员库的权限")
    form = ObserverForm(request.POST or None, prefix="observer")
    if request.method == "POST" and form.valid():
        data = form.cleaned_data
        try:
            observer = services.observer_add(code=data["code"], name=data["name"], category=data["category"],
                                             topics=data["topics"], contact=data["contact"],
                                             conflict_units=form.conflict_codes(), actor=request.user)
        except DomainError as exc:
            form.refuse(exc)
        else:
            messages.success(request, f"已将{observer.code}加入旁听人员库")
            return redirect("console:observers")
    return render(request, "console/observers.html", {"pool": selectors.observer_pool(request.user), "form": form,
                                                      "desk": selectors.desk(request.user)},
                  status=400 if form.errors else 200)
