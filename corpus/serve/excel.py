"""CSV that Excel opens as UTF-8: Datasette's own CSV with a byte-order mark in front.

Excel reads a CSV without a BOM in the machine's legacy code page and turns "Hội đồng"
into mojibake. Adding ``_bom=1`` to any ``.csv`` URL prefixes the BOM; every table and
query page also offers an "excel" link (this renderer), which sends the reader to the
whole result as such a CSV file. In that file every cell a spreadsheet would run as a
formula ("=HYPERLINK(…)" in an article title) is defused, as in ``hdnd export --format csv``;
the plain ``.csv`` stays the data as stored, for programs.
"""

from __future__ import annotations

import codecs
import csv
import io
from urllib.parse import parse_qsl, urlencode

from corpus.export import defuse

BOM = "\ufeff".encode("utf-8")


def _records_end(text: str) -> int:
    """Where the last complete CSV record of ``text`` ends (after its line break outside
    quotes); 0 if none has ended yet."""
    quotes_after = 0
    end = len(text)
    while (newline := text.rfind("\n", 0, end)) >= 0:
        quotes_after += text.count('"', newline, end)
        if (text.count('"') - quotes_after) % 2 == 0:
            return newline + 1
        end = newline
    return 0


class _Defuser:
    """A streamed CSV re-written cell by cell through :func:`corpus.export.defuse`; an
    unfinished record (or UTF-8 character) waits for the next chunk."""

    def __init__(self) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.pending = ""

    def feed(self, data: bytes, final: bool = False) -> bytes:
        self.pending += self.decoder.decode(data, final)
        cut = len(self.pending) if final else _records_end(self.pending)
        done, self.pending = self.pending[:cut], self.pending[cut:]
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(
            [defuse(cell) for cell in row] for row in csv.reader(io.StringIO(done, newline="")))
        return out.getvalue().encode("utf-8")


def _wants_bom(scope: dict) -> bool:
    if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
        return False
    return ("_bom", "1") in parse_qsl(scope.get("query_string", b"").decode("latin-1"))


def with_bom(app):
    """ASGI middleware: a successful ``_bom=1`` CSV gets the BOM before its first bytes and
    its cells defused (its length changes, so it is sent without Content-Length)."""
    async def wrapped(scope, receive, send):
        if not _wants_bom(scope):
            return await app(scope, receive, send)
        state = {"ok": False, "sent": False}
        defuser = _Defuser()

        async def bom_send(event):
            if event["type"] == "http.response.start":
                state["ok"] = event["status"] == 200
                if state["ok"]:
                    event = dict(event, headers=[(k, v) for k, v in event.get("headers", [])
                                                 if k.lower() != b"content-length"])
            elif event["type"] == "http.response.body" and state["ok"]:
                body = defuser.feed(event.get("body", b""), final=not event.get("more_body", False))
                if not state["sent"]:
                    state["sent"] = True
                    body = BOM + body
                event = dict(event, body=body)
            await send(event)
        await app(scope, receive, bom_send)
    return wrapped


def _redirect(request) -> dict:
    """The same view as a whole CSV file with a BOM (a dict: Datasette keeps its status)."""
    args = [(k, v) for k, v in parse_qsl(request.query_string) if k not in ("_bom", "_dl", "_stream", "_next")]
    args += [("_bom", "1"), ("_dl", "1"), ("_stream", "on")]
    path = request.path.rsplit(".", 1)[0] + ".csv"
    return {"status_code": 302, "headers": {"Location": path + "?" + urlencode(args)}, "body": ""}


RENDERER = {"extension": "excel", "render": _redirect, "can_render": lambda: True}
