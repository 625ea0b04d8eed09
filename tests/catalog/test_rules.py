"""The power list's hard rules as plain functions: time limits, categories, legal bases, validity."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunlit.catalog.models import Category
from sunlit.catalog.rules import (
    FieldError,
    Limit,
    format_legal_bases,
    parse_category,
    parse_legal_bases,
    parse_limit,
    parse_limits_cell,
    promised_exceeds_statutory,
    validate_content,
)
from sunlit.core.timelimits import LimitUnit, format_limit

WORKING, CALENDAR = LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS

# ---------------------------------------------------------------- time limits


@pytest.mark.parametrize("text, limit", [
    ("20个工作日", Limit(20, WORKING)),
    ("２０个工作日", Limit(20, WORKING)),
    ("20 个 工作日", Limit(20, WORKING)),
    ("60日", Limit(60, CALENDAR)),
    ("60天", Limit(60, CALENDAR)),
    ("30个自然日", Limit(30, CALENDAR)),
    ("二十个工作日", Limit(20, WORKING)),
    ("十五个工作日", Limit(15, WORKING)),
    ("一百二十日", Limit(120, CALENDAR)),
    ("两个工作日", Limit(2, WORKING)),
    ("即办", Limit(0, WORKING)),
    ("当场办结", Limit(0, WORKING)),
    ("法定时限：20个工作日", Limit(20, WORKING)),
    ("承诺10个工作日。", Limit(10, WORKING)),
])
def test_limits_are_read_as_people_write_them(text: str, limit: Limit) -> None:
    assert parse_limit(text) == limit


@pytest.mark.parametrize("text", [None, "", "  ", "无", "/", "——", "不适用"])
def test_a_cell_saying_there_is_no_limit_gives_none(text: Any) -> None:
    assert parse_limit(text) is None


@pytest.mark.parametrize("text", ["二十来天", "20个月", "尽快", "20", "工作日", "20个工作日以内", "abc", "二十X日"])
def test_an_unreadable_limit_is_refused_quoting_it(text: str) -> None:
    with pytest.raises(ValueError, match="无法识别的时限"):
        parse_limit(text)


def test_both_limits_are_read_from_one_cell() -> None:
    assert parse_limits_cell("法定20个工作日，承诺10个工作日") == (Limit(20, WORKING), Limit(10, WORKING))
    assert parse_limits_cell("承诺即办；法定60日") == (Limit(60, CALENDAR), Limit(0, WORKING))
    assert parse_limits_cell("法定：二十个工作日\n承诺：５个工作日") == (Limit(20, WORKING), Limit(5, WORKING))


def test_a_cell_with_one_plain_limit_is_the_statutory_one() -> None:
    assert parse_limits_cell("20个工作日") == (Limit(20, WORKING), None)
    assert parse_limits_cell("") == (None, None)


def test_a_bad_part_of_a_combined_cell_is_refused() -> None:
    with pytest.raises(ValueError, match="无法识别的时限「承诺尽快」"):
        parse_limits_cell("法定20个工作日，承诺尽快")


@pytest.mark.parametrize("days, unit, text", [(None, WORKING, ""), (0, WORKING, "即办"), (0, CALENDAR, "即办"),
                                              (20, WORKING, "20个工作日"), (60, CALENDAR, "60日")])
def test_limits_are_written_the_way_they_are_read(days: int | None, unit: str, text: str) -> None:
    assert format_limit(days, unit) == text


@given(days=st.integers(min_value=0, max_value=3650), unit=st.sampled_from([WORKING, CALENDAR]))
def test_a_written_limit_reads_back_the_same(days: int, unit: str) -> None:
    expected = Limit(0, WORKING) if days == 0 else Limit(days, unit)
    assert parse_limit(format_limit(days, unit)) == expected


@pytest.mark.parametrize("promised, statutory, exceeds", [
    (Limit(10, WORKING), Limit(20, WORKING), False),
    (Limit(20, WORKING), Limit(20, WORKING), False),
    (Limit(21, WORKING), Limit(20, WORKING), True),
    (Limit(61, CALENDAR), Limit(60, CALENDAR), True),
    (Limit(0, WORKING), Limit(0, WORKING), False),
    # mixed units: 20 working days span at most 28 calendar days; 22 may span 31
    (Limit(20, WORKING), Limit(30, CALENDAR), False),
    (Limit(22, WORKING), Limit(30, CALENDAR), True),
    # 30 calendar days are longer than 20 working days can be at their shortest
    (Limit(30, CALENDAR), Limit(20, WORKING), True),
    (Limit(20, CALENDAR), Limit(20, WORKING), False),
    (None, Limit(20, WORKING), False),
    (Limit(20, WORKING), None, False),
])
def test_a_promised_limit_may_not_be_longer_than_the_statutory_one(
    promised: Limit | None, statutory: Limit | None, exceeds: bool
) -> None:
    assert promised_exceeds_statutory(promised, statutory) is exceeds


LIMITS = st.builds(Limit, st.integers(min_value=0, max_value=3650), st.sampled_from([WORKING, CALENDAR]))


@given(limit=LIMITS)
def test_a_limit_never_exceeds_itself(limit: Limit) -> None:
    assert not promised_exceeds_statutory(limit, limit)


@given(promised=LIMITS, statutory=LIMITS, more=st.integers(min_value=1, max_value=100))
def test_a_longer_statutory_limit_never_makes_a_promise_exceed_it(promised: Limit, statutory: Limit,
                                                                   more: int) -> None:
    longer = Limit(statutory.days + more, statutory.unit)
    if not promised_exceeds_statutory(promised, statutory):
        assert not promised_exceeds_statutory(promised, longer)


# ---------------------------------------------------------------- categories


@pytest.mark.parametrize("text, code", [
    ("行政许可", Category.LICENSING), ("行政许可类", Category.LICENSING), ("licensing", Category.LICENSING),
    (" 行政 处罚 ", Category.PENALTY), ("行政处罚事项", Category.PENALTY), ("行政强制权", Category.COERCION),
    ("ｌｉｃｅｎｓｉｎｇ", Category.LICENSING), ("其他", Category.OTHER), ("其它行政权力", Category.OTHER),
    ("其他行政权力", Category.OTHER), ("重大决策", Category.MAJOR_DECISION), ("物资采购", Category.PROCUREMENT),
    # other provinces' words (catalog/synonyms.toml): variants and the national codes 01–10
    ("许可类", Category.LICENSING), ("许可", Category.LICENSING), ("处罚", Category.PENALTY),
    ("其他类", Category.OTHER), ("01", Category.LICENSING), ("０２", Category.PENALTY), ("06", Category.INSPECTION),
    ("10", Category.OTHER), ("行政征用", Category.LEVY), ("监督检查", Category.INSPECTION),
])
def test_categories_are_read_by_label_alias_or_code(text: str, code: str) -> None:
    assert parse_category(text) == code


@pytest.mark.parametrize("text", ["行政审批", "", "行政指导", "11", "LICENSING "])
def test_an_unknown_category_is_refused_listing_the_known_ones(text: str) -> None:
    with pytest.raises(ValueError, match="未知的职权类别") as refused:
        parse_category(text)
    assert "行政许可、行政处罚" in str(refused.value)


@pytest.mark.parametrize("code, label", Category.choices)
def test_every_category_label_reads_back_to_its_code(code: str, label: str) -> None:
    assert parse_category(label) == code


# ---------------------------------------------------------------- legal bases


def test_a_cell_of_legal_bases_is_read_one_per_line() -> None:
    cell = ("1.《中华人民共和国行政许可法》第二十九条：公民、法人或者其他组织从事特定活动，依法需要取得行政许可的，"
            "应当向行政机关提出申请。\n"
            "2.《中华人民共和国土地管理法》第六十二条：农村村民一户只能拥有一处宅基地。\n"
            "农村村民住宅用地，由乡（镇）人民政府审核批准。")
    assert parse_legal_bases(cell) == [
        {"law": "中华人民共和国行政许可法", "article": "第二十九条",
         "excerpt": "公民、法人或者其他组织从事特定活动，依法需要取得行政许可的，应当向行政机关提出申请。"},
        {"law": "中华人民共和国土地管理法", "article": "第六十二条",
         "excerpt": "农村村民一户只能拥有一处宅基地。\n农村村民住宅用地，由乡（镇）人民政府审核批准。"},
    ]


def test_a_first_line_without_book_title_marks_is_read_as_law_then_article() -> None:
    assert parse_legal_bases("中华人民共和国公路法第四十四条：任何单位和个人不得擅自占用公路。") == [
        {"law": "中华人民共和国公路法", "article": "第四十四条", "excerpt": "任何单位和个人不得擅自占用公路。"}]


def test_a_legal_basis_without_article_or_excerpt_keeps_the_law() -> None:
    assert parse_legal_bases("《村庄和集镇规划建设管理条例》\r\n\r\n") == [
        {"law": "村庄和集镇规划建设管理条例", "article": "", "excerpt": ""}]


def test_an_empty_cell_has_no_legal_bases() -> None:
    assert parse_legal_bases(None) == parse_legal_bases("") == parse_legal_bases(" \n ") == []


def test_legal_bases_with_multi_line_excerpts_round_trip() -> None:
    bases = [{"law": "中华人民共和国土地管理法", "article": "第六十二条",
              "excerpt": "农村村民一户只能拥有一处宅基地。\n农村村民住宅用地，由乡（镇）人民政府审核批准。"},
             {"law": "村庄和集镇规划建设管理条例", "article": "", "excerpt": ""}]
    assert parse_legal_bases(format_legal_bases(bases)) == bases


def _clean(text: str) -> str:
    return text.strip()


# Law names and articles: one line, none of the marks the format uses; excerpts: several lines, none
# of which opens a new basis (《) or is blank, since blank lines are dropped when read.
_LINE_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="《》：:\n\r")
_LAW = st.text(_LINE_CHARS, min_size=1, max_size=20).map(_clean).filter(bool)
_ARTICLE = st.text(_LINE_CHARS, max_size=10).map(_clean)
_EXCERPT_LINE = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="《\n\r"),
                        min_size=1, max_size=30).map(_clean).filter(bool)
_EXCERPT = st.lists(_EXCERPT_LINE, max_size=3).map("\n".join)
_BASES = st.lists(st.fixed_dictionaries({"law": _LAW, "article": _ARTICLE, "excerpt": _EXCERPT}), max_size=4)


@given(bases=_BASES)
def test_formatted_legal_bases_read_back_as_they_were(bases: list[dict[str, str]]) -> None:
    assert parse_legal_bases(format_legal_bases(bases)) == bases


@given(law=st.sampled_from(["中华人民共和国行政许可法", "江西省农村村民建房管理办法（试行）"]),
       article=st.sampled_from(["第二十九条", "第三条第一款", ""]),
       excerpt=st.sampled_from(["", "一、申请：需提交材料。", "（一）户口簿；\n（二）宅基地批准文件。"]))
def test_chinese_punctuation_in_laws_and_excerpts_survives_a_round_trip(law: str, article: str,
                                                                        excerpt: str) -> None:
    bases = [{"law": law, "article": article, "excerpt": excerpt}]
    assert parse_legal_bases(format_legal_bases(bases)) == bases


# ---------------------------------------------------------------- content as a whole


def content(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "农村村民住宅建设审批", "category": Category.LICENSING,
                            "statutory_limit": 20, "statutory_limit_unit": WORKING,
                            "promised_limit": 10, "promised_limit_unit": WORKING}
    data.update(overrides)
    return data


BASIS = [{"law": "中华人民共和国行政许可法", "article": "第二十九条", "excerpt": ""}]


def fields(errors: list[FieldError]) -> list[str]:
    return [e.field for e in errors]


def test_good_content_has_no_errors() -> None:
    assert validate_content(content(), BASIS) == []
    assert validate_content(content(statutory_limit=None, promised_limit=None), BASIS) == []


@pytest.mark.parametrize("overrides, bases, field, message", [
    ({"name": " "}, BASIS, "name", "缺少事项名称"),
    ({"name": None}, BASIS, "name", "缺少事项名称"),
    ({"category": "approval"}, BASIS, "category", "未知的职权类别「approval」"),
    ({"category": None}, BASIS, "category", "未知的职权类别「」"),
    ({"statutory_limit_unit": "month"}, BASIS, "statutory_limit_unit", "法定时限单位应为工作日或日"),
    ({"statutory_limit": -1}, BASIS, "statutory_limit", "法定时限应为不小于0的整数天数"),
    ({"promised_limit": "10"}, BASIS, "promised_limit", "承诺时限应为不小于0的整数天数"),
    ({"promised_limit": True}, BASIS, "promised_limit", "承诺时限应为不小于0的整数天数"),
    ({"promised_limit": 21}, BASIS, "promised_limit", "承诺时限（21个工作日）长于法定时限（20个工作日）"),
    ({"promised_limit": 30, "promised_limit_unit": CALENDAR}, BASIS, "promised_limit",
     "承诺时限（30日）长于法定时限（20个工作日）"),
    ({}, [], "legal_bases", "行政许可事项必须写明设定依据"),
    ({"category": Category.PENALTY}, [], "legal_bases", "行政处罚事项必须写明设定依据"),
    ({}, [*BASIS, {"law": " ", "article": "第一条"}], "legal_bases[1].law", "设定依据缺少法律法规名称"),
])
def test_each_fault_in_content_is_named_by_its_field(overrides: dict[str, Any], bases: list[dict[str, str]],
                                                     field: str, message: str) -> None:
    assert validate_content(content(**overrides), bases) == [FieldError(field, message)]


@pytest.mark.parametrize("category", [Category.MAJOR_DECISION, Category.PERSONNEL, Category.FINANCE,
                                      Category.PROCUREMENT])
def test_internal_powers_need_no_legal_basis(category: str) -> None:
    assert validate_content(content(category=category), []) == []


def test_all_faults_are_reported_at_once() -> None:
    errors = validate_content(content(name="", category="x", statutory_limit=-3), [{"law": ""}])
    assert fields(errors) == ["name", "category", "statutory_limit", "legal_bases[0].law"]
