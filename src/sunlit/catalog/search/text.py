"""The pure core of search: what a query means and what the index holds, without a database.

Text is normalised one character at a time (NFKC, so full-width letters, digits and brackets become
their ASCII forms; case folded; the brackets clerks mix — （）【】〔〕［］ — all read as `()`; every
space a plain one). Because each character is normalised on its own, a position in the normalised
text maps back to one character of the text as written, which is how matches are highlighted in the
clerk's own words.

The index holds grams: every single character and every pair of neighbouring characters of each run
of letters and digits (字 and 字字), marked by the field they come from (`n` name, `c` code, `b` legal
basis) so one index answers "in the name" and "anywhere" alike. A query term is looked up by its grams
(a pair where the term has two characters or more, else the character) and then checked against the
normalised text, so "村民建房" never matches a name that merely holds 村民, 民建 and 建房 apart.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 100
"""The longest query the portal and the API take, in characters (as typed)."""

QUERY_TOO_LONG = f"搜索词太长：最多{MAX_QUERY_LENGTH}个字，请缩短后再查"

FIELDS = "ncb"
"""Gram marks by field, in ranking order: name (n), then code (c), then legal basis (b)."""

NAME_CHARS, CODE_CHARS = 400, 100
"""How much of an item's name and code, normalised, the index keeps and search reads: twice what a clerk may
write (200 and 64 characters), as NFKC lengthens a few compatibility characters (㍿ → 株式会社). Bounded
because PostgreSQL keeps them in a B-tree index (catalog_powersearch_in_order), whose entries must stay
under 2.7 kB."""

_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "［": "(", "］": ")",
                           "[": "(", "]": ")", "〈": "<", "〉": ">"})
_SPACE = re.compile(r"\s+")
_RUN = re.compile(r"[^\W_]+")  # letters and digits of any script: the characters grams are made of


def _char(c: str) -> str:
    return unicodedata.normalize("NFKC", c).casefold().translate(_BRACKETS)


def normalize(text: str) -> str:
    """Width, case and brackets made uniform: '（协助）ＸＫ-001' → '(协助)xk-001'. Whitespace stays
    (one space each); see `normalize_mapped` for the positions."""
    return _SPACE.sub(" ", "".join(_char(c) for c in text))


def normalize_mapped(text: str) -> tuple[str, list[int]]:
    """`normalize` without collapsing spaces, and for each character of the result the index of the
    character of `text` it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        n = _char(c)
        if n.isspace():
            n = " "
        out.append(n)
        origin.extend([i] * len(n))
    return "".join(out), origin


def grams(text: str, mark: str) -> set[str]:
    """The index's grams of `text` (normalised first), each prefixed with `mark`."""
    found: set[str] = set()
    for run in _RUN.findall(normalize(text)):
        found.update(mark + c for c in run)
        found.update(mark + run[i:i + 2] for i in range(len(run) - 1))
    return found


def basis_text(bases: Iterable[tuple[str, str]]) -> str:
    """What of the legal bases (law, article) search reads: each law's name and article, not the excerpt,
    whose common words would match half the list."""
    return "\n".join(f"{law} {article}".strip() for law, article in bases)


def indexed(*, name: str, code: str, basis: str) -> dict[str, str]:
    """What the index stores of an item: its name, code and legal basis normalised, and their grams
    (marked by field), space-separated."""
    name, code = normalize(name)[:NAME_CHARS], normalize(code).strip()[:CODE_CHARS]
    found = grams(name, "n") | grams(code, "c") | grams(basis, "b")
    return {"name": name, "code": code, "basis": normalize(basis), "grams": " ".join(sorted(found))}


def term_grams(term: str) -> list[str]:
    """The grams a normalised term is looked up by (unmarked): its pairs, or a lone character."""
    looked_up: list[str] = []
    for run in _RUN.findall(term):
        if len(run) == 1:
            looked_up.append(run)
        else:
            looked_up.extend(run[i:i + 2] for i in range(len(run) - 1))
    return list(dict.fromkeys(looked_up))


@dataclass(frozen=True)
class Term:
    """One word of the query, and the words it also stands for (from the residents' synonyms)."""

    text: str
    also: tuple[str, ...] = ()

    @property
    def alternatives(self) -> tuple[str, ...]:
        return (self.text, *self.also)


@dataclass(frozen=True)
class Query:
    """A query as searched: its terms (all must match), each with its alternatives (any may)."""

    terms: tuple[Term, ...]
    added: tuple[str, ...] = field(default=())

    @property
    def needles(self) -> list[str]:
        """Every word a result may show, longest first (what highlighting marks)."""
        words = {a for t in self.terms for a in t.alternatives}
        return sorted(words, key=lambda w: (-len(w), w))


def parse(q: str, synonyms: Iterable[tuple[str, Iterable[str]]] = ()) -> Query:
    """Split `q` at spaces into terms (normalised; those with no letter or digit dropped, repeats
    dropped), each widened by every synonym whose phrase it contains: '我要盖房子' with
    ('盖房子', ['建房', '宅基地']) also looks for 建房 and 宅基地. `synonyms` are normalised already
    (`synonyms.synonym_table` keeps them so)."""
    terms: list[Term] = []
    added: list[str] = []
    for text in dict.fromkeys(normalize(q).split()):
        if not term_grams(text):
            continue
        also = [w for phrase, words in synonyms if phrase and phrase in text for w in words
                if w != text and term_grams(w)]
        also = list(dict.fromkeys(also))
        terms.append(Term(text, tuple(also)))
        added.extend(w for w in also if w not in added)
    return Query(tuple(terms), tuple(added))


def highlight(text: str, needles: Iterable[str]) -> str:
    """`text` as HTML, escaped, with each place a needle (normalised) matches wrapped in <mark>."""
    normal, origin = normalize_mapped(text)
    marked = [False] * len(text)
    for needle in needles:
        if not needle:
            continue
        start = normal.find(needle)
        while start != -1:
            for j in range(start, start + len(needle)):
                marked[origin[j]] = True
            start = normal.find(needle, start + 1)
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        chunk = html.escape(text[i:j])
        out.append(f"<mark>{chunk}</mark>" if marked[i] else chunk)
        i = j
    return "".join(out)
