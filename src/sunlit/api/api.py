"""JSON API at /api/v1/: public reads (no login) and authenticated writes. Handlers parse, call,
shape; rules live in the services and selectors."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from sunlit.api import schemas as s
from sunlit.api.messages import chinese_message
from sunlit.catalog import selectors, services
from sunlit.catalog.models import Category, PowerItem, PowerItemVersion
from sunlit.core.errors import DomainError, NotFound
from sunlit.core.models import ApiToken
from sunlit.core.visibility import public_queryset
from sunlit.org.models import Official, Unit


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """A console session; its CSRF token is checked only when there is a session to protect, so a
    client with no or a wrong token hears 401 (log in or send a token), not a CSRF failure."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="Sunlit 阳光权力运行平台 API",
    version="1",
    description="公开数据无需登录；编制、提交、审核需令牌（Authorization: Bearer …）或登录会话。",
    renderer=ChineseJSONRenderer(),
    urls_namespace="api",
)
staff_auth = [TokenAuth(), StaffSession()]


def openapi_document(request: HttpRequest) -> HttpResponse:
    """The OpenAPI document with Chinese as written (ninja's own view escapes it as \\uXXXX)."""
    return JsonResponse(api.get_openapi_schema(), json_dumps_params={"ensure_ascii": False})


def _errors(request: HttpRequest, status: int, errors: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"errors": errors}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    listed = getattr(exc, "errors", None) or [exc]
    return _errors(request, exc.status, [{"field": e.field, "message": e.message} for e in listed])


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path", "filters")]
        errors.append({"field": ".".join(loc) or None, "message": chinese_message(err)})
    return _errors(request, 422, errors)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _errors(request, 401, [{"field": "Authorization", "message": "请先登录或提供有效的令牌"}])


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and "parse" in str(exc).lower():
        return _errors(request, 400, [{"field": "body", "message": "请求体不是有效的JSON"}])
    if exc.status_code == 403 and "csrf" in str(exc).lower():
        return _errors(request, 403, [{"field": "csrfmiddlewaretoken", "message": "CSRF校验失败，请刷新页面后重试"}])
    return _errors(request, exc.status_code, [{"field": None, "message": str(exc)}])


def _not_found(what: str) -> NotFound:
    return NotFound(f"{what}不存在或未公开", field="id")


public = Router(tags=["公开数据"])  # one router: a path may carry public GET and staff POST


@public.get("/units", response=list[s.UnitOut], summary="单位")
def list_units(request: HttpRequest) -> Any:
    return public_queryset(Unit).select_related("parent").order_by("path")


class OfficialFilters(s.InputSchema):
    unit: str | None = None


@public.get("/officials", response=list[s.OfficialOut], summary="干部")
def list_officials(request: HttpRequest, filters: Query[OfficialFilters]) -> Any:
    officials = public_queryset(Official).select_related("unit").prefetch_related("portfolio")
    return officials.filter(unit__code=filters.unit) if filters.unit else officials


class PowerFilters(s.InputSchema):
    unit: str | None = None
    category: Category | None = None
    q: str | None = s.Field(None, max_length=100)
    include_sub_units: bool = False
    page: int = s.Field(1, ge=1, le=100000)
    page_size: int = s.Field(20, ge=1, le=100)


@public.get("/powers", response=s.PowerPageOut, summary="权力清单：检索与分页")
def list_powers(request: HttpRequest, filters: Query[PowerFilters]) -> Any:
    items = selectors.public_powers(unit_code=filters.unit, category=filters.category, q=filters.q,
                                    include_sub_units=filters.include_sub_units)
    start = (filters.page - 1) * filters.page_size
    return {"count": items.count(), "page": filters.page, "page_size": filters.page_size,
            "items": selectors.page_of(items, start, filters.page_size)}


@public.get("/powers/{item_id}", response=s.PowerDetailOut, summary="事项详情（现行版本）")
def get_power(request: HttpRequest, item_id: int) -> Any:
    item = selectors.public_power(item_id)
    if item is None:
        raise _not_found("事项")
    return item


@public.get("/powers/{item_id}/history", response=list[s.VersionContentOut], summary="已批准的历史版本")
def power_history(request: HttpRequest, item_id: int) -> Any:
    item = selectors.public_power(item_id)
    if item is None:
        raise _not_found("事项")
    return selectors.public_power_history(item)




def _content(payload: s.VersionContentIn) -> tuple[dict[str, Any], list[dict[str, str]], str, bool]:
    data = payload.dict()
    bases = data.pop("legal_bases")
    reason, submit = data.pop("reason"), data.pop("submit")
    for extra in ("unit", "code", "main_item"):
        data.pop(extra, None)
    return data, bases, reason, submit


def _staff_version(request: HttpRequest, version_id: int) -> PowerItemVersion:
    version = selectors.staff_version(viewer=request.user, version_id=version_id)
    if version is None:
        raise NotFound("版本不存在或您无权查看", field="id")
    return version


@public.post("/powers", auth=staff_auth, tags=["编制与审核"], response={201: s.VersionStateOut}, summary="新增事项（首个版本）")
def create_power(request: HttpRequest, payload: s.PowerCreateIn) -> Any:
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise DomainError(f"单位{payload.unit}不存在", field="unit")
    parent = None
    if payload.main_item is not None:
        parent = PowerItem.objects.filter(pk=payload.main_item, unit=unit).first()
        if parent is None:
            raise DomainError("主项不存在或不属于该单位", field="main_item")
    content, bases, reason, submit = _content(payload)
    return Status(201, services.power_item_create(unit=unit, code=payload.code, parent=parent, content=content,
                                           legal_bases=bases, reason=reason, author=request.user, submit=submit))


@public.post("/powers/{item_id}/versions", auth=staff_auth, tags=["编制与审核"], response={201: s.VersionStateOut}, summary="编制新版本")
def create_version(request: HttpRequest, item_id: int, payload: s.VersionContentIn) -> Any:
    item = selectors.staff_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise NotFound("事项不存在或您无权编辑", field="id")
    content, bases, reason, submit = _content(payload)
    return Status(201, services.power_version_draft(item=item, content=content, legal_bases=bases, reason=reason,
                                             author=request.user, submit=submit))


@public.post("/powers/{item_id}/cancel", auth=staff_auth, tags=["编制与审核"], response={201: s.VersionStateOut}, summary="申请取消事项")
def cancel_power(request: HttpRequest, item_id: int, payload: s.CancelIn) -> Any:
    item = selectors.staff_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise NotFound("事项不存在或您无权编辑", field="id")
    return Status(201, services.power_item_cancel(item=item, reason=payload.reason, author=request.user))


@public.get("/versions/{version_id}", auth=staff_auth, tags=["编制与审核"], response=s.VersionStateOut, summary="版本状态")
def get_version(request: HttpRequest, version_id: int) -> Any:
    return _staff_version(request, version_id)


@public.post("/versions/{version_id}/submit", auth=staff_auth, tags=["编制与审核"], response=s.VersionStateOut, summary="提交审核")
def submit_version(request: HttpRequest, version_id: int) -> Any:
    return services.power_version_submit(version=_staff_version(request, version_id), actor=request.user)


@public.post("/versions/{version_id}/approve", auth=staff_auth, tags=["编制与审核"], response=s.VersionStateOut, summary="批准")
def approve_version(request: HttpRequest, version_id: int, payload: s.ReviewIn) -> Any:
    return services.power_version_approve(version=_staff_version(request, version_id), reviewer=request.user,
                                          comment=payload.comment)


@public.post("/versions/{version_id}/reject", auth=staff_auth, tags=["编制与审核"], response=s.VersionStateOut, summary="退回")
def reject_version(request: HttpRequest, version_id: int, payload: s.ReviewIn) -> Any:
    return services.power_version_reject(version=_staff_version(request, version_id), reviewer=request.user,
                                         comment=payload.comment)


@public.get("/versions/{version_id}/diff", auth=staff_auth, tags=["编制与审核"], summary="与上一版本或指定版本的差异")
def diff_version(request: HttpRequest, version_id: int, against: int | None = None) -> Any:
    version = _staff_version(request, version_id)
    old = None
    if against is not None:
        old = _staff_version(request, against)
        if old.item_id != version.item_id:
            raise DomainError("只能比较同一事项的版本", field="against")
    else:
        old = version.item.versions.filter(number__lt=version.number).order_by("-number").first()
    return json.loads(json.dumps({"from": old.number if old else None, "to": version.number,
                                  "changes": selectors.version_diff(old, version)}, default=str))


api.add_router("/", public)

__all__ = ["api"]
