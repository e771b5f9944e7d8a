"""CSV that Excel opens as UTF-8: Datasette's own CSV with a byte-order mark in front.

Excel reads a CSV without a BOM in the machine's legacy code page and turns "Hội đồng"
into mojibake. Adding ``_bom=1`` to any ``.csv`` URL prefixes the BOM; every table and
query page also offers an "excel" link (this renderer), which sends the reader to the
whole result as such a CSV file.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

BOM = "\ufeff".encode("utf-8")


def _wants_bom(scope: dict) -> bool:
    if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
        return False
    return ("_bom", "1") in parse_qsl(scope.get("query_string", b"").decode("latin-1"))


def with_bom(app):
    """ASGI middleware: the BOM before the first body bytes of a successful ``_bom=1`` CSV."""
    async def wrapped(scope, receive, send):
        if not _wants_bom(scope):
            return await app(scope, receive, send)
        state = {"ok": False, "sent": False}

        async def bom_send(event):
            if event["type"] == "http.response.start":
                state["ok"] = event["status"] == 200
                if state["ok"]:
                    event = dict(event, headers=[
                        (k, str(int(v) + len(BOM)).encode() if k.lower() == b"content-length" else v)
                        for k, v in event.get("headers", [])])
            elif event["type"] == "http.response.body" and state["ok"] and not state["sent"]:
                state["sent"] = True
                event = dict(event, body=BOM + event.get("body", b""))
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
