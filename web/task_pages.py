"""«Мои задачи»: the home page, by role."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from registry.overview import my_tasks
from registry.people import office_today
from web.app import page
from web.security import Actor, actor, database

router = APIRouter()


@router.get("/")
def home(request: Request, who: Actor = Depends(actor)) -> Response:
    db = database(request)
    tasks = my_tasks(db, who.login, office_today(db, who.login))
    return page(request, "tasks.html", title="Мои задачи", tasks=tasks)
