"""An index over the years for one place or body, drawn as SVG on the server.

The web page must work offline, so there is no JavaScript charting library: the chart is
an SVG string. Every point links to the article its figure came from, and every report
behind a point is listed beside the chart, so a reader can check each figure.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from html import escape

import sqlite_utils

from pipeline import fold, index_names

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 36, 48
INSET = 56  # the first and last years sit this far inside the plot, so their labels fit


class ChartError(ValueError):
    """A chart that cannot be drawn; the message is one sentence."""


@dataclass(frozen=True)
class Point:
    year: int
    y: float
    label: str
    href: str
    tooltip: str


def _same(a: str | None, b: str | None) -> bool:
    return fold((a or "").strip().lower()) == fold((b or "").strip().lower())


def series_choices(db: sqlite_utils.Database) -> list[dict]:
    """Every (index, entity) with at least one report, most years first: the chart's menu."""
    rows = db.execute('SELECT "index", entity, COUNT(DISTINCT year) AS years, COUNT(*) AS reports '
                      'FROM index_values WHERE entity IS NOT NULL AND year IS NOT NULL AND subindex IS NULL '
                      'GROUP BY "index", entity ORDER BY years DESC, reports DESC, "index", entity')
    return [dict(zip(("index", "entity", "years", "reports"), row)) for row in rows]


def index_series(db: sqlite_utils.Database, index: str, entity: str, subindex: str | None = None) -> dict:
    """Every report of ``index`` for ``entity`` (case and marks ignored), and one figure a
    year: the value most articles agree on (the latest article breaks a tie), or the rank
    when more years have a rank than a value."""
    rows = db.execute(
        'SELECT v.id, v.year, v.value, v.unit, v.rank, v.rank_of, v.entity, v.subindex, v.quote, v.start, '
        'a.id AS article_id, a.url, a.title, a.published '
        'FROM index_values v JOIN articles a ON a.id = v.article_id '
        'WHERE v."index" = ? AND v.year IS NOT NULL ORDER BY v.year, a.published, v.id', (index,))
    names = [d[0] for d in rows.description]
    reports = [r for r in (dict(zip(names, row)) for row in rows)
               if _same(r["entity"], entity) and _same(r["subindex"], subindex)]
    if not reports:
        raise ChartError(f"there is no {index} result for {entity!r} in this corpus.")
    measure = max(("value", "rank"), key=lambda m: len({r["year"] for r in reports if r[m] is not None}))
    years: dict[int, list[dict]] = {}
    for report in reports:
        if report[measure] is not None:
            years.setdefault(report["year"], []).append(report)
    figures = []
    for year, found in sorted(years.items()):
        votes = Counter(r[measure] for r in found)
        best = max(votes, key=lambda v: (votes[v], max(r["published"] or "" for r in found if r[measure] == v)))
        chosen = [r for r in found if r[measure] == best][-1]
        figures.append({"year": year, measure: best, "unit": chosen["unit"], "rank": chosen["rank"],
                        "rank_of": chosen["rank_of"], "article_id": chosen["article_id"], "quote": chosen["quote"],
                        "disagreeing": sorted({r[measure] for r in found} - {best})})
    return {"index": index, "entity": reports[0]["entity"], "subindex": subindex, "measure": measure,
            "figures": figures, "reports": reports}


def index_code(name: str) -> str:
    """The index code a person means by ``name``: the code in any case, with spaces or
    hyphens for its underscores ("par index", "PAR-INDEX"), or a name of it in
    models/index_names.tsv, tone marks optional ("Chỉ số CCHC", "chi so cchc"); a name
    we do not know is returned as written, so it matches nothing rather than something else."""
    key = " ".join(fold(name.strip().lower()).replace("_", " ").replace("-", " ").split())
    codes = {fold(variant).replace("-", " "): code for variant, code in index_names().items()}
    codes.update({code.lower().replace("_", " "): code for code in codes.values()})
    return codes.get(key, name)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if high == low:
        high, low = high + 1, low - 1
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if m * step >= raw)
    first = math.floor(low / step) * step
    return [round(first + i * step, 6) for i in range(count + 2) if first + (i - 1) * step < high]


def number(value: float) -> str:
    """Vietnamese decimal comma: 91.43 → "91,43"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def points_of(series: dict, href_of) -> list[Point]:
    """Chart points for ``index_series`` output; ``href_of(figure)`` links each to its source."""
    measure, points = series["measure"], []
    for figure in series["figures"]:
        y = figure[measure]
        label = number(y) if measure == "value" else f"{int(y)}/{figure['rank_of'] or '?'}"
        if measure == "value" and figure["rank"]:
            label += f" (hạng {figure['rank']})"
        tooltip = f"{figure['year']}: {figure['quote']}"
        points.append(Point(figure["year"], float(y), label, href_of(figure), tooltip))
    return points


def svg_chart(points: list[Point], title: str, axis_label: str, *, inverted: bool = False) -> str:
    """A line chart of ``points`` (one a year) as a standalone SVG element.

    ``inverted`` puts low numbers at the top, for ranks.
    """
    if not points:
        raise ChartError("there is no figure to draw.")
    ys = [p.y for p in points]
    ticks = _ticks(min(ys), max(ys))
    low, high = ticks[0], ticks[-1]
    years = [p.year for p in points]
    first, last = min(years), max(years)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        if last == first:
            return LEFT + inner_w / 2
        return LEFT + INSET + (year - first) / (last - first) * (inner_w - 2 * INSET)

    def y(value: float) -> float:
        share = (value - low) / (high - low)
        return TOP + (share if inverted else 1 - share) * inner_h

    # The width and height size the file opened alone; on a page the chart shrinks to a phone's width.
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
           f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" class="hdnd-chart" '
           f'style="width: 100%; max-width: {WIDTH}px; height: auto" font-family="sans-serif" font-size="12">',
           f'<title>{escape(title)}</title>',
           f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    for tick in ticks:
        ty = y(tick)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#555">{number(tick)}</text>')
    for year in range(first, last + 1):
        out.append(f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" fill="#555">{year}</text>')
    out.append(f'<text x="14" y="{TOP + inner_h / 2:.1f}" transform="rotate(-90 14 {TOP + inner_h / 2:.1f})" '
               f'text-anchor="middle" fill="#555">{escape(axis_label)}</text>')
    path = " ".join(f"{x(p.year):.1f},{y(p.y):.1f}" for p in sorted(points, key=lambda p: p.year))
    out.append(f'<polyline points="{path}" fill="none" stroke="#1f6feb" stroke-width="2"/>')
    for p in points:
        px, py = x(p.year), y(p.y)
        out.append(f'<a href="{escape(p.href)}"><circle cx="{px:.1f}" cy="{py:.1f}" r="5" fill="#1f6feb">'
                   f'<title>{escape(p.tooltip)}</title></circle>'
                   f'<text x="{px:.1f}" y="{py - 10:.1f}" text-anchor="middle" class="hdnd-point">'
                   f'{escape(p.label)}</text></a>')
    out.append("</svg>")
    return "\n".join(out)
