"""HTML pages over a real server: content, escaping, the query page, and headless Chromium screenshots.

Chromium comes from the OS packages (``make test`` installs it where apt is
available); without it the screenshot tests skip and say why.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from conftest import BASE, serving

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CATALOGUE = {
    "peringkat-jember.rq": """# Peringkat Kabupaten Jember 2023
# Setiap klaim peringkat dengan kutipannya.
PREFIX okg: <https://w3id.org/kepatuhan-kg/def/okg#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?posisi ?kutipan WHERE {
  ?c a okg:RankClaim ; okg:aboutResult <https://w3id.org/kepatuhan-kg/id/assessment/2023/kab-jember> ;
     okg:rankPosition ?posisi ; okg:evidence/oa:hasSelector/oa:exact ?kutipan . } ORDER BY ?kutipan
""",
    "unit-lebong.rq": """# Unit layanan Kabupaten Lebong 2023
PREFIX okg: <https://w3id.org/kepatuhan-kg/def/okg#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?unit ?nilai WHERE {
  ?r okg:partOfResult <https://w3id.org/kepatuhan-kg/id/assessment/2023/kab-lebong> ; okg:assessedEntity ?unit ; okg:score ?nilai
} ORDER BY DESC(?nilai)
""",
}


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    queries = tmp_path_factory.mktemp("queries")
    for name, text in CATALOGUE.items():
        (queries / name).write_text(text, encoding="utf-8")
    (queries / "README.md").write_text("bukan kueri", encoding="utf-8")
    with serving(built[0].out_dir, "--queries", str(queries)) as url:
        yield url


def page(url: str) -> str:
    r = httpx.get(url, headers=BROWSER, follow_redirects=True)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), (url, r.status_code)
    assert "<script" not in r.text.lower()  # no script: pages work offline and need nothing else
    assert "http://" not in r.text.split("<body>")[0].replace("http://www.w3.org/2000/svg", "")
    return r.text


def test_entity_page_results_units_and_chart(site):
    html = page(f"{site}/id/entity/kab-lebong")
    assert "Pemerintah Kabupaten Lebong" in html
    assert '<svg class="chart"' in html and "<path d=\"M" in html
    assert ">2022<" in html and ">2023<" in html and "84.22" in html
    assert "Puskesmas Taba Atas" in html and "94.13" in html  # units with their scores


def test_result_page_quotes_highlighted_with_links_to_articles(site):
    html = page(f"{site}/id/assessment/2023/kab-jember")
    assert "<mark>Jember peringkat empat</mark>" in html
    assert 'href="/doc/article/' in html and "#char=" in html
    assert "okg:RankClaim" in html


def test_article_round_concept_ontology_home_pages(site):
    result = page(f"{site}/doc/assessment/2023/kab-jember.html")
    article = result.split('href="/doc/article/')[1].split('"')[0].split("#")[0]
    html = page(f"{site}/doc/article/{article}")
    assert "<mark>" in html and "Pemerintah Kabupaten Jember · 2023" in html
    round_html = page(f"{site}/id/assessment/2023")
    assert "2023" in round_html.split("<h1>")[1].split("</h1>")[0]
    assert "Cakupan" in round_html and "okg:CoverageClaim" in round_html
    concept = page(f"{site}/def/zone/hijau")
    assert "zone/hijau" in concept and "okg:zone" in concept
    scheme = page(f"{site}/def/zone")
    assert "def/zone/kuning" in scheme
    onto = page(f"{site}/def/okg")
    assert "UnitResult" in onto
    home = page(f"{site}/")
    assert 'href="/doc/assessment/2023"' in home and "Pemerintah Kabupaten Jember" in home


def test_query_page_lists_the_catalogue_and_runs_with_one_click(site):
    html = page(f"{site}/query")
    assert "Peringkat Kabupaten Jember 2023" in html and "Unit layanan Kabupaten Lebong 2023" in html
    assert "README" not in html
    run = page(f"{site}/query?name=peringkat-jember")
    assert "Jember peringkat empat" in run and "3 baris" in run
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f"format={fmt}" in run
    csv_link = run.split('href="')[[i for i, part in enumerate(run.split('href="')) if "format=csv" in part.split('"')[0]][0]].split('"')[0]
    r = httpx.get(site + csv_link.replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv") and "Jember peringkat empat" in r.text
    units = page(f"{site}/query?name=unit-lebong")
    assert "Puskesmas Taba Atas" in units and 'href="/doc/entity/kab-lebong/unit/puskesmas-taba-atas"' in units


def test_query_page_shows_errors_and_escapes_what_it_echoes(site):
    evil = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    html = httpx.get(f"{site}/query", params={"query": evil}).text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    bad = httpx.get(f"{site}/query", params={"query": "SELECT WHERE {"})
    assert bad.status_code == 400 and "syntax" in bad.text.lower()
    upd = httpx.get(f"{site}/query", params={"query": "DROP ALL"})
    assert upd.status_code == 403
    missing = httpx.get(f"{site}/query", params={"name": "tidak-ada"})
    assert missing.status_code == 404


def test_sparql_format_html_opens_the_query_page(site):
    r = httpx.get(f"{site}/sparql", params={"query": "ASK {}", "format": "html"})
    assert r.status_code == 303 and r.headers["location"].startswith("/query?query=ASK")
    assert "ya (true)" in httpx.get(site + r.headers["location"]).text


def test_construct_on_the_query_page_is_a_triple_table(site):
    q = f"CONSTRUCT {{ <{BASE}id/entity/kab-jember> ?p ?o }} WHERE {{ <{BASE}id/entity/kab-jember> ?p ?o }}"
    html = httpx.get(f"{site}/query", params={"query": q}).text
    assert "<th>subject</th>" in html and "35.09" in html and "format=ttl" in html


# ---------------------------------------------------------------- a real browser
def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed: `apt-get install chromium` (make test installs it where apt-get "
                "is available); the screenshot tests need a real browser")


def png_size_and_colours(path: Path) -> tuple[int, int, int]:
    """Width, height and a rough count of distinct colours (a blank page has one or two)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, pos = [], 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            chunks.append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    sample = {raw[i:i + 3] for i in range(1, min(len(raw), 2_000_000), 97)}
    return width, height, len(sample)


def screenshot(url: str, out: Path) -> tuple[int, int, int]:
    browser = chromium()
    cmd = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           f"--user-data-dir={out.parent / 'profile'}", "--window-size=1200,1400", f"--screenshot={out}", url]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert out.exists(), f"Chromium wrote no screenshot of {url}"
    return png_size_and_colours(out)


def dom(url: str, tmp: Path) -> str:
    browser = chromium()
    cmd = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp / 'profile'}",
           "--dump-dom", url]
    return subprocess.run(cmd, capture_output=True, timeout=120, check=False, text=True).stdout


def test_chromium_screenshot_of_an_entity_page(site, tmp_path):
    out = tmp_path / "entity.png"
    width, height, colours = screenshot(f"{site}/id/entity/kab-lebong", out)
    assert (width, height) == (1200, 1400) and colours > 50
    rendered = dom(f"{site}/id/entity/kab-lebong", tmp_path)
    assert "Pemerintah Kabupaten Lebong" in rendered and "<svg" in rendered


def test_chromium_screenshot_of_the_query_page(site, tmp_path):
    out = tmp_path / "query.png"
    url = f"{site}/query?name={quote('peringkat-jember')}"
    width, height, colours = screenshot(url, out)
    assert (width, height) == (1200, 1400) and colours > 50
    rendered = dom(url, tmp_path)
    assert "Jember peringkat empat" in rendered and "Peringkat Kabupaten Jember 2023" in rendered
