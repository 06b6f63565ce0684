"""The environment templates run in: data, not code.

A template registered by an administrator is untrusted input. It is rendered in Jinja's
``ImmutableSandboxedEnvironment`` (no attribute starting with «_», no ``__globals__``, no
mutation of the data), with only karta's filters and a short list of Jinja's own filters
whose output is bounded by their input, and no ``include``/``import``/``extends``.

Within that, a template could still loop or grow its output without end (nested loops over
``range``, a string doubled in a loop, a recursive macro). Every render therefore has a
budget — processor time of the rendering thread (a busy machine does not make a good
template fail) and a size — checked cooperatively where such work happens: each loop
iteration, each attribute or item read, each call, each ``~``, ``+``, ``*`` and each filter.
A breach stops the render with ``TemplateLimitExceeded``; rendering happens before karta
takes its write lock, so a bad template never holds other writers up. Work inside one
call escapes such checks; templates karta did not ship therefore render in a process the
kernel holds to limits (``documents.jail``).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from workflow.errors import TemplateLimitExceeded

RENDER_SECONDS = 10.0  # one document (all its parts)
RENDER_CHARACTERS = 20_000_000  # of XML, any value or the whole output of one document
RANGE_ITEMS = 10_000  # range() in a template
FILTER_NUMBER = 10_000  # a number given to a filter (widths, counts)

# Jinja's own filters that are allowed: their output is bounded by their input. Excluded:
# format and center/indent/wordwrap (sized by arguments), random (breaks reproducibility),
# safe (would let data inject raw XML into the document), urlize, pprint, batch and slice
# (padding lists), xmlattr.
ALLOWED_JINJA_FILTERS = (
    "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first",
    "float", "forceescape", "groupby", "int", "items", "join", "last", "length", "list",
    "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round",
    "select", "selectattr", "sort", "string", "striptags", "sum", "title", "tojson", "trim",
    "truncate", "unique", "upper", "wordcount",
)
FORBIDDEN_TAGS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


class _Budget(threading.local):
    """The current render's limits, per thread (the web server renders in several)."""

    deadline: float = float("inf")
    seconds: float = RENDER_SECONDS
    template: str = ""


_BUDGET = _Budget()


class budget:
    """``with budget(name):`` — the limits of one render."""

    def __init__(self, template: str, seconds: float | None = None) -> None:
        self.template = template
        self.seconds = RENDER_SECONDS if seconds is None else seconds

    def __enter__(self) -> None:
        self.saved = (_BUDGET.deadline, _BUDGET.seconds, _BUDGET.template)
        _BUDGET.deadline = time.thread_time() + self.seconds
        _BUDGET.seconds, _BUDGET.template = self.seconds, self.template

    def __exit__(self, *exc: object) -> None:
        _BUDGET.deadline, _BUDGET.seconds, _BUDGET.template = self.saved


def tick() -> None:
    """Stop the render when its processor time is up."""
    if time.thread_time() > _BUDGET.deadline:
        raise TemplateLimitExceeded(
            _BUDGET.template, f"заполнение заняло больше {_BUDGET.seconds:g} с процессорного "
                              "времени (бесконечный или слишком большой цикл)")


def checked_size(value: Any) -> Any:
    """A value, unless it is larger than a whole document may be."""
    if isinstance(value, Sized) and not isinstance(value, dict) and \
            len(value) > RENDER_CHARACTERS:
        raise TemplateLimitExceeded(
            _BUDGET.template, f"значение длиннее {RENDER_CHARACTERS:,} знаков".replace(",", " "))
    return value


def _bounded_iter(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        tick()
        yield item


def _bounded_range(*args: int) -> Iterator[int]:
    numbers = range(*args)
    if len(numbers) > RANGE_ITEMS:
        raise TemplateLimitExceeded(_BUDGET.template,
                                    f"range() больше {RANGE_ITEMS} элементов")
    return _bounded_iter(numbers)


def _join(*parts: Any) -> Markup:
    """``a ~ b`` with autoescape, as Jinja's markup_join, after checking the size."""
    texts = [part if isinstance(part, str) else str(part) for part in parts]
    if sum(len(text) for text in texts) > RENDER_CHARACTERS:
        checked_size(range(RENDER_CHARACTERS + 1))
    return Markup("").join(parts)


def _guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that counts against the budget, refuses huge numbers and huge results."""

    @functools.wraps(function)  # keeps jinja_pass_arg (context, environment)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        tick()
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and \
                    abs(value) > FILTER_NUMBER and name not in ("abs", "int", "float", "round",
                                                                "sum", "max", "min", "string"):
                raise TemplateLimitExceeded(
                    _BUDGET.template, f"фильтру «{name}» передано слишком большое число")
        if name == "replace":
            _check_replace(args, kwargs)
        return checked_size(function(*args, **kwargs))

    return guarded


def _check_replace(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """``replace`` is the one allowed filter that can grow a text: measure before."""
    values = [value for value in args if isinstance(value, str)]
    if len(values) >= 3:
        text, old, new = values[-3:]
        if old and len(text) + text.count(old) * len(new) > RENDER_CHARACTERS:
            checked_size(range(RENDER_CHARACTERS + 1))


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with karta's budget on top."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def __init__(self, filters: dict[str, Callable[..., Any]],
                 finalize: Callable[[Any], Any] | None = None) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined,
                         keep_trailing_newline=True, finalize=finalize)
        self.globals = {"range": _bounded_range, "dict": dict, "namespace": Namespace,
                        "karta_iter": _bounded_iter,
                        "karta_join": _join}
        self.filters = {name: _guard_filter(name, JINJA_FILTERS[name])
                        for name in ALLOWED_JINJA_FILTERS}
        self.filters.update({name: _guard_filter(name, f) for name, f in filters.items()})

    def parse_plain(self, source: str) -> nodes.Template:
        """The template's tree as written (for checking), refusing forbidden tags."""
        tree = super()._parse(source, None, None)
        for node in tree.find_all(FORBIDDEN_TAGS):
            raise TemplateLimitExceeded("", f"тег «{_tag(node)}» запрещён в шаблонах")
        return tree

    # every loop iterates through karta_iter, every «~» joins through karta_join
    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = _Bounded().visit(self.parse_plain(source))
        assert isinstance(tree, nodes.Template)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        tick()
        if operator == "%" and isinstance(left, str):
            raise TemplateLimitExceeded(context.name or "", "форматирование строк «%» "
                                                            "запрещено в шаблонах")
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise TemplateLimitExceeded(context.name or "", "слишком большая степень")
        if operator == "*":
            for sized, times in ((left, right), (right, left)):
                if isinstance(sized, (str, list, tuple)) and isinstance(times, int) and \
                        len(sized) * times > RENDER_CHARACTERS:
                    checked_size(range(RENDER_CHARACTERS + 1))
        return checked_size(super().call_binop(context, operator, left, right))

    def getattr(self, obj: Any, attribute: str) -> Any:
        tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        tick()
        return super().getitem(obj, argument)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        tick()
        return checked_size(super().call(__context, __obj, *args, **kwargs))


class _Bounded(NodeTransformer):
    """Rewrites a template's tree: loops iterate through ``karta_iter`` (a tick per item),
    «~» joins through ``karta_join`` (size checked before joining)."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 (Jinja's visitor)
        self.generic_visit(node)
        node.iter = _call("karta_iter", [node.iter], node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        self.generic_visit(node)
        return _call("karta_join", node.nodes, node.lineno)


def _call(name: str, args: list[Any], lineno: int) -> nodes.Call:
    return nodes.Call(nodes.Name(name, "load", lineno=lineno), args, [], None, None,
                      lineno=lineno)


def _tag(node: nodes.Node) -> str:
    names: dict[type, str] = {nodes.Include: "include", nodes.Import: "import",
                              nodes.FromImport: "from … import", nodes.Extends: "extends"}
    return names.get(type(node), type(node).__name__)
