"""An amending order: what changes in a signed order, point by point.

A signed order never changes; it is amended by a new order whose points say what changes —
«1. Внести в приказ … следующие изменения: 1.1. пункт 2 изложить в следующей редакции:
«2. …».» — or cancelled by one («Признать утратившим силу приказ …»). This module reads the
points of the signed order from its file and turns the clerk's edits into those sentences;
only the points that really changed become sub-points, never a copy of the whole order.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from workflow.errors import KartaError, said

# «2. Текст», «2.1. Текст»: a point of an order, as karta and offices number them
_POINT = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.\s+(\S.*)$", re.S)
_ORDERING = re.compile(r"^\s*П\s*Р\s*И\s*К\s*А\s*З\s*Ы\s*В\s*А\s*Ю\s*:?\s*$")
MAX_POINT_CHARS = 4000
MAX_CHANGES = 50


@dataclass(frozen=True)
class Change:
    """One edit: ``replace`` a point with new text, ``drop`` it, or ``add`` a new one."""

    kind: str  # replace, drop, add
    point: str = ""  # «2», «2.1»; empty for add
    text: str = ""


def order_points(data: bytes) -> dict[str, str]:
    """The numbered points of an order (.docx), in order: after «ПРИКАЗЫВАЮ:», up to the
    signature; the text without its number."""
    from docx import Document as open_docx

    try:
        paragraphs = [p.text for p in open_docx(io.BytesIO(data)).paragraphs]
    except (zipfile.BadZipFile, KeyError, ValueError):
        return {}
    points: dict[str, str] = {}
    ordering = False
    for text in paragraphs:
        if not ordering:
            ordering = bool(_ORDERING.match(text))
            continue
        match = _POINT.match(text)
        if match:
            points.setdefault(match.group(1), " ".join(match.group(2).split()))
        elif points and "\t" in text:
            break  # the signature line of an order typed by hand («Начальник …\tФамилия»)
    return points


def _point_word(number: str, case: str = "nominative") -> str:
    sub = "." in number
    if case == "instrumental":
        return f"{'подпунктом' if sub else 'пунктом'} {number}"
    return f"{'подпункт' if sub else 'пункт'} {number}"


def inner_quotes(text: str) -> str:
    """Quotes inside quotes: «ёлочки» become „лапки“ (and straight ones too)."""
    text = re.sub(r'"([^"]*)"', "„\\1“", text)
    return text.replace("«", "„").replace("»", "“")


def _quoted(number: str, text: str) -> str:
    """The new wording in «ёлочки», with quotes inside turned into „лапки“."""
    body = inner_quotes(" ".join(text.split()))
    if body and body[-1] not in ".;:!?":
        body += "."
    return f"«{number}. {body}»"


def amendments(points: dict[str, str], changes: list[Change]) -> list[str]:
    """The sub-points of «Внести … следующие изменения:», one per real change, in the order
    of the order's points (additions last); a clear error for an unknown point, an edit that
    changes nothing, or none at all."""
    if len(changes) > MAX_CHANGES:
        raise KartaError(f"слишком много изменений в одном приказе (больше {MAX_CHANGES}): "
                         "разделите их")
    known = list(points)
    touched: dict[str, Change] = {}
    added: list[str] = []
    for change in changes:
        text = " ".join(change.text.split())
        if len(text) > MAX_POINT_CHARS:
            raise KartaError(f"текст пункта длиннее {MAX_POINT_CHARS} знаков")
        if change.kind == "add":
            if text:
                added.append(text)
            continue
        number = change.point.strip().rstrip(".")
        if known and number not in points:
            raise KartaError(f"в приказе нет пункта {number}; пункты: {', '.join(known)}")
        if not re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*", number):
            raise KartaError(f"неверный номер пункта «{change.point}»: пишите «2» или «2.1»")
        if number in touched:
            raise KartaError(f"{_point_word(number)} изменяется дважды")
        if change.kind == "replace":
            if not text:
                raise KartaError(f"новая редакция пункта {number} пуста; чтобы исключить "
                                 "пункт, так и укажите")
            if text == points.get(number):
                continue  # the same wording: not a change
        touched[number] = Change(change.kind, number, text)
    ordered = sorted(touched.values(), key=lambda c: [int(p) for p in c.point.split(".")])
    lines = []
    for change in ordered:
        if change.kind == "drop":
            lines.append(f"{_point_word(change.point)} исключить.")
        else:
            lines.append(f"{_point_word(change.point)} изложить в следующей редакции: "
                         f"{_quoted(change.point, change.text)}.")
    top = [int(n) for n in known if "." not in n]
    following = (max(top) if top else 0) + 1
    control = str(max(top)) if top else ""
    new = ""
    if added and control and points[control].lower().startswith("контроль") \
            and control not in touched:
        # a new point goes before the control point, which moves down
        following = int(control)
        lines.append(f"{_point_word(control)} считать "
                     f"{_point_word(str(following + len(added)), 'instrumental')}.")
        new = "новым "
    for offset, text in enumerate(added):
        number = str(following + offset)
        lines.append(f"дополнить {new}{_point_word(number, 'instrumental')} следующего "
                     f"содержания: {_quoted(number, text)}.")
    if not lines:
        raise KartaError("изменений нет: новая редакция совпадает с действующей; укажите, "
                         "что меняется" + said(" (--point, --add, --drop) или --cancel",
                                               ": исправьте текст пункта, добавьте или "
                                               "исключите пункт — или отметьте «признать "
                                               "приказ утратившим силу»"))
    return lines
