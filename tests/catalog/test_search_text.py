"""What a query means, as plain functions: normalising, terms, grams, synonyms, highlighting."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from sunlit.catalog.search.text import grams, highlight, indexed, normalize, parse, term_grams


def test_width_case_and_brackets_are_made_uniform() -> None:
    assert normalize("（协助）ＸＫ－００１") == "(协助)xk-001"
    assert normalize("【协助】") == normalize("(协助)") == normalize("[协助]") == "(协助)"
    assert normalize("村民　 建房") == "村民 建房"  # an ideographic space and a plain one: one space


def test_spaces_separate_terms_and_repeats_or_bare_punctuation_are_dropped() -> None:
    assert [t.text for t in parse(" 村民　建房  村民 《》 ").terms] == ["村民", "建房"]
    assert parse("《》 ——").terms == ()


def test_grams_are_every_character_and_pair_within_runs_marked_by_field() -> None:
    assert grams("建房(协助)", "n") == {"n建", "n房", "n建房", "n协", "n助", "n协助"}  # no pair across "("
    assert grams("XK-01", "c") == {"cx", "ck", "cxk", "c0", "c1", "c01"}


def test_a_term_is_looked_up_by_its_pairs_or_its_single_character() -> None:
    assert term_grams("村民建房") == ["村民", "民建", "建房"]
    assert term_grams("罚") == ["罚"]
    assert term_grams("(协助)") == ["协助"]


def test_the_index_keeps_the_clerks_text_normalised_and_its_grams() -> None:
    entry = indexed(name="农村村民建房审批（协助）", code=" XK-001 ", basis="中华人民共和国土地管理法 第六十二条")
    assert entry["name"] == "农村村民建房审批(协助)" and entry["code"] == "xk-001"
    assert {"n建房", "cxk", "b土地"} <= set(entry["grams"].split(" "))


def test_a_synonym_widens_a_term_that_holds_its_phrase() -> None:
    query = parse("我要盖房子 审批", [("盖房子", ["建房", "宅基地"]), ("罚款", ["处罚"])])
    assert [t.alternatives for t in query.terms] == [("我要盖房子", "建房", "宅基地"), ("审批",)]
    assert query.added == ("建房", "宅基地")


def test_synonyms_match_whatever_the_width_or_case() -> None:
    assert parse("ＫＴＶ", [("ktv", ["娱乐场所"])]).added == ("娱乐场所",)


def test_highlight_escapes_first_then_marks_in_the_text_as_written() -> None:
    assert highlight("农村村民建房（协助）", ["建房", "(协助)"]) == "农村村民<mark>建房（协助）</mark>"
    assert highlight("<b>建房</b>", ["建房"]) == "&lt;b&gt;<mark>建房</mark>&lt;/b&gt;"
    assert highlight("ＸＫ-001", ["xk"]) == "<mark>ＸＫ</mark>-001"


@given(st.text(max_size=40), st.lists(st.text(min_size=1, max_size=4), max_size=3))
def test_highlighting_never_changes_the_text_only_marks_it(text: str, needles: list[str]) -> None:
    shown = highlight(text, [normalize(n) for n in needles])
    assert html.unescape(shown.replace("<mark>", "").replace("</mark>", "")) == text
