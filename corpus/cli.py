"""The ``hdnd`` command line: thin commands over the corpus, crawler and pipeline libraries."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date

import click

from corpus.db import DEFAULT_DB, CorpusError, connect
from corpus.export import FORMATS, export_table
from corpus.ingest import import_entries
from corpus.search import QueryError, search
from corpus.stats import corpus_stats
from crawler.importers import expand_paths

db_option = click.option(
    "--db", "db_path", default=DEFAULT_DB, show_default=True, envvar="HDND_DB",
    type=click.Path(dir_okay=False), help="The corpus: an SQLite file, created if missing.",
)


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _open(db_path: str):
    try:
        return connect(db_path)
    except CorpusError as err:
        _fail(str(err))


def _iso_date(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date of the form YYYY-MM-DD.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hdnd")
def cli() -> None:
    """hdnd: a searchable corpus of Vietnamese People's Council (HĐND) coverage.

    \b
    Typical use:
      hdnd import articles/ crawl.warc.gz     # store articles
      hdnd search "hoi dong nhan dan"         # find them, with or without diacritics
      hdnd export --table articles --format csv --out articles.csv
    """


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
def import_command(paths: tuple[str, ...], db_path: str) -> None:
    """Store articles from HTML files, plain-text files, folders and WARC archives.

    Each page's metadata and main text are extracted and normalised; listing and home
    pages are skipped; importing the same file twice changes nothing. Bad files are
    listed at the end and make the exit code 1; the rest of the batch is stored.

    \b
    Example:
      hdnd import saved_pages/ session.txt crawl.warc.gz --db hdnd.db
    """
    db = _open(db_path)
    entries = list(expand_paths(paths))
    with click.progressbar(entries, label="Importing", file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:
        summary = import_entries(db, bar, list(paths))
    for problem in summary.problems:
        label = "skipped" if problem.skipped else "failed"
        click.echo(f"  {label}: {problem.where}: {problem.reason}", err=True)
    click.echo(f"Imported into {db_path}: {summary.line()}.")
    if summary.failed:
        sys.exit(1)


def _print_hits(hits: list[dict], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["id", "title", "published", "source", "url", "score", "snippet"])
        writer.writeheader()
        writer.writerows(hits)
        click.echo(buffer.getvalue(), nl=False)
    else:
        for rank, hit in enumerate(hits, 1):
            meta = ", ".join(filter(None, [(hit["published"] or "")[:10], hit["source"]]))
            click.echo(click.style(f"{rank}. {hit['title'] or '(untitled)'}", bold=True) + (f"  ({meta})" if meta else ""))
            click.echo(f"   {hit['url']}")
            click.echo(f"   {hit['snippet']}\n")


@cli.command("search")
@click.argument("query")
@click.option("--since", callback=_iso_date, help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--until", callback=_iso_date, help="Only articles published on or before this date (YYYY-MM-DD).")
@click.option("--source", help="Only articles from this site (domain such as vnexpress.net, or its name).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="How many hits at most.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@db_option
def search_command(query: str, since, until, source, limit: int, fmt: str, db_path: str) -> None:
    """Full-text search over titles and texts, best match first.

    With diacritics a query matches exactly (Hội đồng nhân dân); without, it matches
    the text with marks removed and đ as d (hoi dong nhan dan). Consecutive words form
    one phrase; join phrases with AND or OR, quote them with "…", end one with * to
    match word beginnings.

    \b
    Examples:
      hdnd search "hoi dong nhan dan"
      hdnd search '"chất vấn" AND "chuyển đổi số"' --since 2023-01-01 --format json
    """
    db = _open(db_path)
    try:
        hits = search(db, query, since=since, until=until, source=source, limit=limit)
    except QueryError as err:
        _fail(str(err))
    if not hits and fmt == "table":
        click.echo("No articles match.", err=True)
        return
    _print_hits(hits, fmt)


@cli.command("export")
@click.option("--table", "table", required=True, help="The table to export, e.g. articles.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="jsonl, csv (UTF-8 with BOM, for Excel), parquet, or hf (a Hugging Face dataset folder).")
@click.option("--out", required=True, type=click.Path(), help="The file (or, for hf, the folder) to write.")
@db_option
def export_command(table: str, fmt: str, out: str, db_path: str) -> None:
    """Write one table of the corpus to a file for analysis elsewhere.

    The output appears only when complete; an existing file of the same name is
    replaced. The compressed raw HTML column is not exported.

    \b
    Examples:
      hdnd export --table articles --format csv --out articles.csv
      hdnd export --table articles --format hf --out hdnd-articles/
    """
    db = _open(db_path)
    try:
        count = export_table(db, table, fmt, out)
    except CorpusError as err:
        _fail(str(err))
    click.echo(f"Wrote {count} rows of {table} to {out} ({fmt}).")


@cli.command("stats")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
def stats_command(fmt: str, db_path: str) -> None:
    """What the corpus holds: articles by source and month, processed or not, last runs.

    \b
    Example:
      hdnd stats --db hdnd.db
    """
    stats = corpus_stats(_open(db_path))
    if fmt == "json":
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"{stats['articles']} articles, {stats['processed']} processed, {stats['unprocessed']} not yet.")
    if stats["by_source_month"]:
        click.echo(f"\n{'source':<28} {'month':<9} {'articles':>8} {'processed':>9}")
        for row in stats["by_source_month"]:
            click.echo(f"{row['source']:<28} {row['month']:<9} {row['articles']:>8} {row['processed']:>9}")
    if stats["last_runs"]:
        click.echo("\nLast runs:")
        for run in stats["last_runs"]:
            counts = ", ".join(f"{k} {v}" for k, v in run["counts"].items() if v)
            click.echo(f"  #{run['id']} {run['command']} {run['started_at']} {run['status']}: {counts or 'nothing'}")


def main() -> None:
    cli(prog_name="hdnd")
