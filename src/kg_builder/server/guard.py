"""Guard: what a query text is, before any of it reaches the store.

The text is cut into the tokens of the SPARQL 1.1 grammar (§19.8, its
terminals as written there: IRIs, prefixed names with their ``\\;``-style
escapes and ``%xx``, blank-node labels, variables, language tags, the four
kinds of strings, numbers, comments, keywords), plus the punctuation of
SPARQL 1.2 triple terms. Because the tokens are the grammar's own, a
keyword can never hide in, or escape from, a name, a string, an IRI or a
comment: ``x:a\\;\\#`` is one prefixed name, not a name and a comment. The
guard then reads three facts: the query form (the first keyword after the
prologue), whether any update keyword appears (403, nothing runs), whether
``SERVICE`` appears (refused unless allowed) and whether ``FROM`` appears.

Why a lexer and not a full parse: the installed pyoxigraph (0.5) offers no
parse-only call, no algebra and no switch against ``SERVICE``, and rdflib's
parser rejects valid queries pyoxigraph runs (triple terms, ``TRIPLE()``) and
takes ~20 ms per catalogue query. At the token level the answer is exact
anyway: in the grammar ``SERVICE`` and the update keywords occur only as
those keywords. The text is read twice, as sent and with ``\\uXXXX`` escapes
resolved (SPARQL 1.1 §19.2), and a keyword found in either counts, so the
guard errs on refusing. It is not the only defence: the workers that run
queries have no network (:mod:`kg_builder.server.sandbox`).

Pure functions over strings; touches nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
QUERY_KEYWORDS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
PROLOGUE_KEYWORDS = frozenset({"PREFIX", "BASE", "VERSION"})

# ---------------------------------------------------------------- the grammar's terminals (SPARQL 1.1 §19.8)
_PN_CHARS_BASE = (
    "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
    "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ESCAPED = r"\\."  # ECHAR, and UCHAR's first two characters: either way the next character is not a delimiter
_EXPONENT = r"[eE][+-]?[0-9]+"

_TOKEN = re.compile(
    "|".join([
        r"(?P<ws>[ \t\r\n]+)",
        r"(?P<comment>#[^\r\n]*)",
        (rf"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ESCAPED}))*'''"
         rf"|\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|{_ESCAPED}))*\"\"\""
         rf"|'(?:[^'\\\n\r]|{_ESCAPED})*'"
         rf"|\"(?:[^\"\\\n\r]|{_ESCAPED})*\")"),
        rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)",
        rf"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
        rf"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
        rf"(?P<var>[?$]{_VARNAME})",
        r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
        rf"(?P<number>[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}|[0-9]*\.[0-9]+|[0-9]+)",
        r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
        r"(?P<punct><<\(|\)>>|<<|>>|\{\||\|\}|\^\^|&&|\|\||!=|<=|>=|.)",
    ]),
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    kind: str  # one of the group names of _TOKEN (never ws or comment)
    text: str


@dataclass(frozen=True)
class QueryShape:
    """What the guard learned about a query text."""

    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK, an update keyword, or None
    uses_service: bool
    has_dataset_clause: bool
    has_update_keyword: bool = False

    @property
    def is_update(self) -> bool:
        return self.has_update_keyword or self.form in UPDATE_KEYWORDS


def unescape(text: str) -> str:
    """SPARQL code-point escapes (``\\u0053``) resolved, as SPARQL 1.1 §19.2 says to do before parsing."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group(0)

    return _ESCAPE.sub(repl, text)


def tokens(text: str) -> list[Token]:
    """The grammar tokens of ``text``, without whitespace and comments."""
    return [Token(m.lastgroup or "punct", m.group()) for m in _TOKEN.finditer(text)
            if m.lastgroup not in ("ws", "comment")]


def keywords(text: str) -> list[str]:
    """The bare keywords of ``text``, upper-cased, in order (names, strings, IRIs and variables are not keywords)."""
    return [t.text.upper() for t in tokens(text) if t.kind == "word"]


def inspect(query: str) -> QueryShape:
    """The form of ``query``, and whether it names an update keyword, ``SERVICE`` or ``FROM``."""
    form, words = _scan(query)
    resolved = unescape(query)
    if resolved != query:
        other_form, other_words = _scan(resolved)
        words |= other_words
        if other_form in UPDATE_KEYWORDS or form is None:
            form = other_form
    return QueryShape(form, "SERVICE" in words, "FROM" in words, bool(words & UPDATE_KEYWORDS))


def _scan(text: str) -> tuple[str | None, set[str]]:
    """One pass: the form (the first keyword after the prologue) and every keyword, upper-cased.

    The prologue is ``BASE <iri>``, ``PREFIX p: <iri>`` and (SPARQL 1.2)
    ``VERSION "1.2"``: a keyword followed by one or two tokens.
    """
    words: set[str] = set()
    form: str | None = None
    deciding = True
    skip = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ws" or kind == "comment":
            continue
        if kind == "word":
            words.add(m.group().upper())
        if not deciding:
            continue
        if skip:
            skip -= 1
            continue
        if kind != "word":
            deciding = False
            continue
        word = m.group().upper()
        if word in PROLOGUE_KEYWORDS:
            skip = 2 if word == "PREFIX" else 1
            continue
        form = word if word in QUERY_KEYWORDS or word in UPDATE_KEYWORDS else None
        deciding = False
    return form, words
