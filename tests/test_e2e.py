"""End to end: the real server under uvicorn answers the foundation's questions over HTTP."""

from __future__ import annotations

import csv
import io

import httpx
from conftest import OKG, PREFIXES
from rdflib import Graph, URIRef

JEMBER = PREFIXES + """
SELECT ?pos ?of ?quote WHERE {
  ?c a okg:RankClaim ; okg:aboutResult <https://w3id.org/kepatuhan-kg/id/assessment/2023/kab-jember> ;
     okg:rankPosition ?pos ; okg:evidence/oa:hasSelector/oa:exact ?quote .
  OPTIONAL { ?c okg:rankOutOf ?of } }"""
LEBONG = PREFIXES + """
SELECT ?unit ?score ?quote WHERE {
  ?r okg:partOfResult <https://w3id.org/kepatuhan-kg/id/assessment/2023/kab-lebong> ; okg:assessedEntity ?u .
  ?u rdfs:label ?unit .
  ?c okg:aboutResult ?r ; okg:score ?score ; okg:evidence/oa:hasSelector/oa:exact ?quote } ORDER BY DESC(?score)"""


def test_get_select_json_jember_rank(server):
    r = httpx.get(f"{server}/sparql", params={"query": JEMBER}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    rows = r.json()["results"]["bindings"]
    assert {b["pos"]["value"] for b in rows} == {"4"}
    assert any("268" in b["quote"]["value"] for b in rows)


def test_post_form_csv_lebong_units(server):
    r = httpx.post(f"{server}/sparql", data={"query": LEBONG}, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["score"] for row in rows] == ["94.13", "92.85", "92.47", "92.21", "91.89", "90.85", "89.57"]
    assert rows[0]["unit"] == "Puskesmas Taba Atas" and "94,13" in rows[0]["quote"]


def test_post_sparql_query_construct_turtle_blitar(server):
    q = PREFIXES + """CONSTRUCT { ?r okg:score ?s } WHERE {
        BIND(<https://w3id.org/kepatuhan-kg/id/assessment/2024/kota-blitar> AS ?r) ?r okg:score ?s }"""
    r = httpx.post(f"{server}/sparql", content=q.encode(), headers={"Content-Type": "application/sparql-query", "Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    score = g.value(URIRef("https://w3id.org/kepatuhan-kg/id/assessment/2024/kota-blitar"), URIRef(OKG + "score"))
    assert float(score) == 98.19


def test_update_is_refused(server):
    r = httpx.post(f"{server}/sparql", data={"update": "DROP ALL"})
    assert r.status_code == 403
