"""Opening .docx and .xlsx packages safely.

A package is a ZIP of XML parts. Its directory is checked before ``zipfile`` reads it, every
declared size before a part is opened; parts are read through a bounded stream (declared
sizes can lie) and parsed as XML without a DTD: no entity can be declared, so there is no
entity expansion (billion laughs) and no external reference. Office never writes a DTD.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from workflow.errors import KartaError, RoadmapFormatError, RoadmapLimitExceeded
from workflow.importing import limits
from workflow.importing.limits import Deadline, count, megabytes, shown

# Word 97-2003, Excel 97-2003 and password-protected Office files are OLE compound files.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_CHUNK = 64 * 1024
# Errors a broken ZIP or XML raises from zipfile, zlib and the parsers, besides our own.
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
           NotImplementedError, RuntimeError, struct.error, OverflowError, IndexError,
           ParseError, expat.ExpatError, UnicodeError, LookupError, TypeError)

ElementHandler = Callable[[str, dict[str, str], int], None]


class Package:
    """An opened, checked .docx or .xlsx; parts are read with ``stream``, ``read``,
    ``events`` (a tree, element by element) or ``scan`` (no tree)."""

    def __init__(self, file: str, data: bytes, what: str, deadline: Deadline) -> None:
        """``what`` completes «файл .docx повреждён или не является …» for this format."""
        self.file = file
        self.suffix = file[file.rfind("."):].lower() if "." in file else ""
        self.what = what
        self.deadline = deadline
        self.unpacked = 0  # bytes decompressed so far, all parts together
        self.elements = 0  # XML elements parsed so far, all parts together
        if data.startswith(OLE_SIGNATURE):
            raise RoadmapFormatError(
                file, None, "файл защищён паролем или сохранён в старом формате "
                            "Office 97–2003; сохраните его без пароля в формате "
                            f"{self.suffix or '.docx/.xlsx'}")
        directory_size = _directory_size(data)
        if directory_size is None or directory_size > len(data):
            raise self.not_a_package()
        if directory_size > limits.MAX_ZIP_DIRECTORY_BYTES:
            raise self.refuse("MAX_ZIP_DIRECTORY_BYTES", "оглавление ZIP-архива больше "
                                                         f"{megabytes(limits.MAX_ZIP_DIRECTORY_BYTES)}")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except _BROKEN:
            raise self.not_a_package() from None
        self._check_declared(infos)
        self.infos = {info.filename: info for info in infos}

    def _check_declared(self, infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > limits.MAX_ZIP_ENTRIES:
            raise self.refuse("MAX_ZIP_ENTRIES",
                              f"в ZIP-архиве больше {count(limits.MAX_ZIP_ENTRIES)} частей")
        if sum(info.file_size for info in infos) > limits.MAX_UNPACKED_BYTES:
            raise self.refuse("MAX_UNPACKED_BYTES", "распакованное содержимое больше "
                                                    f"{megabytes(limits.MAX_UNPACKED_BYTES)}")
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.RATIO_CHECKED_FROM_BYTES \
                    and ratio > limits.MAX_COMPRESSION_RATIO:
                raise self.refuse(
                    "MAX_COMPRESSION_RATIO",
                    f"часть «{shown(info.filename, 80)}» сжата в {count(int(ratio))} раз, "
                    f"допустимо не больше {limits.MAX_COMPRESSION_RATIO} (похоже на zip-бомбу)")

    # -- errors ------------------------------------------------------------------------------

    def not_a_package(self) -> RoadmapFormatError:
        """The error for a file that is not a ZIP at all (to ``raise``)."""
        return RoadmapFormatError(self.file, None,
                                  f"файл {self.suffix} повреждён или не является {self.what}")

    def broken(self, part: str, detail: str = "") -> RoadmapFormatError:
        """The error for a damaged part (to ``raise``)."""
        tail = f": {detail}" if detail else ""
        return RoadmapFormatError(self.file, None, f"файл {self.suffix} повреждён: часть "
                                                   f"«{shown(part, 80)}» не читается{tail}")

    def refuse(self, limit: str, reason: str) -> RoadmapLimitExceeded:
        """The error for a breached limit (to ``raise``)."""
        return RoadmapLimitExceeded(self.file, limit, reason)

    # -- reading -----------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        """True when the package holds a part of that name."""
        return name in self.infos

    def stream(self, name: str) -> PartStream:
        """A bounded binary stream over one part."""
        info = self.infos.get(name)
        if info is None:
            raise self.broken(name, "части нет в архиве")
        if info.flag_bits & 0x1:
            raise RoadmapFormatError(self.file, None, "файл защищён паролем; сохраните его "
                                                      "без пароля")
        try:
            raw = self.zip.open(info)
        except _BROKEN as error:
            raise self.broken(name, _detail(error)) from None
        return PartStream(self, name, raw, info.file_size)

    def read(self, name: str) -> bytes:
        """A whole part (for small parts such as relationships)."""
        stream = self.stream(name)
        chunks = []
        while chunk := stream.read(_CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)

    def events(self, name: str, stream: PartStream | None = None
               ) -> Iterator[tuple[str, Element]]:
        """(``start``/``end``, element) of one part as its tree is built; the caller removes
        what it has used, so memory holds one block at a time (and marks ``stream``)."""
        depth = 0
        stream = stream or self.stream(name)
        try:
            for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    depth += 1
                    self._count(name, depth)
                else:
                    depth -= 1
                yield event, element
        except KartaError:
            raise
        except DefusedXmlException:
            raise self._dtd(name) from None
        except _BROKEN as error:
            raise self.broken(name, _detail(error)) from None

    def scan(self, name: str, start: ElementHandler, *, dtd_allowed: bool = False,
             text: Callable[[str], None] | None = None) -> None:
        """Parse one part without building a tree, calling ``start(tag, attributes, depth)``
        for each element (tags as «{namespace}name») and ``text`` for character data.

        ``dtd_allowed`` is for images (an SVG may have a DTD): entities are then declared
        but expat's own amplification limit still refuses an expansion bomb."""
        parser = expat.ParserCreate(namespace_separator="}")
        depth = 0

        def on_start(tag: str, attributes: dict[str, str]) -> None:
            nonlocal depth
            depth += 1
            self._count(name, depth)
            start("{" + tag if "}" in tag else tag, attributes, depth)

        def on_end(tag: str) -> None:
            nonlocal depth
            depth -= 1

        def no_dtd(*_: object) -> None:
            raise self._dtd(name)

        parser.StartElementHandler = on_start
        parser.EndElementHandler = on_end
        if text is not None:
            parser.CharacterDataHandler = text
        if not dtd_allowed:
            parser.StartDoctypeDeclHandler = no_dtd
            parser.EntityDeclHandler = no_dtd
        parser.ExternalEntityRefHandler = lambda *_: 0  # never fetched: a parse error
        stream = self.stream(name)
        try:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except KartaError:
            raise
        except _BROKEN as error:
            raise self.broken(name, _detail(error)) from None

    def _count(self, name: str, depth: int) -> None:
        self.elements += 1
        if self.elements > limits.MAX_XML_ELEMENTS:
            raise self.refuse("MAX_XML_ELEMENTS", "XML-элементов в файле больше "
                                                  f"{count(limits.MAX_XML_ELEMENTS)}")
        if depth > limits.MAX_XML_DEPTH:
            raise self.refuse("MAX_XML_DEPTH", "вложенность XML в части "
                                               f"«{shown(name, 80)}» глубже "
                                               f"{limits.MAX_XML_DEPTH} уровней")
        if not self.elements & 0xFFF:
            self.deadline.check()

    def _dtd(self, name: str) -> RoadmapFormatError:
        return RoadmapFormatError(self.file, None,
                                  f"часть «{shown(name, 80)}» содержит DTD (<!DOCTYPE>, сущности), "
                                  "которой не бывает в файлах Office; файл не читается")

    def close(self) -> None:
        """Release the archive."""
        self.zip.close()


class PartStream:
    """Reads one part, never more than its declared size or the package's total limit."""

    def __init__(self, package: Package, name: str, raw: IO[bytes], size: int) -> None:
        self.package = package
        self.name = name
        self.raw = raw
        self.left = size
        self.since_mark = 0  # bytes read since the reader last let go of what it held
        self.block_limit: int | None = None

    def mark(self, limit: int) -> None:
        """Start counting a block: reading more than ``limit`` bytes before the next mark
        is refused (MAX_BLOCK_BYTES), even inside one text node, which yields no event."""
        self.since_mark = 0
        self.block_limit = limit

    def read(self, size: int = -1) -> bytes:
        package = self.package
        package.deadline.check()
        wanted = _CHUNK if size is None or size < 0 else min(size, _CHUNK)
        try:
            # one byte past the declared size tells a part that lies about its size
            data = self.raw.read(min(wanted, self.left + 1))
        except KartaError:
            raise
        except _BROKEN as error:
            raise package.broken(self.name, _detail(error)) from None
        self.left -= len(data)
        self.since_mark += len(data)
        if self.block_limit is not None and self.since_mark > self.block_limit:
            raise package.refuse("MAX_BLOCK_BYTES", "один абзац или строка таблицы занимает "
                                                    f"больше {megabytes(self.block_limit)} XML")
        if self.left < 0:
            raise package.broken(self.name, "размер не совпадает с указанным в архиве")
        package.unpacked += len(data)
        if package.unpacked > limits.MAX_UNPACKED_BYTES:
            raise package.refuse("MAX_UNPACKED_BYTES", "распакованное содержимое больше "
                                                       f"{megabytes(limits.MAX_UNPACKED_BYTES)}")
        return data


def _directory_size(data: bytes) -> int | None:
    """The size of the ZIP's central directory from its end record, or None when the data
    has no end record (not a ZIP)."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 22 - 65535))
    if at < 0 or at + 22 > len(data):
        return None
    size = struct.unpack_from("<L", data, at + 12)[0]
    locator = at - 20
    if size == 0xFFFFFFFF and locator >= 0 and data[locator:locator + 4] == _ZIP64_LOCATOR:
        record = struct.unpack_from("<Q", data, locator + 8)[0]
        if record + 56 <= len(data):
            size = struct.unpack_from("<Q", data, record + 40)[0]
    return int(size)


def _detail(error: BaseException) -> str:
    """A short reason from a library error, on one line."""
    return shown(str(error), 200) or type(error).__name__
