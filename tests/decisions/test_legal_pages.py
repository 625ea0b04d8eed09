"""The legal office's pages: the reviews waiting for it with the earliest day a conclusion may be given, and a
review concluded (passed or failed with its opinion) no sooner than 7 working days after it was sent. A legal
office of another unit sees none of it, whatever id it tries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from sunlit.core.models import Event
from sunlit.decisions import services
from sunlit.decisions.models import LegalityReview, Matter
from sunlit.decisions.rules import MatterKind
from sunlit.org.models import Role, Unit
from tests import factories
from tests.decisions.conftest import Council
from tests.decisions.test_sponsor_pages import client_for, error_beside, form_error

pytestmark = pytest.mark.django_db


def sent(council: Council, title: str = "县城供水管网改造资金安排") -> tuple[Matter, LegalityReview]:
    matter = council.prepare(council.matter(MatterKind.FUNDS, title=title), legality=None)
    return matter, LegalityReview.objects.get(matter=matter)


def test_the_legal_office_sees_what_waits_for_it_and_from_when_it_may_conclude(council: Council) -> None:
    matter, review = sent(council)
    page = client_for(council.lawyer).get("/console/legality/").content.decode()
    assert "待审查（1）" in page and f'href="/console/legality/{review.pk}/">{matter.title}</a>' in page
    assert f"{review.earliest_on:%Y-%m-%d}" in page
    detail = client_for(council.lawyer).get(f"/console/legality/{review.pk}/").content.decode()
    assert f"{review.earliest_on:%Y年%-m月%-d日}" in detail and "12000000.00 元" in detail
    assert "作出审查结论" in detail


def test_a_conclusion_before_seven_working_days_is_refused(council: Council) -> None:
    matter = council.matter(MatterKind.FUNDS)
    review = services.legality_submit(matter=matter, actor=council.sponsor)  # today, 2026-11-24
    answer = client_for(council.lawyer).post(f"/console/legality/{review.pk}/conclude/",
                                              {"conclude-passed": "1", "conclude-opinion": "符合法律法规"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert form_error(page) == f"合法性审查不少于7个工作日，最早可于{review.earliest_on:%Y-%m-%d}作出结论"
    assert "审查期未满7个工作日" in page
    review.refresh_from_db()
    assert review.passed is None and review.opinion == ""


def test_a_review_passes_and_the_matter_becomes_ready(council: Council) -> None:
    matter, review = sent(council)
    done = client_for(council.lawyer).post(f"/console/legality/{review.pk}/conclude/",
                                           {"conclude-passed": "1", "conclude-opinion": "符合法律法规"}, follow=True)
    assert done.redirect_chain == [("/console/legality/", 302)]
    assert f"「{matter.title}」合法性审查结论（通过）已记录" in done.content.decode()
    review.refresh_from_db()
    assert review.passed is True and review.reviewer == council.lawyer
    sponsor_page = client_for(council.sponsor).get(f"/console/matters/{matter.pk}/").content.decode()
    assert "议前程序均已完成" in sponsor_page


def test_a_failed_review_keeps_the_matter_off_the_agenda(council: Council) -> None:
    matter, review = sent(council)
    client_for(council.lawyer).post(f"/console/legality/{review.pk}/conclude/",
                                    {"conclude-passed": "0", "conclude-opinion": "资金来源缺少依据"})
    sponsor_page = client_for(council.sponsor).get(f"/console/matters/{matter.pk}/").content.decode()
    assert "列入议程前尚缺：合法性审查未通过：资金来源缺少依据" in sponsor_page
    assert "重新送合法性审查" in sponsor_page


def test_a_conclusion_without_an_opinion_or_an_outcome_is_refused_beside_each(council: Council) -> None:
    _, review = sent(council)
    answer = client_for(council.lawyer).post(f"/console/legality/{review.pk}/conclude/", {"conclude-opinion": " "})
    page = answer.content.decode()
    assert error_beside(page, "id_conclude-opinion") == "请填写审查意见"
    assert '<span class="small field-error" id="id_conclude-passed-error">请选择审查结论</span>' in page
    review.refresh_from_db()
    assert review.passed is None


def test_whoever_sent_the_matter_cannot_conclude_its_review(council: Council) -> None:
    both = factories.staff("both", council.gov, Role.EDITOR, Role.LEGAL_REVIEWER)
    matter = council.prepare(council.matter(MatterKind.FUNDS), skip=("legality",))
    review = services.legality_submit(matter=matter, actor=both)
    council.clock.advance(days=20)
    page = client_for(both).get(f"/console/legality/{review.pk}/").content.decode()
    assert "本事项由您本人送审" in page
    answer = client_for(both).post(f"/console/legality/{review.pk}/conclude/",
                                   {"conclude-passed": "1", "conclude-opinion": "符合"})
    assert form_error(answer.content.decode()) == "送审人不能审查本人送审的事项"
    review.refresh_from_db()
    assert review.passed is None


@pytest.fixture
def other_lawyer(county: dict[str, Unit]) -> User:
    """The finance bureau's legal office: the county government's reviews are not theirs."""
    return factories.staff("fin_lawyer", county["finance"], Role.LEGAL_REVIEWER)


def test_a_legal_office_of_another_unit_guessing_the_id_sees_and_changes_nothing(
        council: Council, other_lawyer: User) -> None:
    _, review = sent(council)
    client = client_for(other_lawyer)
    events = Event.objects.count()
    assert "没有等待审查的事项" in client.get("/console/legality/").content.decode()
    assert client.get(f"/console/legality/{review.pk}/").status_code == 404
    assert client.post(f"/console/legality/{review.pk}/conclude/",
                       {"conclude-passed": "1", "conclude-opinion": "符合"}).status_code == 404
    review.refresh_from_db()
    assert review.passed is None and Event.objects.count() == events


def test_the_legality_pages_are_the_legal_offices_alone(council: Council) -> None:
    _, review = sent(council)
    assert client_for(council.sponsor).get("/console/legality/").status_code == 403
    assert client_for(council.sponsor).post(f"/console/legality/{review.pk}/conclude/",
                                            {"conclude-passed": "1", "conclude-opinion": "符合"}).status_code == 404
    review.refresh_from_db()
    assert review.passed is None
