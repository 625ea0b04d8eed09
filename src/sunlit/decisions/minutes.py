"""The minutes' text (会议纪要), generated from a meeting's record: attendance, observers, and for each agenda
matter the withdrawals, the statements in the order given, refused statements, the votes and the decision
with any reasons and dissent."""

from __future__ import annotations

from django.utils import timezone

from sunlit.decisions.models import (
    AgendaItem,
    Attendance,
    BodyMember,
    Meeting,
    ObserverDraw,
    Position,
    Statement,
    StatementRefusal,
    Vote,
    Withdrawal,
)

NUMERALS = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    return NUMERALS[n - 1] if 1 <= n <= len(NUMERALS) else str(n)


def minutes_text(meeting: Meeting) -> str:
    members = list(BodyMember.objects.filter(body_id=meeting.body_id, active=True).select_related("official"))
    attendance = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    present = [m for m in members if m.pk in attendance and attendance[m.pk].present]
    absent = [m for m in members if m not in present]
    lines = [meeting.title, "",
             f"时间：{timezone.localtime(meeting.starts_at):%Y年%m月%d日 %H:%M}" + (f"　地点：{meeting.place}" if meeting.place else ""),
             f"决策机构：{meeting.body.name}（成员{len(members)}人）",
             f"出席（{len(present)}人）：{'、'.join(str(m) for m in present) or '无'}"]
    if absent:
        lines.append("缺席：" + "、".join(f"{m}（{attendance[m.pk].note if m.pk in attendance else '未记录'}）"
                                      for m in absent))
    if meeting.acting_presider_id:
        lines.append(f"代为主持：{meeting.acting_presider}")
    draw = ObserverDraw.objects.filter(meeting=meeting).first()
    if draw is not None and draw.drawn:
        lines.append(f"旁听人员（抽取，编号）：{'、'.join(draw.drawn)}")
    for item in AgendaItem.objects.filter(meeting=meeting).select_related("matter").order_by("position"):
        lines += ["", *_item_lines(item)]
    return "\n".join(lines) + "\n"


def _item_lines(item: AgendaItem) -> list[str]:
    matter = item.matter
    lines = [f"{_numeral(item.position)}、{matter.title}（{matter.get_kind_display()}）"]
    for w in Withdrawal.objects.filter(item=item).select_related("member__official"):
        lines.append(f"  回避：{w.member}（{w.reason}）")
    lines.append("  表态（按发言顺序）：")
    for s in Statement.objects.filter(item=item).select_related("member__official").order_by("sequence"):
        reasons = f"，理由：{s.reasons}" if s.reasons else ""
        lines.append(f"    {s.sequence}. {s.member}：{s.get_position_display()}{reasons}")
    for r in StatementRefusal.objects.filter(item=item).select_related("member__official"):
        lines.append(f"  未予接受的表态：{r.member}（{r.reason}）")
    votes = list(Vote.objects.filter(item=item))
    if votes:
        tally = {p: sum(1 for v in votes if v.choice == p) for p in Position.values}
        lines.append(f"  票决：同意{tally[Position.AGREE]}票，不同意{tally[Position.DISAGREE]}票，"
                     f"弃权{tally[Position.ABSTAIN]}票")
    lines.append(f"  决定：{'通过' if item.adopted else '未通过'}。{item.conclusion}")
    if item.reasons:
        lines.append(f"  与多数意见不一致的理由：{item.reasons}")
    for d in item.dissent:
        lines.append(f"  不同意见：{d['name']}" + (f"：{d['reasons']}" if d.get("reasons") else ""))
    return lines
