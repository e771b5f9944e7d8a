"""Every real outlet page, checked against the expected JSON beside this test.

The pages are the ones in ../shared/html (read from there) and the ones packaged here in
pages/ (gzip-compressed as found in another project's repository; PROVENANCE.tsv names
repository, path, commit and original URL, and notes how a copy read through the code
index differs from the file, e.g. line ends). The expected title, date, author and
first and last paragraph were read off each page by a person, not copied from our output.

One shared test for all outlets: a new outlet needs only its page and its JSON.
"""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from corpus.ingest import import_paths
from crawler import metadata
from crawler.extract import NotAnArticle, extract_bytes, prose_block
from crawler.sources import SOURCES, source_for
from tests.conftest import ROOT

HERE = Path(__file__).parent
EXPECTED = HERE / "expected"
PAGES = HERE / "pages"
OUTLETS = sorted(p.stem.removesuffix("_article") for p in EXPECTED.glob("*_article.json"))
PACKAGED = sorted(p.name.removesuffix("_article.html.gz") for p in PAGES.glob("*_article.html.gz"))
SHARED_OUTLETS = [o for o in OUTLETS if o not in PACKAGED]


def page_bytes(request: pytest.FixtureRequest, outlet: str) -> bytes:
    """The outlet's article page: packaged here, else from the shared folder."""
    packaged = PAGES / f"{outlet}_article.html.gz"
    if packaged.is_file():
        return gzip.decompress(packaged.read_bytes())
    return (request.getfixturevalue("shared") / "html" / f"{outlet}_article.html").read_bytes()


def expected_of(outlet: str) -> dict:
    return json.loads((EXPECTED / f"{outlet}_article.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("outlet", OUTLETS)
def test_article_page_fields(request, outlet):
    expected = expected_of(outlet)
    page = page_bytes(request, outlet)
    item = extract_bytes(page)
    assert item.url == expected["url"]
    assert item.title == expected["title"]
    assert item.text.startswith(expected["text_starts"])
    assert item.text.endswith(expected["text_ends"])
    assert item.source == item.url.split("/")[2].removeprefix("www.")
    assert item.language == "vi"
    assert_own_selectors_find_text(page, item.url)
    # photo captions and credits, including a caption the CMS writes as a paragraph (hdnd_hcm)
    assert not [lacking for lacking in expected.get("text_lacks", []) if lacking in item.text]
    assert item.published == expected["published"]
    assert item.author == expected["author"]


def assert_own_selectors_find_text(page: bytes, url: str) -> None:
    """Each list of the source's own selectors (lead, body, author) has one that finds text on
    the real page: a selector nothing on the outlet's pages matches is a guess, not a selector."""
    source = source_for(url)
    soup = BeautifulSoup(page, "lxml")
    for field in ("lead", "body", "author"):
        selectors = getattr(source, field)
        found = [s for s in selectors if (element := soup.select_one(s)) is not None and element.get_text(strip=True)]
        assert found or not selectors, f"no {field} selector of {source.key} finds text on its page: {selectors}"


@pytest.mark.parametrize("outlet", SHARED_OUTLETS)
def test_listing_page_is_not_an_article(shared, outlet):
    with pytest.raises(NotAnArticle):
        extract_bytes((shared / "html" / f"{outlet}_list.html").read_bytes())


def test_every_shared_page_has_expectations(shared):
    pages = {p.stem.removesuffix("_article") for p in (shared / "html").glob("*_article.html")}
    assert pages == set(SHARED_OUTLETS)


def test_every_source_with_own_selectors_has_a_real_page():
    """Own selectors are checked on a real page of the outlet (test_article_page_fields): a source
    whose pages no real page here shows reads them with the generic extractor, and its TOML keeps
    other crawlers' selectors only in a comment, to restore with a real page and its JSON (issue 18)."""
    own = {s.key for s in SOURCES if s.lead or s.body or s.author}
    assert own <= set(OUTLETS)
    listed = json.loads(subprocess.run([sys.executable, "-m", "corpus", "sources", "--format", "json"], cwd=ROOT,
                                       capture_output=True, text=True, check=True).stdout)
    assert {s["key"] for s in listed if s["own_selectors"]} == own


def test_every_packaged_page_has_expectations_and_provenance():
    """A packaged page without its JSON, or without the repository and commit it came from,
    is not a fixture: each row also names the page's original URL, which the page declares."""
    with (PAGES / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as f:
        rows = {row["key"]: row for row in csv.DictReader(f, delimiter="\t")}
    assert set(PACKAGED) <= set(OUTLETS)
    assert set(rows) == set(PACKAGED)
    for outlet, row in rows.items():
        assert row["repo"] and row["path"] and len(row["commit"]) == 40
        assert row["url"] == expected_of(outlet)["url"]


def test_import_shared_html_and_seeds(shared, fresh_db):
    summary = import_paths(fresh_db, [shared / "html", shared / "seeds"])
    pages = len(list((shared / "html").glob("*_article.html")))
    seeds = len(list((shared / "seeds").glob("*.txt")))
    assert summary.counts["new"] == pages + seeds
    assert summary.counts["skipped"] == len(list((shared / "html").glob("*_list.html")))
    assert summary.failed == 0
    stored = {r["url"]: r for r in fresh_db.query("SELECT url, title, text, raw_html, kind FROM articles")}
    for seed in (shared / "seeds").glob("*.txt"):
        row = stored[seed.resolve().as_uri()]
        assert row["kind"] == "text" and row["raw_html"] is None
        # plain text is stored whole; only normalisation may touch it, never its length
        assert len(row["text"]) == len(seed.read_text(encoding="utf-8").replace("\r\n", "\n"))
    html_rows = [r for r in stored.values() if r["kind"] == "article"]
    assert len(html_rows) == pages and all(r["raw_html"] for r in html_rows)


def without_date_metadata(page: bytes) -> BeautifulSoup:
    """The page with every date meta tag, its JSON-LD and its microdata date attributes removed
    (the visible text of a <time itemprop=datePublished> stays: readers see it)."""
    soup = BeautifulSoup(page, "lxml")
    for meta in soup.find_all("meta"):
        if any(k in " ".join(str(v) for v in meta.attrs.values()).lower() for k in ("date", "time", "pub")):
            meta.decompose()
    for script in soup.find_all("script", type="application/ld+json"):
        script.decompose()
    for tag in soup.find_all(itemprop=True):
        if any(k in str(tag["itemprop"]).lower() for k in ("date", "time")):
            del tag["itemprop"]
    return soup


@pytest.mark.parametrize("outlet", OUTLETS)
def test_a_page_without_date_metadata_takes_its_visible_date(request, outlet):
    """The same real page without its date metadata: the date the page shows its readers
    (byline) is the publication day. vietnamplus is a video page (body.video-page) whose text is
    a short description (4 paragraphs, 727 characters): still an article, its text what is there."""
    expected = expected_of(outlet)
    item = extract_bytes(str(without_date_metadata(page_bytes(request, outlet))).encode("utf-8"))
    assert item.published == expected["published"][:10]


def test_a_body_split_in_parts_is_one_block(request):
    """baotintuc.vn splits its body in two divs of two paragraphs each: one block of four."""
    soup = BeautifulSoup(page_bytes(request, "baotintuc"), "lxml")
    assert [len(part.find_all("p", recursive=False)) for part in soup.select("#divfirst, #divend")] == [2, 2]
    assert prose_block(soup)[1] == 4


def test_a_short_page_off_its_sources_article_addresses_is_a_listing(request):
    """The short video article passes for one only at an article address of its source: the same
    page declaring a section's address (and no date) is taken for a listing."""
    soup = without_date_metadata(page_bytes(request, "vietnamplus"))
    for tag in soup.select("link[rel=canonical], meta[property='og:url']"):
        tag["href" if tag.name == "link" else "content"] = "https://www.vietnamplus.vn/xa-hoi/"
    with pytest.raises(NotAnArticle):
        extract_bytes(str(soup).encode("utf-8"))


def test_teasers_microdata_dates_are_not_the_pages(request):
    """hdnd_hcm's page dates its article in microdata, and so does each related teaser: only the
    item around the headline counts, so without it the page has no microdata date."""
    soup = BeautifulSoup(page_bytes(request, "hdnd_hcm"), "lxml")
    assert metadata.microdata_published(soup) == expected_of("hdnd_hcm")["published"]
    teasers = [t for t in soup.find_all(itemtype="https://schema.org/Article") if t.find(itemprop="datePublished")]
    assert len(teasers) > 1
    del soup.find("h1", itemprop="headline").find_parent(itemtype="https://schema.org/Article")["itemtype"]
    assert metadata.microdata_published(soup) is None
