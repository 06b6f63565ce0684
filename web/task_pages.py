"""«Мои задачи»: the home page, by role."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from registry.overview import my_tasks
from web.app import page
from web.security import Actor, actor, database

router = APIRouter()


@router.get("/")
def home(request: Request, who: Actor = Depends(actor)) -> Response:
    tasks = my_tasks(database(request), who.login, date.today())
    return page(request, "tasks.html", title="Мои задачи", tasks=tasks)
