"""Extraction reads each page's meta tags and boxes in shared walks: one page's findings
never leak into another's, and boxes inside boxes go with them."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from bs4 import BeautifulSoup

import crawler.extract
from crawler import metadata
from crawler.extract import _select, extract_html, readable

HERE = Path(__file__).parent


def _page(outlet: str) -> tuple[BeautifulSoup, dict]:
    page = gzip.decompress((HERE / "pages" / f"{outlet}_article.html.gz").read_bytes())
    expected = json.loads((HERE / "expected" / f"{outlet}_article.json").read_text(encoding="utf-8"))
    return BeautifulSoup(page, "lxml"), expected


def test_pages_read_in_turn_keep_their_own_meta_tags():
    (nhandan, nhandan_expected), (vov, vov_expected) = _page("nhandan"), _page("vov")
    for soup, expected in [(nhandan, nhandan_expected), (vov, vov_expected), (nhandan, nhandan_expected)]:
        assert metadata.published(soup, None) == expected["published"]
        assert metadata.canonical_url(soup) == expected["url"]
    assert metadata.description(nhandan, None) != metadata.description(vov, None)


def test_a_new_soup_is_read_afresh():
    """Even right after a soup of the same page: its own meta tags, not the last page's."""
    soup, expected = _page("nhandan")
    assert metadata.published(soup, None) == expected["published"]
    for tag in soup.find_all("meta"):
        tag.decompose()
    assert metadata.published(BeautifulSoup(str(soup), "lxml"), None) != expected["published"]


def test_boxes_inside_boxes_are_dropped_with_them():
    paragraph = "Đại biểu HĐND tỉnh chất vấn Giám đốc Sở Tài chính về tiến độ giải ngân vốn đầu tư công năm nay. " * 3
    page = (f"<html><head><title>Kỳ họp</title><meta property='article:published_time' content='2024-07-05T10:00:00+07:00'>"
            f"</head><body><div class='detail-content'><p>{paragraph}</p>"
            f"<div class='box-related'><figure><img src='a.jpg'><figcaption>Ảnh trong hộp</figcaption></figure>"
            f"<div class='related'><p>Tin liên quan trong hộp</p><script>var x = 1;</script></div></div>"
            f"<p>{paragraph}</p></div></body></html>")
    text = extract_html(page, "https://example.vn/ky-hop-1234567.html").text
    assert paragraph.strip() in text
    assert "trong hộp" not in text and "var x" not in text


def test_an_unreadable_or_empty_drop_selector_is_left_out_and_the_others_still_drop(monkeypatch):
    """One drop selector soupsieve cannot compile (or an empty one) in the list: the boxes the
    others name are still dropped and the text is still extracted, as when each ran alone."""
    assert readable(("div.related", "", "p[", "div:nosuch", ".box-related")) == ("div.related", ".box-related")
    paragraph = "Đại biểu HĐND tỉnh chất vấn Giám đốc Sở Tài chính về tiến độ giải ngân vốn đầu tư công năm nay. " * 3
    page = (f"<html><head><title>Kỳ họp</title><meta property='article:published_time' content='2024-07-05T10:00:00+07:00'>"
            f"</head><body><div class='detail-content'><p>{paragraph}</p>"
            f"<div class='box-related'><p>Tin liên quan trong hộp</p></div><p>{paragraph}</p></div></body></html>")
    monkeypatch.setattr(crawler.extract, "GENERIC_DROP", ("", "p[", *crawler.extract.GENERIC_DROP))
    text = extract_html(page, "https://example.vn/ky-hop-1234567.html").text
    assert paragraph.strip() in text and "trong hộp" not in text


def test_an_unreadable_body_selector_is_skipped_and_the_next_one_finds_the_body():
    """A user's source file may name its body with a selector soupsieve cannot read ("div[",
    unclosed): that one is skipped, as an unknown pseudo-class already was, not a crash."""
    soup = BeautifulSoup("<div class='detail-content'><p>Nội dung</p></div>", "html.parser")
    assert _select(soup, ("div[", "div:nosuch", "div.detail-content")).get_text(strip=True) == "Nội dung"
