"""``hdnd serve``: the corpus in Datasette (0.65), read-only, for journalists.

The file is opened read-only (SQLite ``mode=ro``), SQL is Datasette's read-only SQL
with a time limit, there is no write endpoint, the server binds to 127.0.0.1 unless told
otherwise and answers only to loopback host names and those it is given (``hosts``). This
package is also the Datasette plugin: facets and canned queries are metadata; our pages
(search, promise, chart) are routes in ``pages``; the templates ship in ``templates/``
beside this file. A stored URL is a link only when it is a web address.
"""

from __future__ import annotations

import sys
from pathlib import Path

from datasette import hookimpl
from markupsafe import Markup

from corpus.chart import number
from corpus.db import prepare_connection as _prepare
from corpus.search import TIME_LIMIT_MS, fts_expression
from corpus.serve import excel, feeds, hosts, pages

SQL_TIME_LIMIT_MS = TIME_LIMIT_MS  # Datasette's SQL and our searches stop at the same time

CANNED = {
    "overdue_promises": {
        "title": "Lời hứa quá hạn · Overdue promises",
        "sql": "SELECT id AS promise_id, speaker, speaker_title, deadline, quote, topic, source FROM promises "
               "WHERE kind = 'commitment' AND status = 'overdue' ORDER BY deadline",
    },
    "promises_by_speaker": {
        "title": "Lời hứa theo người phát biểu · Promises by speaker",
        "sql": "SELECT id AS promise_id, kind, deadline, status, quote, session FROM promises "
               "WHERE hdnd_fold(lower(COALESCE(speaker, ''))) LIKE '%' || hdnd_fold(lower(:speaker)) || '%' "
               "ORDER BY made_on",
    },
    "index_over_years": {
        "title": "Chỉ số của một địa phương qua các năm · An index over the years",
        "sql": 'SELECT year, "index", subindex, value, unit, rank, rank_of, quote, article_id FROM index_values '
               'WHERE "index" = :index AND hdnd_fold(lower(COALESCE(entity, \'\'))) LIKE '
               "'%' || hdnd_fold(lower(:entity)) || '%' ORDER BY year",
    },
    "said_at_session": {
        "title": "Phát biểu tại một kỳ họp · What was said at one session",
        "sql": "SELECT t.seq, t.timestamp, t.role, t.speaker, t.title, t.delegation, t.topic, t.quote, t.article_id, "
               "t.session_id "
               "FROM turns t WHERE t.session_id = :session_id ORDER BY t.article_id, t.seq",
    },
}

FACETS = {
    "promises": ["status", "kind", "speaker", "body", "topic", "source", "year"],
    "commitments": ["status", "kind", "topic", "speaker", "speaker_title"],
    "article_list": ["source", "year", "kind"],
    "articles": ["kind", "source_id"],
    "index_values": ["index", "entity", "year"],
    "turns": ["role", "speaker", "topic"],
    "persons": ["title"],
    "sessions": ["council", "term", "kind"],
}
LABELS = {"sources": "domain", "persons": "name", "bodies": "name", "articles": "title"}
PROMISE_COLUMNS = {("commitments", "id"), ("promises", "id")}
PROMISE_LINKS = {"promise_id", "commitment_id"}
SESSION_COLUMNS = {("sessions", "id")}
SESSION_LINKS = {"session_id"}


def metadata(name: str, allowed_hosts: tuple[str, ...] = ()) -> dict:
    """Titles in Vietnamese and English, facets and labels per table, canned queries, and
    the host names the server answers to besides the loopback ones."""
    tables = {table: {"facets": facets} for table, facets in FACETS.items()}
    for table, column in LABELS.items():
        tables.setdefault(table, {})["label_column"] = column
    # Datasette's own search box on articles uses our index and our query rule (escape_fts,
    # below): "chat van" finds "chất vấn", "hoi dong nhan dan" finds "HĐND".
    tables["articles"].update(fts_table="articles_fts", fts_pk="id")
    tables["promises"]["description"] = ("Lời hứa, yêu cầu và giao nhiệm vụ có nguồn; trạng thái tính đến lần chạy "
                                         "hdnd process gần nhất. Promises, demands and assignments with a source; "
                                         "status as of the last hdnd process run.")
    return {
        "title": "hdnd: lời hứa và kết quả của HĐND · Vietnamese council promises",
        "description": "Bài báo, biên bản và lời hứa tại các kỳ họp Hội đồng nhân dân; mỗi con số dẫn về câu gốc. "
                       "Articles, transcripts and promises from People's Council sessions; every figure links "
                       "back to the sentence it came from.",
        "databases": {name: {"queries": CANNED, "tables": tables}},
        "plugins": {"hdnd": {"allowed_hosts": list(allowed_hosts)}},
    }


class ServeError(ValueError):
    """The corpus cannot be served; the message is one sentence."""


@hookimpl(trylast=True)
def prepare_connection(conn):
    """hdnd_fold() in SQL, as the store defines it, for canned queries and searches; and
    escape_fts(), which Datasette's ``?_search=`` calls, replaced by our query rule (so it
    runs after Datasette's own definition)."""
    _prepare(conn)
    conn.create_function("escape_fts", 1, fts_expression)


@hookimpl
def register_routes():
    return pages.ROUTES + feeds.ROUTES


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["vn_number"] = number
    env.filters["web_link"] = pages.web_link


@hookimpl
def render_cell(value, column, table, datasette):
    """A promise's or a session's id links to its page wherever it is shown, also when
    Datasette has expanded it to {"value": id, "label": …} (a foreign key); a cell that
    holds no integer id (text in an INTEGER column, a label) is left to Datasette."""
    if (table, column) in PROMISE_COLUMNS or column in PROMISE_LINKS:
        page = "promise"
    elif (table, column) in SESSION_COLUMNS or column in SESSION_LINKS:
        page = "session"
    else:
        return None
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
    return Datasette([str(path)], metadata=metadata(path.stem, allowed_hosts),
                     settings={"sql_time_limit_ms": time_limit_ms, "allow_download": False,
                               "default_facet_size": 20, "max_returned_rows": 1000})
