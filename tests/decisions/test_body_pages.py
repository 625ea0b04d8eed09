"""The office's pages for bodies: a body set up, members added (officials with a login, one principal), a meeting
scheduled, and ready matters put on its agenda. A secretary of another unit opens none of it by guessing ids."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from sunlit.core.models import Event
from sunlit.decisions import services
from sunlit.decisions.models import AgendaItem, Body, BodyKind, BodyMember, Matter, MatterStatus, Meeting
from sunlit.decisions.permissions import SECRETARY
from sunlit.decisions.rules import MatterKind
from sunlit.org.models import Official, Unit
from tests import factories
from tests.decisions.conftest import Council, official
from tests.decisions.test_sponsor_pages import client_for, error_beside

pytestmark = pytest.mark.django_db


def test_a_secretary_sets_up_a_body(council: Council) -> None:
    client = client_for(council.secretary)
    assert "县政府常务会议" in client.get("/console/bodies/").content.decode()
    done = client.post("/console/bodies/", {"body-unit": council.gov.pk, "body-kind": BodyKind.PARTY_COMMITTEE,
                                            "body-name": "县委常委会"}, follow=True)
    body = Body.objects.get(name="县委常委会")
    assert done.redirect_chain == [(f"/console/bodies/{body.pk}/", 302)]
    assert "已设立「县委常委会」" in done.content.decode() and body.unit == council.gov


def test_a_second_body_of_the_same_name_is_refused_beside_the_name(council: Council) -> None:
    answer = client_for(council.secretary).post("/console/bodies/", {
        "body-unit": council.gov.pk, "body-kind": BodyKind.GOVERNMENT_EXECUTIVE, "body-name": "县政府常务会议"})
    assert answer.status_code == 400
    assert error_beside(answer.content.decode(), "id_body-name") == "于都县人民政府已有决策机构「县政府常务会议」"
    assert Body.objects.count() == 1


def test_members_are_officials_with_a_login_and_one_principal(council: Council) -> None:
    client = client_for(council.secretary)
    newcomer = official(council.gov, "孙副县长", "m7")
    no_login = Official.objects.create(name="无账号干部", unit=council.gov, title="调研员")
    url = f"/console/bodies/{council.body.pk}/"
    page = client.get(url).content.decode()
    assert "孙副县长（于都县人民政府县政府领导）" in page and "无账号干部" not in page
    done = client.post(url + "members/", {"member-official": newcomer.pk}, follow=True)
    assert "孙副县长已加入县政府常务会议" in done.content.decode()
    refused = client.post(url + "members/", {"member-official": no_login.pk})
    assert error_beside(refused.content.decode(), "id_member-official") == "请从列表中选择干部"
    second = official(council.gov, "钱副县长", "m8")
    refused = client.post(url + "members/", {"member-official": second.pk, "member-principal": "on"})
    assert refused.status_code == 400
    assert "县政府常务会议已有主要负责人" in refused.content.decode()
    assert BodyMember.objects.filter(body=council.body).count() == 8
    assert not BodyMember.objects.filter(official=second).exists()


def test_a_secretary_schedules_a_meeting_and_puts_a_ready_matter_on_its_agenda(council: Council) -> None:
    ready = council.prepare(council.matter(MatterKind.APPOINTMENT, title="任命县住建局局长"))
    waiting = council.matter(title="县城老旧小区改造方案")
    client = client_for(council.secretary)
    done = client.post(f"/console/bodies/{council.body.pk}/meetings/", {
        "meeting-title": "县政府第13次常务会议", "meeting-starts_at": "2026-11-26T09:00", "meeting-place": "三楼会议室"},
        follow=True)
    meeting = Meeting.objects.get()
    assert done.redirect_chain == [(f"/console/meetings/{meeting.pk}/", 302)]
    page = done.content.decode()
    assert f'<option value="{ready.pk}">任命县住建局局长（于都县人民政府）</option>' in page
    assert "县城老旧小区改造方案：尚缺调查研究" in page and f'<option value="{waiting.pk}"' not in page
    done = client.post(f"/console/meetings/{meeting.pk}/agenda/", {"matter": ready.pk}, follow=True)
    assert "「任命县住建局局长」已列入议程第1项" in done.content.decode()
    assert Matter.objects.get(pk=ready.pk).status == MatterStatus.SCHEDULED


def test_a_matter_not_ready_is_refused_naming_what_it_lacks(council: Council) -> None:
    matter = council.prepare(council.matter(MatterKind.FUNDS), legality=False)
    meeting = services.meeting_create(body=council.body, title="县政府第13次常务会议", starts_at=council.clock.now(),
                                      actor=council.secretary)
    done = client_for(council.secretary).post(f"/console/meetings/{meeting.pk}/agenda/", {"matter": matter.pk},
                                              follow=True)
    assert "不能列入议程，尚缺：合法性审查未通过：征收补偿标准缺少法律依据" in done.content.decode()
    assert not AgendaItem.objects.exists()


def test_a_meeting_without_a_title_is_refused_beside_it(council: Council) -> None:
    answer = client_for(council.secretary).post(f"/console/bodies/{council.body.pk}/meetings/", {
        "meeting-title": "", "meeting-starts_at": "2026-11-26T09:00"})
    assert error_beside(answer.content.decode(), "id_meeting-title") == "请填写会议名称"
    bad_time = client_for(council.secretary).post(f"/console/bodies/{council.body.pk}/meetings/", {
        "meeting-title": "第13次常务会议", "meeting-starts_at": "明天上午"})
    assert error_beside(bad_time.content.decode(), "id_meeting-starts_at") == "召开时间应为日期和时间，如 2026-11-24 09:30"
    assert not Meeting.objects.exists()


@pytest.fixture
def other_secretary(county: dict[str, Unit]) -> User:
    """The finance bureau's office, with the bureau's own 局长办公会议."""
    secretary = factories.staff("fin_secretary", county["finance"], SECRETARY)
    services.body_create(unit=county["finance"], kind=BodyKind.BUREAU_OFFICE, name="局长办公会议", actor=secretary)
    return secretary


def test_a_secretary_of_another_unit_guessing_ids_changes_nothing(council: Council, other_secretary: User) -> None:
    matter = council.prepare(council.matter(MatterKind.APPOINTMENT, title="任命县住建局局长"))
    meeting = services.meeting_create(body=council.body, title="县政府第13次常务会议", starts_at=council.clock.now(),
                                      actor=council.secretary)
    client = client_for(other_secretary)
    events = Event.objects.count()
    page = client.get("/console/bodies/").content.decode()
    assert "局长办公会议</a>" in page and "县政府常务会议</a>" not in page
    url = f"/console/bodies/{council.body.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url + "members/", {"member-official": official(council.gov, "孙副县长", "m7").pk}).status_code == 404
    assert client.post(url + "meetings/", {"meeting-title": "会", "meeting-starts_at": "2026-11-26T09:00"}).status_code == 404
    assert client.post(f"/console/meetings/{meeting.pk}/agenda/", {"matter": matter.pk}).status_code == 404
    # A body of their own cannot take another unit's official or matter either.
    own = Body.objects.get(name="局长办公会议")
    refused = client.post(f"/console/bodies/{own.pk}/members/", {"member-official": council.members[0].official.pk})
    assert error_beside(refused.content.decode(), "id_member-official") == "请从列表中选择干部"
    own_meeting = services.meeting_create(body=own, title="局长办公会议", starts_at=council.clock.now(),
                                          actor=other_secretary)
    events += 1
    done = client.post(f"/console/meetings/{own_meeting.pk}/agenda/", {"matter": matter.pk}, follow=True)
    assert "请选择要列入议程的事项" in done.content.decode()
    assert Event.objects.count() == events and not AgendaItem.objects.exists()
    assert BodyMember.objects.count() == 7 and Meeting.objects.count() == 2


def test_the_body_pages_are_the_secretaries_alone(council: Council) -> None:
    assert client_for(council.sponsor).get("/console/bodies/").status_code == 403
    assert client_for(council.sponsor).get(f"/console/bodies/{council.body.pk}/").status_code == 404
