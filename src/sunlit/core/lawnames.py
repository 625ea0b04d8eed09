"""A law's name, said one way everywhere (法律法规名称).

Names are stored without book-title marks (书名号) and shown with exactly one pair: a clerk who
types 《中华人民共和国土地管理法》 into a field that the page wraps in 《》 again would otherwise
publish 《《中华人民共和国土地管理法》》. `law_name` is what every write stores (the console form, the
API, the Excel import: catalog.services) and `law_title` what every reader shows (pages, printed
handbooks, Excel export, the `law_title` template filter), so names stored before this rule read
right too without rewriting a version, which is never changed once written.
"""

from __future__ import annotations

import re
from typing import Any

_PAIRS = {"《": "》", "〈": "〉", "<": ">", "＜": "＞"}
# What may follow the closing mark and stay with the name: an edition note, （2019年修正）.
_NOTE = re.compile(r"^[（(][^（()）]*[）)]$")


def law_name(text: Any) -> str:
    """'《中华人民共和国土地管理法》' → '中华人民共和国土地管理法'; also 《《…》》, 〈…〉, <…> and blanks
    around. Marks inside the name stay (《关于修改〈中华人民共和国行政许可法〉的决定》 keeps its 〈〉),
    and so does an edition note after the closing mark."""
    name = str(text or "").strip()
    while name and name[0] in _PAIRS:
        close = _closing(name)
        if close is None:
            break
        rest = name[close + 1:].strip()
        if rest and not _NOTE.match(rest):
            break
        name = name[1:close].strip() + rest
    return name


def _closing(name: str) -> int | None:
    """Where the mark opening `name` closes, counting marks of its kind nested inside."""
    opening, closing, depth = name[0], _PAIRS[name[0]], 0
    for i, ch in enumerate(name):
        depth += (ch == opening) - (ch == closing)
        if depth == 0:
            return i
    return None


def law_title(text: Any) -> str:
    """The name as readers see it, in exactly one pair of marks: '《中华人民共和国土地管理法》';
    '' for no name."""
    name = law_name(text)
    return f"《{name}》" if name else ""
