"""Checking a template when it is registered: no tracked changes or comments left in it,
Jinja syntax, every variable it uses — nested fields and loop variables included — against
the documented context of its kind, and the arguments of karta's filters (a case name for
``case``, ``name``, ``position``…). Every problem names the paragraph it is in, in Russian."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from jinja2 import nodes

from documents.contexts import KINDS, Schema
from documents.render import (
    CASE_ARGUMENT,
    FILTER_ARGUMENTS,
    FILTERS,
    TEMPLATED_PART,
    TemplateProblem,
    checked_archive,
    describe_syntax_error,
    environment,
    template_sources,
)
from workflow.errors import said

ANY = object()  # a value whose shape is not known (set by {% set %}, macro parameters)
LOOP: Schema = {
    "index": "номер с 1", "index0": "номер с 0", "first": "первый", "last": "последний",
    "length": "длина", "revindex": "с конца", "revindex0": "с конца с 0",
    "previtem": "предыдущий", "nextitem": "следующий", "cycle": "чередование",
    "changed": "изменилось", "depth": "глубина", "depth0": "глубина с 0",
}
FILTER_HELP_SHORT = "фильтры и их аргументы" + said(": karta templates show",
                                                   " — в справке к шаблонам")
_BUILTIN_GLOBALS = {"range", "dict", "namespace", "loop", "true", "false", "none", "True",
                    "False", "None"}
# what the sandbox refuses at render time, refused at registration instead
_MUTATING = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault",
             "popitem", "sort", "reverse", "add", "discard"}


def check_template(name: str, kind: str, data: bytes) -> list[str]:
    """Every problem of a template for a kind, as Russian lines; empty when it is good."""
    if kind not in KINDS:
        raise TemplateProblem(name, f"неизвестный вид «{kind}»; виды: {', '.join(KINDS)}")
    sources = template_sources(name, data)
    problems = _revisions(data)
    if not sources:
        return problems + ["в шаблоне нет ни одного поля {{ … }}: это не шаблон"]
    env = environment()
    for source in sources.values():
        try:
            tree = env.parse_plain(source)
        except TemplateProblem as problem:
            problems.append(problem.reason)
            continue
        except Exception as error:  # TemplateSyntaxError, with the text near it
            problems.append(describe_syntax_error(error, source))  # type: ignore[arg-type]
            continue
        checker = _Checker(KINDS[kind]["context"], kind)
        checker.visit_body(tree.body, [{}])
        lines = source.splitlines()
        problems.extend(f"{message}{_where(lines, line)}" for message, line in checker.problems)
        leftover = _leftover_braces(source)
        if leftover:
            problems.append(f"незакрытая или разорванная метка рядом с «{leftover}»")
    return list(dict.fromkeys(problems))


def _where(lines: list[str], line: int | None) -> str:
    """« — в абзаце «…»»: the text of the paragraph a problem is in (each paragraph of a
    part's source is on a line of its own)."""
    if not line or line > len(lines):
        return ""
    text = paragraph_text(lines[line - 1])
    return f" — в абзаце «{text}»" if text else ""


def paragraph_text(xml: str, limit: int = 90) -> str:
    """A paragraph's text as Word shows it (tags stripped), shortened to ``limit``."""
    text = re.sub(r"<w:tab/>", " ", xml)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') \
        .replace("&amp;", "&")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_TRACKED = re.compile(r"<w:(?:ins|del|moveFrom|moveTo|rPrChange|pPrChange|tblPrChange|"
                      r"trPrChange|tcPrChange|sectPrChange|numberingChange)[ >/]")
_COMMENT = re.compile(r"<w:comment(?:RangeStart|Reference)[ >/]")


def _revisions(data: bytes) -> list[str]:
    """Tracked changes and comments left in a template: what Word would show is not what
    karta would render, so they are refused, each with its paragraph."""
    archive = checked_archive("шаблон", data)
    parts = {part: archive.read(part).decode("utf-8", "replace")
             for part in archive.namelist() if TEMPLATED_PART.match(part)}
    comments = archive.read("word/comments.xml").decode("utf-8", "replace") \
        if "word/comments.xml" in archive.namelist() else None
    return review_marks(parts, comments)


def review_marks(parts: dict[str, str], comments: str | None,
                 what: str = "шаблон") -> list[str]:
    """Tracked changes and comments in the parts of a .docx (its body, headers, footers)
    and its comments part, each with its paragraph, said for ``what`` is saved («шаблон»,
    «документ»)."""
    problems: list[str] = []
    for xml in parts.values():
        for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S):
            text = paragraph_text(re.sub(r"<w:delText[^>]*>", "<w:t>", paragraph))
            if _TRACKED.search(paragraph):
                problems.append(f"в абзаце «{text}» остались исправления (режим "
                                "рецензирования): примите или отклоните их в Word "
                                f"(Рецензирование → Принять) и сохраните {what}")
            if _COMMENT.search(paragraph):
                problems.append(f"к абзацу «{text}» есть примечание: удалите примечания "
                                f"(Рецензирование → Удалить) и сохраните {what}")
        if _TRACKED.search(xml) and not any("исправления" in p for p in problems):
            problems.append(f"в {what}е остались исправления (режим рецензирования): примите "
                            f"или отклоните их в Word и сохраните {what}")
    if comments is not None and "<w:comment " in comments and \
            not any("примечан" in p for p in problems):
        problems.append(f"в {what}е есть примечания: удалите их (Рецензирование → "
                        f"Удалить) и сохраните {what}")
    return problems


_CASES_SAID = ("nominative (именительный), genitive (родительный), dative (дательный), "
               "accusative (винительный), instrumental (творительный), prepositional "
               "(предложный)")


def _argument_problem(filter_name: str, kind: str, value: Any) -> str | None:
    """What is wrong with a constant argument given to one of karta's filters, if anything."""
    if kind == CASE_ARGUMENT:
        from documents.phrases import case_tag

        try:
            case_tag(str(value))
        except ValueError:
            return (f"у фильтра «{filter_name}» неизвестный падеж «{value}»; падежи: "
                    f"{_CASES_SAID}")
    elif kind == "pattern":
        from documents.russian import format_date

        try:
            format_date(date(2020, 12, 14), str(value))
        except Exception:  # noqa: BLE001 - Babel raises several kinds for a bad pattern
            return (f"у фильтра «date» неверный шаблон даты «{value}»; например "
                    "'dd.MM.y' (14.12.2020) или \"d MMMM y 'г.'\" (14 декабря 2020 г.)")
    elif kind == "word":
        from documents.russian import _best_parse

        if not isinstance(value, str) or _best_parse(value.lower(), "nomn") is None:
            return (f"фильтру «plural» нужно существительное в именительном падеже "
                    f"(«мероприятие»), а не «{value}»")
    return None


def _leftover_braces(source: str) -> str | None:
    """A «{ {» or «{{» that Jinja did not take as a tag (split beyond repair)."""
    import re

    text = re.sub(r"<[^>]+>", "", source)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
    match = re.search(r"\{\s*[{%]|[}%]\s*\}", text)
    return text[max(match.start() - 20, 0): match.end() + 20].strip() if match else None


class _Checker:
    def __init__(self, schema: Schema, kind: str) -> None:
        self.schema = schema
        self.kind = kind
        self.problems: list[tuple[str, int | None]] = []
        self.line: int | None = None

    def problem(self, message: str, node: nodes.Node | None = None) -> None:
        line = getattr(node, "lineno", None) or self.line
        self.problems.append((message, line))

    # statements -----------------------------------------------------------------------
    def visit_body(self, body: list[nodes.Node], scopes: list[dict[str, Any]]) -> None:
        for node in body:
            self.visit(node, scopes)

    def visit(self, node: nodes.Node, scopes: list[dict[str, Any]]) -> None:
        self.line = getattr(node, "lineno", None) or self.line
        if isinstance(node, nodes.For):
            item = self.expr(node.iter, scopes)
            inner: dict[str, Any] = {"loop": LOOP}
            element = item[0] if isinstance(item, list) else ANY
            if item is not ANY and not isinstance(item, list):
                self.problem(f"«{_text(node.iter)}» не список: по нему нельзя "
                                     "пройти циклом for")
            self._bind(node.target, element, inner)
            if node.test is not None:
                self.expr(node.test, scopes + [inner])
            self.visit_body(node.body, scopes + [inner])
            self.visit_body(node.else_, scopes)
        elif isinstance(node, nodes.Assign):
            value = self.expr(node.node, scopes)
            self._bind(node.target, value, scopes[-1])
        elif isinstance(node, nodes.AssignBlock):
            self.visit_body(node.body, scopes)
            self._bind(node.target, ANY, scopes[-1])
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = {arg.name: ANY for arg in getattr(node, "args", [])}
            inner["caller"] = ANY
            if isinstance(node, nodes.Macro):
                scopes[-1][node.name] = ANY
            else:
                self.expr(node.call, scopes)
            self.visit_body(node.body, scopes + [inner])
        elif isinstance(node, nodes.With):
            inner = {}
            for target, value in zip(node.targets, node.values):
                self._bind(target, self.expr(value, scopes), inner)
            self.visit_body(node.body, scopes + [inner])
        elif isinstance(node, nodes.Expr):
            self.expr(node, scopes)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.expr(child, scopes)
                else:
                    self.visit(child, scopes)

    def _bind(self, target: nodes.Node, value: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, ANY, scope)

    # expressions ----------------------------------------------------------------------
    def expr(self, node: nodes.Node, scopes: list[dict[str, Any]]) -> Any:
        self.line = getattr(node, "lineno", None) or self.line
        if isinstance(node, nodes.Name):
            for scope in reversed(scopes):
                if node.name in scope:
                    return scope[node.name]
            if node.name in self.schema:
                return self.schema[node.name]
            if node.name in _BUILTIN_GLOBALS:
                return ANY
            self.problem(
                f"неизвестная переменная «{node.name}»: в данных вида {self.kind} есть "
                + ", ".join(self.schema))
            return ANY
        if isinstance(node, nodes.Getattr):
            return self._field(node, self.expr(node.node, scopes), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node, scopes)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self._field(node, base, node.arg.value)
            self.expr(node.arg, scopes)
            return base[0] if isinstance(base, list) else ANY
        if isinstance(node, nodes.Filter):
            if node.name not in FILTERS and node.name not in environment().filters:
                from jinja2.filters import FILTERS as JINJA_FILTERS

                self.problem(
                    f"фильтр «{node.name}» запрещён в шаблонах" if node.name in JINJA_FILTERS
                    else f"неизвестный фильтр «{node.name}»")
            base = self.expr(node.node, scopes) if node.node is not None else ANY
            self._args(node, scopes)
            self._filter_arguments(node)
            if node.name in ("first", "last", "random") and isinstance(base, list):
                return base[0]
            if node.name in ("sort", "reverse", "unique", "rejectattr", "selectattr", "list",
                             "reject", "select", "batch", "slice"):
                return base if isinstance(base, list) else ANY
            return ANY
        if isinstance(node, nodes.Test):
            self.expr(node.node, scopes)
            self._args(node, scopes)
            return ANY
        if isinstance(node, nodes.Call):
            self.expr(node.node, scopes)
            self._args(node, scopes)
            return ANY
        if isinstance(node, nodes.Mod) and not (isinstance(node.left, nodes.Const)
                                                and isinstance(node.left.value, (int, float))):
            self.problem("форматирование строк «%» запрещено в шаблонах")
        if isinstance(node, nodes.CondExpr):
            self.expr(node.test, scopes)
            value = self.expr(node.expr1, scopes)
            if node.expr2 is not None:
                self.expr(node.expr2, scopes)
            return value
        for child in node.iter_child_nodes():
            self.expr(child, scopes)
        return ANY

    def _filter_arguments(self, node: nodes.Filter) -> None:
        """karta's filters get the arguments they need: a known case, a date pattern…"""
        if node.name not in FILTER_ARGUMENTS:
            return
        kinds, required = FILTER_ARGUMENTS[node.name]
        given = list(node.args) + [kwarg.value for kwarg in node.kwargs]
        if len(given) < required:
            what = "падеж: case('dative')" if kinds[0] == CASE_ARGUMENT else \
                f"{required} аргумент(а)"
            self.problem(f"фильтру «{node.name}» нужен {what}", node)
            return
        if len(given) > len(kinds) and node.dyn_args is None:
            self.problem(f"у фильтра «{node.name}» "
                         + ("нет аргументов" if not kinds else
                            f"не больше {len(kinds)} аргумента") + f" ({FILTER_HELP_SHORT})",
                         node)
            return
        for kind, value in zip(kinds, given):
            if isinstance(value, nodes.Const):
                problem = _argument_problem(node.name, kind, value.value)
                if problem:
                    self.problem(problem, node)

    def _args(self, node: Any, scopes: list[dict[str, Any]]) -> None:
        for arg in node.args:
            self.expr(arg, scopes)
        for kwarg in node.kwargs:
            self.expr(kwarg.value, scopes)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.expr(extra, scopes)

    def _field(self, node: nodes.Node, base: Any, attr: str) -> Any:
        if attr.startswith("_") or attr in ("mro", "func_globals", "gi_frame", "gi_code",
                                            "cr_frame", "f_globals", "f_locals"):
            self.problem(f"обращение к служебному атрибуту «{attr}» запрещено "
                                 f"(«{_text(node)}»)")
            return ANY
        if attr in _MUTATING:
            self.problem(f"метод «{attr}» изменяет данные и запрещён в шаблонах "
                                 f"(«{_text(node)}»)")
            return ANY
        if base is ANY:
            return ANY
        if isinstance(base, dict):
            if attr in base:
                return base[attr]
            self.problem(
                f"поле «{_text(node)}» не существует: у «{_text(node.node)}» есть "  # type: ignore[attr-defined]
                + ", ".join(base))
            return ANY
        if isinstance(base, str) and hasattr(str, attr):
            return ANY  # a string method: {{ activity.title.upper() }}
        if isinstance(base, list) and attr in ("count", "index"):
            return ANY
        self.problem(f"поле «{_text(node)}» не существует: «{_text(node.node)}» — "  # type: ignore[attr-defined]
                             "значение, а не запись")
        return ANY


def _text(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_text(node.node)}[{arg!r}]"
    return type(node).__name__
