"""Guard: what a query text is, before any of it reaches the store.

A light SPARQL lexer (comments, strings and IRIs removed) finds the first
keyword after the prologue and whether the query uses ``SERVICE`` or a
dataset clause (``FROM``). It exists because the store cannot be asked to
refuse these: pyoxigraph would happily fetch any URL named in ``SERVICE``,
and an update must be answered 403, not 400. The check errs on the side of
refusing: a ``SERVICE`` keyword hidden in odd syntax is still a keyword here.
Pure functions over strings; touches nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
QUERY_KEYWORDS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()\[\];,]*)?|:[^\s{}()\[\];,]*)
  | (?P<other>.)
    """,
    re.X | re.S,
)


@dataclass(frozen=True)
class QueryShape:
    """What the guard learned about a query text."""

    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK, an update keyword, or None
    uses_service: bool
    has_dataset_clause: bool

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS


def unescape(text: str) -> str:
    """SPARQL code-point escapes (``\\u0053``) are resolved before parsing (SPARQL 1.1 §19.2)."""
    if "\\u" not in text and "\\U" not in text:
        return text
    def repl(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group(0)
    return _ESCAPE.sub(repl, text)


def words(text: str) -> list[str]:
    """Bare keywords and prefixed names of a query, upper-cased, in order (no strings, IRIs, variables)."""
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "word":
            out.append(m.group().upper())
        elif m.lastgroup == "iri":
            out.append("<>")
    return out


def inspect(query: str) -> QueryShape:
    """The form of ``query`` and whether it names ``SERVICE`` or ``FROM``."""
    text = unescape(query)
    lowered = text.lower()
    if "service" not in lowered and "from" not in lowered:
        tokens = words(text)
        return QueryShape(_form(tokens), False, False)
    tokens = words(text)
    return QueryShape(_form(tokens), "SERVICE" in tokens, "FROM" in tokens)


def _form(tokens: list[str]) -> str | None:
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "PREFIX":
            i += 3  # PREFIX pname: <iri>
            continue
        if t == "BASE":
            i += 2
            continue
        if t in QUERY_KEYWORDS or t in UPDATE_KEYWORDS:
            return t
        return None
    return None
