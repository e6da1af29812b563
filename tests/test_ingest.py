"""Ingest on bad and unusual input: each problem named with its file, the rest still read."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg_builder.config import settings
from kg_builder.ingest import IngestError, read_corpus

STORY = (
    "JEMBER, Kabar Timur - Pemerintah Kabupaten Jember meraih peringkat ke-4 nasional dalam "
    "penilaian kepatuhan pelayanan publik Ombudsman RI tahun 2023 dengan nilai 91,20.\n"
)


def corpus_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(STORY, encoding="utf-8")
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    return corpus


def read(corpus: Path, **overrides):
    return read_corpus(corpus, settings(corpus_dir=corpus, **overrides))


def only_error(result) -> IngestError:
    assert [a.source_file for a in result.articles if a.source_file == "good.txt"] == ["good.txt"]
    assert len(result.errors) == 1
    return result.errors[0]


def test_windows_1252_text_is_decoded(tmp_path):
    text = "Kepala Perwakilan menyebut “kepatuhan” naik – nilai 88,10 pada 2023.\n"
    result = read(corpus_with(tmp_path, {"cp.txt": text.encode("cp1252")}))
    assert not result.errors
    article = next(a for a in result.articles if a.source_file == "cp.txt")
    assert article.text == text


def test_undecodable_bytes_are_refused_with_the_file_name(tmp_path):
    err = only_error(read(corpus_with(tmp_path, {"bad.txt": b"nilai 88\x81\x8d\x8f naik\n"})))
    assert err.path.endswith("bad.txt") and "not valid UTF-8" in err.problem


def test_binary_file_is_refused(tmp_path):
    err = only_error(read(corpus_with(tmp_path, {"image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"})))
    assert err.path.endswith("image.txt") and "binary" in err.problem


def test_empty_file_is_refused(tmp_path):
    err = only_error(read(corpus_with(tmp_path, {"empty.txt": b"  \n\n"})))
    assert err.path.endswith("empty.txt") and "empty" in err.problem


def test_html_page_gives_its_visible_text(tmp_path):
    page = (
        "<!DOCTYPE html><html><head><title>x</title><script>var nilai = 99.99;</script></head>"
        "<body><nav>Beranda | Nasional</nav><article><h1>Kota Blitar Raih Zona Hijau</h1>"
        "<p>Pemerintah Kota Blitar meraih nilai 98,19 dalam penilaian Ombudsman RI tahun 2024.</p>"
        "<p>Baca juga: Berita lain</p></article><footer>Hak cipta</footer></body></html>"
    )
    result = read(corpus_with(tmp_path, {"page.html": page.encode("utf-8")}))
    assert not result.errors
    article = next(a for a in result.articles if a.source_file == "page.html")
    assert "Pemerintah Kota Blitar meraih nilai 98,19" in article.text
    assert "var nilai" not in article.text and "Beranda" not in article.text and "<p>" not in article.text
    assert any("Baca juga" in article.text[s.start : s.end] for s in article.furniture)


def test_file_over_the_size_limit_is_refused(tmp_path):
    err = only_error(read(corpus_with(tmp_path, {"huge.txt": STORY.encode() * 50}), max_article_bytes=1000))
    assert err.path.endswith("huge.txt") and "too large" in err.problem


def test_same_article_under_two_names_is_one_article(tmp_path):
    result = read(corpus_with(tmp_path, {"copy.txt": STORY.replace("\n", "\r\n").encode("utf-8")}))
    assert not result.errors
    assert len(result.articles) == 1
    assert result.articles[0].source_file == "copy.txt"
    assert result.articles[0].also_source_files == ("good.txt",)


@pytest.mark.parametrize(
    ("sidecar", "problem"),
    [
        ("- just\n- a list\n", "expected a mapping"),
        ("url: https://example.org/a\ncolour: red\n", "unknown keys ['colour']"),
        ("published: 14 Desember 2023\n", "published must be YYYY-MM-DD"),
        ("url: [unclosed\n", "malformed sidecar"),
    ],
)
def test_malformed_sidecar_is_refused_with_its_name(tmp_path, sidecar, problem):
    corpus = corpus_with(tmp_path, {"story.txt": STORY.replace("4", "5").encode(), "story.meta.yaml": sidecar.encode()})
    err = only_error(read(corpus))
    assert err.path.endswith("story.meta.yaml") and problem in err.problem


def test_sidecar_metadata_is_read(tmp_path):
    corpus = corpus_with(tmp_path, {
        "story.txt": STORY.replace("4", "5").encode(),
        "story.meta.yaml": b"url: https://example.org/berita/1\npublisher: Kabar Timur\npublished: 2023-12-15\nauthor: Sari\n",
    })
    result = read(corpus)
    assert not result.errors
    meta = next(a for a in result.articles if a.source_file == "story.txt").meta
    assert (meta.url, meta.outlet, meta.published, meta.author) == (
        "https://example.org/berita/1", "Kabar Timur", "2023-12-15", "Sari")


def test_missing_corpus_directory_is_a_clear_error(tmp_path):
    with pytest.raises(IngestError, match="does not exist"):
        read(tmp_path / "nowhere")
