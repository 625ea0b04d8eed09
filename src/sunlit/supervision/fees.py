"""What an item's published fees (收费标准) allow a unit to charge, read from the text as the power list writes
it, so the sweep can hold a fee recorded on a case against it. Plain text in, plain values out.

- "不收费", "免费", "免收", "不收取": nothing (0 元), alone or beside amounts ("…注销登记不收费").
- An amount in 元 ("工本费10元", "每件80元", "1.5万元") is allowed as written; a range ("10-50元", "10元至50元")
  anything within it; a ceiling ("不超过200元", "200元以下") anything from 0 up to it.
- A fee that depends on a base the text does not give (a rate: "百分之二十", "5%", "费率", "税额"), or a text
  that charges by a standard it only names ("按照省人民政府规定的标准征收"), allows no judgement: `fee_rule`
  returns None, and no fee is questioned against it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
FREE = re.compile(r"不收费|免费|免收|不收取|无收费|零收费|不需缴费|无需缴费")
CHARGES = re.compile(r"征收|收取|计收|计征|缴纳|收费标准")  # charged by something not stated here
RATES = re.compile(r"%|％|‰|百分之|千分之|费率|税额|税率|比例|倍")
NUMBER = r"(\d+(?:\.\d+)?)"
RANGE = re.compile(NUMBER + r"\s*(万)?\s*元?\s*(?:-|－|—|–|~|～|至|到)\s*" + NUMBER + r"\s*(万)?\s*元")
CEILING_BEFORE = re.compile(r"(?:不超过|不高于|不得超过|最高|最多|上限)\s*" + NUMBER + r"\s*(万)?\s*元")
CEILING_AFTER = re.compile(NUMBER + r"\s*(万)?\s*元\s*(?:以下|以内|封顶)")
AMOUNT = re.compile(NUMBER + r"\s*(万)?\s*元")


@dataclass(frozen=True)
class FeeRule:
    """The amounts a fees text allows: each listed amount, and anything within a range or up to a ceiling."""

    amounts: frozenset[Decimal]
    ranges: tuple[tuple[Decimal, Decimal], ...] = ()

    def allows(self, fee: Decimal) -> bool:
        fee = fee.quantize(CENT)
        return fee in self.amounts or any(low <= fee <= high for low, high in self.ranges)

    def describe(self) -> str:
        """The allowed amounts as a supervisor reads them: 0元、80元、550元、10–50元."""
        parts = [f"{_plain(a)}元" for a in sorted(self.amounts)]
        parts += [f"{_plain(low)}–{_plain(high)}元" for low, high in self.ranges]
        return "、".join(parts)


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def _yuan(number: str, wan: str | None) -> Decimal | None:
    try:
        value = Decimal(number) * (10000 if wan else 1)
    except InvalidOperation:
        return None
    return value.quantize(CENT)


def fee_rule(text: str) -> FeeRule | None:
    """The rule a published fees text states, or None when it states none that a fee can be held against."""
    plain = unicodedata.normalize("NFKC", text or "").strip()
    if not plain or RATES.search(plain):
        return None
    ranges: list[tuple[Decimal, Decimal]] = []
    rest = plain
    for pattern in (RANGE, CEILING_BEFORE, CEILING_AFTER):
        for m in pattern.finditer(rest):
            if pattern is RANGE:  # "1-2万元": the unit after the second number is the first's too
                low, high = _yuan(m[1], m[2] or m[4]), _yuan(m[3], m[4])
            else:
                low, high = Decimal("0.00"), _yuan(m[1], m[2])
            if low is not None and high is not None:
                ranges.append((min(low, high), max(low, high)))
        rest = pattern.sub("；", rest)  # what a range or ceiling named is not also an amount
    amounts = {a for a in (_yuan(m[1], m[2]) for m in AMOUNT.finditer(rest)) if a is not None}
    free = bool(FREE.search(plain))
    if free:
        amounts.add(Decimal("0.00"))
    if not ranges and amounts - {Decimal("0.00")} == set() and CHARGES.search(FREE.sub("", plain)):
        return None  # "…不收费，其他按省定标准收取": what the others cost is not written here
    if not amounts and not ranges:
        return None
    return FeeRule(frozenset(amounts), tuple(ranges))
