"""Rendering .docx templates fast and reproducibly.

A template version is compiled once (``compiled(sha, data)``): its parts are read, the parts
holding Jinja tags are cleaned by docxtpl's own ``patch_xml`` (tags that Word split across
runs are joined) and compiled; the parts without tags are packed once into a base archive.
A render then only runs the compiled Jinja code and appends the rendered parts to a copy of
the base archive. Every entry has a fixed timestamp and a fixed place, so the same context
and template version give the same bytes, years later (``karta documents regenerate``).

Values are escaped (a title with «<», «&», «{{» or «%}» is text, never markup or a tag) and
undefined values are errors that name them (StrictUndefined). Templates run in the sandbox of
``documents.sandbox``: they are data, not code, and every render has a time and size budget.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jinja2 import Template as JinjaTemplate
from jinja2 import TemplateError, UndefinedError
from jinja2.exceptions import SecurityError

from documents import russian
from documents.layout import fit_columns, keep_signature, signature_lines
from documents.sandbox import RENDER_CHARACTERS, TemplateSandbox, budget, checked_size, tick
from workflow.errors import MissingTemplateVariable, TemplateProblem

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


# ----------------------------------------------------------------------------- filters

def _person_filter(form: str, decline: Any) -> Any:
    """A filter declining a person's name or position, unless the person has a manual
    form for that case (``overrides["position.dative"]``)."""

    def person_filter(person: dict[str, Any], case: str = "nominative") -> str:
        override = (person.get("overrides") or {}).get(f"{form}.{case}")
        return str(override) if override else decline(person, case)

    return person_filter


_person_name = _person_filter("name", lambda p, case: russian.decline_full_name(
    str(p.get("full_name", "")), str(p.get("gender", "")), case))
_person_short = _person_filter("short", lambda p, case: russian.surname_with_initials(
    str(p.get("full_name", "")), str(p.get("gender", "")), case))
_position = _person_filter("position", lambda p, case: russian.decline_phrase(
    str(p.get("position", "")), case))


def _date(value: Any, pattern: str = "dd.MM.y") -> str:
    if value in (None, ""):
        return ""
    return russian.format_date(value, pattern)


def _long_date(value: Any) -> str:
    return "" if value in (None, "") else russian.long_date(value)


def _addressees(executors: Any, organisation: dict[str, Any]) -> list[dict[str, Any]]:
    from documents.addressees import addressees

    return addressees(list(executors or []), organisation)


FILTERS: dict[str, Any] = {
    "date": _date,
    "long_date": _long_date,
    "period": lambda label: russian.period_label(str(label)),
    "schedule": lambda occurrences, deadline_text="": russian.schedule(
        list(occurrences or []), str(deadline_text)),
    "plural": lambda number, word: russian.plural(int(number), word),
    "case": lambda text, case: russian.decline_phrase(str(text), case),
    "about": lambda text: russian.about(str(text)),
    "subject": lambda text, case: russian.subject(str(text), case),
    "name": _person_name,
    "short_name": _person_short,
    "signature": lambda person: russian.initials_then_surname(str(person.get("full_name", ""))),
    "position": _position,
    "addressees": _addressees,
    "attachment": lambda file: russian.attachment(dict(file)),
    "lower_first": lambda text: russian.lower_first(str(text)),
    "upper_first": lambda text: russian.upper_first(str(text)),
    "sentence": lambda text: russian.sentence(str(text)),
    "enumeration": lambda items: russian.enumeration([str(item) for item in items]),
    "signature_lines": lambda text: signature_lines(str(text)),
    "quote": lambda text: russian.quoted(str(text).strip()),
    "because": lambda text: russian.because(str(text)),
}
FILTER_HELP = {
    "date": "дата по шаблону Babel: {{ d | date }} → 14.12.2020, {{ d | date('LLLL y') }}",
    "long_date": "«14 декабря 2020 г.»",
    "period": "период словами: {{ o.period | period }} → «май 2022 г.», «III квартал 2022 г.»",
    "schedule": "сроки исполнений за год одной строкой: {{ a.occurrences | "
                "schedule(a.deadline_text) }} → «ежемесячно, январь–декабрь 2022 г.»",
    "plural": "{{ n | plural('мероприятие') }} → «5 мероприятий»",
    "case": "словосочетание в падеже: {{ 'главный специалист' | case('dative') }}",
    "about": "заголовок «О …»: {{ activity.title | about }} → «Об участии в …», «О сборе и "
             "анализе данных»; если название нельзя надёжно просклонять — «Об исполнении "
             "мероприятия «…»»",
    "subject": "название мероприятия в падеже со строчной буквы: «Об итогах {{ activity.title"
               " | subject('genitive') }}» → «Об итогах сбора и анализа данных»",
    "name": "ФИО человека в падеже: {{ executor | name('dative') }}",
    "short_name": "«Белокреницкой Е.В.»: {{ executor | short_name('dative') }}",
    "signature": "«Е.В. Белокреницкая» для подписи",
    "position": "должность человека в падеже: {{ executor | position('dative') }}",
    "addressees": "адресаты пунктов приказа в дательном падеже: {% for a in "
                  "activity.executors | addressees(organisation) %}{{ a.text }}…; "
                  "a.own — специалисты самого управления",
    "attachment": "приложение: {{ file | attachment }} → «Список участников на 3 л. в 1 экз.»",
    "lower_first": "первая буква строчная (аббревиатуры не трогает)",
    "upper_first": "первая буква прописная",
    "sentence": "точка в конце, если нет другого знака",
    "enumeration": "перечень через запятую, со строчной буквы после первого элемента",
    "because": "причина после «в связи с»: «изменился срок» → «изменением срока»; пусто, "
               "если так сказать нельзя",
    "quote": "название в кавычках «ёлочках», кавычки внутри — „лапки“: "
             "{{ activity.title | quote }}",
    "signature_lines": "должность в подписи, разбитая на строки шириной 10 см (фамилия — "
                       "у правого поля на уровне последней строки)",
}
# what each filter's arguments must be (checked when a template is registered)
CASE_ARGUMENT = "case"
FILTER_ARGUMENTS: dict[str, tuple[tuple[str, ...], int]] = {
    # filter: (kinds of its arguments in order, how many are required)
    "case": ((CASE_ARGUMENT,), 1), "subject": ((CASE_ARGUMENT,), 1),
    "name": ((CASE_ARGUMENT,), 0), "short_name": ((CASE_ARGUMENT,), 0),
    "position": ((CASE_ARGUMENT,), 0), "date": (("pattern",), 0),
    "plural": (("word",), 1), "addressees": (("value",), 1), "schedule": (("value",), 0),
    "about": ((), 0), "long_date": ((), 0), "period": ((), 0), "signature": ((), 0),
    "attachment": ((), 0), "lower_first": ((), 0), "upper_first": ((), 0),
    "sentence": ((), 0), "enumeration": ((), 0), "signature_lines": ((), 0),
    "quote": ((), 0), "because": ((), 0),
}


@lru_cache(maxsize=1)
def environment() -> TemplateSandbox:
    """The Jinja environment of every template: the sandbox, escaping, StrictUndefined,
    Russian filters."""
    return TemplateSandbox(FILTERS, finalize=_finalize)


def _finalize(value: Any) -> Any:
    """Every value a template prints, with the no-break spaces and dashes of a document."""
    return russian.typography(russian.xml_safe(value)) if isinstance(value, str) else value


# ----------------------------------------------------------------------------- compiling

def _patch(xml: str) -> str:
    from docxtpl import DocxTemplate

    # docxtpl's own cleaning, so templates mean what they mean to docxtpl users
    return DocxTemplate.patch_xml(None, xml)  # type: ignore[arg-type]


def _postprocess(xml: str) -> str:
    from docxtpl import DocxTemplate

    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]


def checked_archive(name: str, data: bytes) -> zipfile.ZipFile:
    """A template's package, after the checks every untrusted package gets (its directory,
    the declared size of every part, compression ratios: no zip bomb); a part is then never
    read past its declared size."""
    from workflow.errors import KartaError
    from workflow.importing.limits import Deadline
    from workflow.importing.package import Package

    try:
        package = Package(f"{name}.docx", data, "документом Word", Deadline(name))
    except KartaError as error:
        reason = str(error).split(": ", 1)[-1]
        raise TemplateProblem(name, reason) from None
    return package.zip


def template_sources(name: str, data: bytes) -> dict[str, str]:
    """The cleaned Jinja source of every part that holds tags; raise on a broken package."""
    archive = checked_archive(name, data)
    names = archive.namelist()
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise TemplateProblem(name, "в файле нет word/document.xml: это не документ Word")
    sources: dict[str, str] = {}
    for part in names:
        if TEMPLATED_PART.match(part):
            text = archive.read(part).decode("utf-8")
            if "{" in text:
                sources[part] = re.sub(r"<w:p([ >])", r"\n<w:p\1", _patch(text))
    return sources


_PICTURE = re.compile(
    r'<wp:docPr\b[^>]*\bdescr="(?P<slot>[\w-]+)"[^>]*/>.*?r:embed="(?P<rid>[^"]+)"', re.S)


def image_slots(data: bytes) -> dict[str, str]:
    """Pictures a template marks as slots (alternative text = slot name) → their parts."""
    archive = checked_archive("шаблон", data)
    document = archive.read("word/document.xml").decode("utf-8")
    rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
    slots: dict[str, str] = {}
    for match in _PICTURE.finditer(document):
        target = re.search(rf'Id="{re.escape(match.group("rid"))}"[^>]*Target="([^"]+)"', rels) \
            or re.search(rf'Target="([^"]+)"[^>]*Id="{re.escape(match.group("rid"))}"', rels)
        if target:
            slots[match.group("slot")] = "word/" + target.group(1).lstrip("/").removeprefix(
                "word/")
    return slots


class CompiledTemplate:
    """One template version, ready to render many times."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        sources = template_sources(name, data)
        self.slots = image_slots(data)
        env = environment()
        self.parts: list[tuple[str, JinjaTemplate]] = []
        for part, source in sources.items():
            try:
                self.parts.append((part, env.from_string(source)))
            except TemplateProblem as problem:
                raise TemplateProblem(name, problem.reason) from None
            except TemplateError as error:
                raise TemplateProblem(name, describe_syntax_error(error, source)) from None
        from documents.stamping import stamps_numbers

        # whether its registration number can be stamped in after rendering (parsed once
        # the parts compiled: a refused tag is reported with the template's name)
        self.stamps_numbers = stamps_numbers(sources.values())
        archive = checked_archive(name, data)
        base = io.BytesIO()
        with zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                if info.filename not in sources and info.filename not in self.slots.values():
                    out.writestr(_entry(info.filename), archive.read(info.filename))
        self.placeholders = {part: archive.read(part) for part in self.slots.values()}
        self.base = base.getvalue()

    def render(self, context: dict[str, Any], images: dict[str, bytes] | None = None) -> bytes:
        """The .docx bytes for a context (and pictures for the template's slots); the same
        context gives the same bytes."""
        return self.assemble(self.render_parts(context, images))

    def render_parts(self, context: dict[str, Any],
                     images: dict[str, bytes] | None = None) -> list[tuple[str, bytes]]:
        """The parts a context fills (rendered XML, pictures in their slots), in the order
        ``assemble`` appends them to the base archive."""
        rendered: list[tuple[str, bytes]] = []
        with budget(self.name):
            for part, template in self.parts:
                xml = keep_signature(fit_columns(_postprocess(self._fill(template, context))))
                for slot, picture in (images or {}).items():
                    xml = _fit_picture(xml, slot, picture)
                rendered.append((part, xml.encode("utf-8")))
        for slot, part in sorted(self.slots.items()):
            rendered.append((part, (images or {}).get(slot, self.placeholders[part])))
        return rendered

    def assemble(self, rendered: list[tuple[str, bytes]]) -> bytes:
        """The .docx of rendered parts: a copy of the base archive with them appended."""
        buffer = io.BytesIO(self.base)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as out:
            for part, content in rendered:
                out.writestr(_entry(part), content)
        return buffer.getvalue()

    def _fill(self, template: JinjaTemplate, context: dict[str, Any]) -> str:
        """One part's XML, within the render's budget; any failure is a ``TemplateProblem``
        naming the template."""
        chunks: list[str] = []
        size = 0
        try:
            for chunk in template.generate(context):
                size += len(chunk)
                if size > RENDER_CHARACTERS:
                    checked_size(range(RENDER_CHARACTERS + 1))
                chunks.append(chunk)
                tick()
        except TemplateProblem as problem:
            raise TemplateProblem(self.name, problem.reason) from None
        except UndefinedError as error:
            raise MissingTemplateVariable(self.name, _undefined_name(error)) from None
        except SecurityError as error:
            raise TemplateProblem(self.name, "шаблон обращается к тому, что шаблонам "
                                             f"недоступно: {error}") from None
        except TemplateError as error:
            raise TemplateProblem(self.name, f"ошибка при заполнении: {error}") from None
        except RecursionError:
            raise TemplateProblem(self.name, "слишком глубокая рекурсия макросов") from None
        except MemoryError:
            raise TemplateProblem(self.name, "не хватило памяти при заполнении") from None
        except (ArithmeticError, LookupError, TypeError, ValueError) as error:
            raise TemplateProblem(self.name, f"ошибка при заполнении: {error}") from None
        return "".join(chunks)


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _fit_picture(xml: str, slot: str, picture: bytes) -> str:
    """Keep a slot's width and give it the height of the picture put into it (a chart with
    more sections is taller than the placeholder)."""
    size = _png_size(picture)
    if size is None:
        return xml

    def refit(match: re.Match[str]) -> str:
        drawing = match.group(0)
        if f'descr="{slot}"' not in drawing:
            return drawing
        width = re.search(r'<wp:extent cx="(\d+)"', drawing)
        if width is None:
            return drawing
        cx = int(width.group(1))
        cy = cx * size[1] // size[0]
        drawing = re.sub(r'(<wp:extent cx="\d+" cy=")\d+', rf"\g<1>{cy}", drawing)
        return re.sub(r'(<a:ext cx="\d+" cy=")\d+', rf"\g<1>{cy}", drawing)

    return re.sub(r"<w:drawing>.*?</w:drawing>", refit, xml, flags=re.S)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


_COMPILED: dict[str, CompiledTemplate] = {}


def compiled(sha256: str, name: str, data: bytes | Callable[[], bytes]) -> CompiledTemplate:
    """The compiled template for a version, compiled once per process (versions are
    immutable, so the SHA-256 is a safe key); ``data`` may be a loader, called only when
    the version is not compiled yet."""
    found = _COMPILED.get(sha256)
    if found is None:
        found = _COMPILED[sha256] = CompiledTemplate(name, data() if callable(data) else data)
    return found


def _undefined_name(error: UndefinedError) -> str:
    message = str(error.message or error)
    match = re.search(r"'([^']+)' is undefined", message)
    if match:
        return match.group(1)
    match = re.search(r"has no attribute '([^']+)'", message)
    return match.group(1) if match else message


def describe_syntax_error(error: TemplateError, source: str) -> str:
    """A syntax error in Russian with the text of its paragraph (tags stripped), not raw
    XML and not Jinja's English."""
    line = getattr(error, "lineno", None)
    near = ""
    lines = source.splitlines()
    while line and 0 < line <= len(lines) and not near:
        near = re.sub(r"<[^>]+>", "", lines[line - 1]).strip()  # that paragraph's text
        near = re.sub(r"\s+", " ", near)[:120]
        line -= 1
    message = getattr(error, "message", None) or str(error)
    return f"ошибка синтаксиса меток: {syntax_in_russian(message)}" + \
        (f" (в абзаце «{near}»)" if near else "")


_TOKENS = {"end of print statement": "конец метки «}}»",
           "end of statement block": "конец тега «%}»",
           "name": "имя", "string": "строка", "integer": "число", "float": "число",
           "in": "in", "end of template": "конец шаблона"}


def _token(name: str) -> str:
    return _TOKENS.get(name, f"«{name}»")


def syntax_in_russian(message: str) -> str:
    """Jinja's syntax error messages, said in Russian."""
    match = re.match(r"Unexpected end of template\. Jinja was looking for the following tags: "
                     r"(.+?)\. The innermost block that needs to be closed is '(\w+)'", message)
    if match:
        return f"шаблон кончился, а блок «{match.group(2)}» не закрыт: нужен " \
               f"«{{% end{match.group(2)} %}}»"
    match = re.match(r"Encountered unknown tag '(\w+)'\.(?: Jinja was looking for the following "
                     r"tags: (.+?)\. The innermost block that needs to be closed is '(\w+)')?",
                     message)
    if match:
        tag = match.group(1)
        if match.group(3):
            return (f"тег «{tag}» здесь не к месту: сначала закройте блок «{match.group(3)}» "
                    f"тегом «{{% end{match.group(3)} %}}»")
        if tag.startswith("end"):
            return f"тег «{tag}» без открывающего «{tag[3:]}»"
        return f"неизвестный тег «{tag}»"
    match = re.match(r"unexpected '(.+?)'(?:, expected '(.+?)')?$", message)
    if match:
        expected = f", ожидалось «{match.group(2)}»" if match.group(2) else ""
        return f"лишний или непарный знак «{match.group(1)}»{expected}"
    match = re.match(r"unexpected char (['\"])(.+?)\1 at \d+", message)
    if match:
        return f"недопустимый знак «{match.group(2)}» (незакрытая кавычка или опечатка)"
    match = re.match(r"expected token '(.+?)', got '(.+?)'", message)
    if match:
        return f"ожидалось: {_token(match.group(1))}; стоит: {_token(match.group(2))}"
    match = re.match(r"Expected an expression, got '(.+?)'", message)
    if match:
        return f"пустая метка: нужно выражение; стоит: {_token(match.group(1))}"
    if "tag name expected" in message:
        return "после «{%» нужно имя тега"
    return "запись метки не разобрать"
