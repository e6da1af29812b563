"""Dump: ``kg.nq`` as a sequence of named segments.

The build writes its N-Quads in segments, one per part of the graph that
changes together (:mod:`kg_builder.segments` says which): the reference
data, the run, one per article, the shared nodes, the curation decisions,
one per result group. Segments lie in the file in the order of their sort
key, so a dump depends only on its content, never on the order work was done.

The manifest keeps each segment's byte range. An incremental build reads back
the lines of the segments it replaces (to remove exactly those quads from the
store) and writes the new dump by copying every unchanged range of the old
file in the kernel (``os.copy_file_range``) and writing only the new segments:
a national dump is rewritten in about a second, and is byte for byte the dump
a clean build writes.

Reads and writes only the dump files it is given.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def term(t: object) -> str:
    """A subject, predicate or object in N-Quads syntax (rdflib's ``n3()`` may use
    triple quotes for a literal, which N-Quads does not allow)."""
    if type(t) is URIRef:  # most terms, and validated when made
        return f"<{t}>"
    if isinstance(t, Literal):
        text = str(t).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if t.language:
            return f'"{text}"@{t.language}'
        if t.datatype is not None and str(t.datatype) != XSD_STRING:
            return f'"{text}"^^<{t.datatype}>'
        return f'"{text}"'
    return t.n3()  # type: ignore[attr-defined]


def lines(triples: Iterable[tuple], graph: str) -> list[str]:
    """N-Quads lines (each ending in a newline) of ``triples`` in the named graph ``graph``."""
    ctx = f" <{graph}> .\n"
    return [f"{term(s)} {term(p)} {term(o)}{ctx}" for s, p, o in triples]


@dataclass(frozen=True)
class Segment:
    """A named byte range of the dump; ``order`` is where it lies among the others."""

    key: str
    order: str
    start: int
    end: int


class DumpWriter:
    """Writes segments one after the other, in increasing ``order``, recording where each lies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._f = path.open("wb", buffering=1 << 20)
        self._pos = 0
        self._last = ""
        self.segments: list[Segment] = []

    def write(self, key: str, order: str, segment_lines: Iterable[str]) -> Segment:
        self._check_order(order)
        data = "".join(segment_lines).encode("utf-8")
        self._f.write(data)
        return self._record(key, order, len(data))

    def copy(self, src: int, old: Segment) -> Segment:
        """The bytes of ``old`` from the open file ``src``, copied in the kernel."""
        self._check_order(old.order)
        self._f.flush()
        n, offset, dst = old.end - old.start, old.start, self._f.fileno()
        os.lseek(dst, self._pos, os.SEEK_SET)
        while n > 0:
            done = os.copy_file_range(src, dst, n, offset)
            if done == 0:
                raise OSError(f"{self.path}: the old dump ended before segment {old.key}")
            n, offset = n - done, offset + done
        self._f.seek(0, os.SEEK_END)
        return self._record(old.key, old.order, old.end - old.start)

    def _check_order(self, order: str) -> None:
        if order < self._last:
            raise ValueError(f"segment order {order!r} written after {self._last!r}")
        self._last = order

    def _record(self, key: str, order: str, size: int) -> Segment:
        seg = Segment(key, order, self._pos, self._pos + size)
        self._pos += size
        self.segments.append(seg)
        return seg

    @property
    def size(self) -> int:
        return self._pos

    def close(self) -> None:
        self._f.close()


def read_segment(path: Path, seg: Segment) -> list[str]:
    """The lines of one segment of the dump at ``path``."""
    with path.open("rb") as f:
        f.seek(seg.start)
        data = f.read(seg.end - seg.start)
    return data.decode("utf-8").splitlines(keepends=True)


def read_segments(path: Path, segs: Iterable[Segment]) -> Iterator[tuple[Segment, list[str]]]:
    """Several segments of one dump, read with one open file."""
    with path.open("rb") as f:
        for seg in sorted(segs, key=lambda s: s.start):
            f.seek(seg.start)
            yield seg, f.read(seg.end - seg.start).decode("utf-8").splitlines(keepends=True)


def splice(old: Path, new: Path, kept: list[Segment], written: dict[str, tuple[str, list[str]]]) -> list[Segment]:
    """Write ``new``: the ``kept`` segments of ``old`` and the ``written`` ones (key -> (order, lines)), in order.

    Adjacent kept segments are copied as one range.
    """
    items: list[tuple[str, str, Segment | None]] = [(s.order, s.key, s) for s in kept]
    items += [(order, key, None) for key, (order, _) in written.items()]
    items.sort(key=lambda t: (t[0], t[1]))
    writer = DumpWriter(new)
    fd = os.open(old, os.O_RDONLY)
    try:
        run: list[Segment] = []

        def flush() -> None:
            if run:
                merged = Segment(run[0].key, run[0].order, run[0].start, run[-1].end)
                at = writer.size
                writer.copy(fd, merged)
                writer.segments.pop()  # recorded one by one below
                for s in run:
                    writer.segments.append(Segment(s.key, s.order, at + s.start - run[0].start, at + s.end - run[0].start))
                run.clear()

        for order, key, seg in items:
            if seg is not None:
                if run and run[-1].end != seg.start:
                    flush()
                run.append(seg)
                continue
            flush()
            writer.write(key, order, written[key][1])
        flush()
    finally:
        os.close(fd)
        writer.close()
    return writer.segments
