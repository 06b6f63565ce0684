"""Every stream of a PDF is inflated here, within one budget per file.

A PDF's streams — page contents, forms, fonts, ``/ToUnicode`` maps, object streams — are
compressed by a chain of filters (``/FlateDecode`` or its abbreviation ``/Fl``,
``[/ASCIIHexDecode /FlateDecode]``, LZW, RunLength…). pdfminer inflates each whole, in
memory, when it first needs it: a 1 MB file can unpack to gigabytes through any of them.
``install()`` replaces pdfminer's ``PDFStream.decode`` with a decoder that applies the same
filters but never produces more than the budget left for the file (MAX_PDF_UNPACKED_BYTES,
all streams together) and checks the read's deadline while it works. Reading a page is
bounded as well: its glyphs are counted as pdfminer lays them out, and the deadline is
checked among them (a page of a million glyphs is refused, not built).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import Any

from workflow.errors import RoadmapLimitExceeded
from workflow.importing import limits
from workflow.importing.limits import Deadline, count, megabytes

_CHUNK = 1 << 20


class _Budget(threading.local):
    """The current read's budget, per thread (the web server reads in several)."""

    file: str = ""
    left: int = 0
    deadline: Deadline | None = None
    active: bool = False
    glyphs: int = 0


_BUDGET = _Budget()


@contextmanager
def budget(file: str, deadline: Deadline) -> Iterator[None]:
    """``with budget(name, deadline):`` — the streams inflated inside share one budget."""
    saved = (_BUDGET.file, _BUDGET.left, _BUDGET.deadline, _BUDGET.active)
    _BUDGET.file, _BUDGET.left = file, limits.MAX_PDF_UNPACKED_BYTES
    _BUDGET.deadline, _BUDGET.active = deadline, True
    try:
        yield
    finally:
        _BUDGET.file, _BUDGET.left, _BUDGET.deadline, _BUDGET.active = saved


def new_page() -> None:
    """Start counting the glyphs of a page."""
    _BUDGET.glyphs = 0


def _refuse() -> RoadmapLimitExceeded:
    return RoadmapLimitExceeded(
        _BUDGET.file or "PDF", "MAX_PDF_UNPACKED_BYTES",
        f"распакованное содержимое PDF больше {megabytes(limits.MAX_PDF_UNPACKED_BYTES)} "
        "(похоже на сжатую бомбу)")


def _check_time() -> None:
    if _BUDGET.deadline is not None:
        _BUDGET.deadline.check()


def _spend(size: int) -> None:
    if not _BUDGET.active:
        return
    _BUDGET.left -= size
    if _BUDGET.left < 0:
        raise _refuse()


def _room() -> int:
    return _BUDGET.left if _BUDGET.active else limits.MAX_PDF_UNPACKED_BYTES


def _inflate(data: bytes) -> bytes:
    """zlib, never past the budget; a stream broken midway gives what came before the
    break (as pdfminer does)."""
    inflater = zlib.decompressobj()
    out = []
    size = 0
    chunk = data
    try:
        while chunk:
            piece = inflater.decompress(chunk, min(_CHUNK, _room() - size + 1))
            size += len(piece)
            out.append(piece)
            if size > _room():
                raise _refuse()
            chunk = inflater.unconsumed_tail
            _check_time()
            if not piece and not chunk:
                break
    except zlib.error:
        pass
    return b"".join(out)


def _lzw(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    out = []
    size = 0
    for number, piece in enumerate(LZWDecoder(BytesIO(data)).run()):
        size += len(piece)
        if size > _room():
            raise _refuse()
        out.append(piece)
        if not number & 0xFFF:
            _check_time()
    return b"".join(out)


def _run_length(data: bytes) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5), as bytes and within the budget."""
    out = bytearray()
    at = 0
    while at < len(data):
        length = data[at]
        if length == 128:
            break
        if length < 128:
            out += data[at + 1: at + 2 + length]
            at += 2 + length
        else:
            if at + 1 >= len(data):
                break
            out += data[at + 1: at + 2] * (257 - length)
            at += 2
        if len(out) > _room():
            raise _refuse()
        if not at & 0xFFFF:
            _check_time()
    return bytes(out)


def checked_decode(self: Any) -> None:
    """pdfminer's ``PDFStream.decode`` with every filter bounded by the file's budget."""
    from pdfminer import pdftypes as t
    from pdfminer.psexceptions import PSEOF  # noqa: F401  (pdfminer's own errors pass)

    assert self.data is None and self.rawdata is not None
    data = self.rawdata
    if self.decipher:
        data = self.decipher(self.objid, self.genno, data, self.attrs)
    for name, params in self.get_filters():
        _check_time()
        if name in t.LITERALS_FLATE_DECODE:
            data = _inflate(data)
        elif name in t.LITERALS_LZW_DECODE:
            data = _lzw(data)
        elif name in t.LITERALS_ASCII85_DECODE:
            data = t.ascii85decode(data)
        elif name in t.LITERALS_ASCIIHEX_DECODE:
            data = t.asciihexdecode(data)
        elif name in t.LITERALS_RUNLENGTH_DECODE:
            data = _run_length(data)
        elif name in t.LITERALS_CCITTFAX_DECODE:
            columns = t.int_value((params or {}).get("Columns", 1728))
            rows = t.int_value((params or {}).get("Rows", 0))
            if max(columns, 1) * max(rows, 1) // 8 > _room():
                raise _refuse()
            data = t.ccittfaxdecode(data, params)
        elif name in t.LITERALS_DCT_DECODE or name in t.LITERALS_JBIG2_DECODE or \
                name in t.LITERALS_JPX_DECODE:
            pass  # pictures stay compressed: nothing here draws them
        elif name == t.LITERAL_CRYPT:
            raise t.PDFNotImplementedError("/Crypt filter is unsupported")
        else:
            raise t.PDFNotImplementedError(f"Unsupported filter: {name!r}")
        if len(data) > _room():
            raise _refuse()
        if params and "Predictor" in params:
            data = _predicted(t, data, params)
    _spend(len(data))
    self.data = data
    self.rawdata = None


def _predicted(t: Any, data: bytes, params: dict[str, Any]) -> bytes:
    predictor = t.int_value(params["Predictor"])
    if predictor == 1:
        return data
    colors = t.int_value(params.get("Colors", 1))
    columns = t.int_value(params.get("Columns", 1))
    bits = t.int_value(params.get("BitsPerComponent", 8))
    if colors * columns * bits > 8 * _CHUNK * 64:  # a row of gigabytes is no row of a PDF
        raise _refuse()
    if predictor == 2:
        return bytes(t.apply_tiff_predictor(colors, columns, bits, data))
    if predictor >= 10:
        return bytes(t.apply_png_predictor(predictor, colors, columns, bits, data))
    raise t.PDFNotImplementedError(f"Unsupported predictor: {predictor!r}")


def _count_glyph(original: Any) -> Any:
    def render_char(self: Any, *args: Any, **kwargs: Any) -> Any:
        _BUDGET.glyphs += 1
        if _BUDGET.active:
            if _BUDGET.glyphs > limits.MAX_PDF_PAGE_GLYPHS:
                raise RoadmapLimitExceeded(
                    _BUDGET.file, "MAX_PDF_PAGE_GLYPHS",
                    f"на странице PDF больше {count(limits.MAX_PDF_PAGE_GLYPHS)} знаков")
            if not _BUDGET.glyphs & 0x3FF:
                _check_time()
        return original(self, *args, **kwargs)

    render_char.karta_counted = True  # type: ignore[attr-defined]
    return render_char


def install() -> None:
    """Put the bounded decoder and the glyph count into pdfminer (once per process)."""
    from pdfminer.converter import PDFLayoutAnalyzer
    from pdfminer.pdftypes import PDFStream

    PDFStream.decode = checked_decode  # type: ignore[method-assign]
    if not getattr(PDFLayoutAnalyzer.render_char, "karta_counted", False):
        PDFLayoutAnalyzer.render_char = _count_glyph(  # type: ignore[method-assign]
            PDFLayoutAnalyzer.render_char)
