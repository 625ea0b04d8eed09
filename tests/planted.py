"""A county with a marker planted in every kind of record the public must not see (the must-show of
visibility). The API's sweep (tests/api/test_visibility.py) and the portal's and open data's
(tests/portal/test_visibility.py) call every public address against it: no answer may hold any marker,
and the public records must still be there.

The `world` fixture is imported by tests/api/conftest.py and tests/portal/conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from sunlit.catalog import services
from sunlit.catalog.models import PowerItem, PowerItemVersion
from sunlit.core.visibility import Audience, Exemption
from sunlit.org.models import Official, PortfolioArea, Post, Unit
from tests import factories

MARKERS = {
    "draft": "MARKER-草稿-7f3a",
    "draft_conditions": "MARKER-草稿条件-1c9e",
    "draft_basis": "MARKER-草稿依据-b2d4",
    "submitted": "MARKER-待审-3e8b",
    "rejected": "MARKER-退回-5a1c",
    "rejected_change": "MARKER-退回变更-9d02",
    "pending_change": "MARKER-变更草稿-44f0",
    "pending_change_basis": "MARKER-变更依据-0b7e",
    "pending_cancel_reason": "MARKER-待批取消理由-3c1d",
    "cancelled_rejected_change": "MARKER-取消前退回-6e0f",
    "cancelled_internal": "MARKER-内部已取消-91b8",
    "cancelled_flag": "MARKER-取消标记-61ad",
    "cancelled_unpublished": "MARKER-未发布即取消-4d27",
    "internal": "MARKER-内部-e4a7",
    "secret_current": "MARKER-国家秘密-1d6f",
    "secret_old": "MARKER-旧版秘密-7b2c",
    "official": "MARKER-内部干部-a9c3",
    "official_duties": "MARKER-内部干部职责-53de",
    "internal_post": "MARKER-内部岗位-8a4e",
}

CANCELLED_NAME = "乡村旅游经营备案"
CANCEL_REASON = "职能划转至县文化旅游局"


@dataclass
class World:
    public_names: dict[int, str] = field(default_factory=dict)  # item id → name the public must see listed
    cancelled_id: int = 0  # cancelled after publication: its page and history stay, off the list
    hidden_ids: list[int] = field(default_factory=list)  # items that must answer 404


def basis(excerpt: str) -> list[dict[str, str]]:
    return [{"law": "中华人民共和国行政许可法", "article": "第十二条", "excerpt": excerpt}]


def approve(version: PowerItemVersion, author: Any, reviewer: Any) -> PowerItemVersion:
    if version.status == "draft":
        services.power_version_submit(version=version, actor=author)
    return services.power_version_approve(version=version, reviewer=reviewer, comment="同意")


def change(item: PowerItem, author: Any, bases: list[dict[str, str]] | None = None,
           **content: Any) -> PowerItemVersion:
    return services.power_version_draft(item=item, content=factories.content(**content),
                                        legal_bases=bases or factories.LICENSING_BASIS, reason="调整",
                                        author=author)


def reject(version: PowerItemVersion, author: Any, reviewer: Any) -> None:
    services.power_version_submit(version=version, actor=author)
    services.power_version_reject(version=version, reviewer=reviewer, comment="依据不足")


def cancel(item: PowerItem, author: Any, reason: str = CANCEL_REASON) -> PowerItemVersion:
    return services.power_item_cancel(item=item, reason=reason, author=author)


@pytest.fixture
def world(county: dict[str, Unit], editor: Any, reviewer: Any) -> World:
    land = county["land"]
    w = World()

    # Public items, with the responsible leader an official the public may not see, handled at an internal post.
    hidden_official = Official.objects.create(
        name=MARKERS["official"], unit=land, title="副局长", duties=MARKERS["official_duties"],
        audience=Audience.INTERNAL)
    hidden_official.portfolio.add(PortfolioArea.objects.create(code="GT", name="国土规划"))
    Official.objects.create(name="张明", unit=land, title="局长", duties="主持全面工作")
    internal_post = Post.objects.create(unit=land, name=MARKERS["internal_post"], is_internal=True)
    plain = approve(factories.draft(land, editor, "XK-001", name="农村村民住宅建设审批",
                                    responsible_leader=hidden_official.pk, handling_post=internal_post.pk),
                    editor, reviewer)
    w.public_names[plain.item_id] = "农村村民住宅建设审批"

    # A published item with a pending change draft on top: the published one still shows.
    pending_base = approve(factories.draft(land, editor, "XK-002", name="建设工程规划许可"), editor, reviewer)
    change(pending_base.item, editor, bases=basis(MARKERS["pending_change_basis"]),
           name=MARKERS["pending_change"], conditions=MARKERS["pending_change"])
    w.public_names[pending_base.item_id] = "建设工程规划许可"

    # A published item whose change was rejected.
    rejected_base = approve(factories.draft(land, editor, "XK-003", name="临时用地审批"), editor, reviewer)
    reject(change(rejected_base.item, editor, name=MARKERS["rejected_change"]), editor, reviewer)
    w.public_names[rejected_base.item_id] = "临时用地审批"

    # An item whose old approved version was a state secret, now replaced by a public one.
    secret_old = approve(factories.draft(land, editor, "XK-004", name=MARKERS["secret_old"],
                                         conditions=MARKERS["secret_old"],
                                         exemption=Exemption.STATE_SECRET), editor, reviewer)
    approve(change(secret_old.item, editor, name="采矿权登记"), editor, reviewer)
    w.public_names[secret_old.item_id] = "采矿权登记"

    # A published item whose cancellation waits for review: still listed, the reason not yet public.
    pending_cancel = approve(factories.draft(land, editor, "XK-005", name="林木采伐许可"), editor, reviewer)
    cancel(pending_cancel.item, editor, reason=MARKERS["pending_cancel_reason"])
    w.public_names[pending_cancel.item_id] = "林木采伐许可"

    # Cancelled after publication, a rejected change before: its page and history stay, without the change.
    cancelled = approve(factories.draft(land, editor, "QX-001", name=CANCELLED_NAME), editor, reviewer)
    reject(change(cancelled.item, editor, name=MARKERS["cancelled_rejected_change"]), editor, reviewer)
    approve(cancel(cancelled.item, editor), editor, reviewer)
    w.cancelled_id = cancelled.item_id

    # Items that must not show at all.
    draft = factories.draft(land, editor, "CG-001", bases=basis(MARKERS["draft_basis"]),
                            name=MARKERS["draft"], conditions=MARKERS["draft_conditions"])
    submitted = factories.draft(land, editor, "CG-002", name=MARKERS["submitted"])
    services.power_version_submit(version=submitted, actor=editor)
    rejected = factories.draft(land, editor, "CG-003", name=MARKERS["rejected"])
    reject(rejected, editor, reviewer)
    internal = approve(factories.draft(land, editor, "CG-005", name=MARKERS["internal"],
                                       audience=Audience.INTERNAL), editor, reviewer)
    secret = approve(factories.draft(land, editor, "CG-006", name=MARKERS["secret_current"],
                                     exemption=Exemption.STATE_SECRET), editor, reviewer)
    # Internal when it was cancelled: the cancellation carries that audience, so no record is public.
    cancelled_internal = approve(factories.draft(land, editor, "CG-008", name=MARKERS["cancelled_internal"],
                                                 audience=Audience.INTERNAL), editor, reviewer)
    approve(cancel(cancelled_internal.item, editor), editor, reviewer)
    # Marked cancelled while still pointing at its last version, as data written past the services
    # (an import from an old system) could leave it: the flag alone keeps it off the list, and without an
    # approved cancellation it has no public record either.
    flagged = approve(factories.draft(land, editor, "CG-007", name=MARKERS["cancelled_flag"]), editor, reviewer)
    PowerItem.objects.filter(pk=flagged.item_id).update(is_cancelled=True)
    # Never published, flagged cancelled: stays unknown.
    unpublished = factories.draft(land, editor, "CG-009", name=MARKERS["cancelled_unpublished"])
    PowerItem.objects.filter(pk=unpublished.item_id).update(is_cancelled=True)
    w.hidden_ids = [v.item_id for v in (draft, submitted, rejected, internal, secret, cancelled_internal, flagged,
                                        unpublished)]
    return w


def leaked(body: str) -> list[str]:
    """The names of the markers `body` holds."""
    return [name for name, marker in MARKERS.items() if marker in body]
