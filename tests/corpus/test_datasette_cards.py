"""Datasette's own table and query pages, as a reader on a phone sees them: each value of a
card labelled in words, not with its column's name; and the commitments table faceted by
body as the promises view is; the tables triggers use in passing not listed."""

from __future__ import annotations

import json

from tests.corpus.conftest import get
from tests.corpus.test_browser import _keep, browser  # noqa: F401 (the Chromium fixture)
from tests.corpus.test_web_layout import WIDTHS, _at_width, _before


def test_commitments_are_faceted_by_body(server):
    status, body = get(server + "/hdnd/commitments.json?_size=0")
    facet = {f["value"]: f["count"] for f in json.loads(body)["facet_results"]["body"]["results"]}
    assert status == 200 and facet["Sở Xây dựng"] == 2 and facet["Ủy ban nhân dân tỉnh"] == 2


def test_cards_of_datasettes_pages_are_labelled_in_words(browser, server):  # noqa: F811
    _at_width(browser, WIDTHS["phone"])
    for page in ("commitments", "promises", "index_values", "overdue_promises"):
        browser.get(f"{server}/hdnd/{page}")
        labels = _before(browser, "table.rows-and-columns")
        assert labels, page
        assert not [label for label in labels if "_" in label], (page, sorted(set(labels)))
        _keep(browser, f"cards-{page}")
    browser.get(f"{server}/hdnd/commitments")
    assert '"Chức danh · Title"' in _before(browser, "table.rows-and-columns")


def test_the_triggers_helper_tables_are_not_listed(server):
    status, body = get(server + "/hdnd.json")
    hidden = {table["name"] for table in json.loads(body)["tables"] if table["hidden"]}
    assert status == 200 and {"articles_fts_folding", "fts_replaced"} <= hidden
    status, page = get(server + "/hdnd")
    assert status == 200 and "fts_replaced" not in page.decode("utf-8").split("hidden tables")[0]
