"""Our pages inside Datasette: search, one promise, one session, an index over the years.

Each route reads through Datasette's read-only connection under its SQL time limit,
calls the same library function as the command line, and renders a template (or JSON,
CSV or SVG when the URL ends so).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

import sqlite_utils
from datasette.utils.asgi import AsgiStream, Response
from markupsafe import Markup, escape

from corpus.chart import ChartError, index_series, points_of, series_choices, svg_chart
from corpus.commitments import PromiseError, commitment_detail
from corpus.db import row_id
from corpus.display import is_web_url, shorten
from corpus.lookup import Filters, search_everything, search_group
from corpus.search import END, START, QueryError, parse_query, time_limit
from corpus.sessions import SessionError, list_sessions, session_detail, session_label
from pipeline import index_names

GROUP_TITLES = {"articles": "Bài báo · Articles", "promises": "Lời hứa · Promises",
                "people": "Người · People", "index_values": "Chỉ số · Index results"}
STATUS_TITLES = {"open": "đang theo dõi · open", "due": "sắp đến hạn · due", "overdue": "quá hạn · overdue",
                 "kept": "đã thực hiện · kept", "partly": "thực hiện một phần · partly",
                 "not_kept": "không thực hiện · not kept", "in_progress": "đang triển khai · in progress"}
KIND_TITLES = {"commitment": "Lời hứa · Promise", "demand": "Yêu cầu · Demand",
               "assignment": "Giao nhiệm vụ · Assignment"}
FRAGMENT_WORDS = 5


async def _read(datasette, fn):
    """``fn(db)`` on Datasette's read-only connection, under its SQL time limit (a
    TimeLimitError when it runs out)."""
    def call(conn):
        with time_limit(conn, datasette.setting("sql_time_limit_ms")):
            return fn(sqlite_utils.Database(conn))
    return await datasette.get_database().execute_fn(call)


def _db_path(datasette, *parts: object) -> str:
    return datasette.urls.path("/".join([datasette.get_database().name, *map(str, parts)]))


def marked(text: str) -> Markup:
    """A snippet whose matches sit between START and END, as HTML with <mark>."""
    return escape(text).replace(START, Markup("<mark>")).replace(END, Markup("</mark>"))


def text_fragment(url: str, quote: str) -> str:
    """``url`` with a text fragment that scrolls to and highlights ``quote`` in the browser:
    the whole quote when short, else its first and last words (textStart,textEnd)."""
    words = quote.split()

    def encode(chunk: list[str]) -> str:
        return url_quote(" ".join(chunk), safe="").replace("-", "%2D")
    target = encode(words) if len(words) <= 2 * FRAGMENT_WORDS else \
        encode(words[:FRAGMENT_WORDS]) + "," + encode(words[-FRAGMENT_WORDS:])
    return url.split("#", 1)[0] + "#:~:text=" + target


def web_link(url: str | None, label: str | None = None) -> Markup:
    """A stored URL as a link when it is a web address, else as plain text after its
    label (the ``web_link`` filter of our templates)."""
    if is_web_url(url):
        return Markup('<a href="{}">{}</a>').format(url, label or url)
    if label and label != url:
        return Markup('{} <span class="hdnd-detail">{}</span>').format(label, url or "")
    return escape(url or "")


def _jump(datasette, url: str, quote: str, article_id: int) -> str:
    """Where a figure can be checked: the quote on the publisher's page, or, for an
    imported file (or an address that is not a web page's), the stored copy."""
    if is_web_url(url):
        return text_fragment(url, quote)
    return _db_path(datasette, "articles", article_id)


def _sentence(err: Exception) -> str:
    message = str(err)
    return message[:1].upper() + message[1:]


async def _page(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


async def _not_found(datasette, request, template: str, message: str) -> Response:
    """404 with the one-sentence reason, as JSON or as the page."""
    if request.url_vars.get("format") == "json":
        return Response.json({"ok": False, "error": message}, status=404)
    return await _page(datasette, request, template, {"error": message}, status=404)


async def home(datasette) -> dict:
    """Counts and links for the home page."""
    def counts(db):
        sql = {"articles": "SELECT COUNT(*) FROM articles", "promises": "SELECT COUNT(*) FROM promises",
               "overdue": "SELECT COUNT(*) FROM promises WHERE status = 'overdue'",
               "people": "SELECT COUNT(*) FROM persons", "index_values": "SELECT COUNT(*) FROM index_values",
               "sessions": "SELECT COUNT(*) FROM sessions"}
        return {name: db.execute(q).fetchone()[0] for name, q in sql.items()}
    latest = await _read(datasette, lambda db: list_sessions(db, limit=5))
    for row in latest:
        row["label"] = session_label(row)
        row["href"] = datasette.urls.path(f"-/session/{row['id']}")
    return {"counts": await _read(datasette, counts), "db": datasette.get_database().name,
            "db_url": _db_path(datasette), "sessions": latest}


def _hit_links(datasette, group: str, hit: dict) -> dict:
    if group == "articles":
        return {"href": _db_path(datasette, "articles", hit["id"]), "label": hit["title"] or hit["url"],
                "detail": " · ".join(filter(None, [(hit["published"] or "")[:10], hit["source"]])),
                "source": hit["url"] if is_web_url(hit["url"]) else None}
    if group == "promises":
        detail = [hit["speaker"], hit["speaker_title"], hit["deadline"] and f"hạn {hit['deadline']}",
                  STATUS_TITLES.get(hit["status"], hit["status"])]
        return {"href": datasette.urls.path(f"-/promise/{hit['id']}"), "label": f"{KIND_TITLES.get(hit['kind'], hit['kind'])} #{hit['id']}",  # noqa: E501
                "detail": " · ".join(filter(None, detail))}
    if group == "people":
        return {"href": _db_path(datasette, "persons", hit["id"]), "label": hit["name"],
                "detail": f"{hit['title'] or ''} · {hit['articles']} bài"}
    chart = datasette.urls.path("-/chart") + "?" + urlencode({"index": hit["index"], "entity": hit["entity"] or ""})
    figure = " ".join(str(x) for x in (hit["value"], hit["unit"]) if x is not None)
    rank = f"hạng {hit['rank']}/{hit['rank_of'] or '?'}" if hit["rank"] else ""
    return {"href": chart, "label": f"{hit['index']} · {hit['entity'] or '?'} · {hit['year'] or '?'}",
            "detail": " · ".join(filter(None, [hit["subindex"], figure, rank])),
            "source": _db_path(datasette, "articles", hit["article_id"])}


def _plain(text: str) -> str:
    return text.replace(START, "**").replace(END, "**")


SEARCH_SIZE = {"html": 10, "data": 20, "max": 100}
EXPORT_CHUNK = 200  # hits per group read at a time (each read under the time limit) for _all=1
CSV_HEADER = ["group", "id", "label", "detail", "snippet", "link"]
FILTER_NAMES = ("since", "until", "source", "kind")
FILTER_KINDS = {"article": "Bài báo · Article", "transcript": "Biên bản · Transcript", **KIND_TITLES}


class SearchArgs(ValueError):
    """A search address we cannot read (page, size or a date); the message is one sentence."""


def _whole(request, name: str, default: int, high: int) -> int:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise SearchArgs(f"{name}= must be a whole number from 1 to {high:,}.")
    return int(raw)


def _search_args(request, fmt: str | None) -> tuple[str, int, int, Filters]:
    """The query, page, page size and filters of a /-/search address."""
    values = {name: (request.args.get(name) or "").strip() or None for name in FILTER_NAMES}
    for name in ("since", "until"):
        try:
            values[name] and date.fromisoformat(values[name])
        except ValueError:
            raise SearchArgs(f"{name}= must be a date written YYYY-MM-DD, such as 2024-01-31.") from None
    size = _whole(request, "size", SEARCH_SIZE["data" if fmt else "html"], SEARCH_SIZE["max"])
    page = _whole(request, "page", 1, 1_000_000)
    return (request.args.get("q") or "").strip(), page, size, Filters(**values)


def _search_url(datasette, suffix: str, query: str, filters: Filters, **extra) -> str:
    """The address of a search with its filters (empty ones left out) and ``extra``."""
    params = {"q": query, **{k: v for k, v in vars(filters).items() if v}, **{k: v for k, v in extra.items() if v}}
    return datasette.urls.path("-/search" + suffix) + "?" + urlencode(params)


def _csv_rows(datasette, group: str, hits: list[dict]) -> list[list]:
    rows = []
    for hit in hits:
        links = _hit_links(datasette, group, hit)
        rows.append([group, hit["id"], links["label"], links["detail"], _plain(hit["snippet"]), links["href"]])
    return rows


def _csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _export_all(datasette, query: str, filters: Filters) -> AsgiStream:
    """Every hit of every group as CSV, streamed a chunk at a time; a chunk that runs out of
    time ends the file with an ``error`` row saying so (the status is already sent)."""
    async def stream(out):
        await out.write(_csv_text([CSV_HEADER]))
        for group in filters.groups():
            offset = 0
            while True:
                try:
                    found = await _read(datasette, lambda db: search_group(db, query, group, limit=EXPORT_CHUNK,
                                                                           offset=offset, filters=filters))
                except QueryError as err:
                    await out.write(_csv_text([["error", "", "", "", str(err), ""]]))
                    return
                await out.write(_csv_text(_csv_rows(datasette, group, found["hits"])))
                offset += EXPORT_CHUNK
                if offset >= found["total"] or not found["hits"]:
                    break
    return AsgiStream(stream, content_type="text/csv; charset=utf-8",
                      headers={"content-disposition": 'attachment; filename="hdnd-search.csv"'})


async def search_page(datasette, request) -> Response:
    """/-/search?q=…: articles, promises, people and index results for one query, a page at
    a time (page=, size=), narrowed by since=, until=, source= and kind=; ``.json`` and
    ``.csv`` the same, and ``.csv?…&_all=1`` every hit."""
    fmt = request.url_vars.get("format")
    result, error = None, None
    try:
        query, page, size, filters = _search_args(request, fmt)
    except SearchArgs as err:
        query, page, size, filters, error = (request.args.get("q") or "").strip(), 1, SEARCH_SIZE["html"], Filters(), str(err)
    if query and not error:
        try:
            await _read(datasette, lambda db: parse_query(query))
            if fmt == "csv" and request.args.get("_all") == "1":
                return _export_all(datasette, query, filters)
            result = await _read(datasette, lambda db: search_everything(db, query, limit=size, offset=(page - 1) * size,
                                                                         filters=filters))
        except QueryError as err:
            error = str(err)
    status = 400 if error else 200
    more = bool(result) and any(g["total"] > page * size for g in result["groups"].values())
    pages = {"next": _search_url(datasette, "." + fmt if fmt else "", query, filters, page=page + 1,
                                 size=size if request.args.get("size") else None) if more else None,
             "previous": _search_url(datasette, "." + fmt if fmt else "", query, filters, page=page - 1 if page > 2 else None,
                                     size=size if request.args.get("size") else None) if page > 1 else None}
    if fmt == "json":
        if result:
            for group in result["groups"].values():
                for hit in group["hits"]:
                    hit["snippet"] = _plain(hit["snippet"])
        return Response.json({"ok": not error, "error": error, **(result or {"query": query}),
                              "filters": {k: v for k, v in vars(filters).items() if v}, "page": page, "size": size,
                              **pages}, status=status)
    if fmt == "csv":
        rows = [CSV_HEADER] + [row for group in (result["groups"] if result else ())
                               for row in _csv_rows(datasette, group, result["groups"][group]["hits"])]
        return Response(_csv_text(rows) if not error else error, status=status,
                        content_type="text/csv; charset=utf-8" if not error else "text/plain; charset=utf-8")
    groups = []
    for group in result["groups"] if result else ():
        found = result["groups"][group]
        hits = [{**_hit_links(datasette, group, hit), "snippet": marked(hit["snippet"])} for hit in found["hits"]]
        first = (page - 1) * size + 1
        groups.append({"name": group, "title": GROUP_TITLES[group], "total": found["total"], "hits": hits,
                       "first": first, "last": first + len(hits) - 1})
    return await _page(datasette, request, "hdnd_search.html", {
        "q": query, "groups": groups, "error": error, "filters": filters, "kinds": FILTER_KINDS, "page": page,
        "size": size, "next_url": pages["next"], "previous_url": pages["previous"],
        "json_url": _search_url(datasette, ".json", query, filters, page=page if page > 1 else None),
        "csv_url": _search_url(datasette, ".csv", query, filters, page=page if page > 1 else None, _bom="1"),
        "csv_all_url": _search_url(datasette, ".csv", query, filters, _all="1", _bom="1"),
    }, status=status)


def _paragraph(source: dict) -> Markup:
    p, start, end = source["paragraph"], source["quote_start"], source["quote_end"]
    return escape(p[:start]) + Markup('<mark class="quote">') + escape(p[start:end]) + Markup("</mark>") + \
        escape(p[end:])


async def promise_page(datasette, request) -> Response:
    """/-/promise/ID: the quote in its paragraph, who said it, where, by when, what happened."""
    promise_id = row_id(request.url_vars["id"])
    if promise_id is None:
        return await _not_found(datasette, request, "hdnd_promise.html",
                                f"There is no commitment {shorten(request.url_vars['id'], 24)} in this corpus.")
    try:
        record = await _read(datasette, lambda db: commitment_detail(db, promise_id, date.today()))
    except PromiseError as err:
        return await _not_found(datasette, request, "hdnd_promise.html", _sentence(err))
    if request.url_vars.get("format") == "json":
        return Response.json({"ok": True, **record})
    for source in record["sources"]:
        source["paragraph_html"] = _paragraph(source)
        source["jump"] = _jump(datasette, source["url"], source["paragraph"][source["quote_start"]:source["quote_end"]],
                               source["article_id"])
        source["stored"] = _db_path(datasette, "articles", source["article_id"])
    session = record["session"]
    return await _page(datasette, request, "hdnd_promise.html", {
        "p": record, "status_title": STATUS_TITLES.get(record["status"], record["status"]),
        "kind_title": KIND_TITLES.get(record["kind"], record["kind"]),
        "session_label": session_label(session) if session else None,
        "session_url": datasette.urls.path(f"-/session/{session['id']}") if session else None,
        "json_url": datasette.urls.path(f"-/promise/{promise_id}.json"),
    })


async def session_page(datasette, request) -> Response:
    """/-/session/ID: the agenda, the sittings, the exchanges in order with their times,
    the promises and demands made, and the articles and records that covered it."""
    session_id = row_id(request.url_vars["id"])
    if session_id is None:
        return await _not_found(datasette, request, "hdnd_session.html",
                                f"There is no session {shorten(request.url_vars['id'], 24)} in this corpus.")
    try:
        record = await _read(datasette, lambda db: session_detail(db, session_id, date.today()))
    except SessionError as err:
        return await _not_found(datasette, request, "hdnd_session.html", _sentence(err))
    if request.url_vars.get("format") == "json":
        return Response.json({"ok": True, **record})
    for question in record["questions"]:
        question["question_short"] = shorten(question["question"], 400)
        question["answer_short"] = shorten(question["answer"], 600)
        for debate in question["debates"]:
            debate["quote_short"] = shorten(debate["quote"], 400)
    for promise in record["commitments"]:
        promise["href"] = datasette.urls.path(f"-/promise/{promise['id']}")
        promise["kind_title"] = KIND_TITLES.get(promise["kind"], promise["kind"])
        promise["status_title"] = STATUS_TITLES.get(promise["status"], promise["status"])
    for article in record["articles"]:
        article["stored"] = _db_path(datasette, "articles", article["id"])
    for recall in record["recalls"]:
        recall["href"] = datasette.urls.path(f"-/promise/{recall['commitment_id']}") if recall["commitment_id"] else None
    return await _page(datasette, request, "hdnd_session.html", {
        "s": record, "json_url": datasette.urls.path(f"-/session/{session_id}.json")})


def _index_title(code: str) -> str:
    names = [name for name, c in index_names().items() if c == code]
    return code.replace("_", " ") + (f" ({names[0]})" if names and names[0].upper() != code.replace("_", " ")
                                     else "")


async def chart_page(datasette, request) -> Response:
    """/-/chart?index=…&entity=…: one index over the years, each point linked to its source."""
    index, entity = request.args.get("index"), request.args.get("entity")
    subindex = request.args.get("subindex") or None
    fmt = request.url_vars.get("format")
    choices = await _read(datasette, series_choices)
    menu = [{**c, "href": datasette.urls.path("-/chart") + "?" + urlencode({"index": c["index"], "entity": c["entity"]}),
             "title": _index_title(c["index"])} for c in choices]
    if not (index and entity):
        if fmt:
            return Response.json({"ok": False, "error": "Give both index= and entity=, e.g. ?index=PAPI&entity=Hà Nội."},
                                 status=400)
        return await _page(datasette, request, "hdnd_chart.html", {"menu": menu})
    try:
        series = await _read(datasette, lambda db: index_series(db, index, entity, subindex))
    except ChartError as err:
        message = _sentence(err)
        if fmt:
            return Response.json({"ok": False, "error": message}, status=404)
        return await _page(datasette, request, "hdnd_chart.html", {"menu": menu, "error": message}, status=404)
    if fmt == "json":
        return Response.json({"ok": True, **series})
    urls = {r["article_id"]: r["url"] for r in series["reports"]}

    def href(figure: dict) -> str:
        return _jump(datasette, urls[figure["article_id"]], figure["quote"], figure["article_id"])
    title = f"{_index_title(series['index'])} · {series['entity']}" + (f" · {subindex}" if subindex else "")
    units = {f["unit"] for f in series["figures"] if f.get("unit")}
    axis = "hạng (1 = cao nhất)" if series["measure"] == "rank" else (" / ".join(sorted(units)) or "giá trị")
    svg = svg_chart(points_of(series, href), title, axis, inverted=series["measure"] == "rank")
    if fmt == "svg":
        return Response(svg, content_type="image/svg+xml; charset=utf-8")
    for report in series["reports"]:
        report["jump"] = _jump(datasette, report["url"], report["quote"], report["article_id"])
        report["stored"] = _db_path(datasette, "articles", report["article_id"])
    query = urlencode({"index": index, "entity": entity, **({"subindex": subindex} if subindex else {})})
    return await _page(datasette, request, "hdnd_chart.html", {
        "menu": menu, "series": series, "title": title, "svg": Markup(svg),
        "json_url": datasette.urls.path("-/chart.json") + "?" + query,
        "svg_url": datasette.urls.path("-/chart.svg") + "?" + query,
    })


ROUTES = [
    (r"^/-/search(\.(?P<format>json|csv))?$", search_page),
    (r"^/-/promise/(?P<id>\d+)(\.(?P<format>json))?$", promise_page),
    (r"^/-/session/(?P<id>\d+)(\.(?P<format>json))?$", session_page),
    (r"^/-/chart(\.(?P<format>json|svg))?$", chart_page),
]
