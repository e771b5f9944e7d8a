"""``hdnd serve``: the corpus in Datasette (0.65), read-only, for journalists.

The file is opened read-only (SQLite ``mode=ro``), SQL is Datasette's read-only SQL
with a time limit, there is no write endpoint, the server binds to 127.0.0.1 unless told
otherwise and answers only to loopback host names and those it is given (``hosts``). This
package is also the Datasette plugin: facets and canned queries are metadata; our pages
(search, promise, chart) are routes in ``pages``, the person page in ``person``; the
templates ship in ``templates/`` beside this file. A stored URL is a link only when it is
a web address.
"""

from __future__ import annotations

import copy
import functools
import os
import sqlite3
import sys
from pathlib import Path
from typing import Iterable

from datasette import hookimpl
from markupsafe import Markup

from corpus.chart import index_code, number
from corpus.commitments import PROMISE_KIND, status_for
from corpus.db import foreign
from corpus.db import prepare_connection as _prepare
from corpus.display import today_local
from corpus.search import TIME_LIMIT_MS, fts_expression
from corpus.serve import excel, feeds, hosts, pages, person

SQL_TIME_LIMIT_MS = TIME_LIMIT_MS  # Datasette's SQL and our searches stop at the same time

PLACE_HELP = "địa phương, có dấu hay không (ha noi) · a place, tone marks optional"
CANNED = {
    "overdue_promises": {
        "title": "Lời hứa quá hạn · Overdue promises",
        "description": "Lời hứa (không gồm yêu cầu và giao nhiệm vụ) đã quá hạn tính đến hôm nay, đếm như trang chủ và "
                       "hdnd promises --status overdue. Promises (not demands or assignments) past their deadline as of "
                       "today, counted as on the home page and by hdnd promises --status overdue.",
        "sql": f"SELECT p.id AS promise_id, p.speaker, p.speaker_title, p.deadline, p.quote, p.topic, p.source\n"
               f"FROM promises p\nWHERE p.kind = '{PROMISE_KIND}' AND {pages.STATUS_SQL} = 'overdue'\n"
               f"ORDER BY p.deadline, p.id",
    },
    "promises_by_speaker": {
        "title": "Lời hứa theo người phát biểu · Promises by speaker",
        "description": "speaker: một phần tên, có dấu hay không (tran sy thanh) · part of a name, tone marks optional.",
        "sql": f"SELECT p.id AS promise_id, p.kind, p.deadline, {pages.STATUS_SQL} AS status, p.quote, p.session\n"
               "FROM promises p\nWHERE hdnd_fold(lower(COALESCE(p.speaker, ''))) LIKE '%' || hdnd_fold(lower(:speaker)) || '%'\n"
               "ORDER BY p.made_on, p.id",
    },
    "index_over_years": {
        "title": "Chỉ số của một địa phương qua các năm · An index over the years",
        "description": "index: mã hay tên chỉ số (PAR INDEX, par_index, Chỉ số CCHC, PAPI, SIPAS…) · the index's code or "
                       f"name; entity: {PLACE_HELP}.",
        "sql": 'SELECT year, "index", subindex, value, unit, rank, rank_of, quote, article_id\nFROM index_values\n'
               'WHERE "index" = hdnd_index_code(:index)\n'
               "  AND hdnd_fold(lower(COALESCE(entity, ''))) LIKE '%' || hdnd_fold(lower(:entity)) || '%'\n"
               "ORDER BY year, id",
    },
    "said_at_session": {
        "title": "Phát biểu tại một kỳ họp · What was said at one session",
        "description": "session_id: số của kỳ họp (bảng sessions) · the session's number (sessions table).",
        "sql": "SELECT t.seq, t.timestamp, t.role, t.speaker, t.title, t.delegation, t.topic, t.quote, t.article_id, "
               "t.session_id\nFROM turns t\nWHERE t.session_id = :session_id\nORDER BY t.article_id, t.seq",
    },
}
for _query in CANNED.values():
    _query["hide_sql"] = True  # the title says what a query does; "show" reveals the SQL

FACETS = {
    "promises": ["status", "kind", "speaker", "body", "topic", "source", "year"],
    "commitments": ["status", "kind", "topic", "speaker", "speaker_title", "body"],
    "article_list": ["source", "year", "kind"],
    "articles": ["kind", "source_id"],
    "index_values": ["index", "entity", "year"],
    "turns": ["role", "speaker", "topic"],
    "persons": ["title"],
    "sessions": ["council", "term", "kind"],
}
# Tables the triggers and the writer keep for themselves (notes in passing, the near-duplicate
# bands, the index names the record search folds in): not listed beside the corpus's own.
HELPER_TABLES = ("articles_fts_folding", "fts_replaced", "article_lsh", "article_lsh_unbanded", "index_name_variants")
LABELS = {"sources": "domain", "persons": "name", "bodies": "name", "articles": "title"}
PROMISE_COLUMNS = {("commitments", "id"), ("promises", "id")}
PROMISE_LINKS = {"promise_id", "commitment_id"}
SESSION_COLUMNS = {("sessions", "id")}
SESSION_LINKS = {"session_id"}
PERSON_COLUMNS = {("persons", "id")}
PERSON_LINKS = {"person_id", "asker_person_id", "answerer_person_id"}
# What a column holds, in words: on a phone Datasette's tables and queries become cards, each
# value labelled with its column's name (speaker_title) unless we say otherwise. A (table,
# column) entry is for a column whose name means something else in that table.
COLUMN_TITLES = {
    "id": "Số · No.", "kind": "Loại · Kind", "status": "Trạng thái · Status", "speaker": "Người nói · Speaker",
    "speaker_title": "Chức danh · Title", "speaker_kind": "Người nói là · Speaker is", "body": "Cơ quan · Body",
    "body_written": "Cơ quan như đã viết · Body as written", "body_key": "Khóa cơ quan · Body key",
    "topic": "Lĩnh vực · Topic", "deadline": "Hạn · Deadline", "deadline_text": "Hạn như đã nói · Deadline as said",
    "deadline_granularity": "Hạn chính xác đến · Deadline precise to", "quote": "Câu gốc · Quote",
    "target": "Mục tiêu · Target", "quantity": "Số lượng · Quantity", "unit": "Đơn vị · Unit",
    "hedged": "Nói dè dặt · Hedged", "made_on": "Ngày nói · Said on", "year": "Năm · Year", "source": "Nguồn · Source",
    "session": "Kỳ họp · Session", "session_id": "Kỳ họp số · Session no.", "fingerprint": "Dấu vân tay · Fingerprint",
    "person_id": "Người số · Person no.", "body_id": "Cơ quan số · Body no.",
    "first_article_id": "Bài đầu tiên · First article", "created_at": "Ghi lúc · Recorded at",
    "promise_id": "Lời hứa số · Promise no.", "commitment_id": "Lời hứa số · Promise no.",
    "article_id": "Bài báo số · Article no.", "title": "Tiêu đề · Title", "lead": "Sapo · Lead",
    "author": "Tác giả · Author", "published": "Ngày đăng · Published", "section": "Chuyên mục · Section",
    "text": "Nội dung · Text", "url": "Địa chỉ · URL", "name": "Tên · Name", "domain": "Tên miền · Domain",
    "source_id": "Nguồn số · Source no.", "index": "Chỉ số · Index", "subindex": "Chỉ số thành phần · Sub-index",
    "entity": "Địa phương · Place", "value": "Giá trị · Value", "rank": "Hạng · Rank", "rank_of": "Trên tổng số · Out of",
    "change": "Thay đổi · Change", "rank_change": "Đổi hạng · Rank change", "start": "Từ ký tự · From character",
    "end": "Đến ký tự · To character", "role": "Vai trò · Role", "seq": "Thứ tự · Order",
    "timestamp": "Thời điểm · Time", "delegation": "Đoàn · Delegation", "addressee": "Hỏi ai · Addressed to",
    "council": "Hội đồng · Council", "term": "Khóa · Term", "session_no": "Kỳ/phiên họp thứ · Session no.",
    "date": "Ngày · Date", "first_seen": "Lần đầu · First seen", "last_seen": "Lần cuối · Last seen",
    ("persons", "title"): "Chức danh · Title", ("turns", "title"): "Chức danh · Title",
}
CODE_COLUMNS = {"topic": "topic", "status": "status", "kind": "kind", "attribution": "found", "role": "role",
                "speaker_kind": "speaker_kind"}
EVENT_TABLES = {"commitment_events"}  # their kind is an event's, not a promise's


def code_words(value, column: str, table: str | None = None):
    """The words for a code stored in ``column`` of ``table`` (the ``code_words`` filter of
    the facet lists); any other value as it is."""
    group = "event" if column == "kind" and table in EVENT_TABLES else CODE_COLUMNS.get(column)
    return pages.label(value, group) if group and isinstance(value, str) and value else value


def column_title(column: str, table: str | None = None) -> str:
    """The words a card on a phone shows for ``column`` of ``table`` (the ``column_title``
    filter); the column's name when we have none."""
    return COLUMN_TITLES.get((table, column)) or COLUMN_TITLES.get(column, column)


def _code_cell(value, column: str, table: str | None) -> Markup | None:
    """A code shown in words, the code kept as the tooltip (facets and filters use it);
    a value that is no code we know is left to Datasette."""
    words = code_words(value, column, table)
    return Markup('<span class="hdnd-code" title="{}">{}</span>').format(value, words) if words != value else None


def metadata(names: Iterable[str]) -> dict:
    """Titles in Vietnamese and English, and facets and labels per table and canned
    queries for each corpus database in ``names``; a copy each time, as Datasette merges
    other metadata into what it is given."""
    tables = {table: {"facets": facets} for table, facets in FACETS.items()}
    for table, column in LABELS.items():
        tables.setdefault(table, {})["label_column"] = column
    # Datasette's own search box on articles uses our index and our query rule (escape_fts,
    # below): "chat van" finds "chất vấn", "hoi dong nhan dan" finds "HĐND".
    tables["articles"].update(fts_table="articles_fts", fts_pk="id")
    for helper in HELPER_TABLES:
        tables[helper] = {"hidden": True}
    tables["promises"]["description"] = ("Lời hứa, yêu cầu và giao nhiệm vụ có nguồn; trạng thái tính đến lần chạy "
                                         "hdnd process gần nhất. Promises, demands and assignments with a source; "
                                         "status as of the last hdnd process run.")
    return {
        "title": "hdnd: lời hứa và kết quả của HĐND · Vietnamese council promises",
        "description": "Bài báo, biên bản và lời hứa tại các kỳ họp Hội đồng nhân dân; mỗi con số dẫn về câu gốc. "
                       "Articles, transcripts and promises from People's Council sessions; every figure links "
                       "back to the sentence it came from.",
        "databases": {name: copy.deepcopy({"queries": CANNED, "tables": tables}) for name in names},
    }


@functools.lru_cache(maxsize=64)
def _is_corpus(path: str, changed_ns: int) -> bool:
    """Whether the SQLite file at ``path`` (as of its modification time ``changed_ns``) is an
    hdnd corpus: it records hdnd's first migration. Read-only; an unreadable file is not one."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        has_tables = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone() is not None
        return has_tables and not foreign(conn)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _corpora(datasette) -> list[str]:
    """The names of the databases Datasette serves that are hdnd corpora (files, not memory)."""
    names = []
    for name, database in datasette.databases.items():
        try:
            changed = os.stat(database.path).st_mtime_ns if database.path else None
        except OSError:
            changed = None
        if changed is not None and _is_corpus(database.path, changed):
            names.append(name)
    return names


@hookimpl
def get_metadata(datasette, key, database, table):
    """hdnd's metadata for every corpus Datasette serves, however it was started: by hdnd
    serve (which passes only its host names) or as ``datasette hdnd.db`` with the plugin
    found through its entry point. Other databases beside a corpus are left alone; the
    metadata a user passes with ``--metadata`` still wins, as Datasette merges it last."""
    names = _corpora(datasette)
    return metadata(names) if names else {}


class ServeError(ValueError):
    """The corpus cannot be served; the message is one sentence."""


@hookimpl(trylast=True)
def prepare_connection(conn):
    """hdnd_fold() in SQL, as the store defines it, for canned queries and searches;
    escape_fts(), which Datasette's ``?_search=`` calls, replaced by our query rule (so it
    runs after Datasette's own definition); hdnd_status(deadline, verdict), a promise's
    status today as hdnd promises computes it; hdnd_index_code(name), the code a name of
    an index means."""
    _prepare(conn)
    conn.create_function("escape_fts", 1, fts_expression)
    conn.create_function("hdnd_status", 2, lambda deadline, verdict: status_for(deadline, today_local(), verdict))
    conn.create_function("hdnd_index_code", 1, lambda name: index_code(name) if isinstance(name, str) else name,
                         deterministic=True)


@hookimpl
def register_routes():
    return pages.ROUTES + feeds.ROUTES + person.ROUTES


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["vn_number"] = number
    env.filters["web_link"] = pages.web_link
    env.filters["vn_label"] = pages.label
    env.filters["counted"] = pages.counted
    env.filters["code_words"] = code_words
    env.filters["column_title"] = column_title


@hookimpl
def render_cell(value, column, table, datasette):
    """A promise's, a session's or a person's id links to its page wherever it is shown, also when
    Datasette has expanded it to {"value": id, "label": …} (a foreign key); a cell that
    holds no integer id (text in an INTEGER column, a label) is left to Datasette. Codes
    (topic, status, kind, how a speaker was found, a turn's role) are shown in words."""
    if (table, column) in PROMISE_COLUMNS or column in PROMISE_LINKS:
        page = "promise"
    elif (table, column) in SESSION_COLUMNS or column in SESSION_LINKS:
        page = "session"
    elif (table, column) in PERSON_COLUMNS or column in PERSON_LINKS:
        page = "person"
    else:
        return _code_cell(value, column, table)
    row_id, label = (value.get("value"), value.get("label")) if isinstance(value, dict) else (value, None)
    if not isinstance(row_id, int) or isinstance(row_id, bool):
        return None
    named = label is not None and str(label) != str(row_id)
    link = Markup('<a href="{}">{}</a>').format(datasette.urls.path(f"-/{page}/{row_id}"), label if named else row_id)
    return link + Markup(" <em>{}</em>").format(row_id) if named else link


@hookimpl
def extra_template_vars(template, request, datasette):
    """The home page's counts and latest sessions; the promise page's citations."""
    if template != "index.html":
        return feeds.template_vars(template, request, datasette)

    async def home():
        return {"hdnd": await pages.home(datasette)}
    return home


@hookimpl
def asgi_wrapper(datasette):
    """Host names checked first, then the Excel CSV's byte-order mark."""
    allowed = (datasette.plugin_config("hdnd") or {}).get("allowed_hosts", ())
    return lambda app: hosts.only_hosts(excel.with_bom(app), allowed)


@hookimpl
def register_output_renderer():
    return excel.RENDERER


def make_app(db_path: str | Path, time_limit_ms: int = SQL_TIME_LIMIT_MS, allowed_hosts: tuple[str, ...] = ()):
    """The Datasette instance for the corpus file (which must exist); every SQL
    statement, ours included, stops after ``time_limit_ms``; requests are answered when
    addressed to a loopback name or one of ``allowed_hosts``."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    path = Path(db_path)
    if not path.is_file():
        raise ServeError(f"{path} does not exist; create it with hdnd import or hdnd crawl first.")
    plugin = sys.modules[__name__]
    if not pm.is_registered(plugin):
        pm.register(plugin, name="hdnd")
    return Datasette([str(path)], metadata={"plugins": {"hdnd": {"allowed_hosts": list(allowed_hosts)}}},
                     settings={"sql_time_limit_ms": time_limit_ms, "allow_download": False,
                               "default_facet_size": 20, "max_returned_rows": 1000})
