"""An index over the years: one figure a year chosen from every report, drawn as SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from corpus.chart import ChartError, Point, index_series, points_of, series_choices, svg_chart
from corpus.db import connect

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def db(web_corpus):
    database = connect(web_corpus)
    yield database
    database.conn.close()


def test_one_figure_a_year_and_the_reports_that_disagree(db):
    series = index_series(db, "PAR_INDEX", "bac giang")
    assert series["measure"] == "value" and series["entity"] == "Bắc Giang"
    figures = {f["year"]: (f["value"], f["disagreeing"]) for f in series["figures"]}
    # 2022 is 86,47% in one article and 86,74% in a later one: the tie goes to the later.
    assert figures == {2021: (84.12, []), 2022: (86.74, [86.47]), 2023: (89.21, [])}
    assert len(series["reports"]) == 5 and all(r["quote"] for r in series["reports"])


def test_the_menu_lists_series_with_the_most_years_first(db):
    assert series_choices(db)[0] == {"index": "PAR_INDEX", "entity": "Bắc Giang", "years": 3, "reports": 5}


def test_an_unknown_place_is_one_sentence(db):
    with pytest.raises(ChartError, match="no PAR_INDEX result for 'Hà Giang'"):
        index_series(db, "PAR_INDEX", "Hà Giang")


def _circles(svg: str) -> list[tuple[str, float]]:
    root = ET.fromstring(svg)
    return [(a.get("href"), float(a.find(SVG + "circle").get("cy"))) for a in root.iter(SVG + "a")]


def test_the_svg_links_every_point_and_rises_with_the_value(db):
    series = index_series(db, "PAR_INDEX", "Bắc Giang")
    svg = svg_chart(points_of(series, lambda f: f"/a/{f['article_id']}"), "PAR INDEX · Bắc Giang", "%")
    circles = _circles(svg)
    # The later article reports all three years, and wins each tie.
    later = db.execute("SELECT id FROM articles WHERE url LIKE '%lien-tuc-cai-thien%'").fetchone()[0]
    assert [href for href, _ in circles] == [f"/a/{later}"] * 3
    heights = [cy for _, cy in circles]
    assert heights[0] > heights[1] > heights[2]  # 84,12 < 86,74 < 89,21: higher on the page
    assert "89,21 (hạng 6)" in svg and "<script" not in svg


def test_ranks_are_drawn_with_first_place_on_top():
    points = [Point(2021, 17, "17/63", "#", ""), Point(2022, 10, "10/63", "#", ""), Point(2023, 6, "6/63", "#", "")]
    heights = [cy for _, cy in _circles(svg_chart(points, "hạng", "hạng", inverted=True))]
    assert heights[0] > heights[1] > heights[2]


def test_nothing_to_draw_is_an_error():
    with pytest.raises(ChartError):
        svg_chart([], "x", "y")
