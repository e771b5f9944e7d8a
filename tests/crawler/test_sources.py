"""Sources as data, and the relevance filters the crawler applies before and after fetching."""

import csv
import re
from urllib.parse import urlsplit

import pytest

from crawler.relevance import slug_reasons, text_relevance
from crawler.sources import SOURCES, source_for, source_named

REQUIRED = {"kinhtedothi.vn", "hanoimoi.vn", "nguoihanoi.vn", "danviet.vn", "laodong.vn", "hanoi.gov.vn",
            "dbndhanoi.gov.vn", "baochinhphu.vn", "vnexpress.net", "tuoitre.vn", "thanhnien.vn", "dantri.com.vn",
            "vietnamnet.vn", "nld.com.vn", "quochoi.vn"}


def test_every_required_source_is_configured_with_a_way_to_find_articles():
    assert REQUIRED <= {s.domain for s in SOURCES}
    assert len({s.label for s in SOURCES}) == len(SOURCES)
    for source in SOURCES:
        assert source.feeds or source.sitemaps or source.listings, source.domain
        assert all("{page}" in url for url in source.listings), source.domain
        assert source.search is None or "{query}" in source.search
        re.compile(source.article)
        assert source_named(source.label) is source_named(source.domain) is source


def test_article_patterns_match_the_real_articles_and_not_their_listings(shared):
    rows = list(csv.DictReader((shared / "html" / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    assert rows
    for row in rows:
        source = source_for(row["original_url"])
        matches = bool(re.search(source.article, urlsplit(row["original_url"]).path))
        assert matches == (row["page_type"] == "article"), row["original_url"]


@pytest.mark.parametrize("url, keywords", [
    ("https://tuoitre.vn/ky-hop-thu-12-hdnd-tp-ha-noi-chat-van-ve-du-an-cham-tien-do-20230705101010123.htm",
     ["hdnd", "ky-hop", "chat-van", "du-an-cham-tien-do"]),
    ("https://hanoimoi.vn/chi-so-par-index-2023-ha-noi-tang-9-bac-654321.html", ["par-index"]),
    ("https://vnexpress.net/gia-vang-hom-nay-tang-manh-5047363.html", []),
    ("https://dantri.com.vn/the-thao/hlv-kim-sang-sik-chot-danh-sach-20260307080054340.htm", []),
    ("https://laodong.vn/thoi-su/cu-tri-kien-nghi-ve-ngap-ung-1234567.ldo", ["cu-tri"]),
])
def test_slug_keywords(url, keywords):
    assert slug_reasons(url) == keywords


def test_text_relevance_keeps_council_coverage_and_drops_the_rest(shared):
    for seed in sorted((shared / "seeds").glob("*.txt")):
        result = text_relevance(None, seed.read_text(encoding="utf-8"))
        assert result.relevant, (seed.name, result)
    market = text_relevance("Giá vàng giảm nhưng vẫn cao hơn thế giới",
                            "Giá vàng miếng hôm nay giảm 500.000 đồng mỗi lượng. Các ngân hàng giữ nguyên lãi suất.")
    assert not market.relevant and market.reasons == []
