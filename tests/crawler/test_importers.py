"""Local files of every kind, good and bad, through the importers."""

from __future__ import annotations

import gzip
import io
import os

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.charset import decode
from crawler.extract import ArticleItem
from crawler.importers import ImportProblem, read_paths
from tests.conftest import SENTENCES, article_html, article_text, to_cp1258

PARAGRAPHS = [" ".join(SENTENCES[i:i + 4]) for i in range(0, 12, 2)]


def _one(path):
    results = list(read_paths([path]))
    assert len(results) == 1
    return results[0]


def test_plain_text_file(tmp_path):
    path = tmp_path / "bai.txt"
    path.write_text("Trang chủ | Thời sự\n" + article_text(3), encoding="utf-8")
    item = _one(path)
    assert isinstance(item, ArticleItem)
    assert item.title.startswith("Kỳ họp thứ 3 HĐND tỉnh")
    assert item.url == path.resolve().as_uri()
    assert item.kind == "text" and item.text.startswith("Trang chủ")


def test_plain_text_date_line_becomes_published(tmp_path):
    path = tmp_path / "bai.txt"
    path.write_text("Kỳ họp thứ 9 HĐND tỉnh bàn về đầu tư công và giải ngân\nMinh An 05/07/2023 15:56\n"
                    + article_text(9), encoding="utf-8")
    assert _one(path).published == "2023-07-05T15:56:00+07:00"


def test_html_with_windows_1258_declared(tmp_path):
    html = article_html("Hội đồng nhân dân tỉnh chất vấn về đầu tư công", PARAGRAPHS, charset="windows-1258",
                        url="https://bao.example.vn/chat-van-123456.htm", published="2024-06-12T09:00:00+07:00")
    path = tmp_path / "trang.html"
    path.write_bytes(to_cp1258(html))
    item = _one(path)
    assert isinstance(item, ArticleItem), item
    assert item.title == "Hội đồng nhân dân tỉnh chất vấn về đầu tư công"
    assert "Trần Thị Mai" in item.text and item.encoding == "cp1258"


def test_wrong_declared_charset_falls_back_to_utf8():
    page = article_html("Kỳ họp", ["Hội đồng nhân dân"], charset="us-ascii")
    assert decode(page.encode("utf-8")) == (page, "utf-8")


def test_missing_charset_utf8_and_cp1258():
    page = "<html><body><p>Hội đồng nhân dân tỉnh Bắc Ninh</p></body></html>"
    assert decode(page.encode("utf-8"))[0] == page
    assert decode(to_cp1258(page)) == (page, "cp1258")


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.html", b"", "empty"),
        ("blank.txt", b"   \n\n", "empty"),
        ("image.html", bytes(range(256)) * 20, "binary"),
        ("english.txt", b"The city council met on Monday to discuss the budget. " * 20, "not Vietnamese"),
    ],
)
def test_bad_files_are_reported_not_fatal(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    result = _one(tmp_path / name)
    assert isinstance(result, ImportProblem) and not result.skipped
    assert reason in result.reason and result.where.endswith(name)


def test_page_without_article_text_fails(tmp_path):
    path = tmp_path / "stub.html"
    path.write_text(article_html("Tin ngắn", ["Xem thêm."], published="2024-01-02T08:00:00+07:00"), encoding="utf-8")
    result = _one(path)
    assert isinstance(result, ImportProblem) and not result.skipped
    assert "no article text" in result.reason


def test_listing_page_is_skipped(tmp_path):
    teasers = "".join(
        f'<div class="item"><h3><a href="/bai-{i}-{100000 + i}.htm">{SENTENCES[i % 12][:60]}</a></h3></div>'
        for i in range(30)
    )
    path = tmp_path / "thoi-su.html"
    path.write_text(f'<html lang="vi"><head><meta charset="utf-8"><title>Thời sự</title></head><body>{teasers}</body></html>',
                    encoding="utf-8")
    result = _one(path)
    assert isinstance(result, ImportProblem) and result.skipped


def test_non_vietnamese_html_fails(tmp_path):
    english = ["The provincial council approved the budget after a long debate about schools and roads."] * 20
    path = tmp_path / "en.html"
    path.write_text(article_html("Council approves budget", english, published="2024-01-02T08:00:00+07:00"), encoding="utf-8")
    result = _one(path)
    assert isinstance(result, ImportProblem) and "not Vietnamese" in result.reason


def test_missing_and_unreadable_paths(tmp_path):
    os.symlink(tmp_path / "gone.html", tmp_path / "dangling.html")
    results = list(read_paths([tmp_path / "nope.txt", tmp_path / "dangling.html"]))
    assert [type(r) for r in results] == [ImportProblem, ImportProblem]
    assert "no such file" in results[0].reason


def test_folder_is_walked_recursively_and_hidden_files_ignored(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.txt").write_text(article_text(1), encoding="utf-8")
    (tmp_path / "a" / "two.txt").write_text(article_text(2), encoding="utf-8")
    (tmp_path / "a" / ".hidden.txt").write_text(article_text(3), encoding="utf-8")
    (tmp_path / "a" / "notes.xlsx").write_bytes(b"PK")
    items = list(read_paths([tmp_path / "a"]))
    assert sorted(i.title[:12] for i in items) == ["Kỳ họp thứ 1", "Kỳ họp thứ 2"]


def warc_bytes(records: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, body in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


def _page(n: int) -> bytes:
    return article_html(f"Kỳ họp thứ {n}: HĐND tỉnh chất vấn Giám đốc Sở Xây dựng", PARAGRAPHS,
                        url=f"https://bao.example.vn/ky-hop-{n}-{200000 + n}.htm",
                        published=f"2024-06-{n:02d}T09:00:00+07:00").encode("utf-8")


def test_warc_records_become_articles(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc_bytes([(f"https://bao.example.vn/ky-hop-{n}-{200000 + n}.htm", _page(n)) for n in (1, 2, 3)]))
    items = list(read_paths([path]))
    assert [i.url for i in items] == [f"https://bao.example.vn/ky-hop-{n}-{200000 + n}.htm" for n in (1, 2, 3)]
    assert all(isinstance(i, ArticleItem) and i.raw_html for i in items)


def test_truncated_warc_keeps_records_before_the_damage(tmp_path):
    data = warc_bytes([(f"https://bao.example.vn/ky-hop-{n}-{200000 + n}.htm", _page(n)) for n in (1, 2, 3)])
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: int(len(data) * 0.8)])
    results = list(read_paths([path]))
    articles = [r for r in results if isinstance(r, ArticleItem)]
    problems = [r for r in results if isinstance(r, ImportProblem)]
    assert 1 <= len(articles) < 3
    assert len(problems) == 1 and "truncated or corrupt" in problems[0].reason


def test_garbage_with_warc_name_is_reported(tmp_path):
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(gzip.compress(b"this is not a warc file at all"))
    results = list(read_paths([path]))
    assert len(results) == 1 and isinstance(results[0], ImportProblem)
