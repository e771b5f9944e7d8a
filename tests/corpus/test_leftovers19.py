"""Issue 19's leftovers. On the web: the search's JSON gives the whole result with _all=1,
and the search page offers its Atom feed (a real corpus file and a real server). On the
command line: hdnd stats counts promises in its table as in its json, counts of one read
"1 article", and hdnd promise takes the listing commands' --format (a corpus made by hdnd
import and hdnd process)."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.cli import cli
from corpus.db import connect
from corpus.serve.pages import EXPORT_CHUNK, SEARCH_SIZE
from tests.corpus.conftest import get, processed_transcript, save_paged_articles, serving

A = "{http://www.w3.org/2005/Atom}"
# More matches than one read of the whole-result export, so its chunks are joined. Plumbing
# fixtures (what the search must find), not data for training or evaluation.
MANY = EXPORT_CHUNK + 30


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path: Path = tmp_path_factory.mktemp("leftovers19") / "hdnd.db"
    db = connect(path)
    save_paged_articles(db, MANY, lambda n: f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}T08:00:00+07:00")
    db.conn.close()
    with serving(path) as port:
        yield f"http://127.0.0.1:{port}"


def _json(url: str) -> dict:
    status, body = get(url)
    assert status == 200, body
    return json.loads(body)


@pytest.mark.parametrize("filters, total", [("", MANY), ("&source=a.example.vn", MANY // 2), ("&kind=transcript", MANY // 5)])
def test_search_json_with_all_gives_every_hit(base, filters, total):
    paged = _json(f"{base}/-/search.json?q=chuyen+doi+so{filters}")
    assert paged["groups"]["articles"]["total"] == total > SEARCH_SIZE["data"] == len(paged["groups"]["articles"]["hits"])
    whole = _json(f"{base}/-/search.json?q=chuyen+doi+so{filters}&_all=1")
    hits = whole["groups"]["articles"]["hits"]
    assert whole["groups"]["articles"]["total"] == total == len(hits) == len({h["id"] for h in hits})
    assert whole["next"] is None and whole["size"] is None and "**" in hits[-1]["snippet"]


def test_search_page_links_its_atom_feed_with_its_filters(base):
    page = get(f"{base}/-/search?q=chuyen+doi+so&source=b.example.vn&kind=transcript")[1].decode("utf-8")
    head = page.split("</head>", 1)[0]
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', head)
    assert [unescape(link) for link in links] == ["/-/search.atom?q=chuyen+doi+so&source=b.example.vn&kind=transcript"]
    assert f'href="{links[0]}"' in page.split("</head>", 1)[1]  # a visible link too
    status, body = get(base + unescape(links[0]))
    assert status == 200
    entries = ET.fromstring(body).findall(A + "entry")
    expected = [n for n in range(MANY) if n % 2 == 1 and n % 5 == 0]
    assert len(entries) == len(expected)
    assert {e.find(A + "link").get("href") for e in entries} == {f"https://b.example.vn/cds-{n}" for n in expected}


def test_a_search_of_promises_only_offers_no_article_feed(base):
    page = get(f"{base}/-/search?q=chuyen+doi+so&kind=commitment")[1].decode("utf-8")
    assert "application/atom+xml" not in page and "/-/search.atom" not in page
    status, body = get(f"{base}/-/search.atom?q=chuyen+doi+so&kind=commitment")
    assert status == 400 and body.decode("utf-8") == "The feed lists articles, so kind= must be one of article, transcript."


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> str:
    """One transcript imported and processed: one article, a session, promises and demands."""
    return processed_transcript(tmp_path_factory.mktemp("leftovers19-cli"), "2024-08-01")


def hdnd(db: str, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_stats_table_counts_promises_as_its_json_and_hdnd_promises_do(processed):
    counts = json.loads(hdnd(processed, "stats", "--format", "json"))
    listed = json.loads(hdnd(processed, "promises", "--format", "json"))
    assert counts["promises"] == len(listed) > 1
    assert counts["overdue"] == sum(p["status"] == "overdue" for p in listed)
    lines = hdnd(processed, "stats").splitlines()
    assert lines[:2] == ["1 article, 1 processed, 0 not yet.", f"{counts['promises']} promises ({counts['overdue']} overdue)."]


def test_a_count_of_one_is_singular(processed):
    assert re.search(r": 1 article, \d+ turns, \d+ questions, \d+ promises$", hdnd(processed, "sessions").strip())
    assert "(1 article)" in hdnd(processed, "session", "1")
    assert "1 articles" not in hdnd(processed, "session", "1") + hdnd(processed, "stats")


def test_promise_takes_the_listing_formats_and_text_still_works(processed):
    record = json.loads(hdnd(processed, "promise", "1", "--format", "json"))
    assert record["id"] == 1 and record["sources"] and record["events"]
    rows = [json.loads(line) for line in hdnd(processed, "promise", "1", "--format", "jsonl").splitlines()]
    assert rows == [{"list": name, **item} for name in ("sources", "events") for item in record[name]]
    data = CliRunner().invoke(cli, ["promise", "1", "--format", "csv", "--db", processed]).stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    from_csv = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["list"], r["url"] or r["evidence_article"]) for r in from_csv] == \
        [(r["list"], r.get("url") or r.get("evidence_article")) for r in rows]
    table = hdnd(processed, "promise", "1")
    assert table == hdnd(processed, "promise", "1", "--format", "text") == hdnd(processed, "promise", "1", "--format", "table")
    assert table.startswith(f"#1 {record['kind']} [{record['status']}]") and "Events:" in table



def test_web_counts_of_one_are_singular_in_english(processed):
    with serving(Path(processed)) as port:
        home, session = (get(f"http://127.0.0.1:{port}{path}")[1].decode("utf-8") for path in ("/", "/-/session/1"))
    lines = re.findall(r'class="hdnd-detail">(\d+) bài · (articles?), (\d+) chất vấn · (questions?), (\d+) lời hứa · (promises?)<',
                       home)
    assert lines and any(n == "1" for line in lines for n in line[::2])
    for line in lines:
        for n, noun in zip(line[::2], line[1::2]):
            assert noun.endswith("s") == (n != "1"), line
    assert "· 1 bài · article</span>" in session and "1 bài · articles" not in home + session
