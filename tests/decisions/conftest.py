"""A county government's executive meeting (县政府常务会议) of seven members, the staff who prepare matters,
the legal office, an observer pool, and helpers that take a matter through its stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from sunlit.core.clock import FixedClock
from sunlit.decisions import services
from sunlit.decisions.models import AgendaItem, BodyKind, BodyMember, Matter, Meeting, Observer, Position
from sunlit.decisions.permissions import SECRETARY
from sunlit.decisions.rules import MatterKind, Stage
from sunlit.org.models import Official, Role, Unit
from tests import factories

MEMBERS = ["王县长", "李常务", "张副县长", "刘副县长", "陈副县长", "杨副县长", "赵秘书长"]
RISKS = {"integrity": "招投标环节存在围标串标风险", "stability": "涉及征地群众，存在信访风险",
         "measures": "全程公开招标；设立群众接待点；纪检全程监督"}


@pytest.fixture(autouse=True)
def log_key(settings: Any, tmp_path: Path) -> Path:
    """Each test signs the log with a key of its own (draws need checkpoints)."""
    path = tmp_path / "keys" / "log-signer.key"
    settings.SUNLIT_LOG_ORIGIN = "county.example/yangguang/log"
    settings.SUNLIT_LOG_KEY = ""
    settings.SUNLIT_LOG_KEY_FILE = path
    return path


def official(unit: Unit, name: str, username: str, title: str = "县政府领导") -> Official:
    user = User.objects.create_user(username=username, password="pw-" + username)
    return Official.objects.create(name=name, unit=unit, title=title, user=user)


@dataclass
class Council:
    gov: Unit
    clock: FixedClock
    secretary: User
    sponsor: User
    lawyer: User
    members: list[BodyMember]
    body: Any
    observers: list[Observer] = field(default_factory=list)

    @property
    def principal(self) -> BodyMember:
        return self.members[0]

    def user_of(self, member: BodyMember) -> User:
        return member.official.user  # type: ignore[return-value]

    # -------------------------------------------------------------------------------- matters

    def matter(self, kind: str = MatterKind.DECISION, title: str = "县城老旧小区改造方案", **extra: Any) -> Matter:
        if kind == MatterKind.FUNDS:
            extra.setdefault("amount", "12000000")
        return services.matter_create(unit=self.gov, kind=kind, title=title, summary="改造县城2000年前建成的老旧小区",
                                      sponsor_office="住建股", topic="construction", actor=self.sponsor, **extra)

    def prepare(self, matter: Matter, *, legality: bool | None = True, skip: tuple[str, ...] = ()) -> Matter:
        """Every stage the matter requires but `skip`, the clock moving past the comment period and the
        legality review's least duration; `legality`: the review's outcome (None: left pending)."""
        stages = [s for s in matter.required_stages if s not in skip]
        for stage in (Stage.RESEARCH, Stage.DRAFT, Stage.RISK):
            if stage in stages:
                services.stage_record(matter=matter, stage=stage, body=f"{Stage(stage).label}内容",
                                      data=RISKS if stage == Stage.RISK else None, actor=self.sponsor)
        consultation = None
        if Stage.PARTICIPATION in stages:
            today = self.clock.now().date()
            consultation = services.consultation_open(matter=matter, draft_text="征求意见稿全文", opens_on=today,
                                                      closes_on=today + dt.timedelta(days=29), actor=self.sponsor)
        if Stage.EXPERT in stages:
            expert = services.expert_add(name="周教授", field="城市规划", organisation="赣南师范大学", unit=self.gov,
                                         actor=self.sponsor)
            services.expert_opinion_record(matter=matter, expert=expert, opinion="方案可行，建议分期实施",
                                           actor=self.sponsor)
        review = services.legality_submit(matter=matter, actor=self.sponsor) if Stage.LEGALITY in stages else None
        if consultation is not None or review is not None:
            self.clock.advance(days=31)
        if consultation is not None:
            services.consultation_answer(consultation=consultation, summary="采纳3条，未采纳1条并说明理由",
                                         actor=self.sponsor)
        if review is not None and legality is not None:
            services.legality_conclude(review=review, passed=legality,
                                       opinion="符合法律法规" if legality else "征收补偿标准缺少法律依据",
                                       actor=self.lawyer)
        matter.refresh_from_db()
        return matter

    # -------------------------------------------------------------------------------- meetings

    def meeting(self, *matters: Matter, absent: tuple[BodyMember, ...] = ()) -> tuple[Meeting, list[AgendaItem]]:
        meeting = services.meeting_create(body=self.body, title="县政府第12次常务会议", place="县政府三楼会议室",
                                          starts_at=self.clock.now(), actor=self.secretary)
        items = [services.agenda_add(meeting=meeting, matter=m, actor=self.secretary) for m in matters]
        for member in self.members:
            services.attendance_record(meeting=meeting, member=member, present=member not in absent,
                                       note="出差" if member in absent else "", actor=self.secretary)
        return meeting, items

    def state(self, item: AgendaItem, member: BodyMember, position: str = Position.AGREE, reasons: str = "") -> Any:
        return services.statement_make(item=item, member=member, position=position, reasons=reasons,
                                       actor=self.secretary)

    def decided(self, matter: Matter, decision: str = "同意实施") -> tuple[Meeting, AgendaItem]:
        """The matter through a meeting every member attends and agrees, its minutes signed by all."""
        meeting, (item,) = self.meeting(matter)
        self.all_state(item)
        if matter.vote_required:
            for member in self.members:
                services.vote_cast(item=item, member=member, choice=Position.AGREE, actor=self.secretary)
        services.conclusion_record(item=item, adopted=True, decision=decision, actor=self.secretary)
        minutes = services.minutes_generate(meeting=meeting, actor=self.secretary)
        for member in self.members:
            services.minutes_sign(minutes=minutes, user=self.user_of(member))
        meeting.refresh_from_db()
        item.refresh_from_db()
        return meeting, item

    def all_state(self, item: AgendaItem, *, skip: tuple[BodyMember, ...] = (), position: str = Position.AGREE) -> None:
        """Every member but the principal and `skip`, then the principal."""
        for member in self.members[1:]:
            if member not in skip:
                self.state(item, member, position)
        if self.principal not in skip:
            self.state(item, self.principal, position)


@pytest.fixture
def council(county: dict[str, Unit], clock: FixedClock) -> Council:
    gov = county["gov"]
    secretary = factories.staff("secretary", gov, SECRETARY)
    sponsor = factories.staff("sponsor", gov, Role.EDITOR)
    lawyer = factories.staff("lawyer", gov, Role.LEGAL_REVIEWER)
    body = services.body_create(unit=gov, kind=BodyKind.GOVERNMENT_EXECUTIVE, name="县政府常务会议", actor=secretary)
    members = [services.body_member_add(body=body, official=official(gov, name, f"m{i}"), principal=i == 0,
                                        actor=secretary) for i, name in enumerate(MEMBERS)]
    return Council(gov=gov, clock=clock, secretary=secretary, sponsor=sponsor, lawyer=lawyer, members=members,
                   body=body)


POOL = [  # code, category, topics, conflict units
    ("OBS-0001", "expert", ["construction", "finance"], []),
    ("OBS-0002", "expert", ["construction"], []),
    ("OBS-0003", "expert", ["construction"], []),
    ("OBS-0004", "expert", ["education"], []),
    ("OBS-0010", "resident", ["construction"], []),
    ("OBS-0011", "resident", ["construction"], []),
    ("OBS-0012", "resident", ["construction"], ["YD"]),  # related to the county government: never drawn for it
    ("OBS-0013", "resident", ["construction", "livelihood"], []),
    ("OBS-0014", "resident", ["construction"], []),
    ("OBS-0020", "deputy", ["construction"], []),
    ("OBS-0021", "deputy", ["construction"], []),
    ("OBS-0030", "retired", ["construction"], []),
]


@pytest.fixture
def pool(council: Council) -> list[Observer]:
    names = "孙志强 钱丽华 周建国 吴海燕 郑小红 冯大山 陈秀英 褚国庆 卫东 蒋春梅 沈立新 韩梅".split()
    council.observers = [services.observer_add(code=code, name=name, category=category, topics=topics,
                                               contact="1390797" + code[-4:], conflict_units=conflicts,
                                               actor=council.secretary)
                         for (code, category, topics, conflicts), name in zip(POOL, names, strict=True)]
    return council.observers
