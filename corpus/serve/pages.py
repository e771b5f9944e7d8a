"""Our pages inside Datasette: search, the promises, one promise, one session, an index
over the years, and the stored copy of an article to read.

Each route reads through Datasette's read-only connection under its SQL time limit,
calls the same library function as the command line, and renders a template (or JSON,
CSV or SVG when the URL ends so).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date
from functools import cache
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

import sqlite_utils
from datasette.utils.asgi import AsgiStream, Response
from markupsafe import Markup, escape

from corpus.chart import ChartError, index_code, index_series, points_of, series_choices, svg_chart
from corpus.commitments import KINDS, PROMISE_KIND, STATUSES, PromiseError, commitment_detail, promise_counts
from corpus.db import row_id
from corpus.display import is_web_url, shorten, today_local
from corpus.lookup import Filters, search_everything, search_group
from corpus.search import END, START, QueryError, parse_query, time_limit
from corpus.sessions import SessionError, list_sessions, session_detail, session_label
from pipeline import fold, index_names, topics

GROUP_TITLES = {"articles": "Bài báo · Articles", "promises": "Lời hứa · Promises",
                "people": "Người · People", "index_values": "Chỉ số · Index results"}
STATUS_TITLES = {"open": "đang theo dõi · open", "due": "sắp đến hạn · due", "overdue": "quá hạn · overdue",
                 "kept": "đã thực hiện · kept", "partly": "thực hiện một phần · partly",
                 "not_kept": "không thực hiện · not kept", "in_progress": "đang triển khai · in progress"}
KIND_TITLES = {"commitment": "Lời hứa · Promise", "demand": "Yêu cầu · Demand",
               "assignment": "Giao nhiệm vụ · Assignment"}
# How the speaker of a quote was found (pipeline.attribution's Speaker.how, stored as a source's attribution).
FOUND_TITLES = {"quote_name_line": "tên ở dòng trích · named on the quote's line",
                "quote_after": "tên sau lời trích · named after the quote",
                "quote_before": "tên trước lời trích · named before the quote",
                "speech_verb": "theo động từ nói · by a verb of saying", "speech_after": "nói sau · said after",
                "theo": "“theo …” · according to", "carried": "lời nói tiếp đoạn trước · speech carried on",
                "subject": "chủ ngữ của câu · the sentence's subject", "nearest": "người được nêu gần nhất · nearest named",
                "following": "người được nêu ngay sau · named next", "asker": "người chất vấn · the asker",
                "pronoun": "đại từ (ông, bà) · a pronoun", "turn": "lượt phát biểu trong biên bản · transcript turn",
                "answer": "người trả lời · the answerer"}
EVENT_TITLES = {"extracted": "trích từ bài báo · extracted", "status": "đổi trạng thái · status change",
                "followup": "tin tiếp theo đề xuất · proposed follow-up", "confirmed": "người xác nhận · confirmed",
                "rejected": "người bác bỏ · rejected", "correction": "người sửa · corrected"}
ARTICLE_KINDS = {"article": "Bài báo · Article", "transcript": "Biên bản · Transcript"}
SPEAKER_KINDS = {"person": "một người · a person", "body": "một cơ quan · a body",
                 "group": "một nhóm (đại biểu, cử tri) · a group (delegates, voters)"}
ROLE_TITLES = {"chair": "chủ tọa · chair", "question": "hỏi · question", "answer": "trả lời · answer",
               "debate": "tranh luận · debate", "report": "báo cáo · report"}


@cache
def code_labels() -> dict[str, dict[str, str]]:
    """Vietnamese (and English) words for every code our pages show, by kind of code; topic
    names come from models/topics.tsv, where the codes are defined."""
    return {"status": STATUS_TITLES, "kind": {**KIND_TITLES, **ARTICLE_KINDS}, "found": FOUND_TITLES,
            "event": EVENT_TITLES, "role": ROLE_TITLES, "speaker_kind": SPEAKER_KINDS,
            "topic": {t.code: t.label for t in topics()}}


def label(code: str | None, group: str) -> str:
    """``code`` in words (the ``vn_label`` filter of our templates); a code with no words is
    shown as stored, so nothing disappears."""
    return code_labels()[group].get(code, code) if code else ""


def counted(n: int, vi: str, en: str) -> str:
    """A count in both languages, "1 bài · article", "2 bài · articles" (the ``counted``
    filter of our templates): the Vietnamese noun never changes, the English one does."""
    return f"{n} {vi} · {en if n == 1 else en + 's'}"


FRAGMENT_WORDS = 5


async def _read(datasette, fn):
    """``fn(db)`` on Datasette's read-only connection, under its SQL time limit (a
    TimeLimitError when it runs out)."""
    def call(conn):
        with time_limit(conn, datasette.setting("sql_time_limit_ms")):
            return fn(sqlite_utils.Database(conn, execute_plugins=False))  # the plugin's repair would write
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


def reader_url(datasette, article_id: int, span: tuple[int, int] | None = None) -> str:
    """Our page for reading the stored copy of an article, scrolled to the quote at
    ``span`` (start, end in its text) and the quote marked."""
    path = datasette.urls.path(f"-/article/{article_id}")
    return path + "?" + urlencode({"start": span[0], "end": span[1]}) + "#hdnd-quote" if span else path


def _jump(datasette, url: str, quote: str, article_id: int, span: tuple[int, int] | None = None) -> str:
    """Where a figure can be checked: the quote on the publisher's page, or, for an
    imported file (or an address that is not a web page's), the stored copy."""
    if is_web_url(url):
        return text_fragment(url, quote)
    return reader_url(datasette, article_id, span)


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
    """Counts and links for the home page; promises counted as ``hdnd stats`` counts them."""
    def counts(db):
        sql = {"articles": "SELECT COUNT(*) FROM articles", "people": "SELECT COUNT(*) FROM persons",
               "index_values": "SELECT COUNT(*) FROM index_values", "sessions": "SELECT COUNT(*) FROM sessions"}
        return {**{name: db.execute(q).fetchone()[0] for name, q in sql.items()}, **promise_counts(db, today_local())}
    latest = await _read(datasette, lambda db: list_sessions(db, limit=5))
    for row in latest:
        row["label"] = session_label(row)
        row["href"] = datasette.urls.path(f"-/session/{row['id']}")
    return {"counts": await _read(datasette, counts), "db": datasette.get_database().name,
            "db_url": _db_path(datasette), "sessions": latest}


def _hit_links(datasette, group: str, hit: dict) -> dict:
    if group == "articles":
        return {"href": reader_url(datasette, hit["id"]), "label": hit["title"] or hit["url"],
                "detail": " · ".join(filter(None, [(hit["published"] or "")[:10], hit["source"]])),
                "source": hit["url"] if is_web_url(hit["url"]) else None}
    if group == "promises":
        detail = [hit["speaker"], hit["speaker_title"], hit["deadline"] and f"hạn {hit['deadline']}",
                  STATUS_TITLES.get(hit["status"], hit["status"])]
        return {"href": datasette.urls.path(f"-/promise/{hit['id']}"), "label": f"{KIND_TITLES.get(hit['kind'], hit['kind'])} #{hit['id']}",  # noqa: E501
                "detail": " · ".join(filter(None, detail))}
    if group == "people":
        return {"href": datasette.urls.path(f"-/person/{hit['id']}"), "label": hit["name"],
                "detail": f"{hit['title'] or ''} · {hit['articles']} bài"}
    chart = datasette.urls.path("-/chart") + "?" + urlencode({"index": hit["index"], "entity": hit["entity"] or ""})
    figure = " ".join(str(x) for x in (hit["value"], hit["unit"]) if x is not None)
    rank = f"hạng {hit['rank']}/{hit['rank_of'] or '?'}" if hit["rank"] else ""
    return {"href": chart, "label": f"{hit['index']} · {hit['entity'] or '?'} · {hit['year'] or '?'}",
            "detail": " · ".join(filter(None, [hit["subindex"], figure, rank])),
            "source": reader_url(datasette, hit["article_id"])}


def _plain(text: str) -> str:
    return text.replace(START, "**").replace(END, "**")


SEARCH_SIZE = {"html": 10, "data": 20, "max": 100}
EXPORT_CHUNK = 200  # hits per group read at a time (each read under the time limit) for _all=1
CSV_HEADER = ["group", "id", "label", "detail", "snippet", "link"]
FILTER_NAMES = ("since", "until", "source", "kind")
FILTER_KINDS = {**ARTICLE_KINDS, **KIND_TITLES}


class SearchArgs(ValueError):
    """A search address we cannot read (page, size or a date); the message is one sentence."""


def _whole(request, name: str, default: int, high: int) -> int:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    value = row_id(raw)  # whole numbers only: "²" or 5,000 digits would be a 500 from int()
    if value is None or not 1 <= value <= high:
        raise SearchArgs(f"{name}= must be a whole number from 1 to {high:,}.")
    return value


def _check_dates(values: dict) -> None:
    """since= and until= are days written YYYY-MM-DD, or absent."""
    for name in ("since", "until"):
        try:
            values[name] and date.fromisoformat(values[name])
        except ValueError:
            raise SearchArgs(f"{name}= must be a date written YYYY-MM-DD, such as 2024-01-31.") from None


def _search_args(request, fmt: str | None) -> tuple[str, int, int, Filters]:
    """The query, page, page size and filters of a /-/search address."""
    values = {name: (request.args.get(name) or "").strip() or None for name in FILTER_NAMES}
    _check_dates(values)
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


async def _every_hit(datasette, query: str, filters: Filters) -> AsyncIterator[tuple[str, dict]]:
    """(group, a chunk of its hits with its total) until each group's total: EXPORT_CHUNK
    hits a read, so each read stays under the SQL time limit (a QueryError when one does not)."""
    for group in filters.groups():
        offset = 0
        while True:
            found = await _read(datasette, lambda db: search_group(db, query, group, limit=EXPORT_CHUNK,
                                                                   offset=offset, filters=filters))
            yield group, found
            offset += EXPORT_CHUNK
            if len(found["hits"]) < EXPORT_CHUNK or (found["total_exact"] and offset >= found["total"]):
                break


def _export_all(datasette, query: str, filters: Filters) -> AsgiStream:
    """Every hit of every group as CSV, streamed a chunk at a time; a chunk that runs out of
    time ends the file with an ``error`` row saying so (the status is already sent)."""
    async def stream(out):
        await out.write(_csv_text([CSV_HEADER]))
        try:
            async for group, found in _every_hit(datasette, query, filters):
                await out.write(_csv_text(_csv_rows(datasette, group, found["hits"])))
        except QueryError as err:
            await out.write(_csv_text([["error", "", "", "", str(err), ""]]))
    return AsgiStream(stream, content_type="text/csv; charset=utf-8",
                      headers={"content-disposition": 'attachment; filename="hdnd-search.csv"'})


async def _all_groups(datasette, query: str, filters: Filters) -> dict:
    """The whole result as search_everything gives a page of it: every hit of each group
    with its total (for .json?_all=1, which is answered whole or, out of time, not at all)."""
    groups = {group: {"total": 0, "total_exact": True, "hits": []} for group in filters.groups()}
    async for group, found in _every_hit(datasette, query, filters):
        groups[group]["hits"] += found["hits"]
        groups[group]["total"] = found["total"] if found["total_exact"] else len(groups[group]["hits"])
    return {"query": query, "groups": groups}


async def search_page(datasette, request) -> Response:
    """/-/search?q=…: articles, promises, people and index results for one query, a page at
    a time (page=, size=), narrowed by since=, until=, source= and kind=; ``.json`` and
    ``.csv`` the same, and ``.json?…&_all=1`` or ``.csv?…&_all=1`` every hit."""
    fmt = request.url_vars.get("format")
    result, error = None, None
    try:
        query, page, size, filters = _search_args(request, fmt)
    except SearchArgs as err:
        query, page, size, filters, error = (request.args.get("q") or "").strip(), 1, SEARCH_SIZE["html"], Filters(), str(err)
    whole = fmt in ("csv", "json") and request.args.get("_all") == "1"  # every hit, no pages
    if query and not error:
        try:
            await _read(datasette, lambda db: parse_query(query))
            if whole and fmt == "csv":
                return _export_all(datasette, query, filters)
            result = await _all_groups(datasette, query, filters) if whole else await _read(
                datasette, lambda db: search_everything(db, query, limit=size, offset=(page - 1) * size, filters=filters))
        except QueryError as err:
            error = str(err)
    status = 400 if error else 200
    more = bool(result) and not whole and any(g["total"] > page * size or (not g["total_exact"] and len(g["hits"]) == size)
                                              for g in result["groups"].values())
    pages = {"next": _search_url(datasette, "." + fmt if fmt else "", query, filters, page=page + 1,
                                 size=size if request.args.get("size") else None) if more else None,
             "previous": _search_url(datasette, "." + fmt if fmt else "", query, filters, page=page - 1 if page > 2 else None,
                                     size=size if request.args.get("size") else None) if page > 1 and not whole else None}
    if fmt == "json":
        if result:
            for group in result["groups"].values():
                for hit in group["hits"]:
                    hit["snippet"] = _plain(hit["snippet"])
        return Response.json({"ok": not error, "error": error, **(result or {"query": query}),
                              "filters": {k: v for k, v in vars(filters).items() if v},
                              "page": 1 if whole else page, "size": None if whole else size,
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
        groups.append({"name": group, "title": GROUP_TITLES[group], "total": found["total"],
                       "total_exact": found["total_exact"], "hits": hits,
                       "first": first, "last": first + len(hits) - 1, "order": found.get("order")})
    return await _page(datasette, request, "hdnd_search.html", {
        "q": query, "groups": groups, "error": error, "filters": filters, "kinds": FILTER_KINDS, "page": page,
        "size": size, "next_url": pages["next"], "previous_url": pages["previous"],
        "json_url": _search_url(datasette, ".json", query, filters, page=page if page > 1 else None),
        "csv_url": _search_url(datasette, ".csv", query, filters, page=page if page > 1 else None, _bom="1"),
        "csv_all_url": _search_url(datasette, ".csv", query, filters, _all="1", _bom="1"),
        "json_all_url": _search_url(datasette, ".json", query, filters, _all="1"),
        "atom_url": _search_url(datasette, ".atom", query, filters) if "articles" in filters.groups() else None,
        "mentions_url": datasette.urls.path("-/mentions") + "?" + urlencode({"q": query}),
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
        record = await _read(datasette, lambda db: commitment_detail(db, promise_id, today_local()))
    except PromiseError as err:
        return await _not_found(datasette, request, "hdnd_promise.html", _sentence(err))
    if request.url_vars.get("format") == "json":
        return Response.json({"ok": True, **record})
    spans = await _read(datasette, lambda db: {row[0]: row[1:] for row in db.execute(
        'SELECT article_id, start, "end" FROM commitment_sources WHERE commitment_id = ?', (promise_id,))})
    for source in record["sources"]:
        source["paragraph_html"] = _paragraph(source)
        span = spans.get(source["article_id"])
        source["jump"] = _jump(datasette, source["url"], source["paragraph"][source["quote_start"]:source["quote_end"]],
                               source["article_id"], span)
        source["stored"] = reader_url(datasette, source["article_id"], span)
    session = record["session"]
    return await _page(datasette, request, "hdnd_promise.html", {
        "p": record, "status_title": STATUS_TITLES.get(record["status"], record["status"]),
        "kind_title": KIND_TITLES.get(record["kind"], record["kind"]),
        "session_label": session_label(session) if session else None,
        "session_url": datasette.urls.path(f"-/session/{session['id']}") if session else None,
        "person_url": datasette.urls.path(f"-/person/{record['person_id']}") if record["person_id"] else None,
        "json_url": datasette.urls.path(f"-/promise/{promise_id}.json"),
    })


def promise_links(datasette, promises: list[dict]) -> None:
    """A page's promises with their link and their kind and status in words."""
    for promise in promises:
        promise["href"] = datasette.urls.path(f"-/promise/{promise['id']}")
        promise["kind_title"] = KIND_TITLES.get(promise["kind"], promise["kind"])
        promise["status_title"] = STATUS_TITLES.get(promise["status"], promise["status"])


async def session_page(datasette, request) -> Response:
    """/-/session/ID: the agenda, the sittings, the exchanges in order with their times,
    the promises and demands made, and the articles and records that covered it."""
    session_id = row_id(request.url_vars["id"])
    if session_id is None:
        return await _not_found(datasette, request, "hdnd_session.html",
                                f"There is no session {shorten(request.url_vars['id'], 24)} in this corpus.")
    try:
        record = await _read(datasette, lambda db: session_detail(db, session_id, today_local()))
    except SessionError as err:
        return await _not_found(datasette, request, "hdnd_session.html", _sentence(err))
    if request.url_vars.get("format") == "json":
        return Response.json({"ok": True, **record})
    for question in record["questions"]:
        question["question_short"] = shorten(question["question"], 400)
        question["answer_short"] = shorten(question["answer"], 600)
        for debate in question["debates"]:
            debate["quote_short"] = shorten(debate["quote"], 400)
    promise_links(datasette, record["commitments"])
    for article in record["articles"]:
        article["stored"] = reader_url(datasette, article["id"])
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
    index = index_code(index)
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
        span = (report["start"], report["start"] + len(report["quote"]))
        report["jump"] = _jump(datasette, report["url"], report["quote"], report["article_id"], span)
        report["stored"] = reader_url(datasette, report["article_id"], span)
    query = urlencode({"index": index, "entity": entity, **({"subindex": subindex} if subindex else {})})
    return await _page(datasette, request, "hdnd_chart.html", {
        "menu": menu, "series": series, "title": title, "svg": Markup(svg),
        "json_url": datasette.urls.path("-/chart.json") + "?" + query,
        "svg_url": datasette.urls.path("-/chart.svg") + "?" + query,
    })


# A promise's status as of today, in SQL, as status_for() gives it to hdnd promises: the
# plugin registers hdnd_status(deadline, verdict); the verdict is the latest a person confirmed.
STATUS_SQL = ("hdnd_status(p.deadline, (SELECT e.status FROM commitment_events e WHERE e.commitment_id = p.id "
              "AND e.kind = 'confirmed' ORDER BY e.id DESC LIMIT 1))")
PROMISE_ARGS = ("status", "kind", "speaker", "body", "topic", "source", "since", "until")
PROMISES_SIZE = {"default": 25, "max": 200}


def _promise_args(request) -> dict:
    """The filters of a /-/promises address, checked (a SearchArgs names the wrong one);
    kind defaults to promises only, kind=all lists demands and assignments too."""
    values = {name: (request.args.get(name) or "").strip() or None for name in PROMISE_ARGS}
    _check_dates(values)
    values["kind"] = values["kind"] or PROMISE_KIND
    for name, allowed in (("status", STATUSES), ("kind", (*KINDS, "all")), ("topic", code_labels()["topic"])):
        if values[name] and values[name] not in allowed:
            raise SearchArgs(f"{name}= must be one of {', '.join(allowed)}.")
    return values


def _promise_where(values: dict) -> tuple[str, list]:
    """SQL conditions on the promises view (alias p) for ``values``; names ignore case and
    tone marks, a source is part of its domain."""
    where, params = [], []
    folded = {"speaker": ("p.speaker",), "body": ("p.body", "p.speaker_title")}
    for name, columns in folded.items():
        if values[name]:
            where.append("(" + " OR ".join(f"hdnd_fold(lower(COALESCE({c}, ''))) LIKE ?" for c in columns) + ")")
            params += [f"%{fold(values[name]).lower()}%"] * len(columns)
    exact = {"kind": "p.kind = ?", "topic": "p.topic = ?", "status": f"{STATUS_SQL} = ?",
             "source": "lower(p.source) LIKE '%' || lower(?) || '%'", "since": "p.made_on >= ?", "until": "p.made_on <= ?"}
    for name, condition in exact.items():
        if values[name] and values[name] != "all":
            where.append(condition)
            params.append(values[name])
    return " AND ".join(where) or "1", params


def list_promises(db: sqlite_utils.Database, values: dict, size: int, offset: int) -> dict:
    """One page of the promises view matching ``values``, newest first, with the total and
    the names the filters can offer (bodies once each, whatever their case)."""
    where, params = _promise_where(values)
    rows = db.execute(f"SELECT p.id, p.kind, {STATUS_SQL} AS status, p.speaker, p.speaker_title, p.body, p.topic, "
                      f"p.deadline, p.quote, p.made_on, p.source, p.session, p.session_id FROM promises p "
                      f"WHERE {where} ORDER BY p.made_on DESC, p.id DESC LIMIT ? OFFSET ?", [*params, size, offset])
    names = [d[0] for d in rows.description]
    total = db.execute(f"SELECT COUNT(*) FROM promises p WHERE {where}", params).fetchone()[0]
    bodies: dict[str, str] = {}
    for (body,) in db.execute("SELECT DISTINCT body FROM promises WHERE body IS NOT NULL ORDER BY body"):
        bodies.setdefault(fold(body).lower(), body)
    sources = [row[0] for row in db.execute("SELECT DISTINCT source FROM promises WHERE source IS NOT NULL ORDER BY 1")]
    return {"rows": [dict(zip(names, row)) for row in rows], "total": total, "bodies": sorted(bodies.values()),
            "sources": sources}


async def promises_page(datasette, request) -> Response:
    """/-/promises: promises with their quotes, a page at a time, narrowed by status, kind,
    speaker, body, topic, source and the day they were made; ``.json`` the same."""
    fmt = request.url_vars.get("format")
    try:
        values = _promise_args(request)
        size = _whole(request, "size", PROMISES_SIZE["default"], PROMISES_SIZE["max"])
        page = _whole(request, "page", 1, 1_000_000)
    except SearchArgs as err:
        if fmt == "json":
            return Response.json({"ok": False, "error": str(err)}, status=400)
        return await _page(datasette, request, "hdnd_promises.html", {"error": str(err), "values": {}, "labels": code_labels(),
                                                                      "statuses": STATUSES, "kinds": KINDS}, status=400)
    found = await _read(datasette, lambda db: list_promises(db, values, size, (page - 1) * size))
    shown = {k: v for k, v in values.items() if v and not (k == "kind" and v == PROMISE_KIND)}

    def at(number: int) -> str:
        extra = {"page": number if number > 1 else None, "size": size if request.args.get("size") else None}
        params = {**shown, **{k: v for k, v in extra.items() if v}}
        return datasette.urls.path("-/promises" + ("." + fmt if fmt else "")) + ("?" + urlencode(params) if params else "")
    pages = {"next": at(page + 1) if page * size < found["total"] else None, "previous": at(page - 1) if page > 1 else None}
    if fmt == "json":
        return Response.json({"ok": True, "total": found["total"], "page": page, "size": size, "filters": shown,
                              "rows": found["rows"], **pages})
    for row in found["rows"]:
        row["href"] = datasette.urls.path(f"-/promise/{row['id']}")
        row["session_url"] = datasette.urls.path(f"-/session/{row['session_id']}") if row["session_id"] else None
    first = (page - 1) * size + 1
    return await _page(datasette, request, "hdnd_promises.html", {
        **found, "values": values, "labels": code_labels(), "statuses": STATUSES, "kinds": KINDS, "page": page,
        "first": first, "last": first + len(found["rows"]) - 1, "next_url": pages["next"],
        "previous_url": pages["previous"], "json_url": datasette.urls.path("-/promises.json") + "?" + urlencode(shown),
        "atom_url": datasette.urls.path("-/promises.atom"), "table_url": _db_path(datasette, "promises"),
    })


def _reader_paragraphs(text: str, span: tuple[int, int] | None) -> list[Markup]:
    """The article's lines as paragraphs, the text at ``span`` marked in each line it
    touches; the first mark has the id the reader's link scrolls to."""
    paragraphs, at = [], 0
    for line in text.split("\n"):
        first, at = at, at + len(line) + 1
        if not line.strip():
            continue
        if span and span[0] < first + len(line) and first < span[1]:
            a, b = max(span[0], first) - first, min(span[1], first + len(line)) - first
            opening = Markup('<mark class="quote" id="hdnd-quote">' if span[0] >= first else '<mark class="quote">')
            paragraphs.append(escape(line[:a]) + opening + escape(line[a:b]) + Markup("</mark>") + escape(line[b:]))
        else:
            paragraphs.append(escape(line))
    return paragraphs


def _span(request, length: int) -> tuple[tuple[int, int] | None, str | None]:
    """The start= and end= of a reader's address as a span of a text ``length`` long, or
    the one sentence saying why they are not."""
    start, end = (request.args.get(name) or "" for name in ("start", "end"))
    if not (start or end):
        return None, None
    first, last = row_id(start), row_id(end)
    if first is not None and last is not None and first < last <= length:
        return (first, last), None
    return None, f"start= and end= must be offsets in the text, 0 to {length:,}, start before end; nothing is marked."


async def article_page(datasette, request) -> Response:
    """/-/article/ID?start=…&end=…: the stored copy of an article for reading, its lines
    wrapped as paragraphs, the quote between start and end marked and scrolled to."""
    article_id = row_id(request.url_vars["id"])
    columns = ("id", "url", "title", "published", "kind", "author", "text", "source")
    row = None if article_id is None else await _read(datasette, lambda db: db.execute(
        "SELECT a.id, a.url, a.title, a.published, a.kind, a.author, a.text, s.domain FROM articles a "
        "LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = ?", (article_id,)).fetchone())
    if row is None:
        return await _not_found(datasette, request, "hdnd_article.html",
                                f"There is no article {shorten(request.url_vars['id'], 24)} in this corpus.")
    article = dict(zip(columns, row))
    span, warning = _span(request, len(article["text"] or ""))
    return await _page(datasette, request, "hdnd_article.html", {
        "a": article, "paragraphs": _reader_paragraphs(article["text"] or "", span), "warning": warning,
        "marked": span is not None, "row_url": _db_path(datasette, "articles", article["id"]),
        "kind_title": label(article["kind"], "kind")})


ROUTES = [
    (r"^/-/search(\.(?P<format>json|csv))?$", search_page),
    (r"^/-/promises(\.(?P<format>json))?$", promises_page),
    (r"^/-/article/(?P<id>\d+)$", article_page),
    (r"^/-/promise/(?P<id>\d+)(\.(?P<format>json))?$", promise_page),
    (r"^/-/session/(?P<id>\d+)(\.(?P<format>json))?$", session_page),
    (r"^/-/chart(\.(?P<format>json|svg))?$", chart_page),
]
