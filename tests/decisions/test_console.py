"""The secretary runs a meeting from the console: attendance, statements in order with the principal's button
disabled until the others have spoken, votes, the conclusion, minutes, and each attendee signing with their
own password. Another login sees no meeting."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sunlit.decisions.models import Meeting, MeetingState, Statement
from sunlit.decisions.rules import MatterKind
from tests.decisions.conftest import Council

pytestmark = pytest.mark.django_db


def _principal_button(page: str, item_id: int, member_id: int) -> str:
    form = re.search(rf'name="item" value="{item_id}"><input type="hidden" name="member" value="{member_id}">'
                     r'.*?(<button[^>]*>表态</button>)', page, re.S)
    assert form is not None
    return form.group(1)


def test_the_secretary_runs_a_meeting_from_the_console(council: Council) -> None:
    matter = council.prepare(council.matter(MatterKind.FUNDS, title="县城供水管网改造资金安排"))
    meeting, (item,) = council.meeting(matter)
    client = Client()
    client.force_login(council.secretary)
    url = f"/console/meetings/{meeting.pk}/"
    assert "县政府第12次常务会议" in client.get("/console/meetings/").content.decode()
    page = client.get(url).content.decode()
    assert "disabled" in _principal_button(page, item.pk, council.principal.pk)
    for member in council.members[1:]:
        answer = client.post(url + "state/", {"item": item.pk, "member": member.pk, "position": "agree"}, follow=True)
        assert "同意" in answer.content.decode()
    page = client.get(url).content.decode()
    assert "disabled" not in _principal_button(page, item.pk, council.principal.pk)
    client.post(url + "state/", {"item": item.pk, "member": council.principal.pk, "position": "agree"})
    assert Statement.objects.get(member=council.principal).sequence == 7
    for member in council.members:
        client.post(url + "vote/", {"item": item.pk, "member": member.pk, "choice": "agree"})
    client.post(url + "conclude/", {"item": item.pk, "adopted": "1", "decision": "同意安排1200万元"})
    client.post(url + "minutes/")
    wrong = client.post(url + "sign/", {"member": council.members[1].pk, "password": "guess"}, follow=True)
    assert "密码不正确" in wrong.content.decode()
    for i, member in enumerate(council.members):
        client.post(url + "sign/", {"member": member.pk, "password": f"pw-m{i}"})
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.SIGNED
    assert "已签字" in client.get(url).content.decode()


def test_a_refused_statement_is_shown_to_the_secretary(council: Council) -> None:
    meeting, (item,) = council.meeting(council.prepare(council.matter()))
    client = Client()
    client.force_login(council.secretary)
    answer = client.post(f"/console/meetings/{meeting.pk}/state/",
                         {"item": item.pk, "member": council.principal.pk, "position": "agree"}, follow=True)
    page = answer.content.decode()
    assert "末位表态" in page and "未予接受的表态" in page


def test_another_login_sees_no_meeting(council: Council) -> None:
    meeting, _ = council.meeting(council.prepare(council.matter()))
    client = Client()
    client.force_login(council.sponsor)
    assert client.get(f"/console/meetings/{meeting.pk}/").status_code == 404
    assert client.post(f"/console/meetings/{meeting.pk}/minutes/").status_code == 404
