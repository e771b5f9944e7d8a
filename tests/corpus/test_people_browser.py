"""The person page in headless Chromium at a desktop's width (1280 px) and a phone's
(390 px): nothing wider than the window, the titles as labelled cards on the phone, and a
click from a promise's speaker to the person. Screenshots in build/screenshots/."""

from __future__ import annotations

import json

import pytest

from tests.corpus.conftest import get, serving
from tests.corpus.test_browser import _keep, _visible, browser  # noqa: F401 (the Chromium fixture)
from tests.corpus.test_people import build_people_corpus
from tests.corpus.test_web_layout import WIDTHS, _at_width, _before


@pytest.fixture(scope="module")
def people_server(tmp_path_factory):
    """hdnd serve over the real articles of tests/corpus/test_people.py."""
    with serving(build_people_corpus(tmp_path_factory.mktemp("people-web"))) as port:
        yield f"http://127.0.0.1:{port}"


def _ids(base: str, query: str) -> list[int]:
    found = json.loads(get(f"{base}/-/search.json?q={query}")[1])
    return [hit["id"] for hit in found["groups"]["people"]["hits"]]


@pytest.mark.parametrize("device", WIDTHS)
def test_the_person_page_fits_the_window(browser, people_server, server, device):  # noqa: F811
    _at_width(browser, WIDTHS[device])
    pages = {"truong": f"{people_server}/-/person/{_ids(people_server, 'truong+hoa+binh')[0]}",
             "dung": f"{people_server}/-/person/{_ids(people_server, 'ho+quoc+dung')[0]}",
             "transcript": f"{server}/-/person/5"}
    too_wide = {}
    for name, url in pages.items():
        browser.get(url)
        assert "Not found" not in browser.title, name
        width = browser.execute_script("return Math.max(document.documentElement.scrollWidth, window.innerWidth);")
        if width > WIDTHS[device]:
            too_wide[name] = width
        _keep(browser, f"layout-{device}-person-{name}")
    assert too_wide == {}


def test_titles_are_labelled_cards_on_a_phone_and_the_speaker_leads_to_the_person(browser, people_server, server):  # noqa: F811
    from selenium.webdriver.common.by import By

    _at_width(browser, WIDTHS["phone"])
    browser.get(f"{people_server}/-/person/{_ids(people_server, 'ho+quoc+dung')[0]}")
    labels = _before(browser, "table.hdnd-titles")
    assert labels and set(labels) == {'"Chức danh · Title"', '"Lần đầu · First seen"', '"Lần cuối · Last seen"',
                                      '"Bài báo · Articles"'}
    assert "Gia Lai" in _visible(browser, ".hdnd-homonyms")[0]
    _at_width(browser, WIDTHS["desktop"])
    browser.get(f"{server}/-/promise/3")
    browser.find_element(By.CSS_SELECTOR, ".hdnd-speaker a").click()
    assert browser.current_url.endswith("/-/person/5") and _visible(browser, "h1") == ["Trần Minh Đức"]
    assert "quá hạn · overdue" in _visible(browser, "table.hdnd-person-promises .hdnd-status")
    _keep(browser, "person-from-promise")
