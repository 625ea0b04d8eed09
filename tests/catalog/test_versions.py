"""动态管理: every change is a new version; nothing is overwritten; only approval publishes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from sunlit.catalog import selectors, services
from sunlit.catalog.models import (
    ChangeKind,
    ImmutableVersionError,
    LegalBasis,
    PowerItem,
    PowerItemVersion,
    VersionStatus,
)
from sunlit.core.clock import FixedClock
from sunlit.core.errors import Conflict, NotAllowed
from sunlit.core.models import Event
from sunlit.org.models import Role, Unit
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROAD_BASIS = {"law": "中华人民共和国公路法", "article": "第四十四条", "excerpt": "任何单位和个人不得擅自占用、挖掘公路。"}


def change(item: PowerItem, author: User, bases: list[dict[str, str]] | None = None, submit: bool = False,
           reason: str = "调整", **content: Any) -> PowerItemVersion:
    return services.power_version_draft(item=item, content=factories.content(**content),
                                        legal_bases=factories.LICENSING_BASIS if bases is None else bases,
                                        reason=reason, author=author, submit=submit)


def reload(item: PowerItem) -> PowerItem:
    return PowerItem.objects.get(pk=item.pk)


def events_of(version: PowerItemVersion) -> list[tuple[str, str | None]]:
    rows = Event.objects.filter(object_type="catalog.poweritemversion", object_id=str(version.pk)).order_by("id")
    return [(e.action, e.actor.username if e.actor else None) for e in rows]


# ---------------------------------------------------------------- nothing is overwritten


@pytest.mark.django_db
def test_saving_changed_content_of_a_written_version_is_refused(county: dict[str, Unit], editor: User) -> None:
    version = factories.draft(county["land"], editor)
    version.name = "改过的名称"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.save(update_fields=["name", "status"])
    assert PowerItemVersion.objects.get(pk=version.pk).name == "农村村民住宅建设审批"


@pytest.mark.django_db
def test_an_approved_version_cannot_be_edited_or_deleted(county: dict[str, Unit], editor: User,
                                                          reviewer: User) -> None:
    version = factories.published(county["land"], editor, reviewer)
    version.promised_limit = 15
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.delete()
    stored = PowerItemVersion.objects.get(pk=version.pk)
    assert (stored.promised_limit, stored.status) == (10, VersionStatus.APPROVED)


@pytest.mark.django_db
def test_a_versions_legal_bases_cannot_be_edited_or_deleted(county: dict[str, Unit], editor: User,
                                                             reviewer: User) -> None:
    version = factories.published(county["land"], editor, reviewer)
    basis = version.legal_bases.get()
    basis.excerpt = "改写后的条文"
    with pytest.raises(ImmutableVersionError):
        basis.save()
    with pytest.raises(ImmutableVersionError):
        basis.delete()
    assert version.legal_bases.get().excerpt == factories.LICENSING_BASIS[0]["excerpt"]


@pytest.mark.django_db
def test_a_change_is_a_new_version_and_the_old_one_stays_as_it_was(county: dict[str, Unit], editor: User,
                                                                    reviewer: User) -> None:
    first = factories.published(county["land"], editor, reviewer)
    second = change(first.item, editor, name="农村宅基地和村民建房审批", bases=[ROAD_BASIS])
    assert second.pk != first.pk
    old = PowerItemVersion.objects.get(pk=first.pk)
    assert (old.name, old.status) == ("农村村民住宅建设审批", VersionStatus.APPROVED)
    assert [b.law for b in old.legal_bases.all()] == ["中华人民共和国行政许可法"]
    assert [b.law for b in second.legal_bases.all()] == ["中华人民共和国公路法"]


# ---------------------------------------------------------------- numbers and publication


@pytest.mark.django_db
def test_version_numbers_count_up_whatever_became_of_the_earlier_ones(
    county: dict[str, Unit], editor: User, reviewer: User
) -> None:
    first = factories.published(county["land"], editor, reviewer)
    rejected = change(first.item, editor, submit=True)
    services.power_version_reject(version=rejected, reviewer=reviewer, comment="理由不充分")
    third = change(first.item, editor)
    assert [v.number for v in first.item.versions.order_by("id")] == [1, 2, 3]
    assert (rejected.number, third.number, third.change_kind) == (2, 3, ChangeKind.CHANGE)


@pytest.mark.django_db
def test_version_numbers_are_per_item(county: dict[str, Unit], editor: User) -> None:
    assert factories.draft(county["land"], editor, "XK-001").number == 1
    assert factories.draft(county["land"], editor, "XK-002").number == 1


@pytest.mark.django_db
def test_the_published_version_changes_only_on_approval(county: dict[str, Unit], editor: User,
                                                        reviewer: User) -> None:
    first = factories.published(county["land"], editor, reviewer)
    item = first.item
    second = change(item, editor, name="新名称")
    assert reload(item).published_version_id == first.pk
    services.power_version_submit(version=second, actor=editor)
    assert reload(item).published_version_id == first.pk
    services.power_version_reject(version=second, reviewer=reviewer, comment="名称不规范")
    assert reload(item).published_version_id == first.pk
    third = change(item, editor, name="农村宅基地和村民建房审批", submit=True)
    assert reload(item).published_version_id == first.pk
    services.power_version_approve(version=third, reviewer=reviewer)
    assert reload(item).published_version_id == third.pk


@pytest.mark.django_db
def test_a_new_item_is_not_published_until_approved(county: dict[str, Unit], editor: User,
                                                    reviewer: User) -> None:
    version = factories.draft(county["land"], editor)
    services.power_version_submit(version=version, actor=editor)
    assert reload(version.item).published_version is None
    services.power_version_approve(version=version, reviewer=reviewer)
    assert reload(version.item).published_version_id == version.pk


@pytest.mark.django_db
def test_only_one_open_version_at_a_time(county: dict[str, Unit], editor: User, reviewer: User) -> None:
    first = factories.published(county["land"], editor, reviewer)
    change(first.item, editor)
    with pytest.raises(Conflict) as refused:
        change(first.item, editor, name="另一个草稿")
    assert refused.value.field == "item"
    assert first.item.versions.count() == 2


@pytest.mark.django_db
def test_a_refused_version_leaves_nothing_behind(county: dict[str, Unit], editor: User) -> None:
    before = (PowerItem.objects.count(), PowerItemVersion.objects.count(), Event.objects.count())
    with pytest.raises(services.ContentInvalid) as refused:
        factories.draft(county["land"], editor, promised_limit=30)
    assert refused.value.field == "promised_limit"
    assert (PowerItem.objects.count(), PowerItemVersion.objects.count(), Event.objects.count()) == before


# ---------------------------------------------------------------- cancellation


@pytest.mark.django_db
def test_cancellation_takes_the_item_off_the_list_and_keeps_its_history(
    county: dict[str, Unit], editor: User, reviewer: User
) -> None:
    first = factories.published(county["land"], editor, reviewer)
    cancel = services.power_item_cancel(item=first.item, reason="职能划转", author=editor)
    assert (cancel.number, cancel.change_kind, cancel.status) == (2, ChangeKind.CANCEL, VersionStatus.SUBMITTED)
    assert reload(first.item).published_version_id == first.pk  # still public until approved
    services.power_version_approve(version=cancel, reviewer=reviewer, comment="同意取消")
    item = reload(first.item)
    assert (item.is_cancelled, item.published_version) == (True, None)
    versions = list(item.versions.order_by("number"))
    assert [(v.number, v.change_kind, v.status) for v in versions] == [
        (1, ChangeKind.CREATE, VersionStatus.APPROVED), (2, ChangeKind.CANCEL, VersionStatus.APPROVED)]
    assert versions[1].snapshot() == versions[0].snapshot()
    assert versions[1].reason == "职能划转"


@pytest.mark.django_db
def test_a_cancelled_item_takes_no_new_versions(county: dict[str, Unit], editor: User, reviewer: User) -> None:
    first = factories.published(county["land"], editor, reviewer)
    services.power_version_approve(version=services.power_item_cancel(item=first.item, reason="取消", author=editor),
                                   reviewer=reviewer)
    with pytest.raises(Conflict, match="已取消"):
        change(reload(first.item), editor)


@pytest.mark.django_db
def test_an_unpublished_item_cannot_be_cancelled(county: dict[str, Unit], editor: User, reviewer: User) -> None:
    version = factories.draft(county["land"], editor)
    services.power_version_reject(version=services.power_version_submit(version=version, actor=editor),
                                  reviewer=reviewer, comment="不属于本单位")
    with pytest.raises(Conflict, match="尚未发布"):
        services.power_item_cancel(item=version.item, reason="取消", author=editor)


@pytest.mark.django_db
def test_a_rejected_cancellation_leaves_the_item_public(county: dict[str, Unit], editor: User,
                                                       reviewer: User) -> None:
    first = factories.published(county["land"], editor, reviewer)
    cancel = services.power_item_cancel(item=first.item, reason="取消", author=editor)
    services.power_version_reject(version=cancel, reviewer=reviewer, comment="该职权仍在实施")
    item = reload(first.item)
    assert (item.is_cancelled, item.published_version_id) == (False, first.pk)


# ---------------------------------------------------------------- review (分岗设权)


@pytest.mark.django_db
def test_the_reviewer_must_not_be_the_author(county: dict[str, Unit]) -> None:
    both = factories.staff("both", county["land"], Role.EDITOR, Role.REVIEWER)
    version = services.power_version_submit(version=factories.draft(county["land"], both), actor=both)
    for review in (lambda: services.power_version_approve(version=version, reviewer=both),
                   lambda: services.power_version_reject(version=version, reviewer=both, comment="退回")):
        with pytest.raises(NotAllowed, match="分岗设权") as refused:
            review()
        assert refused.value.field == "reviewer"
    stored = PowerItemVersion.objects.get(pk=version.pk)
    assert (stored.status, stored.reviewer) == (VersionStatus.SUBMITTED, None)
    assert reload(version.item).published_version is None


@pytest.mark.django_db
def test_only_a_submitted_version_can_be_reviewed(county: dict[str, Unit], editor: User, reviewer: User) -> None:
    version = factories.draft(county["land"], editor)
    with pytest.raises(Conflict, match="草稿"):
        services.power_version_approve(version=version, reviewer=reviewer)
    approved = factories.published(county["land"], editor, reviewer, "XK-002")
    with pytest.raises(Conflict, match="已批准"):
        services.power_version_reject(version=approved, reviewer=reviewer, comment="再退回")


@pytest.mark.django_db
def test_review_records_who_when_and_why(county: dict[str, Unit], editor: User, reviewer: User,
                                         clock: FixedClock) -> None:
    version = factories.draft(county["land"], editor)
    clock.advance(hours=2)
    services.power_version_submit(version=version, actor=editor)
    clock.advance(days=1)
    services.power_version_approve(version=version, reviewer=reviewer, comment=" 同意 ")
    stored = PowerItemVersion.objects.get(pk=version.pk)
    assert stored.created_at == dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
    assert stored.submitted_at == dt.datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)
    assert stored.reviewed_at == dt.datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)
    assert (stored.author, stored.reviewer, stored.review_comment) == (editor, reviewer, "同意")


# ---------------------------------------------------------------- diff


@pytest.mark.django_db
def test_diff_shows_the_changed_fields_and_nothing_else(county: dict[str, Unit], editor: User,
                                                        reviewer: User) -> None:
    first = factories.published(county["land"], editor, reviewer)
    second = change(first.item, editor, name="农村宅基地和村民建房审批", promised_limit=5,
                    bases=[*factories.LICENSING_BASIS, ROAD_BASIS])
    diff = {c["field"]: c for c in selectors.version_diff(first, second)}
    assert set(diff) == {"name", "promised_limit", "legal_bases"}
    assert (diff["name"]["label"], diff["name"]["before"], diff["name"]["after"]) == (
        "事项名称", "农村村民住宅建设审批", "农村宅基地和村民建房审批")
    assert (diff["promised_limit"]["before"], diff["promised_limit"]["after"]) == ("10个工作日", "5个工作日")
    assert diff["legal_bases"]["label"] == "设定依据"
    assert diff["legal_bases"]["after"] == [*factories.LICENSING_BASIS, ROAD_BASIS]


@pytest.mark.django_db
def test_diff_sees_a_changed_excerpt_of_the_same_law(county: dict[str, Unit], editor: User,
                                                     reviewer: User) -> None:
    first = factories.published(county["land"], editor, reviewer)
    amended = [{**factories.LICENSING_BASIS[0], "excerpt": "修正后的条文"}]
    second = change(first.item, editor, bases=amended)
    assert [c["field"] for c in selectors.version_diff(first, second)] == ["legal_bases"]


@pytest.mark.django_db
def test_diff_of_identical_content_is_empty(county: dict[str, Unit], editor: User, reviewer: User) -> None:
    first = factories.published(county["land"], editor, reviewer)
    assert selectors.version_diff(first, change(first.item, editor)) == []


@pytest.mark.django_db
def test_diff_of_a_first_version_lists_what_it_sets(county: dict[str, Unit], editor: User) -> None:
    first = factories.draft(county["land"], editor)
    fields = {c["field"]: c["after"] for c in selectors.version_diff(None, first)}
    assert fields["name"] == "农村村民住宅建设审批"
    assert fields["statutory_limit"] == "20个工作日"
    assert (fields["category"], fields["statutory_limit_unit"]) == ("行政许可", "工作日")
    assert fields["legal_bases"] == factories.LICENSING_BASIS


# ---------------------------------------------------------------- events


@pytest.mark.django_db
def test_every_state_change_is_an_event(county: dict[str, Unit], editor: User, reviewer: User) -> None:
    first = factories.draft(county["land"], editor)
    services.power_version_submit(version=first, actor=editor)
    services.power_version_approve(version=first, reviewer=reviewer, comment="同意")
    second = change(first.item, editor, submit=True)
    services.power_version_reject(version=second, reviewer=reviewer, comment="依据不全")
    cancel = services.power_item_cancel(item=first.item, reason="职能划转", author=editor)
    services.power_version_approve(version=cancel, reviewer=reviewer)
    assert events_of(first) == [("catalog.version.draft", "editor"), ("catalog.version.submit", "editor"),
                                ("catalog.version.approve", "reviewer")]
    assert events_of(second) == [("catalog.version.submit", "editor"), ("catalog.version.reject", "reviewer")]
    assert events_of(cancel) == [("catalog.version.submit", "editor"), ("catalog.version.approve", "reviewer")]


@pytest.mark.django_db
def test_events_say_what_changed_and_when(county: dict[str, Unit], editor: User, reviewer: User,
                                          clock: FixedClock) -> None:
    first = factories.published(county["land"], editor, reviewer)
    clock.advance(days=3)
    cancel = services.power_item_cancel(item=first.item, reason="职能划转", author=editor)
    services.power_version_approve(version=cancel, reviewer=reviewer, comment="同意取消")
    approval = Event.objects.filter(action="catalog.version.approve", object_id=str(cancel.pk)).get()
    assert approval.at == dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
    assert approval.before == {"published_version": first.pk, "is_cancelled": False}
    assert approval.after == {"published_version": None, "is_cancelled": True}
    assert approval.note == "同意取消"
    written = Event.objects.filter(action="catalog.version.draft", object_id=str(first.pk)).get()
    assert written.after["content"]["name"] == "农村村民住宅建设审批"
    assert written.after["content"]["legal_bases"] == factories.LICENSING_BASIS
    assert written.note == "新增事项"


@pytest.mark.django_db
def test_a_refused_review_records_no_event(county: dict[str, Unit], editor: User, reviewer: User) -> None:
    version = factories.draft(county["land"], editor)
    before = Event.objects.count()
    with pytest.raises(Conflict, match="草稿"):
        services.power_version_approve(version=version, reviewer=reviewer)
    assert Event.objects.count() == before
    assert LegalBasis.objects.count() == 1
