"""The ``hdnd`` command line: thin commands over the corpus, crawler and pipeline libraries."""

from __future__ import annotations

import base64
import json
import os
import signal
import sqlite3
import sys
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click

from corpus.commitments import (
    KINDS,
    REJECT_REASONS,
    STATUSES,
    VERDICTS,
    PromiseError,
    commitment_detail,
    confirm,
    correct,
    corrections,
    list_commitments,
)
from corpus.db import DEFAULT_DB, CorpusError, connect, row_id
from corpus.export import FORMATS
from corpus.output import emit, format_option
from corpus.records import TABLES as RECORD_TABLES
from corpus.search import TIME_LIMIT_MS
from pipeline import topics


def _adopt(ctx: click.Context, param, value: bool) -> bool:
    """Remember --migrate for ``_open``, so that no command's signature has to carry it."""
    ctx.meta["hdnd.adopt"] = value
    return value


def sources_dir_option(command):
    """--sources-dir: a folder of the user's source files (TOML), over the package's."""
    return click.option(
        "--sources-dir", "sources_dirs", multiple=True, type=click.Path(file_okay=False),
        help="A folder of source files (one TOML file per site) to add to or replace the package's; repeatable. "
             "HDND_SOURCES names more (separated by the path separator).")(command)


def _load_sources(folders: tuple[str, ...]):
    """The package's sources and the user's, or the one sentence saying which file is wrong."""
    from crawler.sources import SourceError, load_sources

    try:
        return load_sources(folders)
    except SourceError as err:
        _fail(str(err))


def db_option(command):
    """--db, and --migrate to let hdnd add its tables to another application's SQLite file."""
    command = click.option(
        "--migrate", "adopt", is_flag=True, expose_value=False, callback=_adopt,
        help="The --db file is another application's SQLite database: add the corpus tables beside its own "
             "(without this, such a file is refused and left unchanged).",
    )(command)
    return click.option(
        "--db", "db_path", default=DEFAULT_DB, show_default=True, envvar="HDND_DB",
        type=click.Path(dir_okay=False), help="The corpus: an SQLite file, created if missing.",
    )(command)


def _fail(message: str, code: int = 2) -> None:
    """``Error: message.`` on stderr (one full stop, whether or not the message had one), and exit."""
    click.echo(f"Error: {message.rstrip('.')}.", err=True)
    sys.exit(code)


# Commands that only read the corpus (or decide about rows already in it): a missing file is a
# mistyped --db, so they refuse it rather than create an empty corpus and report nothing found.
_READERS = {"search", "promises", "stats", "sessions", "session", "promise", "person", "versions", "export", "serve", "train"}


def _open(db_path: str):
    """The corpus at ``db_path``; another application's SQLite file only with --migrate.
    Writing commands create a missing file; reading ones stop with one sentence."""
    ctx = click.get_current_context()
    if ctx.command.name in _READERS and not os.path.lexists(db_path):
        _fail(f"{db_path} does not exist; create it with hdnd import or hdnd crawl first.")
    return connect(db_path, adopt=ctx.meta.get("hdnd.adopt", False))


def _id_argument(what: str):
    """A callback for an id given on the command line: an id beyond SQLite's integers names
    no ``what`` (one sentence, exit 2) instead of overflowing in the query."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
        if value is None:
            return None
        number = row_id(value)
        if number is None:
            if not value.isdecimal():
                raise click.BadParameter(f"{value!r} is not an id (a whole number).")
            from corpus.display import shorten

            _fail(f"there is no {what} {shorten(value, 24)} in this corpus.")
        return number

    return check


@contextmanager
def _interruptible(hint: str):
    """Ctrl-C and SIGTERM (kill, a service manager stopping it) end a run alike: as a
    KeyboardInterrupt, which the run records as interrupted; then exit 130 with ``hint``."""
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    except KeyboardInterrupt:
        click.echo(f"Interrupted; {hint}.", err=True)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _iso_date(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date of the form YYYY-MM-DD.")


class Commands(click.Group):
    """Any command stopped by a CorpusError (a corpus locked too long, a full disk) ends
    with its one sentence and exit code 2, not a traceback; one stopped with Ctrl-C ends
    with exit code 130, as crawl, import and process do."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CorpusError as err:
            _fail(str(err))
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hdnd")
def cli() -> None:
    """hdnd: a searchable corpus of Vietnamese People's Council (HĐND) coverage.

    \b
    Typical use:
      hdnd import articles/ crawl.warc.gz     # store articles
      hdnd search "hoi dong nhan dan"         # find them, with or without diacritics
      hdnd export --table articles --format csv --out articles.csv

    HDND_MODEL=FOLDER (a model from hdnd train) or HDND_MODEL=rules makes analyze,
    process and eval classify with it instead of the installed model.
    """
    model = os.environ.get("HDND_MODEL")
    if model and model != "rules":
        from pipeline import model_problem

        if problem := model_problem(model):
            _fail(f"HDND_MODEL: {problem}.")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--kind", type=click.Choice(["auto", "transcript", "article"]), default="auto", show_default=True,
              help="Store the files as session transcripts (speaker turns), as articles, or decide per file.")
@click.option("--watch", is_flag=True,
              help="Keep going: import each file as it appears under PATHS (complete files only), until Ctrl-C.")
@click.option("--poll", default=5.0, show_default=True, type=click.FloatRange(0.1),
              help="With --watch, seconds between looks at the folders.")
@db_option
def import_command(paths: tuple[str, ...], kind: str, watch: bool, poll: float, db_path: str) -> None:
    """Store articles and session records from HTML files, plain-text files, Word (.docx)
    and PDF documents, folders and WARC archives.

    Each page's metadata and main text are extracted and normalised; listing and home
    pages are skipped; importing the same file twice changes nothing. Text in the old
    TCVN3 (.VnTime), VNI and VISCII encodings is converted to Unicode. A file whose
    lines start with speaker labels ("Đại biểu X chất vấn: …") or a live report's times
    ("09h15: …") is stored as a transcript; --kind decides instead. A scanned PDF with
    no text layer is reported, not stored empty. Text files in UTF-16 or UTF-32 with a
    byte-order mark (Notepad's "Unicode") are read. Bad files (unreadable, a name that is
    not UTF-8, anything that expands past 64 MB when decompressed) are listed at the end
    and make the exit code 1; the rest of the batch is stored. A full disk stops the
    import at once (exit code 2), keeping what was stored.

    With --watch, a folder is followed as crawl machines fill it (hdnd crawl --warc-dir):
    each file is imported once complete, which its writer says by giving it its final name
    (a name ending in .open, or a hidden one, is never read); Ctrl-C prints the summary and
    exits with code 130.

    \b
    Example:
      hdnd import saved_pages/ session.txt crawl.warc.gz --db hdnd.db
      hdnd import bien-ban-ky-hop-18.docx chat-van.pdf --kind transcript
      hdnd import warc/ --watch --poll 30
    """
    from corpus.ingest import import_entries
    from crawler.importers import expand_paths

    _load_sources(())  # HDND_SOURCES: a user's sources name and extract imported pages too
    db = _open(db_path)
    if watch:
        _watch_import(db, list(paths), kind, poll, db_path)
    entries = list(expand_paths(paths))
    with _interruptible("the articles stored so far are kept, and the same import run again stores the rest"), \
            click.progressbar(entries, label="Importing", file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:
        summary = import_entries(db, bar, list(paths), kind)
    _import_report(summary, db_path)
    if summary.stopped:
        _fail(summary.stopped)
    if summary.failed:
        sys.exit(1)


def _import_report(summary, db_path: str) -> None:
    """The problems of an import, then its one-line summary."""
    for problem in summary.problems:
        label = "skipped" if problem.skipped else "failed"
        click.echo(f"  {label}: {problem.where}: {problem.reason}", err=True)
    click.echo(f"Imported into {db_path}: {summary.line()}.")


def _watch_import(db, paths: list[str], kind: str, poll: float, db_path: str) -> None:
    """hdnd import --watch: one run that imports files as they are completed, until Ctrl-C or
    SIGTERM; then the summary, and exit code 130."""
    from corpus.ingest import ImportSummary, import_entries, watched_entries

    summary = ImportSummary()
    click.echo(f"Watching {', '.join(paths)} (every {poll:g} s); Ctrl-C stops.", err=True)
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        import_entries(db, watched_entries(paths, poll), paths, kind, summary)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    _import_report(summary, db_path)
    if summary.stopped:
        _fail(summary.stopped)
    sys.exit(130)


def _hit_table(hits: list[dict]) -> None:
    """Search hits for reading: rank and title, date (in Vietnam) and source, URL, snippet."""
    from corpus.display import shown_time

    for rank, hit in enumerate(hits, 1):
        meta = ", ".join(filter(None, [(shown_time(hit["published"]) or "")[:10], hit["source"]]))
        click.echo(click.style(f"{rank}. {hit['title'] or '(untitled)'}", bold=True) + (f"  ({meta})" if meta else ""))
        click.echo(f"   {hit['url']}")
        click.echo(f"   {hit['snippet']}\n")


def _record_table(rows: list[dict]) -> None:
    """Records for reading: one line of name=value a row (times in Vietnam), the quote or whole text
    (hdnd versions --text) below it."""
    from corpus.display import shown_time

    for row in rows:
        click.echo("  ".join(f"{k}={shown_time(v)}" for k, v in row.items()
                             if v not in (None, "") and k not in ("quote", "text")))
        if row.get("quote"):
            click.echo(f"    “{row['quote']}”")
        if "text" in row:
            click.echo("    " + (row["text"] or "").replace("\n", "\n    "))


@cli.command("search")
@click.argument("query", required=False)
@click.option("--in", "table", type=click.Choice(["articles", *RECORD_TABLES]), default="articles", show_default=True,
              help="What to search: articles, or a table the analysis filled.")
@click.option("--entity", help="With --in: only rows whose entity (index values), title (persons), issuer "
                               "(legal references) or council (sessions) matches this phrase.")
@click.option("--since", callback=_iso_date, help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--until", callback=_iso_date, help="Only articles published on or before this date (YYYY-MM-DD).")
@click.option("--source", help="Only articles from this site (domain such as vnexpress.net, or its name).")
@click.option("--kind", type=click.Choice(["article", "transcript"]), help="Only articles of this kind.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="How many hits at most.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0, 1_000_000),
              help="Skip this many hits first (paging).")
@format_option
@click.option("--time-limit", "seconds", default=2.0, show_default=True, type=click.FloatRange(0.001, 3600),
              help="Stop a search that takes longer than this many seconds (the web search stops at 2).")
@click.option("--ranked", is_flag=True, help="Rank by relevance even a query matching more than 5,000 articles "
                                             "(slow on a large corpus: every match is read).")
@db_option
def search_command(query: str | None, table: str, entity: str | None, since, until, source, kind, limit: int, offset: int,
                   fmt: str, seconds: float, ranked: bool, db_path: str) -> None:
    """Full-text search over titles and texts, best match first; a query matching more
    than 5,000 articles lists them most recently added first (--ranked ranks them too).

    With diacritics a query matches exactly (Hội đồng nhân dân); without, it matches
    the text with marks removed and đ as d (hoi dong nhan dan). Consecutive words form
    one phrase; join phrases with AND or OR, quote them with "…", end one with * to
    match word beginnings. Abbreviations and their full forms find each other (HĐND,
    Hội đồng nhân dân; the list is models/abbreviations.tsv), and so do i and y (Sĩ, Sỹ).

    With --in index_values, persons, legal_refs or sessions it searches what `hdnd
    process` extracted; index values come out as a series (index, entity, year).

    \b
    Examples:
      hdnd search "hoi dong nhan dan"
      hdnd search '"chất vấn" AND "chuyển đổi số"' --since 2023-01-01 --format json
      hdnd search "chat van" --limit 1000 --format csv > hits.csv
      hdnd search --in index_values "SIPAS" --entity "Hà Nội"
    """
    from corpus.records import search_records
    from corpus.search import RANK_AT_MOST, QueryError, search, time_limit

    db = _open(db_path)
    if table != "articles":
        try:
            with time_limit(db.conn, round(seconds * 1000)):
                rows = search_records(db, table, query, entity=entity, since=since, until=until, limit=limit,
                                      offset=offset)
        except QueryError as err:
            _fail(str(err))
        if not rows and fmt == "table":
            click.echo(f"No {table.replace('_', ' ')} match.", err=True)
        emit(fmt, rows, lambda: _record_table(rows))
        return
    if not query:
        _fail("Searching articles needs a query.")
    try:
        with time_limit(db.conn, round(seconds * 1000)):
            hits = search(db, query, since=since, until=until, source=source, kind=kind, limit=limit, offset=offset,
                          ranked=ranked)
    except QueryError as err:
        _fail(str(err))
    if hits and hits[0]["score"] is None:
        click.echo(f"The query matches more than {RANK_AT_MOST:,} articles (before any filter), so hits come most "
                   "recently added first; --ranked ranks them by relevance (slow on a large corpus).", err=True)
    if not hits and fmt == "table":
        click.echo("No articles match.", err=True)
        return
    emit(fmt, hits, lambda: _hit_table(hits), columns=["id", "title", "published", "source", "url", "score", "snippet"])


@cli.command("export")
@click.option("--table", "tables", required=True, multiple=True,
              help="The table or view to export, e.g. articles or promises; repeat it with --format hf for one config each.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="jsonl, csv (UTF-8 with BOM, for Excel), parquet, or hf (a Hugging Face dataset folder).")
@click.option("--out", required=True, type=click.Path(), help="The file (or, for hf, the folder) to write.")
@db_option
def export_command(tables: tuple[str, ...], fmt: str, out: str, db_path: str) -> None:
    """Write a table or view of the corpus (or, as a dataset folder, several) for analysis elsewhere.

    The output appears only when complete; an existing file of the same name is
    replaced. The compressed raw HTML column is not exported.

    \b
    Examples:
      hdnd export --table articles --format csv --out articles.csv
      hdnd export --table promises --format jsonl --out promises.jsonl
      hdnd export --table articles --table promises --format hf --out hdnd-dataset/
    """
    from corpus.display import count_of
    from corpus.export import export_tables

    counts = export_tables(_open(db_path), list(tables), fmt, out)
    written = ", ".join(f"{count_of(n, 'row')} of {t}" for t, n in zip(dict.fromkeys(tables), counts))
    click.echo(f"Wrote {written} to {out} ({fmt}).")


@cli.command("stats")
@format_option
@db_option
def stats_command(fmt: str, db_path: str) -> None:
    """What the corpus holds: articles by source and month, processed or not, promises (and
    how many are overdue, counted as hdnd promises and the web's home page count them), last runs.

    --format json prints all of it as one object; jsonl and csv the articles by source and month.

    \b
    Example:
      hdnd stats --db hdnd.db
      hdnd stats --format csv > coverage.csv
    """
    from corpus.stats import corpus_stats

    stats = corpus_stats(_open(db_path))
    emit(fmt, stats["by_source_month"], lambda: _stats_table(stats), document=stats,
         columns=["source", "month", "articles", "processed"])


def _stats_table(stats: dict) -> None:
    """The corpus's counts for reading: totals and promises (as the json counts them), then by source
    and month, then the last runs (in Vietnam's time)."""
    from corpus.display import count_of, shown_time

    click.echo(f"{count_of(stats['articles'], 'article')}, {stats['processed']} processed, {stats['unprocessed']} not yet.")
    click.echo(f"{count_of(stats['promises'], 'promise')} ({stats['overdue']} overdue).")
    if stats["by_source_month"]:
        click.echo(f"\n{'source':<28} {'month':<9} {'articles':>8} {'processed':>9}")
        for row in stats["by_source_month"]:
            click.echo(f"{row['source']:<28} {row['month']:<9} {row['articles']:>8} {row['processed']:>9}")
    if stats["last_runs"]:
        click.echo("\nLast runs:")
        for run in stats["last_runs"]:
            counts = ", ".join(f"{k} {v}" for k, v in run["counts"].items() if v)
            click.echo(f"  #{run['id']} {run['command']} {shown_time(run['started_at'])} {run['status']}: {counts or 'nothing'}")


@cli.command("analyze")
@click.argument("source", default="-", type=click.File("r", encoding="utf-8"))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes; the models are loaded once and shared. Output keeps the input order.")
def analyze_command(source, workers: int) -> None:
    """Analyse documents given as JSON lines; print one line per document.

    Each input line holds "doc", "text" and optionally "published" (YYYY-MM-DD) and
    "source" (the page's URL: a provincial site names the province its text leaves out); the
    output has the shape of gold/FORMAT.md: persons, index values, legal references,
    the session, plus bodies, places, sessions and dates with their spans. No database
    is used. A document that cannot be analysed gets an "error" line, the others go on,
    and the exit code is 1.

    \b
    Example:
      echo '{"doc": "a", "text": "Chủ tịch UBND tỉnh Lê Văn A phát biểu."}' | hdnd analyze
      hdnd analyze docs.jsonl --workers 2 > analysed.jsonl
    """
    import multiprocessing

    jobs = ((number, line) for number, line in enumerate(source, 1) if line.strip())
    pool = None
    if workers > 1:
        from pipeline import warm

        warm()  # before the fork: every worker starts with the models loaded
        pool = multiprocessing.get_context("fork").Pool(workers)
        results = pool.imap(_analyse_line, jobs, chunksize=8)
    else:
        results = map(_analyse_line, jobs)
    failed = 0
    try:
        for result in results:
            if "error" in result:
                failed += 1
                click.echo(f"Error: {result['error']}", err=True)
            click.echo(json.dumps(result, ensure_ascii=False))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    if failed:
        sys.exit(1)


def _analyse_line(job: tuple[int, str]) -> dict:
    """One input line of ``hdnd analyze``: its analysis, or a record with the error."""
    from pipeline import AnalysisError, analyze

    number, line = job
    doc_id = f"line {number}"
    try:
        item = json.loads(line)
        if not isinstance(item, dict):
            raise AnalysisError("the line is not a JSON object")
        doc_id = item.get("doc", doc_id)
        source = item.get("source")
        return {"doc": doc_id, "source": source, **analyze(item.get("text"), item.get("published"), source=source)}
    except (json.JSONDecodeError, AnalysisError) as err:
        reason = f"the line is not JSON ({err.msg})" if isinstance(err, json.JSONDecodeError) else str(err)
        return {"doc": doc_id, "error": f"{doc_id}: {reason}."}


def _today(ctx, param, value: str | None) -> date:
    """--today, else today in Vietnam: a deadline there passes at its midnight, not the machine's."""
    from corpus.display import today_local

    return date.fromisoformat(_iso_date(ctx, param, value)) if value else today_local()


today_option = click.option("--today", callback=_today, metavar="YYYY-MM-DD",
                            help="Judge deadlines as of this date instead of today (in Vietnam).")


@contextmanager
def _cluster(scheduler: str | None):
    """The Dask cluster of --scheduler (None without it). One that cannot be used, or is
    lost mid-run, ends the command with one sentence, exit 2; before the corpus is opened."""
    if not scheduler:
        yield None
        return
    from corpus.cluster import ClusterUnavailable, connected

    try:
        with connected(scheduler) as cluster:
            yield cluster
    except ClusterUnavailable as err:
        _fail(str(err))


@cli.command("process")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Analyse on a Dask cluster instead: its scheduler (tcp://HOST:8786, workers started with "
                   "dask worker tcp://HOST:8786), or local:N to start N worker processes here. This process still "
                   "writes the corpus alone.")
@click.option("--reprocess", is_flag=True, help="Analyse every article again, not only new or changed ones.")
@click.option("--watch", is_flag=True, help="Keep going: analyse each article as it is stored (beside hdnd import "
                                             "--watch), the models loaded once, until Ctrl-C.")
@click.option("--poll", default=1.0, show_default=True, type=click.FloatRange(0.05),
              help="With --watch, seconds between looks for new articles.")
@today_option
@db_option
@click.pass_context
def process_command(ctx: click.Context, workers: int, scheduler: str | None, reprocess: bool, watch: bool, poll: float,
                    today: date, db_path: str) -> None:
    """Analyse the stored articles and store persons, bodies, index values, legal
    references, sessions, commitments, demands and assignments, each with the span it
    came from.

    Only articles not yet analysed by the current pipeline version are done, so running
    it again changes nothing. Each article is written in one transaction. Near-copies of
    an earlier article (MinHash) add their quotes as sources of its commitments instead
    of new ones; sentences reporting how a promise went are proposed as follow-ups;
    commitments whose deadline is near or past become due or overdue, each change
    recorded as an event. Articles that cannot be analysed are listed and make the exit
    code 1.

    \b
    With --watch, the models are loaded once and every article stored afterwards (by hdnd
    import --watch, a crawl, another tool) is analysed within --poll seconds, one run per
    round, each printing its summary line; Ctrl-C stops it (exit code 130). A new article
    then costs its own analysis, not the two seconds a fresh process spends loading.

    \b
    Example:
      hdnd process --workers 2 --db hdnd.db
      hdnd process --scheduler tcp://10.0.0.5:8786 --db hdnd.db
      hdnd import warc/ --watch & hdnd process --watch
    """
    from corpus.process import pending_count, process_corpus

    if scheduler and workers > 1:
        _fail("give --workers or --scheduler, not both: a cluster's workers are started with dask worker")
    if watch and reprocess:
        _fail("give --watch or --reprocess, not both: a watcher analyses what arrives, hdnd process --reprocess "
              "analyses everything once")
    with _cluster(scheduler) as cluster:
        db = _open(db_path)
        if watch:
            fixed = today if ctx.get_parameter_source("today") is click.core.ParameterSource.COMMANDLINE else None
            _watch_process(db, poll, workers, fixed, cluster, db_path)
        total = pending_count(db, reprocess)
        with _interruptible("the articles analysed so far are kept, and hdnd process run again goes on from there"), \
                click.progressbar(length=total, label="Analysing", file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:
            summary = process_corpus(db, workers=workers, reprocess=reprocess, on_article=lambda: bar.update(1),
                                     today=today, cluster=cluster)
    for problem in summary.problems:
        click.echo(f"  failed: {problem['where']}: {problem['reason']}", err=True)
    click.echo(summary.line())
    if summary.counts["failed"]:
        sys.exit(1)


def _watch_process(db, poll: float, workers: int, today: date | None, cluster, db_path: str) -> None:
    """hdnd process --watch: each round's summary line, with the time in Vietnam, until
    Ctrl-C or SIGTERM; then exit code 130."""
    from corpus.display import VIETNAM
    from corpus.process import watched_rounds

    click.echo(f"Watching {db_path} for new articles (every {poll:g} s); Ctrl-C stops.", err=True)
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        for summary in watched_rounds(db, poll, workers, today, cluster):
            for problem in summary.problems:
                click.echo(f"  failed: {problem['where']}: {problem['reason']}", err=True)
            click.echo(f"{datetime.now(VIETNAM):%H:%M:%S} {summary.line()}")
    except KeyboardInterrupt:
        click.echo("Stopped watching; every article stored so far is analysed or still pending for the next run.",
                   err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.exit(130)


@cli.command("eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--pred", type=click.File("r", encoding="utf-8"),
              help="Predictions (hdnd analyze output); by default the gold texts are analysed now.")
@click.option("--verbose", "-v", is_flag=True, help="List the misses and false hits.")
@click.option("--split", type=click.Choice(["all", "train", "dev"]), default="all", show_default=True,
              help="Score only the fixed dev split (or the train split) of the gold documents.")
@click.option("--cv", type=click.IntRange(2, 20), help="Cross-validate the classifier: train on N-1 folds, score the "
              "held-out fold, pooled over the N folds.")
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False),
              help="Classify with this model (hdnd train --out) instead of the one installed.")
@click.option("--rules", is_flag=True, help="Classify with the clause rules alone (no model), for comparison.")
@click.option("--config", "config", type=click.Path(exists=True, dir_okay=False),
              help="With --cv: train the folds by this config (for example models/commitment_textcat.cfg, "
                   "spaCy's textcat) instead of models/commitment_classifier.cfg.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0),
              help="With --cv or --model: keep a clause when its kind is at least this likely, instead of the "
                   "threshold hdnd train chose for the model in use.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def eval_command(gold, pred, verbose: bool, split: str, cv: int | None, model_dir: str | None, rules: bool,
                 config: str | None, threshold: float | None, fmt: str) -> None:
    """Score the analysis against hand annotations (gold/FORMAT.md rules), pooled over
    every GOLD file given.

    Prints precision, recall and F1 per task (commitments, demands, assignments when the
    gold has them, index values, persons, legal references) and, where the rules define
    them, speaker, deadline and year accuracy. When gold items carry a ``pattern`` (such
    as "cue:sẽ|attr:quote_after") or documents a ``false_friend``, a second table gives
    recall, speaker and deadline per pattern and the false hits per false friend.

    \b
    Example:
      hdnd eval ../shared/gold/seeds.jsonl --verbose
      hdnd eval ../shared/gold/dev/news.jsonl --split dev
      hdnd eval ../shared/gold/dev/news.jsonl --cv 5
      hdnd eval ../shared/gold/dev/news.jsonl --cv 5 --config models/commitment_textcat.cfg
    """
    from pipeline import in_dev, load_gold, pattern_report, score

    if sum(bool(x) for x in (pred, cv, model_dir, rules)) > 1:
        _fail("--pred, --cv, --model and --rules are different ways to predict: give one.")
    if config and not cv:
        _fail("--config says how to train the folds of --cv: give --cv too.")
    if threshold is not None and not (cv or model_dir):
        _fail("--threshold applies to a trained model: give --cv or --model too.")
    try:
        gold_docs = load_gold(gold)
    except (OSError, ValueError) as err:
        _fail(f"{err}.")
    if split != "all":
        gold_docs = [d for d in gold_docs if in_dev(d["doc"]) == (split == "dev")]
    attributed = None
    if pred is None:
        predicted, attributed = _predict_with_classifier(gold_docs, cv, model_dir, rules, config, threshold)
    else:
        predicted = {}
        for n, line in enumerate(pred, 1):
            try:
                item = json.loads(line) if line.strip() else None
            except json.JSONDecodeError as err:
                _fail(f"{pred.name} line {n} is not JSON ({err.msg}).")
            if item is not None:
                if not isinstance(item, dict) or not item.get("doc"):
                    _fail(f"{pred.name} line {n} has no \"doc\" id.")
                predicted[item["doc"]] = item
    tasks = score(gold_docs, predicted)
    patterns = pattern_report(gold_docs, predicted)
    if fmt == "json":
        click.echo(json.dumps({"tasks": [t.as_dict() for t in tasks.values()],
                               "attribution": attributed and {"right": attributed[0], "items": attributed[1]},
                               "patterns": [r.as_dict() for r in patterns]}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'task':<14}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}  accuracy")
    for task in tasks.values():
        extra = ", ".join(f"{k} {task.accuracy(k):.2f}" for k in task.extra if task.accuracy(k) is not None)
        click.echo(f"{task.task:<14}{task.precision:8.3f}{task.recall:8.3f}{task.f1:8.3f}"
                   f"{task.tp:6d}{task.fp:6d}{task.fn:6d}  {extra}")
        if verbose:
            for miss in task.misses:
                click.echo(f"    miss:      {json.dumps(_brief(miss), ensure_ascii=False)}")
            for hit in task.false_hits:
                click.echo(f"    false hit: {json.dumps(_brief(hit), ensure_ascii=False)}")
    if attributed and attributed[1]:
        click.echo(f"\nattribution: the right speaker for {attributed[0] / attributed[1]:.3f} of {attributed[1]} gold "
                   "commitments and demands (on the candidate clause over each, whatever the classifier decided)")
    if patterns:
        click.echo(f"\n{'pattern':<28}{'gold':>6}{'found':>7}{'speaker':>9}{'deadline':>10}")
        for row in patterns:
            if row.pattern.startswith("ff:"):
                click.echo(f"{row.pattern:<28}{row.gold:>6}{row.found:>7}  false hits")
            else:
                click.echo(f"{row.pattern:<28}{row.gold:>6}{row.found:>7}{row.speaker:>9}{row.deadline:>10}")


def _predict_with_classifier(gold_docs: list[dict], cv: int | None, model_dir: str | None, rules: bool,
                             config: str | None = None, threshold: float | None = None
                             ) -> tuple[dict[str, dict], tuple[int, int]]:
    """Predictions by cross-validation (folds trained by ``config``), by the model in
    ``model_dir``, by the rules, or by the installed model, at ``threshold`` or the
    model's own; and the attribution measured on its own."""
    from pipeline import (
        DEFAULT_THRESHOLD,
        Classifier,
        attribution_accuracy,
        cross_validate,
        model_choice,
        model_path,
        predict,
        prepare_gold,
    )

    try:  # before the analysis, so a wrong model fails at once
        path = model_path("rules" if rules else model_dir or model_choice())
    except ValueError as err:
        _fail(f"{err}.")
    skipped: list[str] = []
    with click.progressbar(length=len(gold_docs), label="Analysing", file=sys.stderr) as bar:
        prepared = prepare_gold(gold_docs, progress=bar.update,
                                skipped=lambda doc, reason: skipped.append(f"{doc}: {reason}"))
    for line in skipped:
        click.echo(f"Error: {line}; scored as found nothing.", err=True)
    if cv:
        # The folds decide at the threshold of the model in use (the one hdnd train chose).
        if threshold is None:
            threshold = Classifier.load(path).threshold if path else DEFAULT_THRESHOLD
        if len(prepared) < cv:
            _fail(f"--cv {cv} needs at least {cv} documents; the gold has {len(prepared)}.")
        try:
            with click.progressbar(length=cv, label=f"Training {cv} folds", file=sys.stderr) as bar:
                predicted = cross_validate(prepared, cv, threshold=threshold, progress=bar.update, config=config)
        except ValueError as err:
            _fail(f"{err} in one of the folds.")
        return predicted, attribution_accuracy(prepared)
    classifier = Classifier.load(path, threshold) if path else None
    return {item.gold["doc"]: predict(item, classifier) for item in prepared}, attribution_accuracy(prepared)


@cli.command("train")
@click.argument("gold", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="The folder to save the model in (replaced only once training succeeded).")
@click.option("--from-db", "from_db", type=click.Path(exists=True, dir_okay=False),
              help="Add the commitments people corrected or confirmed in this corpus (hdnd promise --reject/--confirm).")
@click.option("--split", type=click.Choice(["train", "all"]), default="train", show_default=True,
              help="Train on the fixed train split (and report on dev), or on every gold document.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threshold", type=click.FloatRange(0.0, 1.0),
              help="Keep a clause when its kind is at least this likely; by default the highest threshold "
                   "within 0.01 of the best F1 in 5-fold cross-validation on the training documents.")
@click.option("--config", "config", type=click.Path(exists=True, dir_okay=False),
              help="The model's config file.  [default: models/commitment_classifier.cfg]")
def train_command(gold: tuple[str, ...], out: str, from_db: str | None, split: str, seed: int,
                  threshold: float | None, config: str | None) -> None:
    """Train the commitment classifier (a linear model over candidate clauses, as
    models/commitment_classifier.cfg says; or spaCy's textcat with --config
    models/commitment_textcat.cfg) from gold files in the gold/FORMAT.md shape, and from a
    newsroom's corrections with --from-db.

    The model is saved with spaCy's nlp.to_disk; use it with hdnd eval --model, or put it
    in models/commitment_classifier to make it the one hdnd analyze and process use.

    \b
    Example:
      hdnd train ../shared/gold/dev/news.jsonl models/training/*.jsonl --out models/commitment_classifier
      hdnd train ../shared/gold/dev/news.jsonl --from-db hdnd.db --out my-model
    """
    from pipeline import fit, in_dev, label_counts, load_gold, predict, prepare_gold, score, tune_threshold

    if not gold and not from_db:
        _fail("Give gold files to train on, --from-db with a corrected corpus, or both.")
    try:
        docs = load_gold(gold)
    except (OSError, ValueError) as err:
        _fail(f"{err}.")
    dev = [d for d in docs if in_dev(d["doc"])] if split == "train" else []
    docs = [d for d in docs if not (split == "train" and in_dev(d["doc"]))]
    if from_db:
        docs += corrections(_open(from_db))
    if not docs:
        _fail("There is nothing to train on: no gold document and no corrected commitment.")
    with click.progressbar(length=len(docs) + len(dev), label="Analysing", file=sys.stderr) as bar:
        prepared = prepare_gold(docs, progress=bar.update)
        held = prepare_gold(dev, progress=bar.update)
    examples = [ex for item in prepared for ex in item.examples()]
    try:
        if threshold is None and len(prepared) >= 10:
            threshold, curve = tune_threshold(prepared, seed=seed, config=config)
            click.echo("Threshold by 5-fold CV (mean F1 of commitments and demands): " +
                       ", ".join(f"{t:g}→{f:.3f}" for t, f in curve.items()) +
                       f"; chosen {threshold:g} (the highest within 0.01 of the best).")
        classifier = fit(examples, out, seed=seed, threshold=threshold, config=config)
    except ValueError as err:
        _fail(f"{err}.")
    counts = label_counts(examples)
    click.echo(f"Trained on {len(prepared)} documents, {len(examples)} candidate clauses "
               f"({counts['COMMITMENT']} commitment, {counts['DEMAND']} demand, {counts['NONE']} none); saved to {out}.")
    if held:
        tasks = score([item.gold for item in held], {item.gold["doc"]: predict(item, classifier) for item in held})
        for name in ("commitments", "demands"):
            task = tasks.get(name)
            if task is None:
                continue
            click.echo(f"dev ({len(held)} documents) {name}: P {task.precision:.3f} R {task.recall:.3f} "
                       f"F1 {task.f1:.3f}, speaker {task.accuracy('speaker') or 0:.2f}")


@cli.command("crawl")
@click.argument("sources", nargs=-1)
@click.option("--url", help="Crawl from this feed, sitemap, listing page or article (any site).")
@click.option("--since", callback=_iso_date, help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--until", callback=_iso_date, help="Only articles published on or before this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1), help="Stop after keeping this many articles.")
@click.option("--search", "queries", multiple=True,
              help="Use the sources' own site search for this query instead of feeds, sitemaps and listings "
                   "(repeatable).")
@click.option("--all", "keep_all", is_flag=True, help="Keep pages judged not relevant too.")
@click.option("--pages", default=3, show_default=True, type=click.IntRange(1, 500),
              help="Listing pages to follow per listing.")
@click.option("--resume-dir", type=click.Path(file_okay=False),
              help="Keep the crawl's state here; run again with the same folder to resume after an interruption.")
@click.option("--contact", help="A URL or e-mail for the User-Agent, so site owners can reach you.")
@click.option("--log-file", type=click.Path(dir_okay=False),
              help="Where Scrapy's log goes (appended).  [default: the --db path + .crawl.log]")
@click.option("--frontier", metavar="redis://HOST:PORT/DB",
              help="Share the request queue, the URLs seen and each site's pace with every crawl using this Redis "
                   "database, on any machine.")
@click.option("--warc-dir", type=click.Path(file_okay=False),
              help="Also write what is fetched to rotating WARC.gz files here, for hdnd import on another machine.")
@sources_dir_option
@db_option
def crawl_command(sources, url, since, until, limit, queries, keep_all, pages, resume_dir, contact, log_file,
                  frontier, warc_dir, sources_dirs, db_path) -> None:
    """Collect council-session coverage from the configured news sites (all of them, or
    the SOURCES named by key or domain, see hdnd sources) or from --url.

    Feed and sitemap entries are filtered by date and by the keywords in their URL slug
    before any article is fetched; fetched articles are kept when their text is about
    council work (the score and its reasons are logged), unless --all. robots.txt is
    obeyed and each site gets at most two requests at a time. Articles already stored
    are not fetched again.

    Every page left out is counted with its reason: skipped (robots.txt, not HTML, not an
    article) or failed (HTTP and network errors, redirect loops, pages over 8 MB even once
    decompressed, no article text, not stored). Exit code 0: nothing failed; 1: something
    failed; 2: the corpus took no more (a full disk, locked by another process too long), so
    the crawl stopped; 130: interrupted (Ctrl-C, SIGTERM; run again with the same --resume-dir).

    With --frontier, crawl processes on several machines share one queue in Redis: each
    takes the next request, none fetches a URL another has queued, and the requests of a
    process that was killed go back to the queue after HDND_FRONTIER_LEASE seconds (60).
    A process ends when the queue is empty and no other process is still fetching.
    --limit counts per process. If Redis stops answering, the process stops (exit 2),
    keeping what it stored; the same command goes on once Redis is back.

    \b
    Example:
      hdnd crawl vnexpress tuoitre --since 2024-07-01 --limit 50
      hdnd crawl vnexpress --frontier redis://10.0.0.5:6379/0 --warc-dir warc/
      hdnd crawl --url https://example.vn/rss/thoi-su.rss --resume-dir .crawl-state
      hdnd crawl tuoitre dantri --search "chất vấn HĐND" --pages 5
    """
    from corpus.crawl import run_crawl  # Scrapy loads only when crawling
    from crawler.progress import progress_lines
    from crawler.sources import source_named

    _load_sources(sources_dirs)
    unknown = [s for s in sources if source_named(s) is None]
    if unknown:
        _fail(f"no source is called {unknown[0]!r}; hdnd sources lists the configured ones.")
    if queries and url:
        _fail("--search asks the configured sources' own search pages, so it cannot be combined with --url.")
    if any("|" in query for query in queries):
        _fail("a --search query cannot contain '|'; give each query its own --search.")
    if frontier and resume_dir:
        _fail("--resume-dir keeps a crawl's state in a folder and --frontier in Redis, so give only one of them.")
    _open(db_path).conn.close()
    settings = {}
    if resume_dir:
        settings["JOBDIR"] = resume_dir
    if frontier:
        from crawler.frontier import frontier_problem, frontier_settings

        if problem := frontier_problem(frontier):
            _fail(f"{problem}.")
        settings.update(frontier_settings(frontier))
    if warc_dir:
        settings["HDND_WARC_DIR"] = os.path.abspath(warc_dir)
    if contact:
        settings["USER_AGENT"] = f"hdnd/0.1 (research crawler for Vietnamese council coverage; +{contact})"
    summary = run_crawl(db_path, {"source": ",".join(sources) or None, "url": url, "since": since, "until": until,
                                  "limit": limit, "all": keep_all, "pages": pages,
                                  "search": "|".join(queries) or None,
                                  "sources_dir": os.pathsep.join(map(os.path.abspath, sources_dirs)) or None},
                        settings, log_file)
    if summary.count("resume_state_discarded"):
        click.echo(f"The crawl state in {resume_dir} was left by a crawl that was killed, so discovery started over "
                   "(stored articles were not fetched again).", err=True)
    for line in progress_lines(summary.stats):
        click.echo(line, err=True)
    for problem in summary.stats.get("hdnd/problems", [])[:20]:
        click.echo(f"  {'skipped' if problem['skipped'] else 'failed'}: {problem['where']}: {problem['reason']}",
                   err=True)
    click.echo(summary.line())
    click.echo(f"Log: {summary.log_file}", err=True)
    if summary.status == "interrupted":
        again = f"--resume-dir {resume_dir}" if resume_dir else f"--frontier {frontier}" if frontier else None
        click.echo("Interrupted" + (f"; run again with {again} to go on." if again else "."), err=True)
        sys.exit(130)
    if summary.stopped:
        _fail(summary.stopped)
    if summary.status != "ok":
        sys.exit(1)


@cli.command("sources")
@format_option
@sources_dir_option
def sources_command(fmt: str, sources_dirs: tuple[str, ...]) -> None:
    """List the configured news sources and how their articles are found: RSS feeds,
    sitemaps, listing pages, site search, and whether a parser of its own is used.
    Each source is one TOML file (the package's, then yours from --sources-dir or
    HDND_SOURCES; yours replaces a package source with the same key); "file" says which.

    \b
    Example:
      hdnd sources
      hdnd sources --format json --sources-dir ~/hdnd-sources
      hdnd sources --format csv > sources.csv
    """
    rows = [{"key": s.label, "domain": s.domain, "name": s.name, "feeds": list(s.feeds), "sitemaps": list(s.sitemaps),
             "listings": list(s.listings), "search": s.search, "article": s.article,
             "own_selectors": bool(s.lead or s.body or s.author), "fallback_search": s.fallback_search,
             "checked": s.checked, "evidence": len(s.evidence), "file": s.file} for s in _load_sources(sources_dirs)]
    emit(fmt, rows, lambda: _sources_table(rows))


def _sources_table(rows: list[dict]) -> None:
    """The sources for reading: one aligned line each, with counts of feeds, sitemaps and listings."""
    k, d = (max(len(r[c]) for r in [*rows, {"key": "key", "domain": "domain"}]) + 1 for c in ("key", "domain"))
    click.echo(f"{'key':<{k}}{'domain':<{d}}{'feeds':>5}{'sitemaps':>9}{'listings':>9}  search  parser  name")
    for r in rows:
        click.echo(f"{r['key']:<{k}}{r['domain']:<{d}}{len(r['feeds']):>5}{len(r['sitemaps']):>9}{len(r['listings']):>9}"
                   f"  {'yes' if r['search'] else 'no':<6}  {'own' if r['own_selectors'] else 'generic':<7} {r['name']}")


@cli.command("promises")
@click.argument("query", required=False)
@click.option("--speaker", help="Only those said by this person (part of the name; tone marks optional).")
@click.option("--body", help="Only those whose speaker's title or body contains this, e.g. \"UBND quận\".")
@click.option("--topic", type=click.Choice([t.code for t in topics()]), help="Only this topic.")
@click.option("--status", type=click.Choice(STATUSES), help="Only this status (as of --today).")
@click.option("--kind", type=click.Choice([*KINDS, "all"]), default="commitment",
              show_default=True, help="Promises, delegates' demands, or orders to other bodies.")
@click.option("--since", callback=_iso_date, help="Only those made on or after this date (YYYY-MM-DD).")
@click.option("--until", callback=_iso_date, help="Only those made on or before this date (YYYY-MM-DD).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
@format_option
@today_option
@db_option
def promises_command(query, speaker, body, topic, status, kind, since, until, limit, fmt, today, db_path) -> None:
    """List what officials promised: quote, speaker and title, deadline, status, sources.

    QUERY matches words in the quote or its target, with or without tone marks. Status
    is open (deadline ahead or none), due (within 30 days), overdue (passed, with no
    evidence of completion) or a verdict someone confirmed (kept, partly, not_kept,
    in_progress).

    \b
    Example:
      hdnd promises "dự án chậm tiến độ" --status overdue
      hdnd promises --speaker "Trần Sỹ Thanh" --format json
      hdnd promises --status overdue --format csv > overdue.csv
    """
    db = _open(db_path)
    rows = list_commitments(db, today, query=query, speaker=speaker, body=body, topic=topic, status=status,
                            kind=None if kind == "all" else kind, since=since, until=until, limit=limit)
    emit(fmt, rows, lambda: _promises_table(rows))


def _promises_table(rows: list[dict]) -> None:
    """Promises for reading: id, status and deadline, who and when, the quote, up to three sources."""
    from corpus.display import count_of

    if not rows:
        click.echo("No commitments match.", err=True)
        return
    for row in rows:
        who = ", ".join(filter(None, [row["speaker"], row["speaker_title"]])) or "(speaker unknown)"
        due = row["deadline"] or "no deadline"
        click.echo(click.style(f"#{row['id']} [{row['status']}] {due}", bold=True) +
                   f"  {who}  ({row['made_on'] or 'date unknown'}; {count_of(row['sources'], 'source')}"
                   f"{'; hedged' if row['hedged'] else ''})")
        click.echo(f"    “{row['quote']}”")
        for url in row["urls"][:3]:
            click.echo(f"    {url}")


@cli.command("sessions")
@click.option("--council", help="Only this council (part of its name, e.g. \"tỉnh Bắc Giang\").")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@format_option(text_alias=True)
@db_option
def sessions_command(council, limit: int, fmt: str, db_path: str) -> None:
    """List council sessions, the latest first, with how many articles, speaker turns,
    questions and promises each has; hdnd session ID shows one.

    \b
    Example:
      hdnd sessions --council "Hà Nội"
      hdnd sessions --format jsonl
    """
    from corpus.sessions import list_sessions

    rows = list_sessions(_open(db_path), council, limit)
    emit(fmt, rows, lambda: _sessions_table(rows))


def _sessions_table(rows: list[dict]) -> None:
    """Sessions for reading: one line each with its counts (promises as hdnd stats counts them), or how to get some."""
    from corpus.display import count_of
    from corpus.sessions import session_label

    for row in rows:
        click.echo(f"#{row['id']} {session_label(row)}: {count_of(row['articles'], 'article')}, "
                   f"{count_of(row['turns'], 'turn')}, {count_of(row['questions'], 'question')}, "
                   f"{count_of(row['promises'], 'promise')}")
    if not rows:
        click.echo("No sessions yet: import or crawl coverage, then run hdnd process.")


@cli.command("session")
@click.argument("session_id", callback=_id_argument("session"))
@format_option(text_alias=True)
@today_option
@db_option
def session_command(session_id: int, fmt: str, today: date, db_path: str) -> None:
    """Show one council session: its sittings, who asked whom about what and who
    answered, the commitments, demands and assignments made there, and the articles and
    transcripts that covered it.

    --format json prints the session as one object; jsonl and csv print one row for each
    item of its lists (sittings, questions, commitments, recalls, articles), named in "list".

    \b
    Example:
      hdnd session 3
      hdnd session 3 --format json
      hdnd session 3 --format csv > session-3.csv
    """
    from corpus.sessions import SessionError, session_detail

    try:
        record = session_detail(_open(db_path), session_id, today)
    except SessionError as err:
        _fail(f"{err}.")
    rows = [{"list": name, **item} for name in _SESSION_LISTS for item in record[name]]
    emit(fmt, rows, lambda: _session_table(record), document=record)


# The lists of a session that jsonl and csv print, one row per item.
_SESSION_LISTS = ("sittings", "questions", "commitments", "recalls", "articles")


def _session_table(record: dict) -> None:
    """One session for reading: sittings, turns, questions and answers, promises, recalls, coverage."""
    from corpus.display import count_of, shorten, shown_time

    click.echo(click.style(f"#{record['id']} {record['label']}", bold=True))
    if record["agenda"]:
        click.echo("  agenda: " + ", ".join(record["agenda"]))
    if record["sittings"]:
        click.echo("\nSittings:")
        for sitting in record["sittings"]:
            click.echo(f"  {sitting['date'] or '(date unknown)'}  {sitting['kinds'] or ''}  "
                       f"({count_of(sitting['articles'], 'article')})")
    if record["turns"]:
        click.echo("\nSpeaker turns: " + ", ".join(f"{t['count']} {t['role']}" for t in record["turns"]))
    click.echo(f"\nQuestions ({len(record['questions'])}):")
    for q in record["questions"]:
        asker = q["asker"] or "?"
        if q["asker_delegation"]:
            asker += f" ({q['asker_delegation']})"
        answerer = ", ".join(filter(None, [q["answerer"], q["answerer_title"]])) or q["asked"] or "no answer found"
        stamp = f"{q['timestamp']} " if q["timestamp"] else ""
        click.echo(f"  {stamp}{asker} → {answerer}" + (f"  [{q['topic']}]" if q["topic"] else ""))
        if q["question"]:
            click.echo(f"    hỏi: {shorten(q['question'], 160)}")
        if q["answer"]:
            click.echo(f"    đáp: {shorten(q['answer'], 160)}")
        for debate in q["debates"]:
            stamp = f"{debate['timestamp']} " if debate["timestamp"] else ""
            click.echo(f"    tranh luận: {stamp}{debate['speaker'] or debate['title'] or '?'}: "
                       f"{shorten(debate['quote'], 140)}")
    click.echo(f"\nPromises, demands and assignments ({count_of(record['promises'], 'promise')}, "
               f"{count_of(record['demands'], 'demand')}, {count_of(record['assignments'], 'assignment')}):")
    for c in record["commitments"]:
        who = ", ".join(filter(None, [c["speaker"], c["speaker_title"]])) or "?"
        click.echo(f"  #{c['id']} {c['kind']} [{c['status']}] {c['deadline'] or ''} {who}: “{shorten(c['quote'], 140)}”")
    if record["recalls"]:
        click.echo(f"\nEarlier promises recalled ({len(record['recalls'])}):")
        for r in record["recalls"]:
            linked = f" → #{r['commitment_id']}" if r["commitment_id"] else " (no earlier promise found in the corpus)"
            click.echo(f"  {r['recaller'] or '?'} recalls {r['promiser'] or '?'}'s promise [{r['status'] or '?'}]"
                       f"{linked}: “{shorten(r['quote'], 140)}”")
    click.echo(f"\nCoverage ({len(record['articles'])}):")
    for a in record["articles"]:
        click.echo(f"  {(shown_time(a['published']) or '')[:10]} [{a['kind']}] {a['title'] or '(untitled)'}  {a['url']}")


def _check_port(host: str, port: int) -> None:
    """Stop with one sentence if the server could not listen at ``host:port``: binding it as
    uvicorn will (address reuse on) tells before "Serving…" is printed, not after."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except socket.gaierror:
            _fail(f"--host {host} is not an address of this machine.")
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                _fail(f"port {port} on {host} is already in use (another hdnd serve?); choose another with --port.")
            _fail(f"cannot listen on {host}:{port} ({err.strerror}).")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; other machines can reach the server only if you change it "
                   "(and give the name or address they use with --allow-host).")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option("--allow-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Also answer requests addressed to this host name (repeatable); besides --host, only "
                   "localhost, 127.0.0.1 and [::1] are answered, which stops other web sites reaching the "
                   "server through DNS rebinding.")
@db_option
def serve_command(host: str, port: int, allowed_hosts: tuple[str, ...], db_path: str) -> None:
    """Open the corpus in Datasette, read-only: tables with facets (speaker, topic,
    status, source, year), canned queries (overdue promises, promises by speaker, an
    index over the years, what was said at a session), and CSV/JSON of every view.

    \b
    Example:
      hdnd serve --db hdnd.db --port 8001
    """
    import uvicorn

    from corpus.serve import ServeError, make_app

    try:
        app = make_app(db_path, allowed_hosts=(host, *allowed_hosts))
    except ServeError as err:
        _fail(f"{err}.")
    _open(db_path).conn.close()  # bring the schema up to date before serving it read-only
    _check_port(host, port)
    click.echo(f"Serving {db_path} read-only at http://{host}:{port}/ (Ctrl+C stops).", err=True)
    uvicorn.run(app.app(), host=host, port=port, log_level="warning")


@cli.command("promise")
@click.argument("commitment_id", callback=_id_argument("commitment"))
@click.option("--confirm", "verdict", type=click.Choice([*VERDICTS, "rejected"]),
              help="Record your verdict on the promise (or reject a proposed follow-up with --followup).")
@click.option("--evidence", help="With --confirm: the URL of what shows it (required, except to reject a follow-up).")
@click.option("--by", "by", metavar="NAME",
              help="Who decided, recorded in the event: required with --confirm, optional with --reject.")
@click.option("--note", help="With --confirm: why, in your words.")
@click.option("--followup", callback=_id_argument("follow-up event"), metavar="EVENT_ID",
              help="With --confirm: the proposed follow-up event you accept or reject.")
@click.option("--reject", "reason", type=click.Choice(REJECT_REASONS),
              help="Correct what hdnd extracted: not a promise, or the wrong speaker, deadline or kind "
                   "(give the right one with --speaker, --deadline or --kind). hdnd train --from-db learns from it.")
@click.option("--speaker", help="With --reject wrong_speaker: who really said it.")
@click.option("--deadline", help="With --reject wrong_deadline: the right deadline (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn).")
@click.option("--kind", type=click.Choice(KINDS),
              help="With --reject wrong_kind: what it really is.")
@format_option(text_alias=True)
@today_option
@db_option
def promise_command(commitment_id: int, verdict, evidence, by, note, followup, reason, speaker, deadline, kind, fmt: str,
                    today: date, db_path: str) -> None:
    """Show one commitment: the quote inside its paragraph, the session, every source,
    the event history and the proposed follow-ups; or record a decision about it.

    A decision is a new event (events are never changed or deleted), and the status
    follows it: kept, partly and not_kept are final; in_progress stays until the
    deadline passes.

    --format json prints the commitment as one object; jsonl and csv print one row for
    each of its sources and events, named in "list".

    \b
    Example:
      hdnd promise 12
      hdnd promise 12 --confirm not_kept --evidence https://example.vn/tai-chat-van --by "Lan Anh" \\
        --note "Mới xử lý 120/293 dự án"
      hdnd promise 12 --confirm rejected --followup 40 --by "Lan Anh" --note "Báo cáo nói về dự án khác"
      hdnd promise 12 --reject not_a_promise --by "Lan Anh" --note "Lịch làm việc của kỳ họp"
      hdnd promise 12 --reject wrong_speaker --speaker "Nguyễn Văn A"
    """
    db = _open(db_path)
    if verdict and reason:
        _fail("--confirm and --reject are two decisions: give one at a time.")
    if (speaker or deadline or kind) and not reason:
        _fail("--speaker, --deadline and --kind go with --reject REASON.")
    if (evidence or followup is not None) and not verdict:
        _fail("--evidence and --followup go with --confirm STATUS.")
    if by and not (verdict or reason):
        _fail("--by, like --note, can only go with --confirm STATUS or --reject REASON.")
    if note and not (verdict or reason):
        _fail("--note goes with --confirm STATUS or --reject REASON.")
    try:
        if reason:
            event_id = correct(db, commitment_id, reason, today, speaker=speaker, deadline=deadline, kind=kind,
                               note=note, by=by)
            click.echo(f"Recorded correction {event_id} on commitment {commitment_id}: {reason}.")
            return
        if verdict:
            event_id = confirm(db, commitment_id, verdict, evidence, note, today, followup, by=by)
            click.echo(f"Recorded event {event_id} on commitment {commitment_id}: {verdict}.")
            return
        record = commitment_detail(db, commitment_id, today)
    except PromiseError as err:
        _fail(f"{err}.")
    rows = [{"list": name, **item} for name in ("sources", "events") for item in record[name]]
    emit(fmt, rows, lambda: _promise_table(record), document=record)


def _promise_table(record: dict) -> None:
    """One commitment for reading: who, deadline, session, each source with the quote in bold, the events."""
    from corpus.display import shown_time
    from corpus.sessions import session_label

    who = ", ".join(filter(None, [record["speaker"], record["speaker_title"]])) or "(speaker unknown)"
    click.echo(click.style(f"#{record['id']} {record['kind']} [{record['status']}]", bold=True) + f"  {who}")
    click.echo(f"  deadline: {record['deadline'] or 'none'}" + (f" (“{record['deadline_text']}”)" if record["deadline_text"] else ""))  # noqa: E501
    for label in ("target", "topic", "made_on"):
        if record[label]:
            click.echo(f"  {label.replace('_', ' ')}: {record[label]}")
    if record["session"]:
        click.echo(f"  session: {session_label(record['session'])}")
    click.echo(f"\nSources ({len(record['sources'])}):")
    for source in record["sources"]:
        paragraph, a, b = source["paragraph"], source["quote_start"], source["quote_end"]
        click.echo(f"  {shown_time(source['published']) or ''} {source['url']}")
        click.echo("    " + paragraph[:a] + click.style(paragraph[a:b], bold=True) + paragraph[b:])
    click.echo("\nEvents:")
    for event in record["events"]:
        line = f"  {event['id']}. {event['at']} {event['kind']}"
        line += f" → {event['status']}" if event["status"] else ""
        line += f" (score {event['score']})" if event["score"] is not None else ""
        line += f" by {event['actor']} at {shown_time(event['recorded_at'])}" if event["actor"] != "hdnd" else ""
        click.echo(line)
        for key in ("evidence_article", "evidence_url", "note", "correction"):
            if event[key]:
                click.echo(f"       {key.replace('_', ' ')}: {event[key]}")
        if event["kind"] == "followup" and event["evidence_quote"]:
            click.echo(f"       “{event['evidence_quote']}”")


@cli.command("person")
@click.argument("name_or_id")
@format_option
@today_option
@db_option
def person_command(name_or_id: str, fmt: str, today: date, db_path: str) -> None:
    """Show one person across the corpus: the titles they held and when each was seen,
    their promises, demands and assignments, their turns at sessions, the questions they
    asked and answered, and the articles that name them.

    NAME_OR_ID is a person's id or name: other spellings of the name (Sĩ/Sỹ, Hòa/Hoà) and
    part of it without tone marks find them too. When several people match, they are
    listed with their titles (exit code 2): run it again with the id of the one you mean.
    --format json prints the person as one object; jsonl and csv print one row for each
    item of its lists (titles, commitments, turns, questions, articles), named in "list".

    \b
    Example:
      hdnd person "Trương Hòa Bình"
      hdnd person 28 --format json
    """
    from corpus.people import MATCHES_AT_MOST, PersonError, find_persons, person_detail

    db = _open(db_path)
    found = find_persons(db, name_or_id)
    if not found:
        _fail(f"there is no person {name_or_id} in this corpus" if name_or_id.strip().isdecimal() else
              f"no person called {name_or_id!r} is in this corpus; hdnd search --in persons finds people by any word")
    if len(found) > 1:
        emit(fmt, found, lambda: _person_choices(found))
        many = f"{len(found)} or more" if len(found) == MATCHES_AT_MOST else len(found)
        _fail(f"{many} people match {name_or_id!r}; give the id of the one you mean, e.g. hdnd person {found[0]['id']}")
    try:
        record = person_detail(db, found[0]["id"], today)
    except PersonError as err:
        _fail(f"{err}; hdnd search --in persons finds people")
    rows = [{"list": name, **item} for name in _PERSON_LISTS for item in record[name]]
    emit(fmt, rows, lambda: _person_table(record), document=record)


# The lists of a person that jsonl and csv print, one row per item.
_PERSON_LISTS = ("titles", "commitments", "turns", "questions_asked", "questions_answered", "articles")


def _person_choices(rows: list[dict]) -> None:
    from corpus.display import count_of

    for row in rows:
        click.echo(f"#{row['id']} {row['name']}: {row['titles'] or row['title'] or '(no title)'} "
                   f"({count_of(row['articles'], 'article')})")


def _person_table(record: dict) -> None:
    """One person for reading: titles over time, promises, turns, questions, articles."""
    from corpus.display import count_of, shorten

    click.echo(click.style(f"#{record['id']} {record['name']}", bold=True) +
               (f"  ({record['title']})" if record["title"] else ""))
    if record["spellings"]:
        click.echo("  also written: " + ", ".join(record["spellings"]))
    click.echo(f"  seen {record['first_seen'] or '?'} … {record['last_seen'] or '?'} in "
               f"{count_of(len(record['articles']), 'article')}")
    if len(record["provinces"]) > 1:
        click.echo(f"  Their titles name {len(record['provinces'])} provinces ({', '.join(record['provinces'])}): "
                   "these may be different people with one name.")
    click.echo(f"\nTitles over time ({len(record['titles'])}):")
    for t in record["titles"]:
        click.echo(f"  {t['first_seen'] or '?'} … {t['last_seen'] or '?'}  {t['title']}  "
                   f"(article {', '.join('#' + str(a['id']) for a in t['articles'])})")
    click.echo(f"\nPromises, demands and assignments ({len(record['commitments'])}):")
    for c in record["commitments"]:
        click.echo(f"  #{c['id']} {c['kind']} [{c['status']}] {c['deadline'] or ''}: “{shorten(c['quote'], 140)}”"
                   + (f"  ({c['session']})" if c["session"] else ""))
    click.echo(f"\nTurns at sessions ({sum(t['turns'] for t in record['turns'])}):")
    for t in record["turns"]:
        where = t["session"] or f"article #{t['article_id']}"
        click.echo(f"  {where}: {t['turns']} {t['role']}")
    for name, other in (("questions_asked", "answerer"), ("questions_answered", "asker")):
        click.echo(f"\nQuestions {name.split('_')[1]} ({len(record[name])}):")
        for q in record[name]:
            words = q.get("question") or q.get("answer")
            click.echo(f"  {other}: {q[other] or q.get('answerer_title') or '?'}" + (f" [{q['topic']}]" if q["topic"] else "")
                       + (f": “{shorten(words, 140)}”" if words else ""))
    click.echo(f"\nArticles ({len(record['articles'])}):")
    for a in record["articles"]:
        click.echo(f"  {a['published'] or '(undated)'} [{a['kind']}] {a['title'] or '(untitled)'}  {a['url']}")


@cli.command("versions")
@click.argument("article")
@click.option("--text", "with_text", is_flag=True, help="Show each version's whole text too.")
@format_option
@db_option
def versions_command(article: str, with_text: bool, fmt: str, db_path: str) -> None:
    """List the texts an article has had, oldest first: title, size, content hash, when
    each was stored and when a newer text at the same URL replaced it; the current one last.

    ARTICLE is the article's id or URL. Promises and other records always come from the
    current text: hdnd process analyses an article again after its text changed.

    \b
    Example:
      hdnd versions 42
      hdnd versions https://vnexpress.net/ky-hop-hdnd-4803456.html --text --format json
      hdnd versions 42 --format csv > versions-42.csv
    """
    from corpus.versions import list_versions

    rows = list_versions(_open(db_path), article, with_text)
    emit(fmt, rows, lambda: _record_table(rows))


@cli.command("query")
@click.argument("sql")
@click.option("--param", "-p", "params", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="A value for :NAME in the SQL (as text); repeat for more.")
@format_option
@click.option("--time-limit", "seconds", default=TIME_LIMIT_MS / 1000, show_default=True, type=click.FloatRange(0.001, 3600),
              help="Stop a query that takes longer than this many seconds (searches stop at 2 too).")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, envvar="HDND_DB",
              type=click.Path(dir_okay=False), help="The corpus: an SQLite file, opened read-only.")
def query_command(sql: str, params: tuple[tuple[str, str], ...], fmt: str, seconds: float, db_path: str) -> None:
    """Run one read-only SQL statement on the corpus and print its rows, as
    `sqlite-utils query` does. The file is opened read-only (SQLite's mode=ro and
    query_only): a statement that would change it, or ATTACH another file, is refused.
    hdnd's own SQL functions (hdnd_fold) are available.

    \b
    Example:
      hdnd query "SELECT kind, count(*) AS n FROM articles GROUP BY kind"
      hdnd query "SELECT id, quote FROM commitments WHERE deadline < :day" --param day 2025-01-01 --format csv
    """
    from corpus.search import TimeLimitError, time_limit

    conn = _read_only(db_path)
    try:
        with time_limit(conn, round(seconds * 1000)):
            cursor = conn.execute(sql, dict(params))
            columns = [c[0] for c in cursor.description or ()]
            rows = [dict(zip(columns, map(_plain, row))) for row in cursor.fetchall()]
    except TimeLimitError:
        _fail(f"the query took longer than {seconds:g} s; make it more specific or raise --time-limit")
    except sqlite3.ProgrammingError as err:
        _fail("hdnd query runs one SQL statement at a time" if "one statement" in str(err) else str(err))
    except UnicodeError:
        _fail("the SQL or a --param value is not valid text (UTF-8)")
    except sqlite3.Error as err:
        if any(reason in str(err) for reason in ("readonly", "not authorized", "authorization denied")):
            _fail("hdnd query only reads the corpus, and this statement would change it or attach another file")
        _fail(f"the SQL failed: {err}")
    finally:
        conn.close()
    emit(fmt, rows, lambda: _grid(columns, rows), columns=columns)


def _read_only(db_path: str) -> sqlite3.Connection:
    """The corpus opened so nothing run on it can change it or reach another file: SQLite's
    mode=ro, PRAGMA query_only, no ATTACH; with hdnd's SQL functions for its search index."""
    from corpus.db import prepare_connection

    if not os.path.isfile(db_path):
        _fail(f"{db_path} does not exist; create it with hdnd import or hdnd crawl first.")
    conn = sqlite3.connect(Path(db_path).resolve().as_uri() + "?mode=ro", uri=True)
    conn.execute("PRAGMA query_only = 1")
    prepare_connection(conn)
    conn.set_authorizer(lambda action, *_: sqlite3.SQLITE_DENY if action in _OTHER_FILES else sqlite3.SQLITE_OK)
    return conn


# ATTACH and DETACH: a query reads the corpus and nothing else (a new attached file would be created).
_OTHER_FILES = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}


def _plain(value):
    """A value JSON can hold: a BLOB as sqlite-utils writes one ({"$base64": true, "encoded": …})."""
    if isinstance(value, bytes):
        return {"$base64": True, "encoded": base64.b64encode(value).decode("ascii")}
    return value


def _grid(columns: list[str], rows: list[dict]) -> None:
    """Rows for reading: aligned columns, long values cut to 60 characters."""
    from corpus.display import shorten

    if not columns:
        return
    cells = [[shorten("" if row[c] is None else str(row[c]), 60) for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in [columns, *cells]) for i in range(len(columns))]
    for line in [columns, ["-" * w for w in widths], *cells]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())


def _brief(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in ("start", "end", "mentions", "titles") and v is not None}


def main() -> None:
    cli(prog_name="hdnd")
