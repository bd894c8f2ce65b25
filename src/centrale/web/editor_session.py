"""The editor's session: a signed cookie, and the token every editor's form carries.

The cookie names the editor, the stamp of their password (a new password closes the session)
and a random nonce; it is signed with `secret_key`, lasts `SESSION_HOURS` and is sent only to
the editor's pages, never to scripts (HttpOnly), and not with requests from other sites
(SameSite=Lax). Each form posts a token derived from the nonce, which another site cannot
read: a page elsewhere that posts to the editor's pages is refused even by a browser that
would send the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from centrale.bootstrap import App
from centrale.errors import Forbidden
from centrale.review.editors import Editor, sign_out, signed_in_editor

COOKIE = "centrale_editeur"
PATH = "/revue/editeur"
SESSION_HOURS = 12
#: The name of the form field that carries the token.
FORM_FIELD = "jeton"


@dataclass(frozen=True)
class EditorSession:
    editor: Editor
    #: What the editor's forms post back (`FORM_FIELD`).
    form_token: str


def _serializer(registry: App) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(registry.settings.secret_key, salt="centrale.editor-session")


def _form_token(registry: App, nonce: str) -> str:
    key = registry.settings.secret_key.encode()
    return hmac.new(key, b"editor-form:" + nonce.encode(), hashlib.sha256).hexdigest()


def open_session(registry: App, editor: Editor, response: Response, secure: bool) -> None:
    """Set the session cookie of a signed-in editor on `response`."""
    claim = {"e": editor.id, "p": editor.stamp, "n": secrets.token_urlsafe(16)}
    response.set_cookie(
        COOKIE,
        str(_serializer(registry).dumps(claim)),
        max_age=SESSION_HOURS * 3600,
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def close_session(registry: App, session: EditorSession, response: Response) -> None:
    """Sign the editor out: their sessions are closed in the registry (a copy of the cookie
    opens nothing after), and the cookie is deleted."""
    sign_out(registry.engine, session.editor)
    response.delete_cookie(COOKIE, path=PATH)


def current_session(request: Request) -> EditorSession | None:
    """The session the request's cookie opens, if any (signed, recent, password unchanged)."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    registry: App = request.app.state.registry
    try:
        claim = _serializer(registry).loads(cookie, max_age=SESSION_HOURS * 3600)
        editor_id, stamp, nonce = int(claim["e"]), str(claim["p"]), str(claim["n"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    editor = signed_in_editor(registry.engine, editor_id, stamp)
    return None if editor is None else EditorSession(editor, _form_token(registry, nonce))


async def require_editor(request: Request) -> EditorSession:
    """The editor's pages' guard: a page asked without a session leads to the sign-in page
    (and back after it); a form posted without its session's token is refused."""
    session = current_session(request)
    if session is None:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        asked = f"?suite={quote(back, safe='/')}" if request.method == "GET" else ""
        target = f"{PATH}/connexion{asked}"
        raise HTTPException(status_code=303, headers={"Location": target})
    if request.method == "POST":
        posted = (await request.form()).get(FORM_FIELD)
        expected = session.form_token.encode()
        if not isinstance(posted, str) or not hmac.compare_digest(posted.encode(), expected):
            raise Forbidden(
                "ce formulaire a expiré ou ne vient pas de cette session : rechargez la page "
                "de l'éditeur et recommencez"
            )
    request.state.editor_session = session
    return session


def check_same_site(request: Request) -> None:
    """Refuse a sign-in posted from another site's page, which could sign the editor's
    browser in to someone else's account (login CSRF). Browsers name the page a form came
    from (`Origin`); a request without one (a script, an old browser) is let through."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    registry: App = request.app.state.registry
    ours = {request.headers.get("host", ""), urlsplit(registry.settings.public_url).netloc}
    if urlsplit(origin).netloc not in ours - {""}:
        raise Forbidden(
            f"ce formulaire de connexion vient d'une autre page que celles du site ({origin}) ; "
            "ouvrez la page de connexion de l'éditeur et recommencez"
        )


def safe_next(target: str | None) -> str:
    """Where to go after signing in: one of the editor's own pages, nothing else (a link to
    the sign-in page must not send an editor to another site, nor elsewhere on this one).
    Only plain paths and queries pass: no percent-escapes, dots or backslashes to decode.

    >>> safe_next("/revue/editeur/apercu/3"), safe_next("/revue/editeur?tout=1")
    ('/revue/editeur/apercu/3', '/revue/editeur?tout=1')
    >>> safe_next("https://ailleurs.example/"), safe_next("/revue/editeur/../../admin")
    ('/revue/editeur', '/revue/editeur')
    >>> safe_next("/revue/editeur/%2e%2e/x"), safe_next("/revue/editeurs")
    ('/revue/editeur', '/revue/editeur')
    """
    if target and _OWN_PAGE.fullmatch(target):
        return target
    return PATH


_OWN_PAGE = re.compile(r"/revue/editeur(/[A-Za-z0-9_-]+)*(\?[A-Za-z0-9_=&-]*)?")
