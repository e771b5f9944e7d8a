"""The selector prefilter never skips a selector that would find something.

Every selector of every source and the generic lists, on every saved page: whenever
``could_match`` says a selector cannot match, soupsieve finds nothing with it either.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from bs4 import BeautifulSoup

from crawler.extract import _marks, could_match
from crawler.sources import GENERIC_AUTHOR, GENERIC_BODY, GENERIC_DROP, GENERIC_LEAD, SOURCES
from tests.conftest import SHARED

PAGES = Path(__file__).parent / "pages"


def _pages() -> list[str]:
    pages = [gzip.decompress(path.read_bytes()).decode("utf-8", "replace") for path in sorted(PAGES.glob("*.html.gz"))]
    return pages + [path.read_text(encoding="utf-8", errors="replace") for path in sorted((SHARED / "html").glob("*.html"))]


def test_a_skipped_selector_finds_nothing_on_any_saved_page():
    selectors = {s for source in SOURCES for s in (*source.body, *source.lead, *source.author)}
    selectors |= {*GENERIC_BODY, *GENERIC_LEAD, *GENERIC_AUTHOR, *GENERIC_DROP}
    skipped = tried = 0
    for html in _pages():
        soup = BeautifulSoup(html, "lxml")
        classes, ids = _marks(soup)
        for selector in sorted(selectors):
            if could_match(selector, classes, ids):
                tried += 1
            else:
                skipped += 1
                assert soup.select_one(selector) is None, selector
    assert skipped > tried  # most selectors name classes a given page lacks


def test_selectors_the_prefilter_cannot_read_are_always_tried():
    assert could_match("p:not(.x)", set(), set()) and could_match("a\\.b", set(), set())
    assert could_match('a[href$=".detail-content"]', set(), set())  # a class-like name inside an attribute test
    assert not could_match("div.detail-content, #main", {"other"}, {"top"})
    assert could_match("div.detail-content, #main", {"other"}, {"main"})
    assert could_match("DIV.Detail-Content", {"detail-content"}, set())
