"""Ingest: read corpus files into canonical :class:`~kg_builder.model.Article`.

Canonical text is the file decoded (UTF-8, else a usual Indonesian web
encoding), CRLF/CR turned into LF, and NFC-normalised; nothing else changes,
so offsets into it stay meaningful for quoting. Page furniture (ticker
headlines, "Baca juga:", captions, copyright lines) is located, not removed:
extraction reads :attr:`Article.body`, where it is blanked out.

This module reads files and nothing else; it never writes.
"""

from __future__ import annotations

import hashlib
import html
import html.parser
import os
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from kg_builder.config import Settings
from kg_builder.model import Article, ArticleMeta, Span

#: Encodings tried, in order, when a file is not UTF-8.
FALLBACK_ENCODINGS = ("cp1252",)
SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_KEYS = {"url", "publisher", "published", "author", "editor", "headline"}


class IngestError(Exception):
    """A corpus file that cannot become an article; names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True)
class Corpus:
    """The articles of a corpus directory, and the files that were refused."""

    articles: tuple[Article, ...]
    errors: tuple[IngestError, ...]


def canonicalize(raw: str) -> str:
    """LF line ends and NFC; the only changes made to an article's text."""
    return unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))


def article_id(text: str) -> tuple[str, str]:
    """``(id, sha256)`` of a canonical text; the id is the first 16 hex digits."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return digest[:16], digest


def decode(data: bytes, path: Path | str) -> str:
    """Bytes to text: UTF-8 first, then the fallbacks; refuse binary data."""
    if not data.strip():
        raise IngestError(path, "the file is empty")
    if b"\x00" in data[:8192]:
        raise IngestError(path, "the file is binary (it contains NUL bytes), not an article text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(0x80 <= ord(c) < 0xA0 for c in text):
            return text
    raise IngestError(
        path,
        f"not valid UTF-8 (byte {utf8_error.start}) and not {', '.join(FALLBACK_ENCODINGS)} either",
    )


class _TextOfHtml(html.parser.HTMLParser):
    """Collect the visible text of an HTML page, one block per line."""

    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section"}
    SKIP = {"script", "style", "noscript", "template", "head", "nav", "footer"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(
        re.search(r"<(body|p|div)\b[^>]*>", text[:4096], re.I)
    )


def html_to_text(text: str) -> str:
    """The readable text of an HTML page (scripts, styles, navigation dropped)."""
    parser = _TextOfHtml()
    parser.feed(text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    return html.unescape("\n".join(line for line in lines if line))


# --- page furniture -------------------------------------------------------

_FURNITURE_LINE = re.compile(
    r"""^(?:
        baca\s+juga\s*:.*                 # links to other stories
      | komentar\s*                       # comment-section header
      | (?:copyright|hak\s+cipta)\b.*|©.*   # copyright lines
      | keterangan\s+gambar\s*:.*          # photo caption label
      | .*\((?:foto|dok|ilustrasi)\s*:[^)]*\)\s*  # caption ending with a photo credit
      | (?:pewarta|editor|penulis|reporter|redaktur)\s*:.*
      | (?:ikuti|simak)\s+(?:berita|kami).*   # follow-us lines
    )$""",
    re.I | re.X,
)
_TICKER_LINE = re.compile(r"^\s*[-•·]\s+\S")


def find_furniture(text: str) -> tuple[Span, ...]:
    """Spans of page furniture: lines that are not part of the story."""
    spans: list[Span] = []
    offset = 0
    lines = text.split("\n")
    in_ticker = True  # a run of bullet lines at the very top is a headline ticker
    for line in lines:
        stripped = line.strip()
        start, end = offset, offset + len(line)
        if in_ticker and stripped and not _TICKER_LINE.match(line):
            in_ticker = False
        if stripped and (in_ticker or _FURNITURE_LINE.match(stripped)):
            spans.append(Span(start, end))
        offset = end + 1
    return tuple(spans)


# --- metadata stated in the text -------------------------------------------

_OUTLET_DATELINE = re.compile(
    r"^(?:(?P<place1>[A-Z][\w .]+),\s*)?(?P<outlet>[A-Za-z][\w-]*(?:\.[a-z]{2,})+|[A-Z][A-Z]+\.COM)"
    r"(?:,\s*(?P<place2>[A-Z][\w .]+))?\s*[–—-]\s",
    re.M,
)
_ANTARA_DATELINE = re.compile(r"^(?P<place>[A-Z][\w ]+)\s*\((?P<outlet>ANTARA)\)\s*[–—-]", re.M)
_COPYRIGHT = re.compile(r"(?:COPYRIGHT|Copyright)\s*©\s*(?P<outlet>.+?)\s*(?:\d{4})?\s*$", re.M)
_AUTHOR = re.compile(r"^(?:Pewarta|Penulis|Reporter)\s*:\s*(?P<name>[^|\n]+?)\s*(?:\||$)", re.M | re.I)
_EDITOR = re.compile(r"(?:^|\|\s*)Editor\s*:\s*(?P<name>[^|\n]+?)\s*$", re.M | re.I)


def find_meta(text: str) -> ArticleMeta:
    """Outlet, author, editor and dateline where the text states them."""
    outlet = dateline = author = editor = None
    if m := _OUTLET_DATELINE.search(text[:2000]):
        outlet = m.group("outlet")
        dateline = m.group("place1") or m.group("place2")
    elif m := _ANTARA_DATELINE.search(text[:2000]):
        outlet, dateline = "ANTARA", m.group("place")
    if m := _COPYRIGHT.search(text):
        outlet = outlet or m.group("outlet").strip()
    if m := _AUTHOR.search(text):
        author = m.group("name").strip()
    if m := _EDITOR.search(text):
        editor = m.group("name").strip()
    return ArticleMeta(outlet=outlet, author=author, editor=editor, dateline=dateline)


def sidecar_path(path: Path) -> Path:
    """Where the optional ``NAME.meta.yaml`` of an article file lies."""
    return path.with_name(path.name.removesuffix(path.suffix) + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict[str, str]:
    """The ``NAME.meta.yaml`` next to an article, checked; empty if there is none."""
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return {}
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise IngestError(sidecar, f"malformed sidecar: {exc}".splitlines()[0]) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise IngestError(sidecar, "malformed sidecar: expected a mapping of url/publisher/published/author")
    unknown = set(data) - SIDECAR_KEYS
    if unknown:
        raise IngestError(sidecar, f"malformed sidecar: unknown keys {sorted(unknown)}")
    out = {k: str(v).strip() for k, v in data.items() if v is not None}
    if "published" in out and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", out["published"]):
        raise IngestError(sidecar, f"malformed sidecar: published must be YYYY-MM-DD, got {out['published']!r}")
    return out


def read_article(path: Path, corpus_dir: Path, settings: Settings) -> Article:
    """Read one file into a canonical article, or raise :class:`IngestError`."""
    size = path.stat().st_size
    if size > settings.max_article_bytes:
        raise IngestError(path, f"file too large ({size} bytes > limit {settings.max_article_bytes})")
    text = decode(path.read_bytes(), path)
    if looks_like_html(text):
        text = html_to_text(text)
    text = canonicalize(text)
    if not text.strip():
        raise IngestError(path, "no text left after decoding")
    ident, digest = article_id(text)
    meta = find_meta(text)
    side = read_sidecar(path)
    if side:
        meta = replace(
            meta,
            url=side.get("url", meta.url),
            outlet=side.get("publisher", meta.outlet),
            published=side.get("published", meta.published),
            author=side.get("author", meta.author),
            editor=side.get("editor", meta.editor),
            headline=side.get("headline", meta.headline),
        )
    return Article(
        id=ident,
        source_file=path.relative_to(corpus_dir).as_posix(),
        text=text,
        sha256=digest,
        furniture=find_furniture(text),
        meta=meta,
    )


#: What an article file may be called (besides not starting with a dot and not being a sidecar).
ARTICLE_SUFFIXES = {".txt", ".html", ".htm", ".text", ""}


def _is_article(name: str) -> bool:
    if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
        return False
    dot = name.rfind(".")
    return (name[dot:].lower() if dot > 0 else "") in ARTICLE_SUFFIXES


@dataclass(frozen=True)
class FileStat:
    """What a build compares to see whether a corpus file changed: its size, mtime and sidecar's."""

    size: int
    mtime_ns: int
    sidecar: str  # "size:mtime_ns" of NAME.meta.yaml, or "" when there is none


def scan(corpus_dir: Path) -> dict[str, FileStat]:
    """Every article file under ``corpus_dir`` (path relative to it, POSIX form) with its :class:`FileStat`.

    One directory listing per folder: a sidecar is looked up in the listing,
    not with a failed ``stat`` per article (a national corpus has 50 000 files).
    """
    out: dict[str, FileStat] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as it:
            entries = list(it)
        names = {e.name: e for e in entries}
        sidecars = any(name.endswith(SIDECAR_SUFFIX) for name in names)
        for e in entries:
            if e.is_dir():
                walk(e.path, f"{prefix}{e.name}/")
            elif e.is_file() and _is_article(e.name):
                try:
                    st = e.stat()
                    side = names.get(os.path.splitext(e.name)[0] + SIDECAR_SUFFIX) if sidecars else None
                    sst = side.stat() if side is not None else None
                except OSError:
                    continue  # gone while we looked
                out[prefix + e.name] = FileStat(st.st_size, st.st_mtime_ns,
                                                f"{sst.st_size}:{sst.st_mtime_ns}" if sst else "")

    walk(str(corpus_dir), "")
    return out


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The article files of a corpus directory, sorted (sidecars excluded)."""
    return sorted(corpus_dir / rel for rel in scan(corpus_dir))


def read_file(path: Path, corpus_dir: Path, settings: Settings) -> Article | IngestError:
    """One file as an article, or the error that names it and its problem."""
    try:
        return read_article(path, corpus_dir, settings)
    except IngestError as exc:
        return exc
    except OSError as exc:
        return IngestError(path, f"cannot read: {exc.strerror}")


def merge_duplicates(articles: list[Article]) -> list[Article]:
    """Files with the same canonical text are one article with several source files.

    The first file in sorted order is the primary one (its sidecar gives the
    metadata); the others become ``also_source_files``. Sorted by primary file.
    """
    by_id: dict[str, Article] = {}
    for article in sorted(articles, key=lambda a: a.source_file):
        first = by_id.get(article.id)
        if first is None:
            by_id[article.id] = article
        else:
            by_id[article.id] = replace(first, also_source_files=first.also_source_files + (article.source_file,))
    return sorted(by_id.values(), key=lambda a: a.source_file)


def read_corpus(corpus_dir: Path, settings: Settings) -> Corpus:
    """Every article of ``corpus_dir``; bad files become errors, not exceptions."""
    if not corpus_dir.is_dir():
        raise IngestError(corpus_dir, "corpus directory does not exist")
    read = [read_file(path, corpus_dir, settings) for path in corpus_files(corpus_dir)]
    articles = merge_duplicates([r for r in read if isinstance(r, Article)])
    return Corpus(articles=tuple(articles), errors=tuple(r for r in read if isinstance(r, IngestError)))
