"""三重一大 forms for the desks that prepare a matter (the sponsor's, the legal office's) and keep the bodies and
the observer pool. They parse (a date, a choice) and show; the procedure's rules are decisions.services',
whose refusals come back beside the field they name (`refuse`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from sunlit.console.forms import LabelledChoice, chinese_messages, mark_invalid
from sunlit.core.errors import DomainError
from sunlit.decisions.models import BodyKind, Expert, ObserverCategory, Topic
from sunlit.decisions.rules import MatterKind
from sunlit.org.models import Official, Unit

TEXT = 20000


def _area(rows: int = 4, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class DecisionForm(forms.Form):
    """A form whose messages name the field (chinese_messages) and whose wide fields span the row."""

    wide: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        chinese_messages(self)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                field.error_messages["required"] = f"请选择{field.label}"
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"{field.label}应为日期，如 2026-11-24"
            if isinstance(field, forms.DateTimeField):
                field.error_messages["invalid"] = f"{field.label}应为日期和时间，如 2026-11-24 09:30"

    def valid(self) -> bool:
        """Whether the form parsed; if not, its wrong fields are marked for assistive technology."""
        ok = self.is_valid()
        if not ok:
            mark_invalid(self)
        return ok

    def refuse(self, exc: DomainError, names: dict[str, str] | None = None) -> None:
        """Put a service's refusal beside the field it names (`names` maps a service's field to the form's,
        e.g. data.integrity → integrity); one the form has no field for goes above the form."""
        field = (names or {}).get(exc.field or "", exc.field or "")
        self.add_error(field if field in self.fields else None, exc.message)
        mark_invalid(self)


# ------------------------------------------------------------------------------------------- the sponsor


class MatterForm(DecisionForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="决策单位", empty_label="（请选择）")
    kind = forms.ChoiceField(label="事项类别", choices=[("", "（请选择）"), *MatterKind.choices])
    title = forms.CharField(label="事项名称", max_length=200)
    sponsor_office = forms.CharField(label="承办科室", max_length=100)
    topic = forms.ChoiceField(label="议题领域", choices=[("", "（请选择）"), *Topic.choices],
                              help_text="决定可旁听的人员范围")
    amount = forms.CharField(label="金额（元）", required=False, max_length=20,
                             help_text="大额度资金运作必填；其他类别涉及资金的也请填写")
    summary = forms.CharField(label="事项概要", max_length=TEXT, widget=_area(5))

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"


class StageForm(DecisionForm):
    """A document stage: the research report (调研报告 / 考察材料) or the draft (决策草案)."""

    text = forms.CharField(label="内容", max_length=TEXT, widget=_area(6))

    def __init__(self, *args: Any, label: str = "内容", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        chinese_messages(self)


class RiskForm(DecisionForm):
    """风险评估: the integrity and social-stability risks, the measures against them, and the report."""

    integrity = forms.CharField(label="廉政风险", max_length=TEXT, widget=_area(3))
    stability = forms.CharField(label="社会稳定风险", max_length=TEXT, widget=_area(3))
    measures = forms.CharField(label="防控措施", max_length=TEXT, widget=_area(3))
    text = forms.CharField(label="风险评估报告", max_length=TEXT, widget=_area(5))
    names = {"data.integrity": "integrity", "data.stability": "stability", "data.measures": "measures"}


class ConsultationForm(DecisionForm):
    """公开征求意见: the text published, the period, and the reason when it is shorter than 30 days."""

    draft_text = forms.CharField(label="征求意见稿", max_length=TEXT, widget=_area(6))
    opens_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    closes_on = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                help_text="一般不少于30日（含首尾两日）")
    shorter_reason = forms.CharField(label="期限少于30日的理由", required=False, max_length=2000, widget=_area(2),
                                     help_text="期限不少于30日的不填")


class AnswerForm(DecisionForm):
    summary = forms.CharField(label="意见采纳情况说明", max_length=TEXT, widget=_area(5),
                              help_text="在门户公布：收到多少条意见，采纳了哪些，未采纳的理由")


class ExpertForm(DecisionForm):
    """A new expert in the pool (专家库)."""

    name = forms.CharField(label="专家姓名", max_length=50)
    field = forms.CharField(label="专业领域", max_length=100)
    organisation = forms.CharField(label="工作单位", max_length=100)


class OpinionForm(DecisionForm):
    expert = LabelledChoice(queryset=Expert.objects.none(), label="论证专家", empty_label="（请选择）",
                            label_of=lambda e: f"{e.name}（{e.field}，{e.organisation}）")
    opinion = forms.CharField(label="论证意见", max_length=TEXT, widget=_area(4), help_text="照专家原意录入")

    def __init__(self, *args: Any, experts: QuerySet[Expert], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = experts


# ------------------------------------------------------------------------------------------- the legal office


class ConcludeForm(DecisionForm):
    passed = forms.TypedChoiceField(label="审查结论", choices=[("1", "通过"), ("0", "不通过")],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    opinion = forms.CharField(label="审查意见", max_length=TEXT, widget=_area(5),
                              help_text="不通过的，写明不合法之处及其依据")


# ------------------------------------------------------------------------------------------- bodies and meetings


class BodyForm(DecisionForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="单位", empty_label="（请选择）")
    kind = forms.ChoiceField(label="类型", choices=[("", "（请选择）"), *BodyKind.choices])
    name = forms.CharField(label="名称", max_length=100, help_text="如：县政府常务会议")

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class MemberForm(DecisionForm):
    official = LabelledChoice(queryset=Official.objects.none(), label="干部", empty_label="（请选择）",
                              help_text="只列出已开通登录账号的干部：成员用本人账号在纪要上签字",
                              label_of=lambda o: f"{o.name}（{o.unit.name}{o.title}）")
    principal = forms.BooleanField(label="主要负责人（末位表态）", required=False)

    def __init__(self, *args: Any, officials: QuerySet[Official], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["official"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = officials


class MeetingForm(DecisionForm):
    title = forms.CharField(label="会议名称", max_length=200, help_text="如：县政府第13次常务会议")
    starts_at = forms.DateTimeField(label="召开时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                              format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label="地点", max_length=200, required=False)


# ------------------------------------------------------------------------------------------- the observer pool


class ObserverForm(DecisionForm):
    code = forms.CharField(label="库内编号", max_length=32, help_text="公开，参与抽取，如 OBS-0042")
    name = forms.CharField(label="姓名", max_length=50, help_text="不公开；抽中后在门户只显示姓氏")
    category = forms.ChoiceField(label="类别", choices=[("", "（请选择）"), *ObserverCategory.choices])
    contact = forms.CharField(label="联系方式", max_length=100, required=False, help_text="不公开")
    topics = forms.MultipleChoiceField(label="可旁听议题", choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    conflict_units = forms.CharField(label="利害关系单位", max_length=500, required=False,
                                     help_text="单位编码，多个用逗号或空格分开；不抽取其旁听这些单位的会议")

    def conflict_codes(self) -> list[str]:
        raw = self.cleaned_data.get("conflict_units", "")
        for mark in "，、;；":
            raw = raw.replace(mark, ",")
        return [c for part in raw.split(",") for c in part.split()]
