"""Rendering a template nobody at karta wrote: in a process of its own, with limits the
operating system enforces.

The sandbox (``documents.sandbox``) checks its budget between Jinja operations; a filter
that works long inside one call (karta's grammar on a huge text), an integer that grows
inside one multiplication, or memory taken inside one call escape such checks. A template
registered by an administrator therefore renders in a worker process started for that
purpose, whose address space is capped (``RLIMIT_AS``) and whose processor time for each
render is capped (``RLIMIT_CPU``): past the cap the kernel stops it, whatever it was doing.
The worker is kept for the next render (starting one costs about a second); one that was
stopped is replaced. The templates shipped with karta, checked by their SHA-256, render in
the calling process (``registry.documents.render_document`` decides).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from workflow.errors import (
    KartaError,
    MissingTemplateVariable,
    TemplateLimitExceeded,
    TemplateProblem,
)

CPU_SECONDS = 10  # of processor time for one document (all its parts)
MEMORY_BYTES = 512 * 1024 * 1024  # address space of a worker (Python and karta take ~110 MB)
WORKERS = max(2, os.cpu_count() or 1)  # at most this many at once in one process
_STARTUP_SECONDS = 60.0


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, memory: int) -> None:
        context = multiprocessing.get_context("spawn")  # no threads or locks of the parent
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory), daemon=True,
                                       name="karta-template-jail")
        self.process.start()
        child.close()
        self.known: set[str] = set()  # template versions it has compiled

    def render(self, sha256: str, name: str, data: Callable[[], bytes],
               context: dict[str, Any], images: dict[str, bytes], seconds: int) -> Any:
        payload = None if sha256 in self.known else data()
        self.connection.send((sha256, name, payload, context, images, seconds))
        # the kernel stops the worker after ``seconds`` of processor time; this is only
        # for a worker that neither answers nor uses the processor (it cannot happen)
        if not self.connection.poll(seconds * 10 + _STARTUP_SECONDS):
            self.stop()
            raise TemplateLimitExceeded(name, "заполнение не закончилось")
        answer = self.connection.recv()
        self.known.add(sha256)
        return answer

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class Jail:
    """Workers for untrusted templates, shared by the threads of one process."""

    def __init__(self, memory: int = MEMORY_BYTES, size: int = WORKERS) -> None:
        self.memory = memory
        self.owner = os.getpid()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    def render(self, sha256: str, name: str, data: Callable[[], bytes],
               context: dict[str, Any], images: dict[str, bytes] | None = None,
               seconds: int = CPU_SECONDS) -> bytes:
        """The .docx of a template version for a context, rendered in a worker; a
        ``TemplateProblem`` (or ``TemplateLimitExceeded``) naming the template otherwise."""
        with self._slots:
            worker = self._take()
            try:
                answer = worker.render(sha256, name, data, context, images or {}, seconds)
            except (EOFError, OSError, BrokenPipeError):
                answer = ("died", worker.process.exitcode)
            if answer[0] == "died" or not worker.alive():
                worker.process.join(5)
                code = worker.process.exitcode
                worker.stop()
                stopped = TemplateLimitExceeded(name, _why_stopped(code, seconds, self.memory))
                stopped.signal = -code if code is not None and code < 0 else None
                raise stopped
            self._idle.put(worker)
        return _result(name, answer)

    def _take(self) -> _Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return _Worker(self.memory)
            if worker.alive():
                return worker
            worker.stop()

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return


def _why_stopped(code: int | None, seconds: int, memory: int) -> str:
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return (f"заполнение заняло больше {seconds} с процессорного времени (бесконечный или "
                "слишком большой цикл)")
    return (f"заполнение остановлено: процесс шаблона потребовал больше "
            f"{memory // (1024 * 1024)} МБ памяти или завершился с ошибкой")


def _result(name: str, answer: tuple[Any, ...]) -> bytes:
    kind, value, cpu, peak = answer
    if kind == "ok":
        return bytes(value)
    error: KartaError
    if kind == "missing":
        error = MissingTemplateVariable(name, value)
    elif kind == "limit":
        error = TemplateLimitExceeded(name, value)
    elif kind == "memory":
        error = TemplateLimitExceeded(name, "не хватило памяти при заполнении (шаблон создаёт "
                                            "слишком большие значения)")
    elif kind == "problem":
        error = TemplateProblem(name, value)
    else:
        error = KartaError(f"шаблон «{name}»: {value}")
    if isinstance(error, TemplateProblem):  # what the render used before it was refused
        error.cpu_seconds, error.peak_megabytes = cpu, peak
    raise error


# ----------------------------------------------------------------------------- the worker

def _serve(connection: Connection, memory: int) -> None:  # pragma: no cover - in a child
    """The worker's loop: one render per message, each under its processor-time cap."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when it ends
    from documents.render import compiled

    compiled_data: dict[str, bytes] = {}
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        sha256, name, payload, context, images, seconds = message
        if payload is not None:
            compiled_data[sha256] = payload
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (spent + seconds, spent + seconds + 1))
        started = used.ru_utime + used.ru_stime
        try:
            data = compiled(sha256, name, compiled_data[sha256]).render(context, images)
            answer: tuple[str, Any] = ("ok", data)
        except MemoryError:
            answer = ("memory", "")
        except MissingTemplateVariable as error:
            answer = ("missing", error.name)
        except TemplateLimitExceeded as error:
            answer = ("limit", error.reason)
        except TemplateProblem as error:
            answer = ("problem", error.reason)
        except KartaError as error:
            answer = ("error", str(error))
        except Exception as error:  # noqa: BLE001 - an untrusted template: never a traceback
            answer = ("problem", f"ошибка при заполнении: {type(error).__name__}")
        now = resource.getrusage(resource.RUSAGE_SELF)
        cpu = now.ru_utime + now.ru_stime - started
        try:
            connection.send((*answer, cpu, _peak_megabytes()))
        except MemoryError:
            connection.send(("memory", "", cpu, _peak_megabytes()))


def _peak_megabytes() -> float:  # pragma: no cover - in a child
    """The worker's peak resident memory so far (VmHWM: its own, not its parent's)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


_JAIL: Jail | None = None
_JAIL_LOCK = threading.Lock()


def jail() -> Jail:
    """The process's jail (made on first use; a forked child makes its own: the workers
    it inherited by fork are its parent's)."""
    global _JAIL
    with _JAIL_LOCK:
        if _JAIL is None or _JAIL.owner != os.getpid():
            _JAIL = Jail()
        return _JAIL
