"""``karta serve``: the web workspace — server-rendered pages over the same service layer
as the command line. This module assembles the application: templates, static files,
security headers, the client's address for the log, and one place where errors become
Russian pages (a refusal a 403, an unknown reference a 404, a bug an incident number)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined
from starlette.types import ASGIApp, Receive, Scope, Send

from documents.russian import screen_date
from registry.database import Database
from registry.history import CLIENT
from web.security import BodyTooLarge, CsrfRefused, NotSignedIn, client_address
from workflow.errors import (
    ConcurrentUpdate,
    KartaError,
    MissingRequirement,
    PermissionDenied,
    TransitionNotAllowed,
    UnknownReference,
    in_voice,
)

HERE = Path(__file__).resolve().parent
STATE_COLOURS = {"assigned": "planned", "returned": "progress", "accepted": "done",
                 "withdrawn": "cancelled",
                 "planned": "planned", "in_progress": "progress", "reported": "reported",
                 "analysed": "done", "cancelled": "cancelled"}
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def due_class(days: int | None) -> str:
    if days is None:
        return ""
    return "late" if days < 0 else "soon" if days <= 7 else "later"


def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=str(HERE / "templates"))
    env = found.env
    env.autoescape = True
    env.undefined = StrictUndefined  # a variable a page does not pass is an error
    env.filters.update({"ru_date": screen_date, "due_class": due_class, "urlpart": quote})
    env.globals.update({"STATE_COLOURS": STATE_COLOURS})
    from registry.history import event_title, state_words

    env.filters["state_label"] = state_words
    env.filters["event_title"] = event_title
    env.filters["short_name"] = short_name
    env.filters["for_web"] = lambda text: in_voice(str(text), "web")
    # a text worded for both readers (``workflow.errors.said``) shows the browser's words,
    # whichever expression prints it
    env.finalize = lambda value: in_voice(value, "web") if isinstance(value, str) and \
        "\ue000" in value else value
    env.filters["upper_first"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    return found


def short_name(full: str) -> str:
    """«Белокреницкая Е.В.» for «Белокреницкая Елена Викторовна» (the header's width);
    a name of another shape as it is."""
    parts = str(full).split()
    if len(parts) < 2 or not all(p[:1].isalpha() and p[:1].isupper() for p in parts[:3]):
        return str(full)
    return parts[0] + "\u00a0" + "".join(f"{p[0]}." for p in parts[1:3])


class RequestContext:
    """ASGI middleware: security headers on every answer, and the client's address in the
    log context of the request (the sync endpoints run in threads that copy it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        token = CLIENT.set(f"веб, {client_address(request)}")

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.decode().lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        finally:
            CLIENT.reset(token)


FOLLOW_UP_SECONDS = 60.0


async def _follow_up(db: Database) -> None:
    """Every minute: today's reminders, then the mail due (in a thread: SMTP blocks). A
    failure is an incident in the error log, and the next minute tries again."""
    from starlette.concurrency import run_in_threadpool

    from registry.incidents import report_incident
    from registry.mail import send_pending
    from registry.reminders import remind

    while True:
        try:
            await run_in_threadpool(remind, db)
            await run_in_threadpool(send_pending, db)
        except Exception as error:  # noqa: BLE001 - logged; mail must keep going
            report_incident(error, db.folder, "напоминания и почта")
        await asyncio.sleep(FOLLOW_UP_SECONDS)


def create_app(db: Database, *, secure_cookies: bool = False,
               trust_proxy: bool = False, workers: int = 1,
               follow_up: bool = False) -> FastAPI:
    """The application over one database (``karta serve`` and the tests). On PostgreSQL,
    while the application runs (its lifespan), this process also runs ``workers`` jobs of
    the queue at a time (0: none here, other processes run them). With ``follow_up`` it
    writes the reminders and sends the mail every minute (``registry.reminders``,
    ``registry.mail``: both safe to run in several servers at once)."""
    from registry.jobs import job_service

    jobs = job_service(db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        worker = asyncio.create_task(jobs.run_worker(workers), name="karta-worker") \
            if workers > 0 else None
        if worker is not None:
            worker.add_done_callback(_worker_ended(db))
        mailer = asyncio.create_task(_follow_up(db), name="karta-follow-up") \
            if follow_up else None
        try:
            yield
        finally:
            if mailer is not None:
                mailer.cancel()
                with suppress(asyncio.CancelledError):
                    await mailer
            if worker is not None:
                worker.cancel()
                with suppress(asyncio.CancelledError):
                    await worker
            jobs.close()

    app = FastAPI(title="karta", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.db = db
    app.state.jobs = jobs
    app.state.templates = templates()
    app.state.secure_cookies = secure_cookies
    app.state.trust_proxy = trust_proxy
    app.add_middleware(RequestContext)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:  # asked for by browsers and tools that ignore <link rel=icon>
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")
    from web import (
        admin_pages,
        audit_pages,
        document_pages,
        draft_pages,
        indicator_pages,
        job_pages,
        login_pages,
        notification_pages,
        occurrence_pages,
        region_pages,
        roadmap_pages,
        schedule_pages,
        task_pages,
    )

    for module in (login_pages, task_pages, roadmap_pages, occurrence_pages, document_pages,
                   draft_pages, schedule_pages, audit_pages, admin_pages, region_pages,
                   job_pages, notification_pages, indicator_pages):
        app.include_router(module.router)
    _errors(app)
    return app


def _worker_ended(db: Database) -> Callable[[asyncio.Task[None]], None]:
    """A worker that fails (not one stopped with the server) is an incident in the error
    log: its jobs wait in the queue for another process's worker."""
    def ended(task: asyncio.Task[None]) -> None:
        if task.cancelled() or task.exception() is None:
            return
        from registry.incidents import report_incident

        report_incident(task.exception() or RuntimeError(), db.folder,
                        "обработчик фоновых заданий остановился")
    return ended


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with what every page needs (the actor, the path)."""
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, {"actor": getattr(request.state, "actor", None),
                            "path": request.url.path, **context}, status_code=status)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    if _is_htmx(request):
        return page(request, "_error.html", status=status, title=title, message=message)
    return page(request, "error.html", status=status, title=title, message=message)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: NotSignedIn) -> Response:
        target = "/login?next=" + quote(request.url.path) if request.method == "GET" else \
            "/login"
        if _is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf(request: Request, _: CsrfRefused) -> Response:
        return error_page(request, 403, "Форма устарела",
                          "Форма отправлена без действующего ключа защиты (CSRF). Обновите "
                          "страницу и повторите действие.")

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, error: BodyTooLarge) -> Response:
        return error_page(request, 413, "Слишком большой файл",
                          f"Данные не приняты: {error}. Уменьшите файл или отправьте его "
                          "частями.")

    @app.exception_handler(KartaError)
    async def karta_error(request: Request, error: KartaError) -> Response:
        if isinstance(error, PermissionDenied):
            return error_page(request, 403, "Нет прав", error.for_web)
        if isinstance(error, UnknownReference):
            return error_page(request, 404, "Не найдено", error.for_web)
        if isinstance(error, (ConcurrentUpdate, TransitionNotAllowed)):
            return error_page(request, 409, "Действие не выполнено", error.for_web)
        if isinstance(error, MissingRequirement):
            return error_page(request, 422, "Не хватает данных", error.for_web)
        return error_page(request, 400, "Действие не выполнено", error.for_web)

    @app.exception_handler(404)
    async def not_found(request: Request, _: Exception) -> Response:
        return error_page(request, 404, "Страница не найдена",
                          "Такой страницы нет. Вернитесь на главную.")

    @app.exception_handler(Exception)
    async def incident(request: Request, error: Exception) -> Response:
        from registry.incidents import explain, report_incident

        known = explain(error)
        if known is not None:
            return await karta_error(request, known)
        db: Database = request.app.state.db
        message = report_incident(error, db.folder, f"{request.method} {request.url.path}",
                                  show_where=False)
        return error_page(request, 500, "Сбой", message)
