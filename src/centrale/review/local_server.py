"""A small HTTP server for bundled feeds and pages, on 127.0.0.1 and a free port.

`centrale review demo` fetches its sources from it, and the tests serve their fixtures with
it: the whole intake runs as in production, with no network. It answers conditional requests
(ETag and Last-Modified) as a well-behaved news site does.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Fixed so that a fixture's Last-Modified does not depend on when it was checked out.
FIXED_MTIME = 1_700_000_000.0
# Fixtures write their own links as {{BASE}}/...: the port is only known once serving.
BASE_TOKEN = b"{{BASE}}"
TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
}


class FixtureHandler(SimpleHTTPRequestHandler):
    """Serves files with an ETag and a Last-Modified, and answers 304 when they match."""

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404, "Not found")
            return
        port = self.server.server_address[1]  # type: ignore[index]
        body = path.read_bytes().replace(BASE_TOKEN, f"http://127.0.0.1:{port}".encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        last_modified = formatdate(FIXED_MTIME, usegmt=True)
        if (
            self.headers.get("If-None-Match") == etag
            or self.headers.get("If-Modified-Since") == last_modified
        ):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(path.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        # A client that gave up (a timeout being tested) has nothing left to be told.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the fetch log is what tells the story


@contextmanager
def serve_directory(root: Path, handler: type[FixtureHandler] = FixtureHandler) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 until the block ends; yields the base URL (no trailing /).

    >>> with serve_directory(Path("demo_data")) as base:  # doctest: +SKIP
    ...     httpx.get(base + "/feeds/lematin.xml").status_code
    200
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
