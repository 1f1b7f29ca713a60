"""The guard in front of every request of ``docgen serve`` (an ASGI middleware).

The server listens on 127.0.0.1 only (the CLI refuses any other address), but a page in any
other tab of the same browser can still send requests to it. So:

* a request whose Host header is not ``127.0.0.1:PORT`` or ``localhost:PORT`` is refused with
  400 (a DNS-rebinding page reaches the server under its own name);
* a request that can change something (anything but GET and HEAD) must carry the
  per-run token, in the ``X-Docgen-Token`` header (htmx sends it from ``hx-headers`` on
  ``<body>``) or as the form field ``_token`` (a plain form's hidden input); without it, 403;
* a page (GET) needs the token too, once: the address ``docgen serve`` prints carries it as
  ``?token=``; the first visit sets it as a cookie (HttpOnly, SameSite=Strict) and is sent on
  to the same address without it, so that another user of the computer, or a page that
  guesses the port, cannot read the specs. Static files (the stylesheet, htmx) need nothing;
* a request body larger than the limit is refused with 413 before it is read whole.

Every refusal is a short page in plain words saying what to do.
"""

from __future__ import annotations

import hmac
import json
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The header htmx sends the token in, and the form field a plain form sends it in.
TOKEN_HEADER = "X-Docgen-Token"
TOKEN_FIELD = "_token"
TOKEN_COOKIE = "docgen_token"
TOKEN_QUERY = "token"

#: The largest request body docgen serve reads (a spec is at most 5 MB; a PO file far less).
MAX_BODY = 8 * 1024 * 1024

SAFE_METHODS = frozenset({"GET", "HEAD"})


def allowed_hosts(port: int | None) -> frozenset[str] | None:
    """Return the Host headers the server answers to on ``port``; None (any port of
    127.0.0.1 or localhost) when the port is not known."""
    if port is None:
        return None
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})


def _host_ok(host: str, allowed: frozenset[str] | None) -> bool:
    host = host.strip().lower()
    if allowed is not None:
        return host in allowed
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in ("127.0.0.1", "localhost")


def _same(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"),
                                                     token.encode("utf-8"))


class Refusal(Exception):
    """A request refused before it reaches a route: its status and plain message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def _refuse(send: Send, status: int, message: str, *, html: bool) -> None:
    if html:
        from html import escape
        body = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>docgen serve: refused</title></head><body><main><h1>Refused</h1>"
                f"<p>{escape(message)}</p></main></body></html>").encode("utf-8")
        kind = b"text/html; charset=utf-8"
    else:
        body = (message + "\n").encode("utf-8")
        kind = b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The ASGI middleware; ``token`` is the run's, ``port`` the one it listens on (None:
    any port of 127.0.0.1/localhost, for tests that do not know it)."""

    def __init__(self, app: ASGIApp, *, token: str, port: int | None,
                 max_body: int = MAX_BODY, static_prefix: str = "/static/") -> None:
        self.app = app
        self.token = token
        self.hosts = allowed_hosts(port)
        self.max_body = max_body
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        wants_html = "text/html" in headers.get("accept", "")
        host = headers.get("host", "")
        if not _host_ok(host, self.hosts):
            await _refuse(send, 400,
                          f"This server answers only to http://127.0.0.1 and http://localhost "
                          f"on its own port, not to the address {host!r}. Open the address "
                          "docgen serve printed.", html=False)
            return
        method = scope["method"].upper()
        path: str = scope["path"]
        if method in SAFE_METHODS:
            await self._page(scope, receive, send, headers, path, wants_html)
            return
        try:
            body = await self._read_body(receive, headers)
            token = headers.get(TOKEN_HEADER)
            if token is None:
                token = await _form_token(scope, body, headers)
        except Refusal as r:
            await _refuse(send, r.status, r.message, html=wants_html)
            return
        if not _same(token, self.token):
            await _refuse(send, 403,
                          "This request did not carry the key of this docgen serve run, so "
                          "nothing was changed. Reload the page from the address docgen serve "
                          "printed and try again.", html=wants_html)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _page(self, scope: Scope, receive: Receive, send: Send, headers: Headers,
                    path: str, wants_html: bool) -> None:
        if path.startswith(self.static_prefix):
            await self.app(scope, receive, send)
            return
        query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
        given = query.get(TOKEN_QUERY)
        if given is not None:
            if not _same(given, self.token):
                await _refuse(send, 403, "This address carries an old or wrong key. Open the "
                              "address docgen serve printed when it started.", html=True)
                return
            rest = urlencode([(k, v) for k, v in parse_qsl(
                scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
                if k != TOKEN_QUERY])
            location = path + ("?" + rest if rest else "")
            cookie = (f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict")
            await send({"type": "http.response.start", "status": 303,
                        "headers": [(b"location", location.encode("latin-1")),
                                    (b"set-cookie", cookie.encode("latin-1")),
                                    (b"content-length", b"0"),
                                    (b"cache-control", b"no-store")]})
            await send({"type": "http.response.body", "body": b""})
            return
        cookie_token = Request(scope).cookies.get(TOKEN_COOKIE)
        if not (_same(cookie_token, self.token) or _same(headers.get(TOKEN_HEADER),
                                                          self.token)):
            await _refuse(send, 403, "Open this page from the address docgen serve printed "
                          "when it started (it carries a key, so that only you can see your "
                          "specs).", html=True)
            return
        await self.app(scope, receive, send)

    async def _read_body(self, receive: Receive, headers: Headers) -> bytes:
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            raise Refusal(413, _too_large(self.max_body))
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Refusal(400, "The browser stopped sending the request.")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise Refusal(413, _too_large(self.max_body))
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _too_large(limit: int) -> str:
    return (f"What was sent is larger than docgen serve takes ({limit // (1024 * 1024)} MB); "
            "a spec or a translation file is far smaller: check that you chose the right file.")


async def _form_token(scope: Scope, body: bytes, headers: Headers) -> str | None:
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            if key == TOKEN_FIELD:
                return value
        return None
    if kind == "multipart/form-data":
        request = Request(scope, _replay(body))
        try:
            form = await request.form(max_files=20, max_fields=5000)
        except Exception:  # a malformed body: no token can be read from it
            raise Refusal(400, "The form sent could not be read; reload the page and try "
                          "again.") from None
        try:
            field = form.get(TOKEN_FIELD)
            return field if isinstance(field, str) else None
        finally:
            await form.close()
    if kind == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            return None
        given = data.get(TOKEN_FIELD) if isinstance(data, dict) else None
        return given if isinstance(given, str) else None
    return None


def _replay(body: bytes, then: Receive | None = None) -> Receive:
    """A ``receive`` that gives ``body`` once, as one message, then what ``then`` (the
    server's own) gives: the client's disconnect when it goes."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
