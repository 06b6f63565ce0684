"""Registration numbers stamped into a rendered document at registration.

A document numbered in a journal is rendered before its number is known (rendering never
holds the journal up): the template prints a *placeholder* where the number goes, and the
write transaction, once it holds the journal's counter, replaces the placeholder in the
rendered parts by the number as the template would have printed it. That gives the bytes a
render with the number gives — and ``karta documents regenerate``, which renders the
snapshot holding the final number, checks exactly that — only when the template prints the
number as it is. ``stamps_numbers`` decides that from the template's Jinja source: every use
of ``document.number`` (and of ``note.number``, the analytic note an order cites) is printed
unchanged (``{{ document.number }}``, or a branch of ``… if document.number else …``) or
only tested for being there; any other use (a filter, a comparison, the whole ``document``
passed on, a block that filters its output) makes the template render after numbering.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable, Iterator

from jinja2 import nodes
from markupsafe import escape

# the keys of the context's ``document`` and ``note`` a template may read freely
NUMBERED = {"document": frozenset({"kind", "title", "is_draft", "date", "journal"}),
            "note": frozenset({"title", "date"})}
# blocks whose output is transformed before it is printed (a filter block, a macro's or a
# call block's body, a block assigned to a variable)
_TRANSFORMING = (nodes.FilterBlock, nodes.Macro, nodes.CallBlock, nodes.AssignBlock)
# characters rendering treats as markup after Jinja (tags, listing breaks): a number
# holding one is never stamped
_NOT_STAMPABLE = re.compile(r"[{}%\n\r\t\x07\x0c<>]")


def placeholder_token() -> str:
    """A fresh random part for one preparation's placeholders: Latin letters only, so the
    printed text is the placeholder itself (no escaping, no typography), and nobody can
    type it into a comment by chance."""
    return "".join(secrets.choice(string.ascii_uppercase) for _ in range(24))


def placeholder(token: str, index: int) -> str:
    """The placeholder of the ``index``-th numbered document of a preparation."""
    letters = string.ascii_uppercase
    return f"KARTANUMBER{letters[index // 26 % 26]}{letters[index % 26]}{token}"


def printed(text: str) -> str:
    """A value as a template prints it: the document's typography, then escaped
    (``documents.render.environment`` has ``finalize`` and autoescape)."""
    from documents.render import _finalize

    return str(escape(_finalize(text)))


def stampable_text(text: str) -> bool:
    """Whether a number, printed, can replace a placeholder with the bytes a render with it
    would give."""
    shown = printed(text)
    return bool(shown.strip()) and not _NOT_STAMPABLE.search(shown)


def _walk(node: nodes.Node, parents: tuple[nodes.Node, ...]
          ) -> Iterator[tuple[nodes.Node, tuple[nodes.Node, ...]]]:
    yield node, parents
    for child in node.iter_child_nodes():
        yield from _walk(child, (*parents, node))


def _printed_as_is(node: nodes.Node, parents: tuple[nodes.Node, ...]) -> bool:
    """``node`` (a number) ends up in the output unchanged, or is only tested for truth."""
    if not parents:
        return False
    parent = parents[-1]
    if isinstance(parent, (nodes.If, nodes.CondExpr)) and parent.test is node:
        return True  # a number and its placeholder are both a non-empty string
    if isinstance(parent, nodes.Not):
        return True
    if isinstance(parent, nodes.CondExpr) and node in (parent.expr1, parent.expr2):
        return _printed_as_is(parent, parents[:-1])
    if isinstance(parent, nodes.Output):
        return not any(isinstance(outer, _TRANSFORMING) for outer in parents)
    return False


def _key(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr):
        return str(node.attr)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return str(node.arg.value)
    return None


def stamps_numbers(sources: Iterable[str]) -> bool:
    """Whether a template (the Jinja source of each of its parts) prints the numbers of
    ``document`` and ``note`` only as they are (see the module's docstring)."""
    from documents.render import environment

    env = environment()
    for source in sources:
        tree = env.parse(source)
        for node, parents in _walk(tree, ()):
            if not isinstance(node, nodes.Name) or node.name not in NUMBERED:
                continue
            if node.ctx != "load" or not parents:
                return False  # assigned, a loop variable, a macro's parameter
            parent = parents[-1]
            key = _key(parent) if getattr(parent, "node", None) is node else None
            if key in NUMBERED[node.name]:
                continue
            if key != "number" or not _printed_as_is(parent, parents[:-1]):
                return False
    return True


def in_fitted_table(xml: str, marks: Iterable[str]) -> bool:
    """Whether a placeholder sits in a table whose columns are fitted to their text (its
    widths would be those of the placeholder, not of the number)."""
    from documents.layout import _TABLE, FIT_MARK

    if FIT_MARK not in xml:
        return False
    wanted = tuple(marks)
    return any(FIT_MARK in table and any(mark in table for mark in wanted)
               for table in _TABLE.findall(xml))


def stamp_parts(parts: list[tuple[str, bytes]], numbers: dict[str, str]
                ) -> list[tuple[str, bytes]]:
    """Rendered parts with every placeholder replaced by its number as printed."""
    replacements = [(mark.encode("ascii"), printed(text).encode("utf-8"))
                    for mark, text in numbers.items()]
    stamped = []
    for part, content in parts:
        if part.endswith(".xml"):
            for mark, text in replacements:
                content = content.replace(mark, text)
        stamped.append((part, content))
    return stamped
