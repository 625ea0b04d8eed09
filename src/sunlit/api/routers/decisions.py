"""三重一大 reads, public (no login): a meeting's draw of observers, as anyone needs it to redo the draw."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sunlit.api.schemas import LocalDateTime
from sunlit.core.errors import NotFound
from sunlit.decisions import selectors

router = Router(tags=["公开数据"])


class PoolEntry(Schema):
    category: str
    id: str


class DrawnObserver(Schema):
    """A person drawn, beside the hashed document: code, category, name masked."""

    id: str
    category: str
    category_label: str
    name: str


class DrawMeeting(Schema):
    id: int
    title: str
    starts_at: LocalDateTime
    closed: bool


class DrawOut(Schema):
    topic: str
    pool: list[PoolEntry]
    pool_sha256: str
    pool_leaf_index: int | None
    checkpoint: str | None
    external_source: str
    external: str | None
    seed: str | None
    quotas: dict[str, int]
    drawn: list[str]
    observers: list[DrawnObserver]
    meeting: DrawMeeting


@router.get("/meetings/{meeting_id}/draw", response=DrawOut, summary="旁听人员抽取（可复核）",
            description="候选人员库文档（按 id 排序的 {category, id} 数组）、其 SHA-256、在日志中的序号、"
                        "首个覆盖该条目的检查点、预先公布的外部随机值来源及其值、种子、各类别人数和抽中人员。"
                        "人员姓名以脱敏形式另列，不在被哈希的文档中。")
def meeting_draw(request: HttpRequest, meeting_id: int) -> Any:
    document = selectors.public_draw(meeting_id)
    if document is None:
        raise NotFound("该会议不存在、未公开或旁听人员库尚未冻结", field="meeting_id")
    return document
