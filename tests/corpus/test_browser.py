"""The web pages in headless Chromium (Debian's chromium and chromium-driver packages):
what a journalist sees on the search, promise and chart pages. Each test keeps a
screenshot in build/screenshots/."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import ROOT

SCREENSHOTS = ROOT / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        message = "Debian's chromium and chromium-driver are not installed (.ci/run installs them)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,1600", "--lang=vi"):
        options.add_argument(argument)
    chrome = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver))
    chrome.implicitly_wait(5)
    yield chrome
    chrome.quit()


def _keep(browser, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert browser.save_screenshot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def _visible(browser, selector: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def test_search_then_open_a_promise(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/")
    box = browser.find_element(By.ID, "hdnd-q")
    box.send_keys("hoi dong nhan dan", Keys.ENTER)
    assert "Hội đồng nhân dân" in _visible(browser, "#articles mark")
    assert "Hội đồng nhân dân" in _visible(browser, "#promises mark")
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "Bắc Giang công bố kết quả Chỉ số cải cách hành chính năm 2023" in page
    assert "Ngày hội đại đoàn kết" not in page
    _keep(browser, "search")

    browser.find_element(By.CSS_SELECTOR, "#promises .hdnd-hits a").click()
    assert _visible(browser, "h1")[0].startswith("Lời hứa · Promise #")
    quote = _visible(browser, "mark.quote")[0]
    assert quote.startswith("Tại kỳ họp thứ 18 Hội đồng nhân dân tỉnh khóa XIX") and quote.endswith("30/6/2025")
    assert _visible(browser, ".hdnd-speaker") == ["Hoàng Văn Nam, Giám đốc Sở Nội vụ"]
    assert _visible(browser, ".hdnd-status") == ["quá hạn · overdue"]
    jump = browser.find_element(By.CSS_SELECTOR, "a.hdnd-jump").get_attribute("href")
    assert jump.startswith("https://baobacgiang.example.vn/") and "#:~:text=" in jump
    _keep(browser, "promise")


def test_the_chart_shows_three_years(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(server + "/-/chart")
    browser.find_element(By.PARTIAL_LINK_TEXT, "PAR INDEX").click()
    points = [e for e in browser.find_elements(By.CSS_SELECTOR, "svg.hdnd-chart circle") if e.is_displayed()]
    assert len(points) == 3
    labels = _visible(browser, "svg.hdnd-chart text.hdnd-point")
    assert labels == ["84,12 (hạng 17)", "86,74 (hạng 10)", "89,21 (hạng 6)"]
    _keep(browser, "chart")
