"""Дорожные карты: the list with progress, import with a preview, and a roadmap's matrix."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from registry.overview import roadmap_matrix
from registry.roadmaps import import_roadmap, list_roadmaps, preview_import
from web.app import page
from web.security import TEXT_SUFFIXES, Actor, actor, checked_form, database, read_upload, text
from workflow.errors import KartaError
from workflow.importing import Period, parse_period
from workflow.machine import occurrence_machine, state_label
from workflow.roadmap import LINE_ROLES

router = APIRouter()
ROADMAP_TYPES = (".docx", ".xlsx", ".pdf", ".doc", ".odt", ".rtf", *TEXT_SUFFIXES)
UPLOAD_SECONDS = 3600


@dataclass
class Upload:
    """An uploaded roadmap waiting for the clerk's confirmation, under a random name."""

    login: str
    path: Path
    name: str
    made: float


_UPLOADS: dict[str, Upload] = {}


def _keep(login: str, name: str, suffix: str, data: bytes) -> str:
    now = time.time()
    for key in [k for k, u in _UPLOADS.items() if now - u.made > UPLOAD_SECONDS]:
        shutil.rmtree(_UPLOADS.pop(key).path.parent, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix="karta-upload-"))
    path = folder / f"upload{suffix}"  # never the browser's name
    path.write_bytes(data)
    key = secrets.token_urlsafe(16)
    _UPLOADS[key] = Upload(login, path, name, now)
    return key


def _upload(key: str, login: str) -> Upload:
    found = _UPLOADS.get(key)
    if found is None or found.login != login:
        raise KartaError("загруженный файл не найден (прошло больше часа?): загрузите его снова")
    return found


def _period(form: dict[str, object]) -> Period | None:
    value = text(form, "period", 40)
    return parse_period(value, bool(form.get("school_years"))) if value else None


@router.get("/roadmaps")
def roadmaps(request: Request, who: Actor = Depends(actor)) -> Response:
    rows = list_roadmaps(database(request), who.login)
    for row in rows:
        states: dict[str, int] = row["states"]  # type: ignore[assignment]
        countable = sum(states.values()) - states.get("cancelled", 0)
        row["percent"] = round(100 * states.get("analysed", 0) / countable) if countable else 0
    return page(request, "roadmaps.html", title="Дорожные карты", rows=rows)


@router.get("/roadmaps/import")
def import_form(request: Request, who: Actor = Depends(actor)) -> Response:
    return page(request, "import.html", title="Импорт дорожной карты", preview=None,
                error="", types=", ".join(ROADMAP_TYPES))


@router.post("/roadmaps/import")
async def import_preview(request: Request, form: dict[str, object] = Depends(checked_form)
                         ) -> Response:
    from starlette.concurrency import run_in_threadpool

    who = actor(request)
    upload = form.get("file")
    key = text(form, "upload", 100)
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            name, suffix, data = await read_upload(upload, ROADMAP_TYPES)
            key = _keep(who.login, name, suffix, data)
        kept = _upload(key, who.login)
        preview = await run_in_threadpool(
            preview_import, database(request), kept.path, who.login, _period(form),
            text(form, "title", 500) or None, kept.name)
    except KartaError as error:
        return page(request, "import.html", status=422, title="Импорт дорожной карты",
                    preview=None, error=str(error), upload=key if key in _UPLOADS else "",
                    period=text(form, "period", 40), types=", ".join(ROADMAP_TYPES))
    return page(request, "import.html", title="Импорт: проверьте, что будет создано",
                preview=preview, roles=LINE_ROLES, error="", upload=key,
                period=text(form, "period", 40),
                school_years=bool(form.get("school_years")),
                title_override=text(form, "title", 500), types=", ".join(ROADMAP_TYPES))


@router.post("/roadmaps/import/confirm")
def import_confirm(request: Request, form: dict[str, object] = Depends(checked_form)
                   ) -> Response:
    who = actor(request)
    kept = _upload(text(form, "upload", 100), who.login)
    result = import_roadmap(database(request), kept.path, who.login, _period(form),
                            text(form, "title", 500) or None, bool(form.get("again")),
                            source_name=kept.name)
    shutil.rmtree(kept.path.parent, ignore_errors=True)
    _UPLOADS.pop(text(form, "upload", 100), None)
    return RedirectResponse(f"/roadmaps/{result.roadmap}?imported=1", status_code=303)


@router.get("/roadmaps/{roadmap_id}")
def roadmap(request: Request, roadmap_id: int, who: Actor = Depends(actor),
            state: str = "", executor: str = "", section: str = "",
            overdue: str = "") -> Response:
    machine = occurrence_machine()
    chosen_state = state if state in machine.states else None
    chosen_section = int(section) if section.isdigit() else None
    matrix = roadmap_matrix(database(request), who.login, roadmap_id, date.today(),
                            chosen_state, executor[:100] or None, chosen_section,
                            overdue == "1")
    template = "_matrix.html" if request.headers.get("hx-request") == "true" else \
        "roadmap.html"
    return page(request, template, title=f"{matrix['ref']}: {matrix['title'][:80]}",
                matrix=matrix, states=[(s, state_label(s)) for s in machine.states],
                filters={"state": chosen_state or "", "executor": executor[:100],
                         "section": chosen_section, "overdue": overdue == "1"},
                imported=request.query_params.get("imported") == "1")
