"""Nothing lost, nothing injected: a changed text is a new version (the old one kept), a
page cannot take over another outlet's article by declaring its canonical URL (crawl,
WARC, local file), and no text is stored that hdnd process would refuse."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import subprocess
import sys
import unicodedata
from dataclasses import replace

import pytest

from corpus import store
from corpus.db import CorpusError, connect
from crawler.extract import ArticleItem, extract_bytes
from pipeline import MAX_CHARS
from tests.conftest import ROOT, SENTENCES, article_html, article_text
from tests.crawler.mock_site import MockSite, html
from tests.crawler.test_importers import warc_bytes

ORIGINAL = "https://baoa.example.vn/thoi-su/ky-hop-hdnd-tinh-chat-van-1000001.html"
HOSTILE = "https://baob.example.vn/thoi-su/ban-sao-ky-hop-2000002.html"
TRUE_TEXT = SENTENCES[:6]
FALSE_TEXT = ["Tin giả: " + s.replace("hoàn thành", "hủy bỏ") for s in SENTENCES[6:]]


def _cli(db_path, *args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corpus", *args, "--db", str(db_path)], cwd=ROOT,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=180)


def _page(paragraphs: list[str], canonical: str | None, title: str = "Kỳ họp HĐND tỉnh: chất vấn về cải cách hành chính"):
    return article_html(title, paragraphs, url=canonical, published="2024-07-05T10:00:00+07:00").encode("utf-8")


def _rows(db_path) -> dict[str, dict]:
    db = connect(db_path)
    rows = {r["url"]: r for r in db.query("SELECT a.url, a.text, a.title, s.domain AS source FROM articles a "
                                          "LEFT JOIN sources s ON s.id = a.source_id")}
    db.conn.close()
    return rows


def _versions(db_path) -> int:
    db = connect(db_path)
    count = db["article_versions"].count
    db.conn.close()
    return count


# --- 2a: a changed text is a new version ---------------------------------------------------


def test_a_changed_text_is_a_new_version_and_the_old_one_stays_readable(tmp_path, db_path):
    page = tmp_path / "ky-hop.warc.gz"
    first, second = _page(TRUE_TEXT, ORIGINAL), _page(TRUE_TEXT[:4] + SENTENCES[8:10], ORIGINAL)
    page.write_bytes(warc_bytes([(ORIGINAL, first)]))
    assert "1 new" in _cli(db_path, "import", str(page)).stdout
    page.write_bytes(warc_bytes([(ORIGINAL, second)]))
    assert "1 updated" in _cli(db_path, "import", str(page)).stdout
    assert "1 unchanged" in _cli(db_path, "import", str(page)).stdout  # the same text again: no third version

    db = connect(db_path)
    (article,) = db.query("SELECT id, text, content_hash, pipeline_version FROM articles")
    (old,) = db.query("SELECT * FROM article_versions")
    assert SENTENCES[8] in article["text"] and SENTENCES[8] not in old["text"] and SENTENCES[4] in old["text"]
    assert old["article_id"] == article["id"] and old["version"] == 1
    assert old["content_hash"] == store.content_hash(old["text"]) != article["content_hash"]
    assert gzip.decompress(old["raw_html"]) == first and old["title"].startswith("Kỳ họp HĐND tỉnh")
    assert old["stored_at"] <= old["replaced_at"] and article["pipeline_version"] is None
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")

    listed = _cli(db_path, "versions", ORIGINAL, "--format", "json", "--text")
    assert listed.returncode == 0, listed.stderr
    versions = json.loads(listed.stdout)
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]
    assert [v["text"] for v in versions] == [old["text"], article["text"]]
    assert versions[0]["replaced_at"] and versions[1]["replaced_at"] is None
    table = _cli(db_path, "versions", str(article["id"]))
    assert table.returncode == 0 and "version=1" in table.stdout and "current=True" in table.stdout


def test_an_unknown_article_is_one_sentence(db_path):
    connect(db_path).conn.close()
    for ref in ("999", "https://khong.example.vn/co.html"):
        result = _cli(db_path, "versions", ref)
        assert result.returncode == 2 and result.stderr.strip() == f"Error: no article has the " \
            f"{'id' if ref.isdigit() else 'URL'} {ref}."


def test_records_come_from_the_current_version_after_process(tmp_path, db_path):
    """hdnd process analyses the new text again: every record quotes the current text; the
    earlier text is kept for reading, not analysed."""
    text = tmp_path / "bai.txt"
    text.write_text(article_text(1), encoding="utf-8")
    _cli(db_path, "import", str(text))
    assert _cli(db_path, "process").returncode == 0
    text.write_text(article_text(5), encoding="utf-8")
    assert "1 updated" in _cli(db_path, "import", str(text)).stdout
    processed = _cli(db_path, "process")
    assert processed.returncode == 0 and "1 analysed" in processed.stdout
    db = connect(db_path)
    (current,) = [r["text"] for r in db.query("SELECT text FROM articles")]
    assert current.startswith("Kỳ họp thứ 5")
    spans = [(r["start"], r["end"], r["quote"]) for table in ("mentions", "index_values", "legal_refs",
                                                               "commitment_sources", "session_mentions")
             for r in db.query(f'SELECT start, "end", quote FROM {table}')]
    assert spans and all(current[start:end] == quote for start, end, quote in spans)
    (old,) = db.query("SELECT text FROM article_versions")
    assert old["text"].startswith("Kỳ họp thứ 1")


def test_versions_are_a_table_in_the_web_corpus(tmp_path, db_path):
    db = connect(db_path)
    item = ArticleItem(url=ORIGINAL, title="Bản đầu", text=article_text(2), source="baoa.example.vn")
    store.save_article(db, item)
    store.save_article(db, replace(item, title="Bản sửa", text=article_text(3)))
    db.conn.close()
    from corpus.serve import make_app

    response = asyncio.run(make_app(db_path).client.get(f"/{db_path.stem}/article_versions.json?_shape=array"))
    assert response.status_code == 200
    assert [(r["version"], r["title"]) for r in response.json()] == [(1, "Bản đầu")]


# --- 2b: a declared canonical URL is trusted only on its own site ----------------------------


def test_a_crawled_page_cannot_take_over_another_outlets_article(db_path):
    with MockSite({"/thoi-su/ky-hop-hdnd-tinh-chat-van-1000001.html": html(_page(TRUE_TEXT, ORIGINAL).decode()),
                   "/thoi-su/ban-sao-ky-hop-2000002.html": html(_page(FALSE_TEXT, ORIGINAL).decode())}) as site:
        env = {"HDND_DOWNLOAD_DELAY": "0", "HDND_LOG_LEVEL": "ERROR",
               "HDND_HOST_MAP": json.dumps({"baoa.example.vn": site.base, "baob.example.vn": site.base})}
        first = _cli(db_path, "crawl", "--url", ORIGINAL, "--all", env=env)
        assert first.returncode == 0 and "1 new" in first.stdout, first.stdout + first.stderr
        second = _cli(db_path, "crawl", "--url", HOSTILE, "--all", env=env)
    assert second.returncode == 0, second.stderr
    assert "1 new" in second.stdout and "0 updated" in second.stdout, second.stdout
    rows = _rows(db_path)
    assert rows[ORIGINAL]["source"] == "baoa.example.vn" and TRUE_TEXT[1] in rows[ORIGINAL]["text"]
    assert rows[HOSTILE]["source"] == "baob.example.vn" and FALSE_TEXT[1] in rows[HOSTILE]["text"]
    assert _versions(db_path) == 0


def test_a_warc_record_keeps_its_target_uri_when_the_canonical_is_another_site(tmp_path, db_path):
    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(warc_bytes([(ORIGINAL, _page(TRUE_TEXT, ORIGINAL)), (HOSTILE, _page(FALSE_TEXT, ORIGINAL))]))
    result = _cli(db_path, "import", str(archive))
    assert result.returncode == 0 and "2 new, 0 updated" in result.stdout, result.stdout + result.stderr
    rows = _rows(db_path)
    assert TRUE_TEXT[1] in rows[ORIGINAL]["text"] and rows[HOSTILE]["source"] == "baob.example.vn"


def test_a_local_file_cannot_replace_another_sites_article(tmp_path, db_path):
    archive = tmp_path / "baoa.warc.gz"
    archive.write_bytes(warc_bytes([(ORIGINAL, _page(TRUE_TEXT, ORIGINAL))]))
    assert "1 new" in _cli(db_path, "import", str(archive)).stdout
    hostile = tmp_path / "ban-sao.html"
    hostile.write_bytes(_page(FALSE_TEXT, ORIGINAL))
    for expected in ("1 new, 0 updated", "0 new, 0 updated, 1 unchanged"):  # and a second import changes nothing
        result = _cli(db_path, "import", str(hostile))
        assert result.returncode == 0 and expected in result.stdout, result.stdout + result.stderr
    rows = _rows(db_path)
    assert TRUE_TEXT[1] in rows[ORIGINAL]["text"] and rows[ORIGINAL]["source"] == "baoa.example.vn"
    local = rows[hostile.resolve().as_uri()]
    assert FALSE_TEXT[1] in local["text"] and local["source"] is None
    assert _versions(db_path) == 0


def test_a_local_file_names_a_new_article_by_its_canonical_url(tmp_path, db_path):
    """A saved page brings its own address when nothing is stored there yet: the user vouches for the file."""
    saved = tmp_path / "luu.html"
    saved.write_bytes(_page(TRUE_TEXT, ORIGINAL))
    assert "1 new" in _cli(db_path, "import", str(saved)).stdout
    assert _rows(db_path)[ORIGINAL]["source"] == "baoa.example.vn"


@pytest.mark.parametrize("fetched, canonical, kept", [
    ("https://m.baoa.example.vn/thoi-su/1000001.html", ORIGINAL, ORIGINAL),              # the mobile site
    ("https://www.baoa.example.vn/thoi-su/1000001.html", ORIGINAL, ORIGINAL),            # www.
    ("https://e.baoa.example.vn/thoi-su/1000001.html", ORIGINAL, ORIGINAL),              # a subdomain of the site
    (HOSTILE, ORIGINAL, HOSTILE),                                                         # another outlet
    ("https://baoa.example.vn.evil.example/1.html", ORIGINAL, "https://baoa.example.vn.evil.example/1.html"),
    ("https://hanoi.gov.vn/tin/1.html", "https://bacgiang.gov.vn/tin/1.html", "https://hanoi.gov.vn/tin/1.html"),
])
def test_the_canonical_url_is_kept_only_on_its_own_site(fetched, canonical, kept):
    item = extract_bytes(_page(TRUE_TEXT, canonical), fetched, "text/html; charset=utf-8")
    assert item.url == kept and item.source == kept.split("/")[2].removeprefix("www.")


# --- 4b: no stored text longer than the pipeline analyses ---------------------------------------


def test_save_article_refuses_a_text_longer_than_process_analyses(fresh_db):
    body = article_text(4)
    too_long = ArticleItem(url=ORIGINAL, title="Quá dài", text=(body * (MAX_CHARS // len(body) + 1))[:MAX_CHARS + 1],
                           source="baoa.example.vn")
    with pytest.raises(store.ArticleTooLong, match=f"{MAX_CHARS + 1:,} characters, more than the {MAX_CHARS:,}"):
        store.save_article(fresh_db, too_long)
    assert isinstance(store.ArticleTooLong(1), (CorpusError, ValueError))
    assert fresh_db["articles"].count == 0 and fresh_db["sources"].count == 0
    # the limit applies to the text as stored: decomposed marks are composed first
    decomposed = unicodedata.normalize("NFD", too_long.text)[: MAX_CHARS + MAX_CHARS // 10]
    assert store.save_article(fresh_db, ArticleItem(url=ORIGINAL, title="Vừa đủ", text=decomposed))[0] == "new"
    assert len(fresh_db.execute("SELECT text FROM articles").fetchone()[0]) <= MAX_CHARS


def test_import_reports_an_over_long_file_as_failed_and_stores_the_rest(tmp_path, db_path):
    body = article_text(6)
    (tmp_path / "qua-dai.txt").write_text(body * (MAX_CHARS // len(body) + 2), encoding="utf-8")
    (tmp_path / "binh-thuong.txt").write_text(article_text(7), encoding="utf-8")
    result = _cli(db_path, "import", str(tmp_path))
    assert result.returncode == 1, result.stderr
    assert "1 new" in result.stdout and "1 failed" in result.stdout
    assert "qua-dai.txt" in result.stderr and f"more than the {MAX_CHARS:,}" in result.stderr
    assert [r["text"][:12] for r in _rows(db_path).values()] == ["Kỳ họp thứ 7"]
