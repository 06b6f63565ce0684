"""PDF streams are inflated within one budget whatever their filters (issue 18): the
abbreviation «/Fl», filter arrays, «/ToUnicode» maps, forms drawn by forms, RunLength; a page
of a million glyphs is refused while it is laid out. Each hostile file is refused in under
10 s with a peak under 300 MB, measured here in a child process of its own."""

from __future__ import annotations

import binascii
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tests.conftest import ROOT

UNPACKED = 200 * 1024 * 1024  # what each bomb unpacks to: over the file's budget of 64 MB


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 is the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    start = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n"
            "%%EOF\n").encode()
    return bytes(out)


def _stream(data: bytes, filters: bytes, extra: bytes = b"") -> bytes:
    return (b"<< /Length %d /Filter %s %s >>\nstream\n" % (len(data), filters, extra) + data
            + b"\nendstream")


def _zeros(size: int) -> bytes:
    """``size`` spaces, compressed (about a thousandth of the size)."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    return b"".join(packer.compress(chunk) for _ in range(size >> 20)) + packer.flush()


def _page(contents: bytes, resources: bytes = b"") -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << " + resources + b" >> >>",
            contents]


FONT = b"/Font << /F1 5 0 R >>"
TEXT = b"BT /F1 12 Tf 72 700 Td (x) Tj ET"


def bombs() -> dict[str, bytes]:
    packed = _zeros(UNPACKED)
    hexed = binascii.hexlify(packed) + b">"
    run = b"\x81 " * (UNPACKED // 128)  # 128 spaces from every two bytes
    runs = zlib.compress(run, 9)
    return {
        "abbreviated /Fl": _pdf(_page(_stream(packed, b"/Fl"))),
        "a filter array": _pdf(_page(_stream(hexed, b"[/AHx /FlateDecode]"))),
        "a RunLength chain": _pdf(_page(_stream(runs, b"[/FlateDecode /RunLengthDecode]"))),
        "a ToUnicode map": _pdf(_page(
            _stream(zlib.compress(TEXT), b"/FlateDecode"), FONT) + [
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
            _stream(packed, b"/FlateDecode")]),
        "forms drawing forms": _pdf(_page(
            _stream(zlib.compress(b"/X1 Do"), b"/FlateDecode"),
            b"/XObject << /X1 5 0 R >>") + [
            _stream(zlib.compress(b"/X2 Do"), b"/FlateDecode",
                    b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                    b"/Resources << /XObject << /X2 6 0 R >> >>"),
            _stream(packed, b"/FlateDecode",
                    b"/Type /XObject /Subtype /Form /BBox [0 0 595 842]")]),
        "a million glyphs on a page": _pdf(_page(
            _stream(zlib.compress(b"BT /F1 1 Tf 0 0 Td (" + b"x" * 1_000_000 + b") Tj ET", 9),
                    b"/FlateDecode"), FONT) + [
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]),
    }


_PROBE = """
import json, sys, time
sys.path.insert(0, {root!r})
from workflow.errors import KartaError
from workflow.importing import read_roadmap
started = time.monotonic()
try:
    read_roadmap(__import__("pathlib").Path(sys.argv[1]))
    outcome = ["read", ""]
except KartaError as error:
    outcome = [getattr(error, "limit", type(error).__name__), str(error)]
# VmHWM: this process's own peak (ru_maxrss would count the test runner it was forked from)
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(json.dumps({{"outcome": outcome, "seconds": time.monotonic() - started,
                   "peak_mb": peak / 1024}}))
"""


@pytest.mark.parametrize("name", list(bombs()))
def test_a_hostile_pdf_is_refused_quickly_and_in_little_memory(tmp_path: Path,
                                                                name: str) -> None:
    data = bombs()[name]
    assert len(data) < 3 * 1024 * 1024
    path = tmp_path / "bomb.pdf"
    path.write_bytes(data)
    probe = subprocess.run([sys.executable, "-c", _PROBE.format(root=str(ROOT)), str(path)],
                           capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr[-2000:]
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    limit, message = found["outcome"]
    assert limit in ("MAX_PDF_UNPACKED_BYTES", "MAX_PDF_PAGE_GLYPHS"), found
    assert message.startswith("bomb.pdf: ") and "\n" not in message
    assert found["seconds"] < 10, found
    assert found["peak_mb"] < 300, found
