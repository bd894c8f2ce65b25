"""The FastAPI application: one factory, French error answers (`error_pages`), routers per
feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.convertors import Convertor, register_url_convertor

from centrale.bootstrap import App
from centrale.web import error_pages
from centrale.web.head_requests import HeadAsGet

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
#: Pages that hold what only their user may see: kept out of caches and frames.
PRIVATE_PAGES = "/revue/editeur"


class RowId(Convertor[int]):
    """`{name:id}` in a route: a row id, at most nine digits. Starlette's `int` takes any
    number of digits, and a number too large for the database's integers answered 500."""

    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", RowId())


def create_app(registry: App) -> FastAPI:
    """Build the web app over an already bootstrapped registry."""
    # The framework's pages (in English) live with the API, under /api/, or nowhere: its
    # defaults put ReDoc and Swagger's OAuth2 redirect page at the site's root.
    web = FastAPI(
        title="centrale",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
    )
    web.state.registry = registry
    web.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    error_pages.install(web, templates)

    @web.middleware("http")
    async def private(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path.startswith(PRIVATE_PAGES):
            # Back after signing out must not show the queue again from the browser's cache.
            response.headers["Cache-Control"] = "no-store"
            response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
            response.headers["X-Frame-Options"] = "DENY"
        return response

    # Added last, so outermost: the pages and the middleware above see a GET.
    web.add_middleware(HeadAsGet)

    @web.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return templates.TemplateResponse(request, "home.html", {})

    for router in _feature_routers():
        web.include_router(router)
    return web


def _feature_routers() -> list[APIRouter]:
    # Each feature package contributes its routers; imported late to keep start-up light.
    from centrale.web.routers import feature_routers

    return feature_routers()
