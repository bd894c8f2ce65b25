"""The editor's pages: the queue (accept, reject, requeue, tag, order, quote) and the draft
preview, behind a sign-in (`centrale.web.editor_session`).

Plain forms posted to the server, each answered by a redirect back to the queue, so the
pages work without JavaScript and every action is one request the tests can drive.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from centrale.bootstrap import App
from centrale.errors import SignInsBusy, TooManyAttempts
from centrale.review import queue as editor_queue
from centrale.review.composition import issue_view
from centrale.review.editors import authenticate
from centrale.review.excerpts import quote_item, suggest
from centrale.review.issues import issue_id_of, list_issues
from centrale.review.wording import KINDS, LINK_LABELS, REGIONS, wording
from centrale.web.app import templates
from centrale.web.editor_session import (
    FORM_FIELD,
    EditorSession,
    check_same_site,
    close_session,
    current_session,
    open_session,
    require_editor,
    safe_next,
)
from centrale.web.form_checks import no_nul_in_form
from centrale.web.review_archive import issue_response

QUEUE = "/revue/editeur"
#: Every page and form of the editor's: only for a signed-in editor.
router = APIRouter(prefix=QUEUE, dependencies=[Depends(require_editor), Depends(no_nul_in_form)])
#: The sign-in page, open to all.
sign_in_router = APIRouter(prefix=QUEUE, dependencies=[Depends(no_nul_in_form)])
Text = Annotated[str, Form()]


def _registry(request: Request) -> App:
    registry: App = request.app.state.registry
    return registry


def _back(anchor: str = "") -> Response:
    return RedirectResponse(QUEUE + anchor, status_code=303)


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, tout: bool = False) -> Response:
    engine = _registry(request).engine
    accepted = editor_queue.queue(engine, "accepted")
    suggestions = {
        item.id: suggest(item.text or "", item.language) for item in accepted if not item.excerpt
    }
    context = {
        "pending": editor_queue.queue(engine, "pending", everything=tout),
        "accepted": accepted,
        "suggestions": suggestions,
        "issues": list_issues(engine),
        "everything": tout,
        "words": wording("fr"),
        "regions": REGIONS,
        "kinds": KINDS,
        "labels": LINK_LABELS,
        **_session_context(request),
    }
    return templates.TemplateResponse(request, "review/queue.html", context)


def _session_context(request: Request) -> dict[str, object]:
    session: EditorSession = request.state.editor_session
    field = f'<input type="hidden" name="{FORM_FIELD}" value="{escape(session.form_token)}">'
    return {"session": session, "token_field": Markup(field)}


@router.post("/{item_id:id}/accepter")
def accept(
    request: Request,
    item_id: int,
    region: Annotated[str | None, Form()] = None,
    kind: Annotated[str | None, Form()] = None,
    label: Annotated[str | None, Form()] = None,
    headline: Annotated[str | None, Form()] = None,
) -> Response:
    editor_queue.accept(
        _registry(request).engine,
        item_id,
        region=region or None,
        kind=kind or None,
        label=label or None,
        headline=headline or None,
    )
    return _back(f"#retenu-{item_id}")


@router.post("/{item_id:id}/rejeter")
def reject(request: Request, item_id: int) -> Response:
    editor_queue.reject(_registry(request).engine, item_id)
    return _back()


@router.post("/{item_id:id}/remettre")
def requeue(request: Request, item_id: int) -> Response:
    """ "Retirer" on a retained item: back to the queue, not rejected."""
    editor_queue.requeue(_registry(request).engine, item_id)
    return _back(f"#article-{item_id}")


@router.post("/{item_id:id}/etiquettes")
def tag(
    request: Request, item_id: int, tags: Text, retirer: Annotated[bool, Form()] = False
) -> Response:
    values = [value for value in tags.replace(";", ",").split(",")]
    editor_queue.tag(_registry(request).engine, item_id, values, remove=retirer)
    return _back(f"#article-{item_id}")


@router.post("/{item_id:id}/ordre")
def order(request: Request, item_id: int, position: Annotated[int, Form()]) -> Response:
    editor_queue.order(_registry(request).engine, item_id, position)
    return _back(f"#retenu-{item_id}")


@router.post("/{item_id:id}/citation")
def quote(
    request: Request,
    item_id: int,
    passage: Text,
    label: Annotated[str | None, Form()] = None,
) -> Response:
    quote_item(_registry(request).engine, item_id, passage, label=label or None)
    return _back(f"#retenu-{item_id}")


@router.get("/apercu/{number:id}", response_class=HTMLResponse)
def preview(request: Request, number: int) -> Response:
    engine = _registry(request).engine
    return issue_response(request, issue_view(engine, issue_id_of(engine, number)))


@router.post("/deconnexion")
def sign_out(request: Request) -> Response:
    response = RedirectResponse(f"{QUEUE}/connexion", status_code=303)
    close_session(_registry(request), request.state.editor_session, response)
    return response


@sign_in_router.get("/connexion", response_class=HTMLResponse)
def sign_in_page(request: Request, suite: str | None = None) -> Response:
    if current_session(request) is not None:
        return RedirectResponse(safe_next(suite), status_code=303)
    return _sign_in_form(request, safe_next(suite))


@sign_in_router.post("/connexion")
def sign_in(
    request: Request,
    identifiant: Annotated[str, Form()] = "",
    mot_de_passe: Annotated[str, Form()] = "",
    suite: Annotated[str, Form()] = QUEUE,
) -> Response:
    registry = _registry(request)
    check_same_site(request)
    next_page = safe_next(suite)
    try:
        editor = authenticate(registry.engine, identifiant.strip(), mot_de_passe)
    except TooManyAttempts as error:
        return _sign_in_form(request, next_page, identifiant, refused=error)
    if editor is None:
        return _sign_in_form(request, next_page, identifiant, failed=True)
    response = RedirectResponse(next_page, status_code=303)
    secure = request.url.scheme == "https" or registry.settings.public_url.startswith("https:")
    open_session(registry, editor, response, secure=secure)
    return response


def _sign_in_form(
    request: Request,
    next_page: str,
    login: str = "",
    failed: bool = False,
    refused: TooManyAttempts | None = None,
) -> Response:
    context = {"next": next_page, "login": login, "failed": failed, "refused": refused}
    status = refused.status if refused else 401 if failed else 200
    page = templates.TemplateResponse(request, "review/sign_in.html", context, status_code=status)
    if isinstance(refused, SignInsBusy):
        page.headers["Retry-After"] = "5"
    return page
