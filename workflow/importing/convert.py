"""Reading .doc (Word 97–2003), .odt and .rtf: LibreOffice converts them to .docx first.

LibreOffice runs headless in a temporary folder of its own, with a private profile
(``-env:UserInstallation``: two conversions never share one, and the user's is never
touched), for at most CONVERT_SECONDS; the .docx it writes is then read like any other,
within every limit of the .docx reader. The conversion's time is its own budget: the
read's time budget starts again after it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from workflow.errors import RoadmapFormatError, RoadmapLimitExceeded
from workflow.importing import limits
from workflow.importing.limits import Deadline, megabytes, shown
from workflow.importing.sources import Item

PROGRAMS = ("soffice", "libreoffice")


def find_office() -> str | None:
    """The LibreOffice program on PATH, or None."""
    for program in PROGRAMS:
        found = shutil.which(program)
        if found:
            return found
    return None


def missing_office(name: str) -> RoadmapFormatError:
    """The error when LibreOffice is not installed."""
    suffix = Path(name).suffix.lower()
    return RoadmapFormatError(
        name, None, f"для чтения файлов {suffix} нужна программа LibreOffice (soffice), "
                    "она не найдена: установите LibreOffice или сохраните файл в формате "
                    ".docx")


def convert_to_docx(name: str, data: bytes) -> bytes:
    """The .docx LibreOffice makes of a .doc, .odt or .rtf file's bytes."""
    office = find_office()
    if office is None:
        raise missing_office(name)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="karta-convert-") as folder:
        work = Path(folder)
        source = work / f"source{suffix}"  # never the user's file name on a command line
        source.write_bytes(data)
        out = work / "out"
        command = [office, f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                   "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML",
                   "--outdir", str(out), str(source)]
        environment = dict(os.environ, HOME=str(work))
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, env=environment, cwd=work,
                                   start_new_session=True)
        try:
            _, errors = process.communicate(timeout=limits.CONVERT_SECONDS)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise RoadmapLimitExceeded(
                name, "CONVERT_SECONDS", "LibreOffice преобразовывал файл дольше "
                                         f"{limits.CONVERT_SECONDS:g} с; файл слишком велик "
                                         "или повреждён") from None
        finally:
            _stop(process)
        result = out / "source.docx"
        if not result.is_file():
            reason = shown(errors.decode("utf-8", "replace"), 120)
            raise RoadmapFormatError(name, None, "LibreOffice не смог преобразовать файл "
                                                 f"в .docx{': ' + reason if reason else ''}")
        if result.stat().st_size > limits.MAX_UNPACKED_BYTES:
            raise RoadmapLimitExceeded(name, "MAX_UNPACKED_BYTES", "файл после "
                                       "преобразования больше "
                                       f"{megabytes(limits.MAX_UNPACKED_BYTES)}")
        return result.read_bytes()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the conversion's process group (soffice starts soffice.bin) if it still runs."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def read_converted(name: str, data: bytes, deadline: Deadline) -> list[Item]:
    """Items of a .doc, .odt or .rtf file, read through LibreOffice as .docx."""
    from workflow.importing.word import read_docx

    started = time.monotonic()
    converted = convert_to_docx(name, data)
    deadline.extend(time.monotonic() - started)
    return read_docx(name, converted, deadline)
