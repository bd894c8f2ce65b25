"""HEAD answered like GET, without the body (RFC 9110 §9.3.2).

FastAPI's `@router.get` routes take GET only, so link checkers, uptime probes and feed readers,
which ask with HEAD, got 405 on every page. Adding HEAD to each route would also list a `head`
operation per page in the API's OpenAPI document; one middleware covers every route, present
and future, and leaves the routing untouched: a HEAD where no GET is served gets the 404 or
405 that GET would get.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The messages that carry a response's body, the file-sending extensions' included.
BODY_MESSAGES = frozenset(
    {"http.response.body", "http.response.pathsend", "http.response.zerocopysend"}
)


class HeadAsGet:
    """Serve a HEAD request as GET, pass the status and headers on, drop the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] not in BODY_MESSAGES:
                await send(message)
            elif not message.get("more_body", False):
                # The headers, Content-Length included, stay those of GET; only the end of
                # the (empty) body goes out. A streamed body's chunks are read and dropped.
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        # A copy: the server keeps the scope it made, and must go on knowing the request was a
        # HEAD (it then sends no body even with a Content-Length).
        await self.app({**scope, "method": "GET"}, receive, headers_only)
