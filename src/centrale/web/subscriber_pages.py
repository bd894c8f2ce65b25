"""Subscriber pages: sign-up, confirmation, preferences, export, erasure, unsubscribe.

Every page after the sign-up is opened by a signed link from an e-mail; no cookie, no login.
Confirming and unsubscribing happen on POST only, because mail scanners prefetch the links
they find (GET): a GET shows a page with a button. The unsubscribe URL also takes the RFC 8058
one-click POST (`List-Unsubscribe=One-Click`) sent by mail clients, and acts at once.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centrale.bootstrap import App
from centrale.errors import InvalidInput
from centrale.review.confirmation_mail import send_confirmations
from centrale.review.consent import current_wording
from centrale.review.delivery_errors import ConsentMissing, UnknownList, UnknownSegment
from centrale.review.outbox import Outbox
from centrale.review.preferences import unsubscribe, update_preferences
from centrale.review.subscriber_data import erase_subscriber, export_subscriber, list_codes
from centrale.review.subscribers import (
    LANGUAGES,
    Signup,
    Subscriber,
    confirm,
    load,
    subscribe,
)
from centrale.review.tokens import CONFIRM, PREFERENCES, UNSUBSCRIBE, LinkClaim
from centrale.web.app import templates
from centrale.web.form_checks import no_nul_in_form

router = APIRouter(dependencies=[Depends(no_nul_in_form)])
Text = Annotated[str, Form()]
Codes = Annotated[list[str], Form()]


#: What a form's values can be refused for: the page is shown again, with the message. A
#: list or segment that does not exist is a value the form did not offer.
FORM_ERRORS = (InvalidInput, UnknownList, UnknownSegment)


def _registry(request: Request) -> App:
    registry: App = request.app.state.registry
    return registry


def _claim(request: Request, kind: str, token: str) -> LinkClaim:
    return Outbox(_registry(request).settings).signer.read(kind, token)


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _preferences_path(registry: App, subscriber: Subscriber) -> str:
    # Relative, so that the page works on whatever host serves it.
    token = Outbox(registry.settings).signer.mint(PREFERENCES, subscriber.id, subscriber.email)
    return f"/abonnement/preferences/{token}"


def _page(request: Request, name: str, http_status: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(
        request, f"subscribers/{name}.html", context, status_code=http_status
    )


def _form_context(request: Request) -> dict[str, Any]:
    engine = _registry(request).engine
    return {"codes": list_codes(engine), "languages": LANGUAGES, "wording": current_wording(engine)}


@router.get("/abonnement", response_class=HTMLResponse)
def subscribe_form(request: Request) -> Response:
    return _page(
        request, "subscribe", values={"language": "fr", "segments": []}, **_form_context(request)
    )


@router.post("/abonnement", response_class=HTMLResponse)
def subscribe_submit(
    request: Request,
    email: Text = "",
    name: Text = "",
    organisation: Text = "",
    language: Text = "fr",
    wording_version: Text = "",
    consent: Text = "",
    website: Text = "",  # a field hidden from people: only robots fill it in
    segments: Codes = [],  # noqa: B006  (FastAPI copies form defaults)
) -> Response:
    registry = _registry(request)
    if website:
        return _page(request, "check_your_inbox", email=email)
    signup = Signup(email, wording_version, name, organisation, language, tuple(segments))
    try:
        if consent != "oui":
            raise ConsentMissing(
                "Cochez la case « J'accepte » pour vous abonner : sans votre accord, nous ne "
                "pouvons pas vous envoyer la revue."
            )
        subscriber = subscribe(registry.engine, signup, origin="web_form", ip=_ip(request))
    except FORM_ERRORS as error:
        values = {
            "email": email,
            "name": name,
            "organisation": organisation,
            "language": language,
            "segments": segments,
        }
        return _page(
            request, "subscribe", 400, error=error.message, values=values, **_form_context(request)
        )
    send_confirmations(registry, [subscriber])
    return _page(request, "check_your_inbox", email=subscriber.email)


@router.get("/abonnement/confirmer/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str) -> Response:
    claim = _claim(request, CONFIRM, token)
    with _registry(request).engine.connect() as conn:
        subscriber = load(conn, claim.subscriber_id, claim.digest)
    return _page(request, "confirm", subscriber=subscriber, token=token)


@router.post("/abonnement/confirmer/{token}")
def confirm_submit(request: Request, token: str) -> Response:
    registry = _registry(request)
    claim = _claim(request, CONFIRM, token)
    subscriber = confirm(
        registry.engine, claim.subscriber_id, claim.digest, origin="confirm_page", ip=_ip(request)
    )
    return RedirectResponse(_preferences_path(registry, subscriber) + "?confirme=1", 303)


@router.get("/abonnement/preferences/{token}", response_class=HTMLResponse)
def preferences_page(request: Request, token: str, confirme: int = 0) -> Response:
    claim = _claim(request, PREFERENCES, token)
    with _registry(request).engine.connect() as conn:
        subscriber = load(conn, claim.subscriber_id, claim.digest)
    notice = "Votre abonnement est confirmé. Bienvenue !" if confirme else None
    return _page(
        request,
        "preferences",
        subscriber=subscriber,
        token=token,
        notice=notice,
        **_form_context(request),
    )


@router.post("/abonnement/preferences/{token}", response_class=HTMLResponse)
def preferences_submit(
    request: Request,
    token: str,
    language: Text = "fr",
    wording_version: Text = "",
    segments: Codes = [],  # noqa: B006
    lists: Codes = [],  # noqa: B006
) -> Response:
    claim = _claim(request, PREFERENCES, token)
    engine = _registry(request).engine
    try:
        subscriber = update_preferences(
            engine,
            claim.subscriber_id,
            claim.digest,
            language=language,
            segment_codes=segments,
            list_codes=lists,
            wording_version=wording_version,
            ip=_ip(request),
        )
    except FORM_ERRORS as error:
        with engine.connect() as conn:
            unchanged = load(conn, claim.subscriber_id, claim.digest)
        return _page(
            request,
            "preferences",
            400,
            subscriber=unchanged,
            token=token,
            error=error.message,
            **_form_context(request),
        )
    return _page(
        request,
        "preferences",
        subscriber=subscriber,
        token=token,
        notice="Vos préférences sont enregistrées.",
        **_form_context(request),
    )


@router.get("/abonnement/preferences/{token}/export")
def export_download(request: Request, token: str) -> Response:
    claim = _claim(request, PREFERENCES, token)
    data = export_subscriber(_registry(request).engine, claim.subscriber_id, claim.digest)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="flash-back-mes-donnees.json"'},
    )


@router.post("/abonnement/preferences/{token}/suppression", response_class=HTMLResponse)
def erase_submit(request: Request, token: str, confirmation: Text = "") -> Response:
    claim = _claim(request, PREFERENCES, token)
    if confirmation != "oui":
        raise InvalidInput(
            "Cochez la case de confirmation pour supprimer vos données : la suppression est "
            "définitive."
        )
    email = erase_subscriber(
        _registry(request).engine,
        claim.subscriber_id,
        claim.digest,
        origin="preferences_page",
        ip=_ip(request),
    )
    return _page(request, "erased", email=email)


@router.get("/desabonnement/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> Response:
    claim = _claim(request, UNSUBSCRIBE, token)
    with _registry(request).engine.connect() as conn:
        subscriber = load(conn, claim.subscriber_id, claim.digest)
    status = subscriber.lists.get(claim.list_code or "")
    return _page(request, "unsubscribe", subscriber=subscriber, token=token, status=status)


@router.post("/desabonnement/{token}", response_class=HTMLResponse)
def unsubscribe_submit(
    request: Request,
    token: str,
    one_click: Annotated[str, Form(alias="List-Unsubscribe")] = "",
) -> Response:
    registry = _registry(request)
    claim = _claim(request, UNSUBSCRIBE, token)
    origin = "one_click" if one_click == "One-Click" else "unsubscribe_page"
    unsubscribe(
        registry.engine,
        claim.subscriber_id,
        claim.digest,
        claim.list_code or "flash-back",
        origin=origin,
        ip=_ip(request),
    )
    with registry.engine.connect() as conn:
        subscriber = load(conn, claim.subscriber_id)
    return _page(
        request,
        "unsubscribed",
        subscriber=subscriber,
        preferences_url=_preferences_path(registry, subscriber),
    )
