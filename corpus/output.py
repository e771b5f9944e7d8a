"""One output path for every listing command (as sqlite-utils' ``output_options``):
``--format table|json|jsonl|csv``, so a script reads every command the same way."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable

import click

from corpus.export import defuse

FORMATS = ("table", "json", "jsonl", "csv")


def format_option(command=None, *, text_alias: bool = False):
    """``--format``: table (what the command prints for people), json (an array), jsonl (one object
    a line) or csv (UTF-8 with a BOM for Excel, formulas defused as hdnd export does). With
    ``text_alias`` the older name "text" is still accepted and means table."""

    def decorate(func):
        choices = [*FORMATS, "text"] if text_alias else list(FORMATS)
        return click.option(
            "--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
            callback=lambda ctx, param, value: "table" if value == "text" else value,
            help="table for reading; json (an array), jsonl (one object a line) or csv (UTF-8 with BOM) for scripts"
                 + (' ("text" is the same as table)' if text_alias else "") + ".",
        )(func)

    return decorate(command) if command is not None else decorate


def _cell(value):
    """A CSV cell: a list of single words joined by spaces (tags), other nested values as
    JSON (a list of phrases would lose its boundaries), text defused."""
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and v and not any(c.isspace() for c in v) for v in value):
        value = " ".join(value)
    elif isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return defuse(value)


def csv_text(rows: list[dict], columns: Iterable[str] | None = None) -> str:
    """Rows as CSV text beginning with a BOM; the columns are ``columns`` or every key, first seen first."""
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: _cell(value) for key, value in row.items()} for row in rows)
    return "\ufeff" + buffer.getvalue()


def emit(fmt: str, rows: list[dict], table: Callable[[], None], *, document=None,
         columns: Iterable[str] | None = None) -> None:
    """Print ``rows`` in ``fmt``; ``table()`` prints the people's view. json prints ``document``
    when a command's JSON has always been one object (stats, session) rather than its rows.
    Output is written as UTF-8 bytes, so a BOM and Vietnamese survive any console encoding."""
    if fmt == "table":
        table()
        return
    if fmt == "json":
        text = json.dumps(rows if document is None else document, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "jsonl":
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    else:
        text = csv_text(rows, columns)
    click.echo(text.encode("utf-8"), nl=False)
