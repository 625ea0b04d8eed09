"""A major matter's dossier (决策全过程档案) as one PDF: who proposed it, each stage and who recorded it, the
legality reviews and their reviewers, each meeting's attendance, withdrawals, statements in order, votes,
decision, dissent and observers, the publication, execution and evaluation, and every event with its leaf in
the transparency log (index and leaf hash; each page's footer names the log entries on it), Noto Sans SC
embedded (core.fonts)."""

from __future__ import annotations

from typing import Any

from sunlit.core import clock as clock_mod
from sunlit.decisions import selectors
from sunlit.decisions.models import Matter, Position
from sunlit.decisions.rules import Stage
from sunlit.handbook.render import _pdf

ACTIONS = {
    "decisions.matter.create": "提出事项", "decisions.stage.research": "录入调研报告", "decisions.stage.draft": "录入决策草案",
    "decisions.stage.risk": "录入风险评估", "decisions.consultation.open": "公开征求意见",
    "decisions.consultation.comment": "公众提出意见", "decisions.consultation.answer": "公布意见采纳情况",
    "decisions.expert.opinion": "录入专家论证意见", "decisions.legality.submit": "送合法性审查",
    "decisions.legality.conclude": "合法性审查结论", "decisions.agenda.add": "列入会议议程",
    "decisions.agenda.withdraw": "成员回避", "decisions.statement.make": "表态", "decisions.statement.refuse": "表态被拒绝（末位表态）",
    "decisions.vote.cast": "票决", "decisions.agenda.conclude": "作出决定", "decisions.minutes.generate": "生成会议纪要",
    "decisions.minutes.edit": "修改纪要（签字前）", "decisions.minutes.correct": "更正纪要", "decisions.minutes.sign": "纪要签字",
    "decisions.result.publish": "公开决策结果", "decisions.result.exempt": "登记不予公开",
    "decisions.execution.assign": "交办执行", "decisions.execution.report": "报告执行情况",
    "decisions.evaluation.record": "决策后评估", "decisions.meeting.create": "召集会议",
    "decisions.meeting.attendance": "记录出席", "decisions.meeting.presider": "指定代为主持",
    "decisions.draw.prepare": "设定旁听抽取", "decisions.draw.freeze": "冻结旁听人员库", "decisions.draw.complete": "抽取旁听人员",
}


def _statements(record: dict[str, Any]) -> list[dict[str, Any]]:
    labels = dict(Position.choices)
    votes = {v["name"]: labels[v["choice"]] for v in record["votes"]}
    return [{**s, "position_label": labels[s["position"]], "vote_label": votes.get(s["name"], "")}
            for s in record["statements"]]


def dossier_pdf(matter: Matter, *, clock: clock_mod.Clock | None = None) -> bytes:
    d = selectors.dossier(matter)
    for m in d["meetings"]:
        m["statements"] = _statements(m["record"])
    events = [{"event": e.event, "actor": e.actor, "leaf_index": e.leaf_index, "leaf_hash": e.leaf_hash,
               "label": ACTIONS.get(e.event.action, e.event.action)} for e in d["events"]]
    return _pdf("handbook/dossier.html", {
        "matter": matter, "d": {**d, "events": events},
        "stages": "、".join(Stage(s).label for s in matter.required_stages),
    }, title=f"{matter.title}决策全过程档案", clock=clock)
