"""What a published fees text (收费标准) allows, read without a database: free means 0 元, a listed amount is
allowed as written, a range or a ceiling anything within it, and a text that states no amount (a rate, a
standard named elsewhere) allows no judgement."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunlit.supervision.fees import fee_rule

D = Decimal


@pytest.mark.parametrize(("text", "allowed", "refused"), [
    ("不收费", ["0"], ["0.01", "10"]),
    ("免费", ["0"], ["5"]),
    ("工本费10元", ["10", "10.00"], ["0", "9.99", "20"]),
    ("住宅类每件80元，非住宅类每件550元（含第一本证书工本费）；注销登记、异议登记、查封登记等不收费。",
     ["0", "80", "550"], ["630", "100"]),
    ("每件１０元", ["10"], ["1"]),  # full-width digits
    ("1.5万元", ["15000"], ["1.5"]),
    ("10-50元", ["10", "33.3", "50"], ["9.99", "50.01"]),
    ("10元至50元", ["10", "50"], ["60"]),
    ("不超过200元", ["0", "200"], ["200.01"]),
    ("200元以下", ["0", "150"], ["201"]),
])
def test_the_fees_a_text_allows(text: str, allowed: list[str], refused: list[str]) -> None:
    rule = fee_rule(text)
    assert rule is not None
    assert all(rule.allows(D(a)) for a in allowed)
    assert not any(rule.allows(D(r)) for r in refused)


@pytest.mark.parametrize("text", [
    "", "按照省人民政府规定的标准征收。", "按照土地使用权出让金的百分之二十以下征收。", "按应纳税额的5%缴纳",
    "注销登记不收费，其他按省定标准收取", "按照适用税额标准计算缴纳。",
])
def test_a_text_that_states_no_amount_allows_no_judgement(text: str) -> None:
    assert fee_rule(text) is None


def test_the_allowed_amounts_are_described_as_a_supervisor_reads_them() -> None:
    rule = fee_rule("住宅类每件80元，非住宅类每件550元；查封登记不收费；复印10-20元")
    assert rule is not None and rule.describe() == "0元、80元、550元、10–20元"


amounts = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)


@given(amount=amounts, name=st.sampled_from(["工本费", "每件", "证书费", "登记费每件"]))
def test_a_listed_amount_is_allowed_and_nothing_a_cent_away(amount: Decimal, name: str) -> None:
    rule = fee_rule(f"{name}{amount}元")
    assert rule is not None and rule.allows(amount)
    assert not rule.allows(amount + D("0.01")) and not rule.allows(amount - D("0.01"))


@given(low=amounts, high=amounts, fee=amounts)
def test_a_range_allows_exactly_what_lies_within_it(low: Decimal, high: Decimal, fee: Decimal) -> None:
    rule = fee_rule(f"按件收取{low}-{high}元")
    assert rule is not None
    assert rule.allows(fee) == (min(low, high) <= fee <= max(low, high))
