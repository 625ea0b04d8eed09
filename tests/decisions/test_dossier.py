"""A matter's whole record is retrievable for life as one PDF (决策全过程档案): fonts embedded, who proposed,
who reviewed, who said what in which order, how each voted, who observed, and every event with its leaf in the
log, which the log itself confirms."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from sunlit.decisions import services
from sunlit.decisions.rules import MatterKind
from sunlit.decisions.selectors import matter_events
from sunlit.record.sequencer import sequence_all
from tests import factories
from tests.decisions.conftest import Council

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                 reason="needs poppler-utils (pdftotext, pdffonts)")]


def test_the_dossier_holds_the_whole_record_each_entry_checkable_in_the_log(council: Council, tmp_path: Path) -> None:
    matter = council.prepare(council.matter(MatterKind.FUNDS, title="县城供水管网改造资金安排"))
    meeting, (item,) = council.meeting(matter)
    services.withdrawal_declare(item=item, member=council.members[6], reason="其亲属为施工单位股东", actor=council.secretary)
    for member in council.members[1:6]:
        council.state(item, member, "disagree" if member == council.members[3] else "agree",
                      reasons="应先做水质检测" if member == council.members[3] else "")
    council.state(item, council.principal)
    for member in council.members[:6]:
        services.vote_cast(item=item, member=member, choice="agree", actor=council.secretary)
    services.conclusion_record(item=item, adopted=True, decision="同意安排1200万元", actor=council.secretary)
    minutes = services.minutes_generate(meeting=meeting, actor=council.secretary)
    for member in council.members:  # the withdrawn member attended the meeting: they sign too
        services.minutes_sign(minutes=minutes, user=council.user_of(member))
    services.decision_publish(item=item, body="安排县城供水管网改造资金1200万元", actor=council.secretary)
    sequence_all()
    client = Client()
    client.force_login(council.secretary)
    assert "县城供水管网改造资金安排" in client.get("/console/matters/").content.decode()
    answer = client.get(f"/console/matters/{matter.pk}/dossier.pdf")
    assert answer["Content-Type"] == "application/pdf"
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(b"".join(answer.streaming_content))  # type: ignore[attr-defined]
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "Noto" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # emb
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                                            text=True).stdout)
    assert "县城供水管网改造资金安排" in text and "合法性审查" in text and "审查：lawyer" in text
    assert "回避：赵秘书长（其亲属为施工单位股东）" in text
    assert text.index("1李常务同意") < text.index("3刘副县长不同意") < text.index("6王县长同意")
    assert "不同意见：刘副县长：应先做水质检测" in text
    events = matter_events(matter)
    assert len(events) >= 20
    for logged in events:  # each printed entry: its index and leaf hash, which the log's own entry confirms
        assert f"{logged.leaf_index}{logged.leaf_hash}" in text
        entry = client.get(f"/log/leaf/{logged.leaf_index}").content
        assert hashlib.sha256(b"\x00" + entry).hexdigest() == logged.leaf_hash


def test_only_those_concerned_read_the_dossier(council: Council) -> None:
    matter = council.matter()
    outsider = factories.staff("outsider", council.gov.children.get(code="YD-ZRZY"), "editor")
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/console/matters/{matter.pk}/dossier.pdf").status_code == 404
    supervisor = factories.staff("jw", council.gov, "supervisor")
    client.force_login(supervisor)
    assert client.get(f"/console/matters/{matter.pk}/dossier.pdf").status_code == 200
