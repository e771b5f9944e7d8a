"""Every page read at a desktop's width (1280 px) and a phone's (390 px) in headless
Chromium: nothing wider than the window, tables as labelled cards on the phone, the quote
marked on the stored copy; canned queries that take an index's or a place's other names;
and one count of promises on the home page, in hdnd stats and hdnd promises, and in the
overdue query. Screenshots are kept in build/screenshots/layout-*.png."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from urllib.parse import urlencode

import pytest

from corpus.serve import CANNED
from corpus.serve.pages import FOUND_TITLES, code_labels
from tests.conftest import ROOT
from tests.corpus.conftest import get
from tests.corpus.test_browser import _keep, _visible, browser  # noqa: F401 (the Chromium fixture)

WIDTHS = {"desktop": 1280, "phone": 390}
PAGES = {
    "home": "/",
    "search": "/-/search?q=hoi+dong+nhan+dan",
    "promises": "/-/promises",
    "promises-all": "/-/promises?kind=all",
    "promise": "/-/promise/1",
    "chart": "/-/chart?" + urlencode({"index": "PAR_INDEX", "entity": "Bắc Giang"}),
    "mentions": "/-/mentions?q=cai+cach+hanh+chinh",
    "session": "/-/session/1",
    "reader": "/-/article/2?start=795&end=875#hdnd-quote",
    "articles-table": "/hdnd/articles",
    "article-row": "/hdnd/articles/2",
    "promises-table": "/hdnd/promises",
    "overdue_promises": "/hdnd/overdue_promises",
    "promises_by_speaker": "/hdnd/promises_by_speaker?speaker=hoang+van+nam",
    "index_over_years": "/hdnd/index_over_years?" + urlencode({"index": "PAR INDEX", "entity": "bac giang"}),
    "said_at_session": "/hdnd/said_at_session?session_id=1",
}
CARD_TABLES = {"promises": "table.hdnd-promises", "chart": "table.rows-and-columns", "session": "table.rows-and-columns",
               "promise": "table.rows-and-columns"}


def _at_width(chrome, width: int) -> None:
    """The page laid out as on a screen ``width`` CSS pixels wide (a phone's is a mobile viewport)."""
    chrome.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})


def _before(chrome, selector: str) -> list[str]:
    """The text each visible cell of ``selector`` shows before its value (a card's label)."""
    return chrome.execute_script(
        "return [...document.querySelectorAll(arguments[0])].filter(e => e.offsetParent)"
        ".map(e => getComputedStyle(e, '::before').content);", selector + " tbody td")


@pytest.mark.parametrize("device", WIDTHS)
def test_no_page_is_wider_than_the_window(browser, server, device):  # noqa: F811
    assert set(CANNED) <= set(PAGES), "every canned query is laid out"
    _at_width(browser, WIDTHS[device])
    too_wide = {}
    for name, path in PAGES.items():
        browser.get(server + path)
        assert "Not found" not in browser.title and "Error" not in browser.title, (name, browser.title)
        # On a phone the browser widens the window to a page wider than the screen, so both count.
        width = browser.execute_script("return Math.max(document.documentElement.scrollWidth, window.innerWidth);")
        if width > WIDTHS[device]:
            too_wide[name] = width
        _keep(browser, f"layout-{device}-{name}")
    assert too_wide == {}


def test_tables_are_labelled_cards_on_a_phone(browser, server):  # noqa: F811
    _at_width(browser, WIDTHS["phone"])
    for name, selector in CARD_TABLES.items():
        browser.get(server + PAGES[name])
        labels = _before(browser, selector)
        assert labels and all(label not in ("none", "normal", '""') for label in labels), (name, labels)
    browser.get(server + PAGES["promises"])
    assert '"Nội dung · Quote"' in _before(browser, "table.hdnd-promises")
    assert '"Trạng thái · Status"' in _before(browser, "table.hdnd-promises")
    cards = browser.execute_script("return getComputedStyle(document.querySelector('table.hdnd-promises tbody tr')).display;")
    assert cards == "block"
    _at_width(browser, WIDTHS["desktop"])
    browser.get(server + PAGES["promises"])
    assert _before(browser, "table.hdnd-promises")[0] == "none"
    quote, row = browser.execute_script(
        "const td = document.querySelector('td.hdnd-col-quote');"
        "return [td.getBoundingClientRect().width, td.parentElement.getBoundingClientRect().width];")
    assert quote >= 0.4 * row


def test_the_chart_fits_a_phone_and_has_one_rank_column(browser, server):  # noqa: F811
    _at_width(browser, WIDTHS["phone"])
    browser.get(server + PAGES["chart"])
    width = browser.execute_script("return document.querySelector('svg.hdnd-chart').getBoundingClientRect().width;")
    assert 200 < width <= WIDTHS["phone"]
    for table in browser.execute_script(
            "return [...document.querySelectorAll('table.rows-and-columns')]"
            ".map(t => [...t.querySelectorAll('th')].map(th => th.textContent));"):
        assert table.count("Hạng · Rank") == 1, table


def test_the_stored_copy_marks_the_quote_and_scrolls_to_it(browser, server):  # noqa: F811
    from selenium.webdriver.common.by import By

    _at_width(browser, WIDTHS["phone"])
    browser.get(server + "/-/promise/3")
    quote = _visible(browser, "blockquote.hdnd-quote")[0].strip("“”")
    browser.find_element(By.PARTIAL_LINK_TEXT, "stored copy").click()
    assert "/-/article/" in browser.current_url and browser.current_url.endswith("#hdnd-quote")
    marked = _visible(browser, "mark#hdnd-quote")
    assert marked == [quote]
    top, bottom, height = browser.execute_script(
        "const r = document.getElementById('hdnd-quote').getBoundingClientRect(); return [r.top, r.bottom, innerHeight];")
    assert 0 <= top and bottom <= height
    assert browser.execute_script("return scrollY;") > 0, "the quote lies below the first screen, so the page scrolled"
    _keep(browser, "layout-phone-reader-from-promise")


def test_codes_are_shown_in_words(browser, server):  # noqa: F811
    _at_width(browser, WIDTHS["desktop"])
    codes = {code for group in code_labels().values() for code in group if "_" in code}
    for name in ("promise", "promises", "promises-all", "session", "search", "reader"):
        browser.get(server + PAGES[name])
        text = browser.find_element("css selector", "section.content").text
        assert not {code for code in codes if re.search(rf"\b{code}\b", text)}, name
    found = []
    for promise in (1, 3):
        browser.get(server + f"/-/promise/{promise}")
        found += [text.split(": ", 1)[1] for text in _visible(browser, ".hdnd-found")]
    assert found and set(found) <= set(FOUND_TITLES.values()), found
    browser.get(server + PAGES["promises-table"])
    assert "Lời hứa · Promise" in _visible(browser, "td.col-kind")
    topics = _visible(browser, "#facet-topic li a")
    assert code_labels()["topic"]["land_projects"] in topics and "land_projects" not in topics


def test_every_way_the_speaker_is_found_has_words():
    """Every Speaker.how pipeline/attribution.py writes is named on the promise page."""
    source = (ROOT / "pipeline" / "attribution.py").read_text(encoding="utf-8")
    hows = set(re.findall(r'(?:person\(.*?|speaker_in\(.*?|Speaker\(.*?), "([a-z_]+)"\)', source))
    assert {"quote_name_line", "subject", "turn"} <= hows
    assert hows - set(FOUND_TITLES) == set()


def _rows(server: str, query: str, **params: str) -> list:
    status, body = get(f"{server}/hdnd/{query}.json?" + urlencode({**params, "_shape": "array"}))
    assert status == 200, body[:300]
    return json.loads(body)


def test_canned_queries_take_other_names_of_an_index_and_a_place(server):
    exact = _rows(server, "index_over_years", index="PAR_INDEX", entity="Bắc Giang")
    assert len(exact) >= 3 and {row["index"] for row in exact} == {"PAR_INDEX"}
    for index in ("PAR INDEX", "par_index", "Chỉ số CCHC", "chi so cai cach hanh chinh", "par-index"):
        for entity in ("Bắc Giang", "bac giang", "BẮC GIANG"):
            assert _rows(server, "index_over_years", index=index, entity=entity) == exact, (index, entity)
    assert _rows(server, "index_over_years", index="PAPI", entity="bac giang") == []
    chart = get(f"{server}/-/chart.json?" + urlencode({"index": "PAR_INDEX", "entity": "Bắc Giang"}))
    assert chart[0] == 200 and chart == get(f"{server}/-/chart.json?" + urlencode({"index": "Chỉ số CCHC",
                                                                                   "entity": "bac giang"}))
    speaker = _rows(server, "promises_by_speaker", speaker="hoang van nam")
    assert speaker and speaker == _rows(server, "promises_by_speaker", speaker="Hoàng Văn Nam")


def test_canned_queries_have_titles_and_hide_their_sql(server):
    for name, query in CANNED.items():
        status, body = get(f"{server}/hdnd/{name}")
        page = html.unescape(body.decode())
        assert status == 200
        assert f"<title>{query['title']}</title>" in page
        assert '<pre id="sql-query">' not in page and '<textarea id="sql-editor"' not in page
        assert query["description"] in page


def _promises(server: str, **params: str) -> dict:
    status, body = get(f"{server}/-/promises.json?" + urlencode(params))
    assert status == 200, body[:300]
    return json.loads(body)


def test_the_promises_list_filters_and_pages(server):
    everything = _promises(server)
    assert everything["total"] == len(everything["rows"]) >= 3 and {r["kind"] for r in everything["rows"]} == {"commitment"}
    first = _promises(server, size="2")
    second = json.loads(get(server + first["next"])[1])
    assert [r["id"] for r in first["rows"] + second["rows"]] == [r["id"] for r in everything["rows"]][:4]
    assert first["previous"] is None and second["previous"]
    assert [r["id"] for r in _promises(server, speaker="hoang van nam")["rows"]] == [1]
    builders = _promises(server, body="GIÁM ĐỐC SỞ XÂY DỰNG")["rows"]
    assert builders and {r["speaker_title"] for r in builders} == {"Giám đốc Sở Xây dựng"}
    assert {r["made_on"] >= "2024-06-01" for r in _promises(server, since="2024-06-01")["rows"]} == {True}
    assert {r["source"] for r in _promises(server, source="BAOBACGIANG")["rows"]} == {"baobacgiang.example.vn"}
    demands = _promises(server, kind="demand")["rows"]
    assert demands and {r["kind"] for r in demands} == {"demand"}
    status, body = get(server + "/-/promises.json?status=late")
    assert status == 400 and json.loads(body)["error"].startswith("status= must be one of open, due, overdue")
    for page in ("%C2%B2", "9" * 5000):  # "²": str.isdigit takes it, int() refuses it and 5,000 digits
        status, body = get(server + "/-/promises.json?page=" + page)
        assert status == 400 and json.loads(body)["error"].startswith("page= must be a whole number"), body
    status, _ = get(server + "/-/article/1?start=%C2%B2&end=5")
    assert status == 200  # a span it cannot read marks nothing; the page still shows the article


def _cli(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "corpus", *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_home_page_cli_and_overdue_query_count_the_same_promises(server, web_corpus):
    status, body = get(server + "/")
    page = body.decode()
    home = {name: int(re.search(rf'class="hdnd-{name}-count"><strong>(\d+)</strong>', page).group(1))
            if name == "promise" else int(re.search(rf'class="hdnd-{name}-count">(\d+) ', page).group(1))
            for name in ("promise", "overdue")}
    stats = json.loads(_cli("stats", "--format", "json", "--db", str(web_corpus)))
    listed = json.loads(_cli("promises", "--format", "json", "--limit", "10000", "--db", str(web_corpus)))
    overdue = json.loads(_cli("promises", "--status", "overdue", "--format", "json", "--limit", "10000",
                              "--db", str(web_corpus)))
    query = _rows(server, "overdue_promises")
    page_json = json.loads(get(server + "/-/promises.json?status=overdue&size=200")[1])
    assert home["promise"] == stats["promises"] == len(listed) == json.loads(get(server + "/-/promises.json")[1])["total"]
    assert home["overdue"] == stats["overdue"] == len(overdue) == len(query) == page_json["total"]
    assert sorted(r["promise_id"] for r in query) == sorted(r["id"] for r in overdue)
    everything = json.loads(get(server + "/-/promises.json?kind=all")[1])["total"]
    assert 0 < home["overdue"] < home["promise"] < everything, "demands and assignments are not counted as promises"
