"""Writes through the API: token or session, the whole review cycle, and every kind of bad input
refused with a JSON error naming the field, leaving the database as it was."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sunlit.catalog import services
from sunlit.catalog.models import LegalBasis, PowerItem, PowerItemVersion
from sunlit.core.models import ApiToken, Event
from sunlit.org.models import Role, Unit
from tests import factories

BASIS = factories.LICENSING_BASIS


def new_item(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"unit": "YD-ZRZY", "code": "XK-100", "name": "农村村民住宅建设审批",
                            "category": "licensing", "statutory_limit": 20, "promised_limit": 10,
                            "legal_bases": BASIS, "reason": "新增事项"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def new_version(**overrides: Any) -> dict[str, Any]:
    body = new_item(**{"name": "农村宅基地和村民建房审批", "reason": "名称按省级目录规范", **overrides})
    for key in ("unit", "code"):
        body.pop(key, None)
    return body


def db_rows() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in (PowerItem, PowerItemVersion, LegalBasis, Event)}


class Api:
    """A client speaking as one user, by bearer token or by session."""

    def __init__(self, user: User | None, how: str = "token") -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None and how == "token":
            self.headers["Authorization"] = f"Bearer {ApiToken.issue(user, 'test')[1]}"
        elif user is not None:
            self.client.force_login(user)

    def post(self, url: str, body: Any = None, raw: bytes | str | None = None) -> Any:
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.client.post(f"/api/v1{url}", data=data, content_type="application/json", headers=self.headers)

    def get(self, url: str) -> Any:
        return self.client.get(f"/api/v1{url}", headers=self.headers)


@pytest.fixture
def as_editor(editor: User) -> Api:
    return Api(editor)


@pytest.fixture
def as_reviewer(reviewer: User) -> Api:
    return Api(reviewer)


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    return response.json()


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()


# ---------------------------------------------------------------- the whole cycle


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["token", "session"])
def test_whole_lifecycle_from_new_item_to_cancellation(how: str, editor: User, reviewer: User) -> None:
    as_editor, as_reviewer, public = Api(editor, how), Api(reviewer, how), Client()

    v1 = created(as_editor.post("/powers", new_item()))
    assert (v1["number"], v1["status"], v1["status_label"], v1["author"]) == (1, "draft", "草稿", "editor")
    item = v1["item"]
    assert public.get(f"/api/v1/powers/{item}").status_code == 404

    assert ok(as_editor.post(f"/versions/{v1['id']}/submit"))["status"] == "submitted"
    approved = ok(as_reviewer.post(f"/versions/{v1['id']}/approve", {"comment": "同意"}))
    assert (approved["status"], approved["reviewer"], approved["review_comment"]) == ("approved", "reviewer", "同意")
    assert public.get(f"/api/v1/powers/{item}").json()["current"]["name"] == "农村村民住宅建设审批"

    v2 = created(as_editor.post(f"/powers/{item}/versions", new_version(submit=True)))
    assert (v2["number"], v2["status"], v2["change_kind"]) == (2, "submitted", "change")
    rejected = ok(as_reviewer.post(f"/versions/{v2['id']}/reject", {"comment": "名称与省级目录不一致"}))
    assert (rejected["status"], rejected["status_label"]) == ("rejected", "已退回")
    assert public.get(f"/api/v1/powers/{item}").json()["current"]["number"] == 1

    v3 = created(as_editor.post(f"/powers/{item}/versions", new_version(submit=True)))
    ok(as_reviewer.post(f"/versions/{v3['id']}/approve", {}))
    assert public.get(f"/api/v1/powers/{item}").json()["current"]["name"] == "农村宅基地和村民建房审批"
    assert [v["number"] for v in public.get(f"/api/v1/powers/{item}/history").json()] == [3, 1]

    cancel = created(as_editor.post(f"/powers/{item}/cancel", {"reason": "职能划转至县农业农村局"}))
    assert (cancel["number"], cancel["status"], cancel["change_kind"]) == (4, "submitted", "cancel")
    ok(as_reviewer.post(f"/versions/{cancel['id']}/approve", {"comment": "同意取消"}))
    assert public.get(f"/api/v1/powers/{item}").status_code == 410  # gone, saying when and why
    assert [v["number"] for v in public.get(f"/api/v1/powers/{item}/history").json()] == [4, 3, 1]
    assert public.get("/api/v1/powers").json()["count"] == 0
    assert ok(as_editor.get(f"/versions/{v1['id']}"))["status"] == "approved"


@pytest.mark.django_db
def test_created_with_submit_goes_straight_to_review(as_editor: Api) -> None:
    version = created(as_editor.post("/powers", new_item(submit=True)))
    assert version["status"] == "submitted"
    assert version["submitted_at"] == "2026-11-24T10:00:00+08:00"


@pytest.mark.django_db
def test_a_new_version_on_a_sub_item_keeps_its_main_item(as_editor: Api, as_reviewer: Api) -> None:
    main = created(as_editor.post("/powers", new_item(submit=True)))
    ok(as_reviewer.post(f"/versions/{main['id']}/approve", {}))
    sub = created(as_editor.post("/powers", new_item(code="XK-100-1", main_item=main["item"], submit=True)))
    ok(as_reviewer.post(f"/versions/{sub['id']}/approve", {}))
    assert Client().get(f"/api/v1/powers/{sub['item']}").json()["main_item"] == main["item"]


@pytest.mark.django_db
def test_diff_shows_what_a_version_changes(as_editor: Api, as_reviewer: Api) -> None:
    v1 = created(as_editor.post("/powers", new_item(submit=True)))
    ok(as_reviewer.post(f"/versions/{v1['id']}/approve", {}))
    v2 = created(as_editor.post(f"/powers/{v1['item']}/versions", new_version(promised_limit=5)))
    diff = ok(as_editor.get(f"/versions/{v2['id']}/diff"))
    assert (diff["from"], diff["to"]) == (1, 2)
    assert {c["field"]: (c["before"], c["after"]) for c in diff["changes"]} == {
        "name": ("农村村民住宅建设审批", "农村宅基地和村民建房审批"), "promised_limit": ("10个工作日", "5个工作日")}


# ---------------------------------------------------------------- session and CSRF


@pytest.mark.django_db
def test_session_write_without_csrf_token_is_refused(editor: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    before = db_rows()
    response = client.post("/api/v1/powers", data=json.dumps(new_item()), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["errors"] == [{"field": "csrfmiddlewaretoken", "message": "CSRF校验失败，请刷新页面后重试"}]
    assert db_rows() == before


@pytest.mark.django_db
def test_session_write_with_csrf_token_is_accepted(editor: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    secret = _get_new_csrf_string()  # what the csrftoken cookie holds; pages send it back in X-CSRFToken
    client.cookies["csrftoken"] = secret
    response = client.post("/api/v1/powers", data=json.dumps(new_item()), content_type="application/json",
                           headers={"X-CSRFToken": secret})
    assert response.status_code == 201, response.content
    assert PowerItem.objects.get().code == "XK-100"


@pytest.mark.django_db
def test_token_writes_need_no_csrf_token(editor: User) -> None:
    client = Client(enforce_csrf_checks=True)
    raw = ApiToken.issue(editor, "导入脚本")[1]
    response = client.post("/api/v1/powers", data=json.dumps(new_item()), content_type="application/json",
                           headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201
    assert PowerItem.objects.get().code == "XK-100"


@pytest.mark.django_db
def test_a_revoked_token_is_refused(editor: User) -> None:
    token, raw = ApiToken.issue(editor, "旧令牌")
    token.revoked = True
    token.save()
    response = Client().post("/api/v1/powers", data=json.dumps(new_item()), content_type="application/json",
                             headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert response.json()["errors"] == [{"field": "Authorization", "message": "令牌已吊销，请重新签发"}]


# ---------------------------------------------------------------- bad input, endpoint by endpoint


@dataclass
class Scene:
    """Items in every state a write can meet, and who is about."""

    users: dict[str, User]
    published: int  # item with an approved version
    draft_version: int  # first version of another item, still a draft
    submitted_version: int  # first version of a third item, submitted by the editor
    own_version: int  # submitted by a user who both edits and reviews
    pending_item: int  # published, with a change waiting for review
    other_unit_item: int  # published item of the town
    other_unit_version: int  # submitted version of the town


@pytest.fixture
def scene(county: dict[str, Unit], editor: User, reviewer: User) -> Scene:
    land, town = county["land"], county["town"]
    both = factories.staff("both", land, Role.EDITOR, Role.REVIEWER)
    supervisor = factories.staff("supervisor", land, Role.SUPERVISOR)
    town_editor = factories.staff("town-editor", town, Role.EDITOR)
    town_reviewer = factories.staff("town-reviewer", town, Role.REVIEWER)
    published = factories.published(land, editor, reviewer, "XK-001")
    draft = factories.draft(land, editor, "XK-002")
    submitted = services.power_version_submit(version=factories.draft(land, editor, "XK-003"), actor=editor)
    own = services.power_version_submit(version=factories.draft(land, both, "XK-004"), actor=both)
    pending = factories.published(land, editor, reviewer, "XK-005")
    services.power_version_draft(item=pending.item, content=factories.content(name="待审变更"),
                                 legal_bases=BASIS, reason="调整", author=editor, submit=True)
    town_item = factories.published(town, town_editor, town_reviewer, "XK-101")
    town_version = services.power_version_submit(version=factories.draft(town, town_editor, "XK-102"),
                                                 actor=town_editor)
    return Scene(
        users={"editor": editor, "reviewer": reviewer, "both": both, "supervisor": supervisor},
        published=published.item_id, draft_version=draft.pk, submitted_version=submitted.pk,
        own_version=own.pk, pending_item=pending.item_id, other_unit_item=town_item.item_id,
        other_unit_version=town_version.pk,
    )


@dataclass(frozen=True)
class Bad:
    who: str | None  # None: no credentials at all
    url: Callable[[Scene], str]
    body: Any
    status: int
    field: str | None
    raw: str | None = None


def _item(attr: str, tail: str) -> Callable[[Scene], str]:
    return lambda s: f"/powers/{getattr(s, attr)}/{tail}"


def _version(attr: str, tail: str) -> Callable[[Scene], str]:
    return lambda s: f"/versions/{getattr(s, attr)}/{tail}"


CREATE = lambda s: "/powers"  # noqa: E731
NEW_VERSION = _item("published", "versions")
CANCEL = _item("published", "cancel")
SUBMIT = _version("draft_version", "submit")
APPROVE = _version("submitted_version", "approve")
REJECT = _version("submitted_version", "reject")

BAD_INPUT = {
    # invalid JSON, to every endpoint that reads a body
    "create: body is not JSON": Bad("editor", CREATE, None, 400, "body", raw='{"name": "缺右括号"'),
    "new version: body is not JSON": Bad("editor", NEW_VERSION, None, 400, "body", raw="name=建房"),
    "cancel: body is not JSON": Bad("editor", CANCEL, None, 400, "body", raw="{'reason': 'x'}"),
    "approve: body is not JSON": Bad("reviewer", APPROVE, None, 400, "body", raw="同意"),
    "reject: body is not JSON": Bad("reviewer", REJECT, None, 400, "body", raw="[,]"),
    "create: body is a list": Bad("editor", CREATE, [new_item()], 422, None),
    # content
    "create: missing name": Bad("editor", CREATE, new_item(name=...), 422, "name"),
    "create: blank name": Bad("editor", CREATE, new_item(name="  "), 400, "name"),
    "new version: null name": Bad("editor", NEW_VERSION, new_version(name=None), 422, "name"),
    "new version: blank name": Bad("editor", NEW_VERSION, new_version(name=" "), 400, "name"),
    "new version: null category": Bad("editor", NEW_VERSION, new_version(category=None), 422, "category"),
    "new version: null audience": Bad("editor", NEW_VERSION, {"audience": None, "reason": "x"}, 422, "audience"),
    "create: unknown category": Bad("editor", CREATE, new_item(category="行政审批"), 422, "category"),
    "new version: unknown category": Bad("editor", NEW_VERSION, new_version(category="approval"), 422, "category"),
    "create: promised longer than statutory": Bad("editor", CREATE, new_item(promised_limit=30), 400,
                                                  "promised_limit"),
    "create: 30 working days promised against 30 calendar days": Bad(
        "editor", CREATE, new_item(statutory_limit=30, statutory_limit_unit="calendar", promised_limit=30), 400,
        "promised_limit"),
    "new version: promised longer than statutory": Bad("editor", NEW_VERSION, new_version(promised_limit=21),
                                                       400, "promised_limit"),
    "create: negative limit": Bad("editor", CREATE, new_item(statutory_limit=-1), 422, "statutory_limit"),
    "new version: negative limit": Bad("editor", NEW_VERSION, new_version(promised_limit=-5), 422,
                                       "promised_limit"),
    "create: limit as text": Bad("editor", CREATE, new_item(statutory_limit="二十个工作日"), 422,
                                 "statutory_limit"),
    "create: unknown limit unit": Bad("editor", CREATE, new_item(statutory_limit_unit="month"), 422,
                                      "statutory_limit_unit"),
    "create: licensing without legal basis": Bad("editor", CREATE, new_item(legal_bases=[]), 400, "legal_bases"),
    "new version: licensing without legal basis": Bad("editor", NEW_VERSION, new_version(legal_bases=[]), 400,
                                                      "legal_bases"),
    "create: legal basis without law": Bad("editor", CREATE, new_item(legal_bases=[{"law": ""}]), 422,
                                           "legal_bases.0.law"),
    # PostgreSQL can neither store nor compare text holding NUL: refused before it gets there
    "create: NUL in name": Bad("editor", CREATE, new_item(name="建房\x00审批"), 422, "name"),
    "create: NUL in unit": Bad("editor", CREATE, new_item(unit="\x00"), 422, "unit"),
    "create: NUL in legal basis": Bad("editor", CREATE, new_item(legal_bases=[{"law": "土地管理法\x00"}]), 422,
                                      "legal_bases.0.law"),
    "new version: NUL in reason": Bad("editor", NEW_VERSION, new_version(reason="\x00"), 422, "reason"),
    "cancel: NUL in reason": Bad("editor", CANCEL, {"reason": "职能划转\x00"}, 422, "reason"),
    "reject: NUL in comment": Bad("reviewer", REJECT, {"comment": "\x00"}, 422, "comment"),
    "create: unknown field": Bad("editor", CREATE, new_item(status="approved"), 201, None),
    "create: empty reason": Bad("editor", CREATE, new_item(reason=""), 400, "reason"),
    "create: missing reason": Bad("editor", CREATE, new_item(reason=...), 422, "reason"),
    "new version: blank reason": Bad("editor", NEW_VERSION, new_version(reason="   "), 400, "reason"),
    "cancel: empty reason": Bad("editor", CANCEL, {"reason": ""}, 400, "reason"),
    "cancel: missing reason": Bad("editor", CANCEL, {}, 422, "reason"),
    "create: unknown unit": Bad("editor", CREATE, new_item(unit="YD-NOPE"), 400, "unit"),
    "create: duplicate code": Bad("editor", CREATE, new_item(code="XK-001"), 409, "code"),
    "create: unknown main item": Bad("editor", CREATE, new_item(main_item=10**9), 400, "main_item"),
    "create: main item of another unit": Bad("editor", CREATE, lambda s: new_item(main_item=s.other_unit_item), 400,
                                             "main_item"),
    "create: unknown handling post": Bad("editor", CREATE, new_item(handling_post=10**9), 400, "handling_post"),
    "create: unknown responsible leader": Bad("editor", CREATE, new_item(responsible_leader=10**9), 400,
                                              "responsible_leader"),
    # roles (分岗设权) and states
    "approve: reviewer approving own version": Bad("both", _version("own_version", "approve"), {}, 403,
                                                   "reviewer"),
    "reject: reviewer rejecting own version": Bad("both", _version("own_version", "reject"), {"comment": "x"},
                                                  403, "reviewer"),
    "create: editor without role on the unit": Bad("editor", CREATE, new_item(unit="YD-CZ"), 403, "unit"),
    "create: reviewer cannot edit": Bad("reviewer", CREATE, new_item(), 403, "unit"),
    "new version: supervisor cannot edit": Bad("supervisor", NEW_VERSION, new_version(), 403, "unit"),
    "cancel: reviewer cannot edit": Bad("reviewer", CANCEL, {"reason": "取消"}, 403, "unit"),
    "submit: reviewer cannot submit": Bad("reviewer", SUBMIT, None, 403, "unit"),
    "approve: editor cannot approve": Bad("editor", APPROVE, {}, 403, "unit"),
    "reject: editor cannot reject": Bad("editor", REJECT, {"comment": "x"}, 403, "unit"),
    "approve: a draft not yet submitted": Bad("reviewer", _version("draft_version", "approve"), {}, 409, "status"),
    "reject: a draft not yet submitted": Bad("reviewer", _version("draft_version", "reject"), {"comment": "x"},
                                             409, "status"),
    "submit: a version already submitted": Bad("editor", _version("submitted_version", "submit"), None, 409,
                                               "status"),
    "reject: without comment": Bad("reviewer", REJECT, {}, 400, "comment"),
    "reject: blank comment": Bad("reviewer", REJECT, {"comment": "  "}, 400, "comment"),
    "new version: one already pending": Bad("editor", _item("pending_item", "versions"), new_version(), 409,
                                            "item"),
    "cancel: change already pending": Bad("editor", _item("pending_item", "cancel"), {"reason": "取消"}, 409,
                                          "item"),
    "new version: item of another unit": Bad("editor", _item("other_unit_item", "versions"), new_version(), 404,
                                             "id"),
    "cancel: item of another unit": Bad("editor", _item("other_unit_item", "cancel"), {"reason": "x"}, 404, "id"),
    "submit: version of another unit": Bad("editor", _version("other_unit_version", "submit"), None, 404, "id"),
    "approve: version of another unit": Bad("reviewer", _version("other_unit_version", "approve"), {}, 404, "id"),
    "reject: version of another unit": Bad("reviewer", _version("other_unit_version", "reject"), {"comment": "x"},
                                           404, "id"),
    "approve: version that does not exist": Bad("reviewer", lambda s: "/versions/987654321/approve", {}, 404,
                                                "id"),
    # no credentials
    "create: no auth": Bad(None, CREATE, new_item(), 401, "Authorization"),
    "new version: no auth": Bad(None, NEW_VERSION, new_version(), 401, "Authorization"),
    "cancel: no auth": Bad(None, CANCEL, {"reason": "取消"}, 401, "Authorization"),
    "submit: no auth": Bad(None, SUBMIT, None, 401, "Authorization"),
    "approve: no auth": Bad(None, APPROVE, {}, 401, "Authorization"),
    "reject: no auth": Bad(None, REJECT, {"comment": "x"}, 401, "Authorization"),
    # ids that are not integers
    "new version: id not an integer": Bad("editor", lambda s: "/powers/abc/versions", new_version(), 422,
                                          "item_id"),
    "cancel: id not an integer": Bad("editor", lambda s: "/powers/1.5/cancel", {"reason": "x"}, 422, "item_id"),
    "submit: id not an integer": Bad("editor", lambda s: "/versions/一/submit", None, 422, "version_id"),
    "approve: id not an integer": Bad("reviewer", lambda s: "/versions/x/approve", {}, 422, "version_id"),
    "reject: id not an integer": Bad("reviewer", lambda s: "/versions/null/reject", {"comment": "x"}, 422,
                                     "version_id"),
}
# The one "bad" case that is in fact accepted: a field the schema does not know is ignored, and the
# version's status comes from the workflow, never from the request.
ACCEPTED = {"create: unknown field"}


@pytest.mark.django_db
@pytest.mark.parametrize("case", [k for k in BAD_INPUT if k not in ACCEPTED])
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(case: str, scene: Scene) -> None:
    bad = BAD_INPUT[case]
    api = Api(scene.users[bad.who] if bad.who else None)
    before = db_rows()
    body = bad.body(scene) if callable(bad.body) else bad.body
    response = api.post(bad.url(scene), body, raw=bad.raw)
    assert response.status_code == bad.status, response.content
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert errors and all(re.search(r"[\u4e00-\u9fff]", e["message"]) for e in errors), errors  # in Chinese
    if bad.field is not None:
        assert bad.field in [e["field"] for e in errors], errors
    assert db_rows() == before


@pytest.mark.django_db
def test_the_status_in_a_request_is_ignored(scene: Scene) -> None:
    response = Api(scene.users["editor"]).post("/powers", BAD_INPUT["create: unknown field"].body)
    assert created(response)["status"] == "draft"


@pytest.mark.django_db
def test_several_wrong_fields_are_all_named(as_editor: Api, scene: Scene) -> None:
    response = as_editor.post("/powers", new_item(name="", legal_bases=[], promised_limit=30))
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["name", "promised_limit", "legal_bases"]


@pytest.mark.django_db
def test_messages_are_in_chinese(as_editor: Api, scene: Scene) -> None:
    response = as_editor.post("/powers", new_item(name=..., statutory_limit=-1, category="x"))
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert (messages["name"], messages["statutory_limit"]) == ("必填", "应不小于0")
    assert messages["category"].startswith("取值应为：") and "'licensing'" in messages["category"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/versions/1", "/versions/1/diff"])
def test_staff_reads_need_credentials(url: str, client: Client) -> None:
    response = client.get(f"/api/v1{url}")
    assert response.status_code == 401
    assert response.json()["errors"] == [{"field": "Authorization", "message": "请先登录或提供有效的令牌"}]


# ---------------------------------------------------------------- junk never makes a 500

JSON_SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63 - 2, max_value=2**70)
                | st.floats(allow_nan=False) | st.text(max_size=30)
                | st.sampled_from(["", " ", "\x00", "YD-ZRZY", "licensing", "calendar", "XK-001", "建房"]))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=3), max_leaves=8)
FIELDS = sorted({*new_item(), "handling_post", "responsible_leader", "main_item", "statutory_limit_unit",
                 "promised_limit_unit", "audience", "exemption", "submit", "conditions", "complaint_phone"})
LEGAL_BASES = st.lists(st.fixed_dictionaries({"law": JSON_SCALARS}, optional={"article": JSON_SCALARS,
                                                                                "excerpt": JSON_SCALARS}),
                       max_size=3)
JUNK_BODIES = (
    st.builds(lambda changes, code: {**new_item(code=code), **changes},
              st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES | LEGAL_BASES, min_size=1, max_size=4),
              st.text(alphabet="XK-0123456789", min_size=1, max_size=12))
    | JSON_VALUES
)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=JUNK_BODIES)
@example(body=new_item(name="\x00"))
@example(body=new_item(handling_post=2**70, responsible_leader=-(2**70), main_item=2**64))
@example(body=new_item(statutory_limit=1e308))
def test_junk_bodies_never_cause_a_server_error(as_editor: Api, body: Any) -> None:
    before = db_rows()
    response = as_editor.post("/powers", body)
    assert response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/json")
    if response.status_code == 201:
        assert db_rows()["PowerItem"] == before["PowerItem"] + 1
    else:
        assert response.json()["errors"]
        assert db_rows() == before


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=60) | st.text(max_size=60))
def test_junk_bytes_never_cause_a_server_error(as_editor: Api, raw: bytes | str) -> None:
    before = db_rows()
    response = as_editor.post("/powers", raw=raw)
    assert 400 <= response.status_code < 500, response.content
    assert db_rows() == before


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=20), unit=st.text(max_size=10))
@example(q="\x00", unit="")
@example(q="", unit="\x00")
def test_junk_search_terms_never_cause_a_server_error(client: Client, county: dict[str, Unit], q: str,
                                                      unit: str) -> None:
    response = client.get("/api/v1/powers", {"q": q, "unit": unit})
    assert response.status_code < 500, response.content
    assert client.get("/api/v1/officials", {"unit": unit}).status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize("url, field", [("/api/v1/powers?q=%00", "q"), ("/api/v1/powers?unit=YD%00", "unit"),
                                        ("/api/v1/officials?unit=%00", "unit")])
def test_nul_in_a_search_is_refused_naming_the_field(client: Client, url: str, field: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("header", [{}, {"HTTP_AUTHORIZATION": "Bearer wrong-token"}])
def test_a_write_without_a_valid_token_is_told_to_log_in(county: Any, header: dict[str, str]) -> None:
    from django.test import Client

    response = Client().post("/api/v1/powers", data={}, content_type="application/json", **header)
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "Authorization"
