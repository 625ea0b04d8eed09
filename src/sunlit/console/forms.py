"""The power item editor's forms (编制): a version's content, its legal bases as rows, and for a new item
its code and main item. They parse and show; what content is acceptable is catalog.rules', checked by
catalog.services, whose refusals come back here beside the field they name."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.models import fields_for_model

from sunlit.catalog import selectors
from sunlit.catalog.models import CONTENT_FIELDS, Category, LegalBasis, PowerItemVersion
from sunlit.core.errors import DomainError, Invalid
from sunlit.org.models import Official, Unit

LIMIT_DAYS_MAX = 3650  # as the API allows

# The form's sections, in the order a clerk fills them (the fields of PowerItemVersion, CONTENT_FIELDS).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("基本信息", ("name", "category", "implementing_body", "handling_office", "handling_post", "responsible_leader")),
    ("办理", ("conditions", "materials", "statutory_limit", "statutory_limit_unit", "promised_limit",
             "promised_limit_unit", "fees", "fee_basis")),
    ("责任与监督", ("service_commitment", "responsibilities", "accountability", "complaint_phone")),
    ("公开", ("audience", "exemption", "remarks")),
)
assert sorted(f for _, names in SECTIONS for f in names) == sorted(CONTENT_FIELDS)

_HELP = {
    "statutory_limit": "天数，0 为即办，不填为无时限",
    "promised_limit": "不得长于法定时限",
    "handling_post": "本单位的岗位",
    "responsible_leader": "本单位的干部",
    "exemption": "有豁免情形的事项不对外公开",
}


def chinese_messages(form: forms.Form) -> None:
    """Messages that name the field (Django's own are Chinese too, but say only '这个字段是必填项')."""
    for name, field in form.fields.items():
        label = field.label or name
        field.error_messages["required"] = f"请填写{label}"
        field.error_messages["invalid_choice"] = f"请从列表中选择{label}"
        if isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = f"{label}应为整数天数"


class LabelledChoice(forms.ModelChoiceField):
    def __init__(self, *args: Any, label_of: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_of = label_of

    def label_from_instance(self, obj: Any) -> str:
        return str(self.label_of(obj))


class VersionForm(forms.Form):
    """Every field of a version's content, and the reason for it (变更理由); `unit` bounds the posts and
    officials offered, `base` is the version it starts from (its post and leader stay offered)."""

    def __init__(self, *args: Any, unit: Unit, base: PowerItemVersion | None = None, **kwargs: Any) -> None:
        if base is not None and "initial" not in kwargs:
            initial = base.snapshot()
            initial.pop("legal_bases")
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.unit, self.base = unit, base
        self.fields.update(self._item_fields(unit))
        made = fields_for_model(PowerItemVersion, fields=[*CONTENT_FIELDS, "reason"])
        keep_post = base.handling_post_id if base else None
        keep_leader = base.responsible_leader_id if base else None
        made["handling_post"] = LabelledChoice(selectors.posts_to_handle(unit, keep_post), label="承办岗位",
                                          required=False, empty_label="（不指定）", label_of=_post_label(unit))
        made["responsible_leader"] = LabelledChoice(selectors.leaders_to_name(unit, keep_leader), label="责任领导",
                                               required=False, empty_label="（不指定）", label_of=_leader_label(unit))
        for kind in ("statutory", "promised"):
            name = f"{kind}_limit"
            made[name] = forms.IntegerField(label=made[name].label, required=False, min_value=0,
                                            max_value=LIMIT_DAYS_MAX)
        made["category"].choices = [("", "（请选择）"), *Category.choices]
        for name, text in _HELP.items():
            made[name].help_text = text
        for field in made.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        made["reason"] = forms.CharField(label="变更理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                                         help_text="审核人和公众在版本历史中看到的理由")
        self.fields.update(made)
        chinese_messages(self)

    def _item_fields(self, unit: Unit) -> dict[str, forms.Field]:
        return {}

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def content(self) -> dict[str, Any]:
        """The content as catalog.services takes it, references as ids; of a form that did not validate,
        the fields that did (for catalog.rules to say what else is wrong)."""
        data = {name: self.cleaned_data[name] for name in CONTENT_FIELDS if name in self.cleaned_data}
        for name in ("handling_post", "responsible_leader"):
            if data.get(name) is not None:
                data[name] = data[name].pk
        return data


class NewItemForm(VersionForm):
    """A new item: its code (事项编码) and, for a sub-item, its main item, then its first version."""

    def _item_fields(self, unit: Unit) -> dict[str, forms.Field]:
        return {
            "code": forms.CharField(label="事项编码", max_length=64, help_text="在本单位内唯一，如 XK-001；前导零照写"),
            "main_item": LabelledChoice(selectors.main_items(unit), label="主项", required=False,
                                   empty_label="（本事项是主项）", help_text="新增子项时选择它所属的主项",
                                   label_of=lambda i: f"{i.code} {i.latest_name or ''}"),
        }

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        first, *rest = super().sections()
        return [(first[0], [self["code"], self["main_item"], *first[1]]), *rest]


def _post_label(unit: Unit) -> Any:
    return lambda p: p.name if p.unit_id == unit.pk else f"{p.name}（{p.unit.name}）"


def _leader_label(unit: Unit) -> Any:
    def label(official: Official) -> str:
        where = "" if official.unit_id == unit.pk else f"，{official.unit.name}"
        return f"{official.name}（{official.title}{where}）"
    return label


class LegalBasisForm(forms.Form):
    """One legal basis (设定依据): the law's name is stored without 《》 (core.lawnames)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(LegalBasis, fields=["law", "article", "excerpt"]))
        self.fields["law"].help_text = "不必加书名号"
        self.fields["excerpt"].widget.attrs["rows"] = 2
        chinese_messages(self)


class BaseLegalBases(forms.BaseFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # Any row may be left blank (it is skipped), the ones shown filled in too: a row counts by what
        # was posted in it, and the rules (catalog.rules) say whether the item needs one.
        return {"empty_permitted": True}

    def rows(self) -> list[LegalBasisForm]:
        """The rows that count, in order: filled in and not marked for removal."""
        return [f for f in self.forms if f.has_changed() and not f["DELETE"].value()]

    def bases(self) -> list[dict[str, str]]:
        return [{k: f.cleaned_data.get(k, "") for k in ("law", "article", "excerpt")} for f in self.rows()]


LegalBasesFormSet = forms.formset_factory(LegalBasisForm, formset=BaseLegalBases, extra=0, can_delete=True,
                                          max_num=50, validate_max=True)


def legal_bases_formset(data: Any = None, base: PowerItemVersion | None = None,
                        rows: list[dict[str, Any]] | None = None) -> BaseLegalBases:
    """The legal bases as rows: posted (`data`), or these `rows`, or the base version's (one empty row
    for a new item)."""
    if data is not None:
        return cast(BaseLegalBases, LegalBasesFormSet(data, prefix="bases"))
    if rows is None:
        rows = [{"law": b.law, "article": b.article, "excerpt": b.excerpt} for b in base.legal_bases.all()] if base else []
    return cast(BaseLegalBases, LegalBasesFormSet(initial=rows or [{}], prefix="bases"))


def show_refusal(exc: DomainError, form: forms.Form, bases: BaseLegalBases) -> list[str]:
    """Put each field a service refused beside its field: on the form, on a row of legal bases
    (`legal_bases[2].law`), or, for the legal bases as a whole, in the list returned."""
    errors = exc.errors if isinstance(exc, Invalid) else [exc]
    rows, about_bases = bases.rows(), []
    for error in errors:
        field = error.field or ""
        if field.startswith("legal_bases["):
            index, _, name = field.removeprefix("legal_bases[").partition("].")
            if index.isdigit() and int(index) < len(rows):
                row = rows[int(index)]
                if name not in row.errors:
                    row.add_error(name if name in row.fields else None, error.message)
                continue
        if field == "legal_bases":
            about_bases.append(error.message)
        elif field in form.fields:
            if field not in form.errors:  # the form's own message, when it has one, says it already
                form.add_error(field, error.message)
        else:
            form.add_error(None, error.message)
    return about_bases


def mark_invalid(*forms_: forms.Form) -> None:
    """Tell assistive technology which fields are wrong and where it says why (WCAG 3.3.1)."""
    for form in forms_:
        for name in form.errors:
            if name in form.fields:
                described = f"{form[name].auto_id}-error"
                if form.fields[name].help_text:
                    described += f" {form[name].auto_id}_helptext"
                form.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": described})

