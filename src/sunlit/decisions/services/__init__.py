"""三重一大 writes, one module per part of the procedure; every one is importable from here."""

from sunlit.decisions.services.matters import (
    consultation_answer,
    consultation_comment,
    consultation_open,
    expert_add,
    expert_opinion_record,
    legality_conclude,
    legality_submit,
    matter_create,
    stage_record,
)
from sunlit.decisions.services.meetings import (
    BelowQuorum,
    MemberWithdrawn,
    MinutesSigned,
    NotReady,
    SpeaksLast,
    agenda_add,
    attendance_record,
    body_create,
    body_member_add,
    conclusion_record,
    meeting_create,
    minutes_correct,
    minutes_edit,
    minutes_generate,
    minutes_sign,
    presider_name,
    statement_make,
    vote_cast,
    withdrawal_declare,
)
from sunlit.decisions.services.observers import (
    PoolNotFrozen,
    QuotaTooLarge,
    draw_complete,
    draw_freeze,
    draw_prepare,
    observer_add,
)
from sunlit.decisions.services.results import (
    decision_publish,
    evaluation_record,
    execution_assign,
    progress_report,
)

__all__ = [
    "BelowQuorum", "MemberWithdrawn", "MinutesSigned", "NotReady", "PoolNotFrozen", "QuotaTooLarge", "SpeaksLast",
    "agenda_add", "attendance_record", "body_create", "body_member_add", "conclusion_record", "consultation_answer",
    "consultation_comment", "consultation_open", "draw_complete", "draw_freeze", "draw_prepare", "expert_add",
    "expert_opinion_record", "legality_conclude", "legality_submit", "matter_create", "meeting_create",
    "minutes_correct", "minutes_edit", "minutes_generate", "minutes_sign", "observer_add", "presider_name",
    "stage_record", "statement_make", "vote_cast", "withdrawal_declare", "decision_publish", "evaluation_record",
    "execution_assign", "progress_report",
]
