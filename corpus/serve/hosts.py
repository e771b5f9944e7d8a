"""The server answers only to the names it was told, against DNS rebinding.

Binding to 127.0.0.1 keeps other machines out but not other web sites: a page on
attacker.example can make the reader's browser resolve attacker.example to 127.0.0.1
and then read our pages as if they were its own. The browser still sends its own name
in the Host header, so a request is answered only when that name is a loopback one
(localhost, 127.0.0.1, [::1]), the address ``hdnd serve --host`` listens on, or one given
with ``--allow-host``; any port. A request without a Host header comes from no browser
and is answered.
"""

from __future__ import annotations

from collections.abc import Iterable

LOOPBACK = ("localhost", "127.0.0.1", "::1")


def host_name(value: str) -> str:
    """The name in a Host header or given on the command line, in lower case, without
    its port, the brackets of an IPv6 address or a final dot."""
    value = value.strip().lower()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def refusal(host: str) -> bytes:
    """The one sentence a refused request gets."""
    shown = host if len(host) <= 80 else host[:80] + "…"
    return (f"This server does not answer to the host name {shown!r}; open it as http://localhost:PORT/, "
            "or start hdnd serve with --allow-host NAME to allow another name.\n").encode("utf-8")


def only_hosts(app, allowed: Iterable[str] = ()):
    """``app`` (ASGI) answering HTTP requests only when their Host is a loopback name or
    one of ``allowed``; others get 400 and :func:`refusal`."""
    names = {host_name(name) for name in (*LOOPBACK, *allowed)}

    async def checked(scope, receive, send):
        host = dict(scope.get("headers") or []).get(b"host") if scope["type"] == "http" else None
        if host is None or host_name(host.decode("latin-1")) in names:
            return await app(scope, receive, send)
        body = refusal(host.decode("latin-1"))
        await send({"type": "http.response.start", "status": 400,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    return checked
