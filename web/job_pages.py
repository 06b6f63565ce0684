"""Background jobs as pages (``registry.jobs``): starting one leads to its progress; htmx
polls the progress in place, and without JavaScript the page refreshes itself. A finished
import goes on to its roadmap."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from registry.jobs import JobService, JobStatus
from web.app import page
from web.security import Actor, actor

router = APIRouter()


def jobs(request: Request) -> JobService:
    return request.app.state.jobs  # type: ignore[no-any-return]


def start_job(request: Request, kind: str, arguments: dict[str, Any] | None = None
              ) -> Response:
    """Start a named job as the signed-in person: htmx gets the progress in place, a plain
    form the progress page."""
    who = actor(request)
    job = jobs(request).start(kind, who.login, arguments)
    if request.headers.get("hx-request") == "true":
        return page(request, "_job.html", job=job)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _next_page(job: JobStatus) -> str | None:
    """Where a finished job's result is shown, when it is another page."""
    if job.kind == "import_roadmap" and job.state == "done" and job.result:
        return f"/roadmaps/{int(job.result['roadmap'])}?imported=1"
    return None


@router.get("/jobs/{job_id}")
def job_state(request: Request, job_id: str, who: Actor = Depends(actor)) -> Response:
    job = jobs(request).get(job_id[:40], who.login)
    target = _next_page(job)
    if request.headers.get("hx-request") == "true":
        if target:
            return Response(status_code=200, headers={"HX-Redirect": target})
        return page(request, "_job.html", job=job)
    if target:
        return RedirectResponse(target, status_code=303)
    return page(request, "job.html", title=job.title, job=job)
