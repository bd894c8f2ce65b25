"""What the web app answers when a request goes wrong: the same French message as HTML for a
page or as JSON for the API, never the framework's English `{"detail": ...}`.

- `CentraleError`: the message the feature wrote, with its status.
- An address that leads nowhere (404), a method an address does not take (405, with the
  `Allow` header HTTP requires: the headers an `HTTPException` carries are kept).
- A form body that cannot be read (400): what is wrong with it (`centrale.web.form_errors`).
- A form or query whose fields are missing or malformed (FastAPI's validation): which
  field, and what it should hold.
Redirects raised by the pages' guards (`centrale.web.editor_session`) pass as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

from centrale.errors import CentraleError
from centrale.expected_values import EXPECTED
from centrale.web.form_errors import sends_a_form, unreadable_form

#: The methods a 405's `Allow` may name.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def install(web: FastAPI, templates: Jinja2Templates) -> None:
    def answer(
        request: Request, error: CentraleError, headers: Mapping[str, str] | None = None
    ) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"error": {"code": error.code, "message": error.message}},
                status_code=error.status,
                headers=headers,
            )
        return templates.TemplateResponse(
            request, "error.html", {"error": error}, status_code=error.status, headers=headers
        )

    @web.exception_handler(CentraleError)
    async def on_error(request: Request, error: CentraleError) -> Response:
        return answer(request, error)

    @web.exception_handler(HTTPException)
    async def on_http(request: Request, error: HTTPException) -> Response:
        if 300 <= error.status_code < 400:  # a guard's redirect: no body to translate
            return Response(status_code=error.status_code, headers=error.headers)
        headers = dict(error.headers or {})
        # Counted over every route; where none takes the path (the static files'), the
        # exception's own `Allow` stays.
        if error.status_code == 405 and (allowed := _allowed(request)):
            headers["Allow"] = allowed
        return answer(request, _http_error(request, error), headers)

    @web.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> Response:
        return answer(request, _invalid(error.errors()))


class _HttpError(CentraleError):
    def __init__(self, message: str, status: int, code: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def _allowed(request: Request) -> str:
    """Every method the address takes, each tried against the routes. The router's own `Allow`
    names only the first route matching the path: `/abonnement` said GET, not GET and POST.
    HEAD is named wherever GET is: `head_requests` serves it there, outside routing, and a
    client reads `Allow` to know what it may send. Mounts (the static files) take every
    method at this stage, so they are not asked."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    taken = [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
    if "GET" in taken:
        taken.insert(taken.index("GET") + 1, "HEAD")
    return ", ".join(taken)


def _http_error(request: Request, error: HTTPException) -> CentraleError:
    status = error.status_code
    if status == 404:
        return _HttpError(
            f"page introuvable : « {request.url.path} » ; vérifiez l'adresse, ou partez de "
            "l'accueil",
            404,
            "not_found",
        )
    if status == 405:
        return _HttpError(
            f"l'adresse « {request.url.path} » ne s'ouvre pas ainsi ({request.method}) ; "
            "suivez les liens et les boutons des pages",
            405,
            "method_not_allowed",
        )
    if status == 400 and sends_a_form(request.headers.get("content-type", "")):
        return _HttpError(unreadable_form(str(error.detail)), 400, "malformed_form")
    return _HttpError(f"la requête n'a pas abouti (erreur {status})", status, "http_error")


def _invalid(errors: Any) -> CentraleError:
    problems = []
    for problem in errors:
        field = ".".join(str(part) for part in problem.get("loc", ())[1:]) or "?"
        if problem.get("type") == "missing":
            problems.append(f"« {field} » manque")
        else:
            expected = EXPECTED.get(problem.get("type", ""), "une autre valeur")
            problems.append(f"« {field} » attend {expected}")
    return _HttpError(
        "formulaire incomplet ou invalide : " + " ; ".join(problems) + " ; rechargez la page "
        "et recommencez",
        422,
        "invalid_request",
    )
