"""廉能风险点 and the risk ledger (风险台账)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sunlit.catalog.models import PowerItemVersion
from sunlit.core.errors import DomainError, NotAllowed
from sunlit.core.models import Event
from sunlit.flows import risks
from sunlit.flows.models import RiskPoint
from sunlit.org.models import Post, Unit
from tests import factories


def test_a_risk_point_is_registered_with_its_event(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any
) -> None:
    risk = risks.risk_point_create(unit=county["land"], item=item.item, post=posts["review"], level="high",
                                   description="审查环节降低标准、违规审批", measures="两人以上现场核查；审批结果公示",
                                   owner="分管副局长", next_review=dt.date(2027, 6, 30), actor=editor)

    event = Event.objects.get(action="flows.risk.create")
    assert event.object_id == str(risk.pk) and event.after["level"] == "high"
    assert risk.get_level_display() == "高"


@pytest.mark.parametrize("bad, field", [
    ({"description": " "}, "description"),
    ({"level": "extreme"}, "level"),
    ({"item": None, "post": None}, "item"),
    ({"measures": "措" * 2001}, "measures"),
])
def test_bad_risk_input_is_refused_naming_the_field_and_writes_nothing(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any, bad: dict[str, Any],
    field: str,
) -> None:
    values: dict[str, Any] = {"unit": county["land"], "item": item.item, "post": posts["review"], "level": "medium",
                              "description": "超时办理", "actor": editor, **bad}
    with pytest.raises(DomainError) as refused:
        risks.risk_point_create(**values)
    assert refused.value.field == field
    assert not RiskPoint.objects.exists() and not Event.objects.filter(action__startswith="flows.risk").exists()


def test_a_post_of_another_unit_or_an_outsider_is_refused(
    county: dict[str, Unit], posts: dict[str, Post], editor: Any
) -> None:
    with pytest.raises(DomainError, match="岗位不属于本单位"):
        risks.risk_point_create(unit=county["land"], post=posts["finance"], level="low", description="x",
                                actor=editor)
    outsider = factories.staff("outsider", county["finance"], "editor")
    with pytest.raises(NotAllowed):
        risks.risk_point_create(unit=county["land"], post=posts["review"], level="low", description="x",
                                actor=outsider)


def test_the_ledger_filters_by_level_owner_and_overdue_review_and_counts_unmeasured_high_risks(
    county: dict[str, Unit], posts: dict[str, Post], editor: Any
) -> None:
    land = county["land"]
    make = lambda **kw: risks.risk_point_create(unit=land, post=posts["review"], actor=editor, **kw)  # noqa: E731
    high = make(level="high", description="违规审批", owner="张三", next_review=dt.date(2026, 6, 1))
    make(level="low", description="资料归档不及时", owner="李四", measures="每月检查", next_review=dt.date(2027, 1, 1))
    medium = make(level="medium", description="超时办理", owner="张三", measures="电子监察预警")

    assert list(risks.risk_ledger(viewer=editor, unit=land)) == [high, medium, RiskPoint.objects.get(owner="李四")]
    assert list(risks.risk_ledger(viewer=editor, unit=land, level="high")) == [high]
    assert list(risks.risk_ledger(viewer=editor, unit=land, owner="张三")) == [high, medium]
    assert list(risks.risk_ledger(viewer=editor, unit=land, review_overdue_on=dt.date(2026, 11, 24))) == [high]
    assert risks.high_risks_without_measures() == {land.pk: 1}
    outsider = factories.staff("outsider", county["finance"], "editor")
    assert not risks.risk_ledger(viewer=outsider, unit=land).exists()


def test_the_public_sees_risks_of_public_posts_and_never_internal_ones(
    county: dict[str, Unit], posts: dict[str, Post], editor: Any
) -> None:
    shown = risks.risk_point_create(unit=county["land"], post=posts["review"], level="high", description="违规审批",
                                    measures="集体研究", internal_note="2025年曾有信访", actor=editor)
    risks.risk_point_create(unit=county["land"], post=posts["secret"], level="medium", description="泄密",
                            actor=editor)

    assert list(risks.public_risks(county["land"])) == [shown]


def test_the_unit_page_and_api_show_levels_and_measures_but_no_internal_note(
    county: dict[str, Unit], posts: dict[str, Post], editor: Any
) -> None:
    risks.risk_point_create(unit=county["land"], post=posts["review"], level="high", description="违规审批",
                            measures="集体研究决定", owner="分管副局长", internal_note="2025年曾有信访件", actor=editor)
    risks.risk_point_create(unit=county["land"], post=posts["secret"], level="medium", description="泄露秘密",
                            actor=editor)

    page = Client().get("/units/YD-ZRZY/").content.decode()
    body = Client().get("/api/v1/units/YD-ZRZY/risks").json()

    assert "违规审批" in page and "集体研究决定" in page and "审批岗" in page
    assert "信访" not in page and "泄露秘密" not in page
    assert [(r["level_label"], r["description"], r["post"]) for r in body] == [("高", "违规审批", "审批岗")]
    assert "internal_note" not in body[0]
    assert Client().get("/api/v1/units/NOPE/risks").status_code == 404
