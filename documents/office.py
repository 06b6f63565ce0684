"""PDF through LibreOffice: one warm LibreOffice for a batch, or one ``soffice`` per file.

Starting LibreOffice costs 1–3 s; converting a document in a running one, a tenth of that.
A batch therefore keeps LibreOffice warm: ``WarmOffice`` runs unoserver's server — under the
python that has LibreOffice's own ``uno`` module (Debian's python3 with python3-uno; karta's
virtual environment has no uno) — on free local ports with a private profile, talks to it
over XML-RPC from karta's process, bounds every file in time, and stops it (the whole
process group) when the batch ends, fails or is interrupted. The server ends by itself if
karta is killed (``documents/office_server.py``). Without uno or unoserver a batch falls
back to one ``soffice --convert-to pdf`` per file (``PerFileOffice``), slower but the same
PDF; without LibreOffice it is refused with the command that installs it.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from workflow.errors import KartaError

FILE_SECONDS = 120  # one document's conversion, in either way
START_SECONDS = 60  # a warm LibreOffice has this long to start taking requests
NO_OFFICE = ("для PDF нужен LibreOffice: apt-get install -y libreoffice-writer "
             "fonts-liberation")
SERVER = Path(__file__).with_name("office_server.py")


class PdfConverter(Protocol):
    """Something that turns a .docx's bytes into a PDF's."""

    way: str  # how, for people: «LibreOffice (unoserver)», «soffice на каждый файл»

    def convert(self, data: bytes, name: str) -> bytes: ...

    def stop(self) -> None: ...


class ConversionFailed(KartaError):
    """LibreOffice did not make a PDF of one document (the batch goes on without it)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"«{name}»: {reason}")
        self.name = name
        self.reason = reason


class _Exited(KartaError):
    """The office's server ended before it took requests."""


def find_office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_office() -> str:
    office = find_office()
    if office is None:
        raise KartaError(NO_OFFICE)
    return office


# ----------------------------------------------------------------------------- on demand

OFFICE_SLOTS = 2  # LibreOffices converting at once for one server process (~170 MB each)
WAIT_SECONDS = 180.0  # how long a request waits for its turn before it is told to retry
_SLOTS = threading.BoundedSemaphore(OFFICE_SLOTS)


def convert_pdf(data: bytes, name: str) -> bytes:
    """One file converted on demand (a preview, a download): at most OFFICE_SLOTS at a time
    in this process, the others queued (``registry.renditions`` keeps what is made)."""
    if not _SLOTS.acquire(timeout=WAIT_SECONDS):
        raise KartaError("сервер занят преобразованием других файлов; повторите через "
                         "минуту")
    try:
        return soffice_pdf(data, name)
    finally:
        _SLOTS.release()


# ----------------------------------------------------------------------------- one per file

def soffice_pdf(data: bytes, name: str, seconds: float = FILE_SECONDS,
                running: set[subprocess.Popen[bytes]] | None = None) -> bytes:
    """One document converted by a LibreOffice started for it alone, in a private folder
    and profile (today's way, and the fallback); ``running`` holds it meanwhile, for a
    batch that is stopped."""
    office = require_office()
    with tempfile.TemporaryDirectory(prefix="karta-pdf-") as work:
        source = Path(work) / "document.docx"  # never the user's name on a command line
        source.write_bytes(data)
        process = subprocess.Popen(
            [office, f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}",
             "--headless", "--norestore", "--nolockcheck", "--convert-to", "pdf",
             "--outdir", work, str(source)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            env=dict(os.environ, HOME=work), start_new_session=True)
        if running is not None:
            running.add(process)
        try:
            out, errors = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            raise ConversionFailed(name, f"LibreOffice не преобразовал файл в PDF за "
                                         f"{seconds:g} с") from None
        finally:
            _end_group(process)
            if running is not None:
                running.discard(process)
        made = Path(work) / "document.pdf"
        if process.returncode != 0 or not made.is_file():
            text = (errors or out).decode("utf-8", "replace").strip()[:200]
            raise ConversionFailed(name, f"LibreOffice не смог преобразовать файл в PDF: {text}")
        return made.read_bytes()


class PerFileOffice:
    """The fallback: one ``soffice`` per document."""

    way = "soffice на каждый файл"

    def __init__(self, why: str | None = None) -> None:
        if why:
            self.way = f"{self.way}: {why}"
        self.running: set[subprocess.Popen[bytes]] = set()
        self.closed = False

    def convert(self, data: bytes, name: str) -> bytes:
        if self.closed:
            raise ConversionFailed(name, "выгрузка остановлена")
        return soffice_pdf(data, name, running=self.running)

    def stop(self) -> None:
        """End the conversions under way (a batch stopped by an error or Ctrl-C)."""
        self.closed = True
        for process in list(self.running):
            _end_group(process)


# ----------------------------------------------------------------------------- warm

@lru_cache(maxsize=1)
def uno_python() -> str | None:
    """A python that can import LibreOffice's uno: ``KARTA_UNO_PYTHON``, the system's
    python3, or the one LibreOffice ships beside soffice (its own builds)."""
    candidates = [os.environ.get("KARTA_UNO_PYTHON", ""), "/usr/bin/python3",
                  shutil.which("python3") or ""]
    office = find_office()
    if office:
        program = Path(os.path.realpath(office)).parent
        candidates += [str(program / "python"), str(program / "python.bin")]
    for candidate in dict.fromkeys(c for c in candidates if c):
        if not os.access(candidate, os.X_OK):
            continue
        try:
            found = subprocess.run([candidate, "-c", "import uno"], capture_output=True,
                                   timeout=30, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if found.returncode == 0:
            return candidate
    return None


def unoserver_folder() -> Path | None:
    """Where karta's unoserver is installed (its package and metadata), or None."""
    from importlib import metadata

    try:
        distribution = metadata.distribution("unoserver")
    except metadata.PackageNotFoundError:
        return None
    folder = Path(str(distribution.locate_file("")))
    return folder if (folder / "unoserver" / "server.py").is_file() else None


def warm_unavailable() -> str | None:
    """Why a warm LibreOffice cannot be used here (None when it can)."""
    if find_office() is None:
        return NO_OFFICE
    if unoserver_folder() is None:
        return "пакет unoserver не установлен в окружении karta"
    if uno_python() is None:
        return ("нет модуля uno для Python (apt-get install -y python3-uno; или укажите "
                "KARTA_UNO_PYTHON)")
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a time limit on every call."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def make_connection(self, host: object) -> object:  # type: ignore[override]
        connection = super().make_connection(host)  # type: ignore[arg-type]
        connection.timeout = self.seconds
        return connection


class WarmOffice:
    """One LibreOffice kept running for a batch (unoserver), on free local ports, with a
    private profile; a file that takes longer than ``seconds`` fails alone and the office
    is started afresh for the next."""

    way = "LibreOffice (unoserver)"

    def __init__(self, seconds: float | None = None) -> None:
        reason = warm_unavailable()
        if reason is not None:
            raise KartaError(reason)
        self.seconds = FILE_SECONDS if seconds is None else seconds
        self.process: subprocess.Popen[bytes] | None = None
        self.work: tempfile.TemporaryDirectory[str] | None = None
        self.port = 0
        self.closed = False  # stopped for good: never started again
        self.lock = threading.Lock()

    def __enter__(self) -> WarmOffice:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server and wait until it takes requests."""
        with self.lock:
            if self.closed:
                raise KartaError("выгрузка остановлена")
            self._start()

    def _start(self, attempts: int = 3) -> None:
        """Start; a server that exits at once (a port taken between choosing it and
        binding it, by another program) is tried again on other ports."""
        for attempt in range(attempts):
            try:
                self._start_once()
                return
            except _Exited:
                if attempt == attempts - 1:
                    raise

    def _start_once(self) -> None:
        self.work = tempfile.TemporaryDirectory(prefix="karta-warm-office-")
        folder = Path(self.work.name)
        path = folder / "path"  # unoserver alone on the server's path, not karta's packages
        path.mkdir()
        source = unoserver_folder()
        assert source is not None
        for entry in source.iterdir():
            if entry.name == "unoserver" or (entry.name.startswith("unoserver-")
                                             and entry.name.endswith(".dist-info")):
                (path / entry.name).symlink_to(entry)
        self.port, uno_port = free_port(), free_port()
        python = uno_python()
        assert python is not None
        log = (folder / "server.log").open("wb")
        environment = dict(os.environ, PYTHONPATH=str(path), HOME=str(folder))
        environment.pop("PYTHONHOME", None)
        self.process = subprocess.Popen(
            [python, str(SERVER), str(self.port), str(uno_port), str(folder / "profile"),
             require_office(), repr(float(self.seconds)), str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, env=environment,
            cwd=folder, start_new_session=True)  # its own group: stopped whole
        log.close()
        deadline = time.monotonic() + START_SECONDS
        assert self.process.stdout is not None
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                problem = self._log_tail()
                self._halt()
                raise (KartaError if left <= 0 else _Exited)(
                    "LibreOffice (unoserver) не запустился"
                    + (f" за {START_SECONDS} с" if left <= 0 else "")
                    + (f": {problem}" if problem else ""))
            ready, _, _ = select.select([self.process.stdout], [], [], min(left, 0.5))
            if ready and self.process.stdout.readline().strip() == b"ready":
                return

    def _log_tail(self) -> str:
        if self.work is None:
            return ""
        try:
            lines = (Path(self.work.name) / "server.log").read_text("utf-8", "replace")
        except OSError:
            return ""
        found = [line for line in lines.splitlines() if line.strip()]
        return found[-1][:200] if found else ""

    def convert(self, data: bytes, name: str) -> bytes:
        """A .docx's bytes as PDF, within ``seconds``; a file that fails restarts the
        office (it may have taken LibreOffice down with it)."""
        with self.lock:
            if self.closed:
                raise ConversionFailed(name, "выгрузка остановлена")
            if self.process is None or self.process.poll() is not None:
                self._halt()
                self._start()
        proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}",
                                          transport=_Transport(self.seconds + 5),
                                          allow_none=True)
        started = time.monotonic()
        try:
            result = proxy.convert(None, xmlrpc.client.Binary(data), None, "pdf")
        except (OSError, xmlrpc.client.Error) as error:
            # the server ends LibreOffice when a file takes too long (and the answer may
            # never come): either way this office is spent, the next file starts another
            self.restart()
            if isinstance(error, TimeoutError) or time.monotonic() - started >= self.seconds:
                raise ConversionFailed(name, "LibreOffice не преобразовал файл в PDF за "
                                             f"{self.seconds:g} с") from None
            reason = getattr(error, "faultString", None) or str(error)
            raise ConversionFailed(name, "LibreOffice не смог преобразовать файл в PDF: "
                                         f"{reason.strip()[:200]}") from None
        pdf = bytes(result.data) if isinstance(result, xmlrpc.client.Binary) else b""
        if not pdf.startswith(b"%PDF"):
            raise ConversionFailed(name, "LibreOffice вернул не PDF")
        return pdf

    def restart(self) -> None:
        """Stop the office after a failed file; the next file starts a fresh one."""
        with self.lock:
            self._halt()

    def stop(self) -> None:
        """Stop the server and its LibreOffice (the whole process group) for good, then
        remove the profile; safe from any thread, any number of times."""
        with self.lock:
            self.closed = True
            self._halt()

    def _halt(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            _end_group(process, polite=False)
            if process.stdout is not None:
                process.stdout.close()
        work, self.work = self.work, None
        if work is not None:
            work.cleanup()


def _end_group(process: subprocess.Popen[bytes], polite: bool = True) -> None:
    """End a process started in a group of its own, and everything it started: politely,
    then for certain (at once when not ``polite``: a private profile has nothing to save)."""
    signals = ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)) if polite else \
        ((signal.SIGKILL, 5.0),)
    for sent, wait in signals:
        try:
            os.killpg(process.pid, sent)
        except (ProcessLookupError, PermissionError):
            break
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
        # the leader is gone; its children (soffice.bin) may linger a moment
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _group_alive(process.pid):
            time.sleep(0.05)
        if not _group_alive(process.pid):
            break
    if process.poll() is None:
        process.wait()


def _group_alive(group: int) -> bool:
    """Whether a process of the group still runs (a zombie waiting to be reaped by init
    does not: it holds nothing)."""
    proc = Path("/proc")
    if proc.is_dir():
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if len(fields) > 2 and fields[2] == str(group) and fields[0] != "Z":
                return True
        return False
    try:
        os.killpg(group, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


# ----------------------------------------------------------------------------- a batch's

@contextmanager
def pdf_converters(count: int, warm: bool = True) -> Iterator[list[PdfConverter]]:
    """``count`` converters for a batch, each used by one thread: warm LibreOffices when
    they can run here, else one ``soffice`` per file; all stopped at the end, on an error
    or on Ctrl-C (and on SIGTERM, which becomes an interruption meanwhile)."""
    require_office()
    started: list[PdfConverter] = []
    previous = None
    if _main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        why = "по запросу" if not warm else warm_unavailable()
        if why is not None:
            started = [PerFileOffice(why) for _ in range(max(1, count))]
        else:
            offices = [WarmOffice() for _ in range(max(1, count))]
            started = list(offices)
            if len(offices) == 1:
                offices[0].start()
            else:  # the offices start side by side: each takes a second or two, waiting
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(len(offices)) as pool:
                    for future in [pool.submit(office.start) for office in offices]:
                        future.result()
        yield list(started)
    finally:
        for converter in started:
            converter.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread() and sys.platform != "win32"
