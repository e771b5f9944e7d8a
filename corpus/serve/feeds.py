"""Alerts and attention: Atom feeds a newsroom subscribes to, a monthly mentions chart,
and the "cite this" line of the promise page.

* ``/-/search.atom?q=…`` — a saved search, newest matching articles first;
* ``/-/promises.atom?status=due,overdue`` — promises coming due or overdue (any statuses);
* ``/-/mentions?q=…`` (and ``.svg``, ``.json``) — how many articles match, month by month.

The feeds are Atom 1.0 built with ``xml.etree`` (so every text is escaped by the XML
writer, never by hand) from the same library functions as the command line: ``search``
for articles, ``list_commitments`` for promises. Dates are shown in Vietnam's offset
(+07:00), as the articles are published (``corpus.display``'s clock, which the command line
shows too). ``template_vars`` gives the promise page its
citation fields (through the plugin's extra_template_vars hook).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from html import escape
from urllib.parse import urlencode

from datasette.utils.asgi import Response
from markupsafe import Markup

from corpus.chart import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, _ticks, number
from corpus.commitments import DUE_DAYS, STATUSES, list_commitments
from corpus.db import row_id
from corpus.display import VIETNAM, is_web_url, local_time, shorten, today_local
from corpus.search import QueryError, fts_query, parse_query, search
from corpus.serve.pages import ARTICLE_KINDS, KIND_TITLES, STATUS_TITLES, _db_path, _plain, _read, _sentence, counted, reader_url
from pipeline import deadline_date

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_ENTRIES = 50          # entries in a feed unless ?limit= says otherwise (at most MAX_ENTRIES)
MAX_ENTRIES = 200
SEARCH_POOL = 1000         # best matches the search feed takes before ordering them newest first
DEFAULT_STATUSES = ("due", "overdue")
QUOTE_CHARS = 80           # of the quote in a promise entry's title
ET.register_namespace("", ATOM)


class FeedError(ValueError):
    """A feed request that cannot be answered; the message is one sentence."""


def _stamp(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


# Characters XML 1.0 forbids; ElementTree would write them and every reader would refuse the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _NOT_XML.sub("", v) for k, v in attrs.items()})
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def atom_feed(feed_id: str, title: str, self_url: str, alternate: str, entries: list[dict]) -> bytes:
    """An Atom 1.0 document. Each entry: id, title, link, updated (aware datetimes), and
    optionally published, summary, author, category. The feed's updated is its newest
    entry's, or now when it has none."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    newest = max((e["updated"] for e in entries), default=datetime.now(VIETNAM))
    _sub(feed, "updated", _stamp(newest))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=alternate)
    _sub(_sub(feed, "author"), "name", "hdnd")
    _sub(feed, "generator", "hdnd")
    for item in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", item["id"])
        _sub(entry, "title", item["title"])
        _sub(entry, "link", rel="alternate", href=item["link"])
        _sub(entry, "updated", _stamp(item["updated"]))
        if item.get("published"):
            _sub(entry, "published", _stamp(item["published"]))
        if item.get("author"):
            _sub(_sub(entry, "author"), "name", item["author"])
        if item.get("category"):
            _sub(entry, "category", term=item["category"])
        if item.get("summary"):
            _sub(entry, "summary", item["summary"])
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _limit(request) -> int:
    raw = request.args.get("limit") or str(FEED_ENTRIES)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ENTRIES:
        raise FeedError(f"the limit= must be a whole number from 1 to {MAX_ENTRIES}.")
    return int(raw)


def _day(request, name: str) -> str | None:
    value = (request.args.get(name) or "").strip() or None
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise FeedError(f"the date {name}= must be written YYYY-MM-DD, not {shorten(value, 24)!r}.") from None
    return value


def _absolute(datasette, request, path: str, query: dict | None = None) -> str:
    """The full address of one of our paths ("-/promise/1", or one already made by
    ``datasette.urls``), as a feed reader needs it."""
    path = path if path.startswith("/") else datasette.urls.path(path)
    return datasette.absolute_url(request, path + ("?" + urlencode(query) if query else ""))


def _feed_error(err: Exception) -> Response:
    return Response.text(_sentence(err), status=400)


def _search_entry(datasette, request, hit: dict, imported: datetime) -> dict:
    """One article as an entry: its link is the publisher's page, or our page for reading
    the stored copy of an imported file; its id stays the article's row, so readers that
    subscribed before keep each entry once; it is dated by publication (else by when we stored it)."""
    row = _absolute(datasette, request, _db_path(datasette, "articles", hit["id"]))
    link = hit["url"] if is_web_url(hit["url"]) else _absolute(datasette, request, reader_url(datasette, hit["id"]))
    published = local_time(hit["published"])
    return {"id": row, "title": hit["title"] or hit["url"], "link": link,
            "updated": published or imported, "published": published, "author": hit["source"],
            "category": hit["source"], "summary": _plain(hit["snippet"])}


def newest_matches(db, query: str, limit: int, since: str | None = None, until: str | None = None,
                   source: str | None = None, kind: str | None = None) -> list[dict]:
    """The newest ``limit`` of the search's first SEARCH_POOL matches (its best; for a query
    too broad to rank, the most recently added), each with when it was stored (the date
    of an article without a publication date)."""
    hits = search(db, query, since=since, until=until, source=source, kind=kind, limit=SEARCH_POOL, mark=("", ""))
    hits.sort(key=lambda h: (local_time(h["published"]) or datetime.min.replace(tzinfo=VIETNAM), h["id"]), reverse=True)
    hits = hits[:limit]
    stored = dict(db.execute(f"SELECT id, imported_at FROM articles WHERE id IN ({', '.join('?' * len(hits))})",
                             [h["id"] for h in hits]).fetchall()) if hits else {}
    for hit in hits:
        hit["imported_at"] = stored.get(hit["id"])
    return hits


async def search_feed(datasette, request) -> Response:
    """/-/search.atom?q=…[&since=&until=&source=&kind=&limit=]: a saved search as a feed
    (kind= article or transcript, as on the search page)."""
    query = (request.args.get("q") or "").strip()
    try:
        if not query:
            raise FeedError("Give the search as q=, e.g. /-/search.atom?q=chuyen+doi+so.")
        limit, since, until = _limit(request), _day(request, "since"), _day(request, "until")
        source, kind = ((request.args.get(name) or "").strip() or None for name in ("source", "kind"))
        if kind and kind not in ARTICLE_KINDS:
            raise FeedError(f"the feed lists articles, so kind= must be one of {', '.join(ARTICLE_KINDS)}.")
        hits = await _read(datasette, lambda db: newest_matches(db, query, limit, since, until, source, kind))
    except (FeedError, QueryError) as err:
        return _feed_error(err)
    now = datetime.now(VIETNAM)
    entries = [_search_entry(datasette, request, hit, local_time(hit["imported_at"]) or now) for hit in hits]
    saved = {k: v for k, v in (("q", query), ("since", since), ("until", until), ("source", source), ("kind", kind)) if v}
    body = atom_feed(_absolute(datasette, request, "-/search.atom", saved),
                     f"hdnd: “{query}”", datasette.absolute_url(request, request.full_path),
                     _absolute(datasette, request, "-/search", saved), entries)
    return Response(body, content_type=ATOM_TYPE)


def _statuses(request) -> tuple[str, ...]:
    """?status=due,overdue (or repeated status=); every known status, default due and overdue."""
    given = [s.strip() for value in request.args.getlist("status") for s in value.split(",") if s.strip()]
    unknown = [s for s in given if s not in STATUSES]
    if unknown:
        raise FeedError(f"the status {shorten(unknown[0], 24)!r} is not one of {', '.join(STATUSES)}.")
    return tuple(dict.fromkeys(given)) or DEFAULT_STATUSES


def since_when(promise: dict) -> datetime:
    """When a promise came to its present status: overdue the day after its deadline, due
    DUE_DAYS before it, otherwise the day it was made. An entry's id carries the status,
    so a reader shows a promise again when it turns from due to overdue."""
    last = deadline_date(promise["deadline"])
    if last and promise["status"] == "overdue":
        day = last + timedelta(days=1)
    elif last and promise["status"] == "due":
        day = last - timedelta(days=DUE_DAYS)
    else:
        return local_time(promise["made_on"]) or datetime.combine(date(1970, 1, 1), time(), VIETNAM)
    return datetime.combine(day, time(), VIETNAM)


def promise_title(promise: dict) -> str:
    """Speaker and the start of the quote: "Nguyễn Văn A: “UBND tỉnh sẽ …”"."""
    who = promise["speaker"] or KIND_TITLES.get(promise["kind"], promise["kind"])
    return f"{who}: “{shorten(promise['quote'], QUOTE_CHARS)}”"


def _promise_entry(datasette, request, promise: dict) -> dict:
    page = _absolute(datasette, request, f"-/promise/{promise['id']}")
    status = STATUS_TITLES.get(promise["status"], promise["status"])
    summary = " · ".join(filter(None, [f"Hạn · Deadline: {promise['deadline'] or 'không nêu · none given'}",
                                       f"Trạng thái · Status: {status}", promise["speaker_title"], promise["quote"]]))
    return {"id": f"{page}#{promise['status']}", "title": promise_title(promise), "link": page,
            "updated": since_when(promise), "published": local_time(promise["made_on"]),
            "author": promise["speaker"], "category": promise["status"], "summary": summary}


def promises_due(db, statuses: tuple[str, ...], today: date, limit: int) -> list[dict]:
    """Promises in any of ``statuses`` as of ``today``, the latest to reach it first."""
    found = [p for status in statuses for p in list_commitments(db, today, status=status, limit=limit)]
    found.sort(key=lambda p: (since_when(p), p["id"]), reverse=True)
    return found[:limit]


async def promises_feed(datasette, request) -> Response:
    """/-/promises.atom?status=due,overdue[&today=YYYY-MM-DD&limit=]: promises coming due
    or overdue (statuses as of today in Vietnam, or as of ``today=``)."""
    try:
        statuses, limit = _statuses(request), _limit(request)
        as_of = _day(request, "today")
        today = date.fromisoformat(as_of) if as_of else today_local()
        promises = await _read(datasette, lambda db: promises_due(db, statuses, today, limit))
    except FeedError as err:
        return _feed_error(err)
    names = " · ".join(STATUS_TITLES.get(s, s) for s in statuses)
    body = atom_feed(_absolute(datasette, request, "-/promises.atom", {"status": ",".join(statuses)}),
                     f"hdnd: lời hứa {names}", datasette.absolute_url(request, request.full_path),
                     _absolute(datasette, request, "hdnd/promises"), [_promise_entry(datasette, request, p) for p in promises])
    return Response(body, content_type=ATOM_TYPE)


def monthly_mentions(db, query: str) -> dict:
    """How many articles match ``query`` in each month (Vietnam time) from the first to
    the last month with one, months without a match as 0; and how many have no date."""
    rows = db.execute("SELECT a.published FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                      "WHERE articles_fts MATCH ?", (fts_query(parse_query(query)),)).fetchall()
    counts: dict[str, int] = {}
    undated = 0
    for (published,) in rows:
        moment = local_time(published)
        if moment is None:
            undated += 1
            continue
        month = moment.strftime("%Y-%m")
        counts[month] = counts.get(month, 0) + 1
    months = []
    if counts:
        year, month = map(int, min(counts).split("-"))
        while f"{year:04d}-{month:02d}" <= max(counts):
            key = f"{year:04d}-{month:02d}"
            months.append({"month": key, "articles": counts.get(key, 0)})
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {"query": query, "months": months, "total": len(rows), "undated": undated}


def month_range(month: str) -> tuple[str, str]:
    """The first and last day of "YYYY-MM"."""
    first = date.fromisoformat(month + "-01")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first.isoformat(), (following - timedelta(days=1)).isoformat()


def svg_bars(months: list[dict], title: str, href_of) -> str:
    """Articles a month as bars in a standalone SVG, each bar linked to that month's
    search; the axes as in the index chart (its size, margins and ticks)."""
    top = max((m["articles"] for m in months), default=0)
    ticks = [t for t in _ticks(0, max(top, 1)) if t >= 0 and t == int(t)]  # whole articles only
    high = ticks[-1] or 1
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / max(len(months), 1)
    every = max(1, -(-len(months) // 12))   # at most 12 month labels
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
           f'role="img" aria-label="{escape(title)}" class="hdnd-chart" font-family="sans-serif" font-size="12" '
           f'style="width: 100%; max-width: {WIDTH}px; height: auto">',
           f"<title>{escape(title)}</title>",
           f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    for tick in ticks:
        ty = TOP + (1 - tick / high) * inner_h
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#555">{number(tick)}</text>')
    out.append(f'<text x="14" y="{TOP + inner_h / 2:.1f}" transform="rotate(-90 14 {TOP + inner_h / 2:.1f})" '
               f'text-anchor="middle" fill="#555">bài báo · articles</text>')
    for i, m in enumerate(months):
        x, height = LEFT + i * slot, m["articles"] / high * inner_h
        label = f"{m['month'][5:]}/{m['month'][:4]}"
        out.append(f'<a href="{escape(href_of(m))}"><rect x="{x + slot * 0.1:.1f}" y="{TOP + inner_h - height:.1f}" '
                   f'width="{slot * 0.8:.1f}" height="{height:.1f}" fill="#1f6feb" class="hdnd-bar" '
                   f'data-month="{m["month"]}" data-articles="{m["articles"]}"><title>{label}: '
                   f'{counted(m["articles"], "bài", "article")}</title></rect></a>')
        if i % every == 0:
            out.append(f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" fill="#555">'
                       f"{label}</text>")
    out.append("</svg>")
    return "\n".join(out)


async def mentions_page(datasette, request) -> Response:
    """/-/mentions?q=… (and .svg, .json): how coverage of a topic rises and falls."""
    query = (request.args.get("q") or "").strip()
    fmt = request.url_vars.get("format")
    result, error = None, None
    if query:
        try:
            result = await _read(datasette, lambda db: monthly_mentions(db, query))
        except QueryError as err:
            error = str(err)
    elif fmt:
        error = "Give the search as q=, e.g. /-/mentions.json?q=chuyen+doi+so."
    status = 400 if error else 200
    if fmt == "json":
        return Response.json({"ok": not error, "error": error, **(result or {"query": query})}, status=status)

    def month_search(month: dict) -> str:
        since, until = month_range(month["month"])
        return datasette.urls.path("-/search") + "?" + urlencode({"q": query, "since": since, "until": until})
    svg = svg_bars(result["months"], f"“{query}”: bài báo mỗi tháng · articles a month", month_search) \
        if result and result["months"] else None
    if fmt == "svg":
        if error or not svg:
            return Response.text(error or "No dated article matches this search.", status=status if error else 404)
        return Response(svg, content_type="image/svg+xml; charset=utf-8")
    args = urlencode({"q": query})
    html = await datasette.render_template("hdnd_mentions.html", {
        "q": query, "error": error, "result": result, "svg": Markup(svg) if svg else None,
        "json_url": datasette.urls.path("-/mentions.json") + "?" + args,
        "svg_url": datasette.urls.path("-/mentions.svg") + "?" + args,
        "atom_url": datasette.urls.path("-/search.atom") + "?" + args,
        "search_url": datasette.urls.path("-/search") + "?" + args}, request=request)
    return Response.html(html, status=status)


async def citations(datasette, request) -> dict:
    """For each source of the promise on the page: the outlet (its name, else its
    domain), the day it was published (in Vietnam) and the address to cite (the
    publisher's page, else our page for reading the stored copy)."""
    promise_id = row_id((request.url_vars or {}).get("id", "")) if request else None
    if promise_id is None:
        return {}

    def outlets(db):
        return db.execute("SELECT a.id, a.url, a.published, COALESCE(NULLIF(s.name, ''), s.domain) FROM commitment_sources c "
                          "JOIN articles a ON a.id = c.article_id LEFT JOIN sources s ON s.id = a.source_id "
                          "WHERE c.commitment_id = ?", (promise_id,)).fetchall()
    cite = {}
    for article_id, url, published, outlet in await _read(datasette, outlets):
        stored = _absolute(datasette, request, reader_url(datasette, article_id))
        moment = local_time(published)
        cite[article_id] = {"outlet": outlet, "url": url if is_web_url(url) else stored,
                            "date": moment.date().isoformat() if moment else None}
    return cite


def template_vars(template: str, request, datasette):
    """The promise page's citation fields: outlet and address per source, and today's
    date in Vietnam as the accessed date (through the plugin's extra_template_vars)."""
    if template != "hdnd_promise.html":
        return {}

    async def cite_vars():
        return {"cite": await citations(datasette, request), "accessed": today_local().isoformat()}
    return cite_vars


ROUTES = [
    (r"^/-/search\.atom$", search_feed),
    (r"^/-/promises\.atom$", promises_feed),
    (r"^/-/mentions(\.(?P<format>json|svg))?$", mentions_page),
]
