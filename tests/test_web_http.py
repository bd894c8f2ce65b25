"""HTTP as clients other than browsers use it: HEAD like GET, a 405's `Allow`, no framework
pages outside /api/, and an unreadable form body told in French."""

from __future__ import annotations

import asyncio
from html import unescape
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, StreamingResponse
from fastapi.testclient import TestClient
from starlette.types import Message

from centrale.bootstrap import App
from centrale.web.app import create_app
from centrale.web.head_requests import HeadAsGet

PAGES = ("/", "/revue", "/revue/atom.xml", "/revue/rss.xml", "/abonnement", "/api/docs")
SIGN_IN = "/revue/editeur/connexion"


def client_of(app: App) -> TestClient:
    return TestClient(create_app(app), raise_server_exceptions=False)


# --------------------------------------------------------------------------------------------
# HEAD


def test_head_answers_like_get_without_the_body(app: App) -> None:
    client = client_of(app)
    for path in (*PAGES, "/static/centrale.css"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"", path
        for name in ("content-type", "content-length", "cache-control"):
            assert head.headers.get(name) == got.headers.get(name), (path, name)


def test_head_keeps_the_private_pages_headers(app: App) -> None:
    head = client_of(app).head(SIGN_IN)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["cache-control"] == "no-store"
    assert head.headers["x-frame-options"] == "DENY"


def test_head_where_get_is_not_served_answers_as_get_would(app: App) -> None:
    client = client_of(app)
    nowhere = client.head("/nulle-part")
    assert nowhere.status_code == 404 and nowhere.content == b""
    post_only = client.head("/revue/editeur/deconnexion")
    assert post_only.status_code == 405 and post_only.content == b""
    assert post_only.headers["allow"] == "POST"


def _answer(web: FastAPI, method: str, path: str) -> list[Message]:
    """The ASGI messages `web`, behind `HeadAsGet`, sends for one request."""
    sent: list[Message] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test")],
        "server": ("test", 80),
        "client": ("127.0.0.1", 1234),
    }

    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> Message:
        if requests:
            return requests.pop()
        # The client stays connected: streamed answers listen for its leaving while they send.
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(HeadAsGet(web)(scope, receive, send))
    assert scope["method"] == method  # the server's own scope is left as it made it
    return sent


def test_head_drops_streamed_and_file_bodies_but_keeps_their_headers(tmp_path: Path) -> None:
    pdf = tmp_path / "issue.pdf"
    pdf.write_bytes(b"%PDF-1.4 " + b"x" * 200_000)  # more than one chunk of FileResponse
    web = FastAPI()

    @web.get("/file")
    def a_file() -> FileResponse:
        return FileResponse(pdf, media_type="application/pdf")

    @web.get("/stream")
    def a_stream() -> StreamingResponse:
        return StreamingResponse(iter([b"one", b"two"]), media_type="text/plain")

    for path in ("/file", "/stream"):
        head = _answer(web, "HEAD", path)
        assert head[0]["type"] == "http.response.start" and head[0]["status"] == 200
        bodies = head[1:]
        assert bodies == [{"type": "http.response.body", "body": b"", "more_body": False}]
        got = _answer(web, "GET", path)
        assert got[0]["headers"] == head[0]["headers"], path
        assert b"".join(m.get("body", b"") for m in got[1:]).startswith((b"%PDF", b"one"))
    assert (b"content-length", b"200009") in _answer(web, "HEAD", "/file")[0]["headers"]


def test_the_api_document_lists_no_head_operation(app: App) -> None:
    paths = create_app(app).openapi()["paths"]
    assert all("head" not in operations for operations in paths.values())


# --------------------------------------------------------------------------------------------
# 405 and the headers of an HTTPException


def test_a_405_carries_allow_with_every_method_of_the_address(app: App) -> None:
    client = client_of(app)
    wrong = client.put("/revue")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, HEAD"
    assert "ne s'ouvre pas ainsi (PUT)" in unescape(wrong.text)
    # GET and POST are two routes: the router's own header named only the first.
    both = client.delete("/abonnement")
    assert both.status_code == 405 and both.headers["allow"] == "GET, HEAD, POST"
    api = client.put("/api/docs")
    assert api.status_code == 405 and api.json()["error"]["code"] == "method_not_allowed"
    assert api.headers["allow"] == "GET, HEAD"
    static = client.put("/static/centrale.css")
    assert static.status_code == 405 and static.headers["allow"] == "GET, HEAD"  # Starlette's


def test_an_http_exception_s_headers_reach_the_client(app: App) -> None:
    web = create_app(app)

    @web.get("/api/occupe")
    def busy() -> None:
        raise HTTPException(status_code=503, headers={"Retry-After": "120"})

    answer = TestClient(web).get("/api/occupe")
    assert answer.status_code == 503 and answer.headers["retry-after"] == "120"
    assert answer.json()["error"]["message"] == "la requête n'a pas abouti (erreur 503)"


# --------------------------------------------------------------------------------------------
# The framework's pages


def test_the_framework_s_pages_live_under_api_only(app: App) -> None:
    client = client_of(app)
    for path in ("/redoc", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/api/redoc"):
        assert client.get(path).status_code == 404, path
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/openapi.json" in docs.text
    assert "/api/docs/oauth2-redirect" in docs.text
    assert client.get("/api/docs/oauth2-redirect").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200


# --------------------------------------------------------------------------------------------
# A form body that cannot be read


def _post(client: TestClient, content: bytes, content_type: str, **headers: str) -> str:
    answer = client.post(
        SIGN_IN,
        content=content,
        headers={"content-type": content_type, **headers},
        follow_redirects=False,
    )
    assert answer.status_code == 400, answer.text[:300]
    if answer.headers["content-type"].startswith("application/json"):
        assert answer.json()["error"]["code"] == "malformed_form"
        return str(answer.json()["error"]["message"])
    assert '<html lang="fr"' in answer.text
    return unescape(answer.text)


def test_a_multipart_form_without_boundary_says_what_is_wrong_and_what_to_do(app: App) -> None:
    client = client_of(app)
    page = _post(client, b"--x\r\nbroken", "multipart/form-data")
    assert (
        "Le formulaire reçu est mal formé : son en-tête Content-Type n'indique pas la limite "
        "(boundary) qui sépare ses champs ; rechargez la page et envoyez-le à nouveau"
    ) in page
    assert "erreur 400" not in page and "Missing boundary" not in page
    api = _post(client, b"--x\r\nbroken", "multipart/form-data", accept="application/json")
    assert api.startswith("le formulaire reçu est mal formé : son en-tête Content-Type")


def test_a_form_with_too_many_fields_names_the_limit(app: App) -> None:
    body = "&".join(f"f{n}=x" for n in range(1001)).encode()
    page = _post(client_of(app), body, "application/x-www-form-urlencoded")
    assert (
        "Le formulaire reçu est refusé : il compte trop de champs (1000 au plus) ; rechargez "
        "la page et envoyez-le à nouveau"
    ) in page


def test_unreadable_multipart_parts_are_told_too(app: App) -> None:
    body = b"--x\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--x--\r\n"
    page = _post(client_of(app), body, "multipart/form-data; boundary=x")
    assert "Le formulaire reçu est mal formé : l'une de ses parties ne nomme pas son champ" in page
