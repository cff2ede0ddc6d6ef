"""The web UI as a Starlette app: server-rendered Jinja2 pages over the KB API, read-only.

    from kartoteka.web import create_app
    app = create_app("kartoteka.db")     # then any ASGI server, e.g. uvicorn
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kartoteka.api import KB
from kartoteka.config import kb_location, kb_name
from kartoteka.errors import NotFound, UsageError
from kartoteka.web import indexes, pages
from kartoteka.web.datelabel import date_label, said_differently
from kartoteka.web.pagecache import PageCache, WarmSearch
from kartoteka.web.urls import cite_url, entity_url, source_url, url_with

log = logging.getLogger(__name__)

# Scripts and styles come only from /static: document text can never run as code.
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                               " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def make_env() -> Environment:
    env = Environment(loader=PackageLoader("kartoteka.web", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(cite_url=cite_url, source_url=source_url, entity_url=entity_url, url_with=url_with)
    env.filters["thousands"] = lambda n: f"{n:,}"
    env.filters["date_label"] = date_label
    env.filters["date_said"] = said_differently
    return env


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HostAllowlist:
    """Answer 400 to a request whose Host header is not one the server is reached by: a page of
    another site that rebinds its DNS name to 127.0.0.1 cannot read the KB. An allowed name
    without a port accepts any port."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed}

    def permits(self, host: str) -> bool:
        host = host.lower()
        bare = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return host in self.allowed or bare in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
        if self.permits(host):
            await self.app(scope, receive, send)
            return
        await PlainTextResponse("invalid Host header", status_code=400)(scope, receive, send)


def create_app(db_path: str | Path, allowed_hosts: list[str] | None = None, *, editable: bool = False) -> Starlette:
    """The app serving the KB at ``db_path``; raises UsageError when there is no KB there.
    ``allowed_hosts``: the Host header values to accept (None: any, for tests and embedding). With
    ``editable`` the pages carry the historian's correction forms (POST, CSRF token)."""
    from kartoteka.web import corrections

    db = kb_location(db_path)
    with KB(db, create=False) as kb:
        kb.sources()  # opens (and if needed migrates) it now: a bad file fails here, not per page
    env = make_env()
    token = corrections.new_token()
    env.globals.update(editable=editable, csrf_token=token)

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status)

    warm = WarmSearch(db) if isinstance(db, Path) else None

    def open_kb() -> KB:
        cache = warm.current() if warm else None  # before this request's connection touches the WAL
        kb = KB(db, create=False).read_only()
        return kb.reuse_search_cache(cache) if cache is not None else kb

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        titles = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
                  500: "Something went wrong"}
        return page(request, "error.html", status=status, status_code=status,
                    title=titles.get(status, "Error"), message=message)

    async def on_not_found(request: Request, exc: Exception) -> Response:
        return error_page(request, 404, str(exc))

    async def on_usage(request: Request, exc: Exception) -> Response:
        return error_page(request, 400, str(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        return error_page(request, exc.status_code, message)

    async def on_error(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return error_page(request, 500, f"{type(exc).__name__} while building this page")

    handlers = pages.Pages(open_kb, page)
    index = indexes.IndexPages(open_kb, page)
    routes = [
        Route("/entities", index.entities, name="entities"),
        Route("/sources", index.sources, name="sources"),
        Route("/", handlers.home, name="home"),
        Route("/search", handlers.search, name="search"),
        Route("/entity/{eid}", handlers.entity, name="entity"),
        Route("/timeline", handlers.timeline, name="timeline"),
        Route("/network", handlers.network, name="network"),
        Route("/source/{doc}", handlers.source, name="source"),
        Route("/conflicts", handlers.conflicts, name="conflicts"),
        Mount("/static", StaticFiles(packages=[("kartoteka.web", "static")]), name="static"),
    ]
    handler = corrections.make_handler(lambda: KB(db, create=False), token) if editable else corrections.refuse
    routes.append(Route("/correct/{action}", handler, methods=["POST"], name="correct"))
    app = Starlette(routes=routes, exception_handlers={
        NotFound: on_not_found, UsageError: on_usage, HTTPException: on_http, Exception: on_error})
    app.state.db_name = kb_name(db)
    app.add_middleware(SecurityHeaders)
    if isinstance(db, Path):  # a server KB has no file whose size and time tell of a change
        app.add_middleware(PageCache, db=db)  # outside the headers, so a cached page keeps them
    if allowed_hosts is not None:
        app.add_middleware(HostAllowlist, allowed=allowed_hosts)
    return app
