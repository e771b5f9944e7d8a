"""Sources as data, and the relevance filters the crawler applies before and after fetching."""

import csv
import json
import re

import pytest
from click.testing import CliRunner

from corpus.cli import cli
from corpus.db import connect
from crawler.relevance import slug_reasons, text_relevance
from crawler.sources import SOURCES, SourceError, load_sources, path_and_query, read_source, source_for, source_named
from tests.conftest import ROOT, SENTENCES

PACKAGE = list(SOURCES)

REQUIRED = {"kinhtedothi.vn", "hanoimoi.vn", "nguoihanoi.vn", "danviet.vn", "laodong.vn", "hanoi.gov.vn",
            "dbndhanoi.gov.vn", "baochinhphu.vn", "vnexpress.net", "tuoitre.vn", "thanhnien.vn", "dantri.com.vn",
            "vietnamnet.vn", "nld.com.vn", "quochoi.vn", "daibieunhandan.vn", "nhandan.vn", "vov.vn", "vtv.vn",
            "vietnamplus.vn", "tienphong.vn", "baotintuc.vn", "sggp.org.vn", "anninhthudo.vn", "tuoitrethudo.vn",
            "hdnd.hochiminhcity.gov.vn", "vphdnd.bacninh.gov.vn", "hdnd.dongthap.gov.vn", "dbndnghean.vn",
            "dbndhatinh.vn"}


def test_every_source_is_a_checked_data_file_with_its_evidence():
    assert REQUIRED <= {s.domain for s in SOURCES} and len(SOURCES) >= 25
    assert len({s.label for s in SOURCES}) == len({s.domain for s in SOURCES}) == len(SOURCES)
    for source in SOURCES:
        assert source.file.endswith(f"{source.key}.toml") and source.checked, source.domain
        assert source.evidence and all(e.claim and e.where and e.shows for e in source.evidence), source.domain
        assert source.search is None or "{query}" in source.search
        assert all(re.search(source.article, path_and_query(url)) for url in source.examples), source.domain
        assert source_named(source.label) is source_named(source.domain) is source


def test_article_patterns_match_the_real_articles_and_not_their_listings(shared):
    rows = list(csv.DictReader((shared / "html" / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    assert rows
    for row in rows:
        source = source_for(row["original_url"])
        matches = bool(re.search(source.article, path_and_query(row["original_url"])))
        assert matches == (row["page_type"] == "article"), row["original_url"]


def test_addresses_follow_the_evidence_found_on_the_real_sites():
    """Each row of what other crawlers' real runs and stored pages show (issue 18)."""
    n = source_named
    assert "https://hanoimoi.vn/rss/chinh-tri" in n("hanoimoi").feeds and not any(
        f.endswith(".rss") for f in n("hanoimoi").feeds)
    assert {"https://baochinhphu.vn/rss", "https://baochinhphu.vn/thoi-su.rss"} <= set(n("baochinhphu").feeds)
    assert "https://dantri.com.vn/sitemaps/articles.xml" in n("dantri").sitemaps
    assert "h2[data-slot=sapo]" in n("dantri").lead and "div[data-slot=content]" in n("dantri").body
    assert "https://nld.com.vn/timelinelist/1961206/{page}.htm" in n("nld").listings
    assert "https://thanhnien.vn/timelinelist/185227/{page}.htm" in n("thanhnien").listings
    for key, url in [("tuoitre", "https://tuoitre.vn/ky-hop-hdnd-202509141435357.htm"),
                     ("dantri", "https://dantri.com.vn/xa-hoi/ky-hop-hdnd-20260307080054340.htm"),
                     ("danviet", "https://danviet.vn/ky-hop-hdnd-d1420317.html")]:
        assert re.search(n(key).article, path_and_query(url)), url
    assert n("vietnamnet").first_page == 0 and n("vietnamnet").listings == ("https://vietnamnet.vn/chinh-tri-page{page}",)
    # laodong.vn's div.chappeau / div.art-body are other crawlers' selectors, unchecked on a real page: generic extraction
    assert n("laodong").fallback_search and not (n("laodong").lead or n("laodong").body)
    assert {"https://danviet.vn/rss/home.rss", "https://danviet.vn/rss/tin-tuc-1001.rss"} == set(n("danviet").feeds)
    assert {"https://hanoi.gov.vn/tin-tuc-su-kien-noi-bat", "https://hanoi.gov.vn/chi-dao-dieu-hanh"} == set(n("hanoi").listings)


def test_article_ids_in_the_query_string_are_matched():
    quochoi = source_named("quochoi")
    assert re.search(quochoi.article, path_and_query("https://quochoi.vn/tintuc/Pages/tin-tong-hop.aspx?ItemID=78912"))
    assert not re.search(quochoi.article, path_and_query("https://quochoi.vn/tintuc/Pages/tin-tong-hop.aspx"))


def test_the_most_specific_domain_names_the_source():
    assert source_for("https://hdnd.hochiminhcity.gov.vn/tin-tuc/tin-tt-hdnd/x").key == "hdnd_hcm"
    assert source_for("https://m.vnexpress.net/a-1234567.html").key == "vnexpress"
    assert source_for("https://example.org/") is None


PORTAL = """key = "hdnd_vinhlong"
domain = "hdnd.vinhlong.gov.vn"
name = "Hội đồng nhân dân tỉnh Vĩnh Long"
listings = ["https://hdnd.vinhlong.gov.vn/tin-tuc?page={page}"]
article = '/tin-tuc/[a-z0-9-]+-\\d+\\.html$'
examples = ["https://hdnd.vinhlong.gov.vn/tin-tuc/ky-hop-thu-10-123.html"]
body = ["div.news-content"]
checked = "2026-12-05"
"""


def test_a_users_folder_adds_and_replaces_sources(tmp_path, monkeypatch):
    (tmp_path / "vinhlong.toml").write_text(PORTAL, encoding="utf-8")
    (tmp_path / "vnexpress.toml").write_text(
        'key = "vnexpress"\ndomain = "vnexpress.net"\nname = "VnExpress (my feeds)"\n'
        'feeds = ["https://vnexpress.net/rss/tin-moi-nhat.rss"]\n', encoding="utf-8")
    try:
        loaded = load_sources([tmp_path])
        assert source_named("hdnd_vinhlong").body == ("div.news-content",)
        assert source_for("https://hdnd.vinhlong.gov.vn/tin-tuc/a-1.html").name == "Hội đồng nhân dân tỉnh Vĩnh Long"
        mine = source_named("vnexpress")
        assert mine.name == "VnExpress (my feeds)" and mine.feeds == ("https://vnexpress.net/rss/tin-moi-nhat.rss",)
        assert len(loaded) == len(PACKAGE) + 1
        monkeypatch.setenv("HDND_SOURCES", str(tmp_path))
        assert source_named("hdnd_vinhlong") in load_sources()
    finally:
        monkeypatch.delenv("HDND_SOURCES", raising=False)
        load_sources()
    assert source_named("hdnd_vinhlong") is None and source_named("vnexpress").name == "VnExpress"


@pytest.mark.parametrize("change, message", [
    (("key = \"hdnd_vinhlong\"", "key = \"Vĩnh Long\""), "key must be letters, digits, - or _"),
    (("name = ", "nam = "), "nam is not a source field"),
    (("listings = [", "listings = 3 #"), "listings must be a list of text"),
    (("https://hdnd.vinhlong.gov.vn/tin-tuc?page", "ftp://hdnd.vinhlong.gov.vn/tin-tuc?page"),
     "listings must hold http(s) addresses on hdnd.vinhlong.gov.vn"),
    (("ky-hop-thu-10-123.html", "ky-hop-thu-10.htm"), "article does not match its own example"),
    (("article = '/tin-tuc", "article = '(/tin-tuc"), "article is not a regular expression"),
    (("checked = \"2026-12-05\"", "checked = 2026-12-05 ="), "is not valid TOML"),
    (("checked = \"2026-12-05\"", 'search = "https://hdnd.vinhlong.gov.vn/tim?q="'), "search must mark where the query goes"),
    (("hdnd.vinhlong.gov.vn", "www.vnexpress.net"), "domain vnexpress.net is already the source 'vnexpress'"),
    (("tin-tuc?page={page}", "tin-tuc?page={Page}"), "listings may mark only {page}, not {Page}"),
    (("checked = \"2026-12-05\"", 'search = "https://hdnd.vinhlong.gov.vn/tim?q={query}&p={p}"'),
     "search may mark only {query}, not {p}"),
])
def test_a_bad_source_file_is_one_sentence_naming_the_file_and_field(tmp_path, change, message):
    (tmp_path / "vinhlong.toml").write_text(PORTAL.replace(*change), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_sources([tmp_path])
    assert str(err.value).startswith(str(tmp_path / "vinhlong.toml") + ": ") and message in str(err.value)
    assert "\n" not in str(err.value) and len(SOURCES) == len(PACKAGE)  # the package's sources stay in use


def test_the_readme_example_is_a_valid_source_file(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (tmp_path / "example.toml").write_text(re.search(r"```toml\n(.*?)```", readme, re.S).group(1), encoding="utf-8")
    example = read_source(tmp_path / "example.toml")
    assert example.key == "hdnd_vinhlong" and example.listings and example.evidence


def test_hdnd_sources_lists_a_users_source_and_refuses_a_bad_one(tmp_path):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "vinhlong.toml").write_text(PORTAL, encoding="utf-8")
    result = CliRunner().invoke(cli, ["sources", "--format", "json", "--sources-dir", str(tmp_path / "ok")])
    rows = {r["key"]: r for r in json.loads(result.output)}
    assert result.exit_code == 0 and rows["hdnd_vinhlong"]["listings"] == ["https://hdnd.vinhlong.gov.vn/tin-tuc?page={page}"]
    assert {"key", "domain", "name", "feeds", "sitemaps", "listings", "search", "article", "own_selectors"} <= set(rows["vnexpress"])
    assert rows["hdnd_vinhlong"]["own_selectors"] and rows["hdnd_vinhlong"]["file"].endswith("vinhlong.toml")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "vinhlong.toml").write_text(PORTAL.replace("name = ", "nam = "), encoding="utf-8")
    result = CliRunner().invoke(cli, ["sources", "--sources-dir", str(tmp_path / "bad")])
    assert result.exit_code == 2 and "vinhlong.toml: nam is not a source field" in result.output
    load_sources()


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


def test_an_imported_page_of_a_users_source_is_named_and_read_by_it(tmp_path, monkeypatch):
    folder = tmp_path / "nguon"
    folder.mkdir()
    (folder / "vinhlong.toml").write_text(PORTAL, encoding="utf-8")
    url = "https://hdnd.vinhlong.gov.vn/tin-tuc/ky-hop-thu-10-123.html"
    paragraphs = "".join(f"<p>{p}</p>" for p in SENTENCES[:6])
    (tmp_path / "trang.html").write_text(
        f'<html lang="vi"><head><meta charset="utf-8"><title>Kỳ họp thứ 10</title><link rel="canonical" href="{url}">'
        f'<meta property="article:published_time" content="2024-07-05T10:00:00+07:00"></head><body>'
        f'<div class="quang-cao"><p>{SENTENCES[11]} {SENTENCES[11]}</p></div><h1>Kỳ họp thứ 10</h1>'
        f'<div class="news-content">{paragraphs}</div></body></html>', encoding="utf-8")
    monkeypatch.setenv("HDND_SOURCES", str(folder))
    try:
        result = CliRunner().invoke(cli, ["import", str(tmp_path / "trang.html"), "--db", str(tmp_path / "h.db")])
        assert result.exit_code == 0, result.output
        row = connect(tmp_path / "h.db").execute(
            "SELECT a.url, s.name, a.text FROM articles a JOIN sources s ON s.id = a.source_id").fetchone()
    finally:
        monkeypatch.delenv("HDND_SOURCES")
        load_sources()
    assert row[:2] == (url, "Hội đồng nhân dân tỉnh Vĩnh Long") and SENTENCES[11] not in row[2]
