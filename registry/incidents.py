"""The last line of defence: no user ever sees a Python traceback.

Failures of the world that karta can name (a full disk, a file that is not a database, a
database made by another version) become a ``KartaError`` with one Russian line. Anything
else is an incident: one Russian line with its number for the user, and the traceback in an
error log (``karta-errors.log`` beside the database, or ``KARTA_ERROR_LOG``) for whoever
keeps karta running. Both front ends use this.
"""

from __future__ import annotations

import errno
import os
import secrets
import traceback
from datetime import datetime
from pathlib import Path

from workflow.errors import ConfigurationError, KartaError

ERROR_LOG = "karta-errors.log"


def explain(error: BaseException) -> KartaError | None:
    """A known failure as a Russian error, or None for a real incident."""
    if isinstance(error, KartaError):
        return error
    if isinstance(error, OSError):
        code = error.errno
        where = f" ({error.filename})" if getattr(error, "filename", None) else ""
        if code == errno.ENOSPC:
            return KartaError(f"на диске нет места{where}; освободите место и повторите — "
                              "ничего не записано")
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            return KartaError(f"нет прав на запись или чтение{where}")
        if code == errno.ENOENT:
            return KartaError(f"файл или папка не найдены{where}")
        if code == errno.EISDIR:
            return KartaError(f"указана папка, а нужен файл{where}")
        if code == errno.ENOTDIR:
            return KartaError(f"указан файл, а нужна папка{where}")
    if too_large_a_number(error):
        from workflow.errors import UnknownReference

        return UnknownReference("номер", "такого нет: число больше любого номера в базе")
    from sqlalchemy.exc import DatabaseError, OperationalError, ProgrammingError

    if isinstance(error, (DatabaseError, OperationalError, ProgrammingError)):
        text = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error) else ""
        lowered = text.lower()
        if "file is not a database" in lowered or "not a database" in lowered:
            return ConfigurationError("файл базы данных повреждён или это не база SQLite")
        if "no such column" in lowered or "no such table" in lowered or \
                "does not exist" in lowered or "undefinedcolumn" in lowered:
            return ConfigurationError(f"схема базы данных не совпадает с версией karta "
                                      f"({text[:120]}); выполните «karta upgrade»")
        if "database or disk is full" in lowered or "no space" in lowered:
            return KartaError("на диске нет места для базы данных; ничего не записано")
        if "nul" in lowered and "0x00" in lowered:
            return KartaError("в тексте есть нулевой символ (0x00), которого база данных не "
                              "принимает")
        if "readonly" in lowered or "read-only" in lowered:
            return ConfigurationError("база данных доступна только для чтения")
        return ConfigurationError(f"ошибка базы данных: {text[:200]}")
    if isinstance(error, MemoryError):
        return KartaError("не хватило памяти: файл или задание слишком велики")
    if isinstance(error, RecursionError):
        return KartaError("данные слишком глубоко вложены")
    return None


def too_large_a_number(error: BaseException) -> bool:
    """An id, reference or year typed past what a database integer holds (SQLite: 64 bits,
    PostgreSQL: 32 or 64): nothing by that number can exist."""
    for found in (error, getattr(error, "orig", None), error.__cause__):
        if isinstance(found, OverflowError):
            return True
        text = str(found or "").lower()
        if "out of range for type" in text or "int too large" in text or \
                "integer out of range" in text:
            return True
    return False


def error_log(folder: Path | None) -> Path:
    configured = os.environ.get("KARTA_ERROR_LOG")
    if configured:
        return Path(configured)
    return (folder or Path.cwd()) / ERROR_LOG


def report_incident(error: BaseException, folder: Path | None, context: str = "",
                    show_where: bool = True) -> str:
    """Write the traceback to the error log; one Russian line naming the incident (and
    the log's place, for the command line; a web page does not show the server's paths)."""
    incident = datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
    path = error_log(folder)
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"=== инцидент {incident} {context}\n{text}\n")
        where = f"подробности в {path}" if show_where else "подробности в журнале ошибок " \
                                                             "сервера"
    except OSError:
        where = "журнал ошибок записать не удалось"
    return (f"непредвиденный сбой (инцидент {incident}); {where}. Ничего не изменено: "
            "сообщите номер инцидента администратору")
