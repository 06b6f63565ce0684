"""Lists a page at a time: the count and the page's rows, each one query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select


def page_of(session: Session, table: Any, conditions: list[Any], order: list[Any],
            page: int, size: int | None) -> tuple[list[Any], int, int, int]:
    """(rows, total, page, pages) of a table's rows matching the conditions; ``size`` None:
    all of them on one page."""
    total = int(session.exec(select(func.count()).select_from(table)
                             .where(*conditions)).one())
    pages = max(1, -(-total // size)) if size else 1
    page = min(max(page, 1), pages)
    query = select(table).where(*conditions).order_by(*order)
    if size:
        query = query.offset((page - 1) * size).limit(size)
    return list(session.exec(query)), total, page, pages
