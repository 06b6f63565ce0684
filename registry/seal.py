"""A key outside the database that seals the log.

The hash chain proves the log was not changed *unless* whoever changed it computed the
hashes again — and the database's owner can. So karta keeps a secret key outside the
database (a file readable by the server's account only) and seals with it:

- every event: ``seal = HMAC-SHA256(key, hash)``, written with the event; an event inserted
  or rewritten by someone without the key carries no valid seal;
- the log's head after every change: a sealed checkpoint appended to a file outside the
  database (``karta-checkpoints.jsonl``): a log cut at its end, or rewritten from any point,
  no longer matches it;
- every browser session: valid only with the sealed «login» event that opened it, so a row
  inserted into ``websession`` is no session.

Where the key is: ``KARTA_LOG_KEY`` (a path), else ``karta-log.key`` beside a SQLite file
(made by ``karta init``); a shared PostgreSQL deployment configures it on its servers
(``karta audit key`` makes one). Without a key karta works as before and ``audit verify``
says the log is not sealed.
"""

from __future__ import annotations

import hmac
import os
import secrets
from functools import lru_cache
from hashlib import sha256
from pathlib import Path

from workflow.errors import KartaError

KEY_FILE = "karta-log.key"
ENVIRONMENT = "KARTA_LOG_KEY"


def key_path(folder: Path | None) -> Path | None:
    """Where the key of a database is looked for (``folder``: a SQLite file's folder)."""
    configured = os.environ.get(ENVIRONMENT)
    if configured:
        return Path(configured)
    return folder / KEY_FILE if folder is not None else None


@lru_cache(maxsize=16)
def _read(path: str, _stamp: float) -> bytes:
    data = Path(path).read_bytes().strip()
    if len(data) < 32:
        raise KartaError(f"ключ журнала {path} слишком короткий (нужно не меньше 32 байт)")
    return data


def load_key(folder: Path | None) -> bytes | None:
    """The key, or None when none is configured here."""
    path = key_path(folder)
    if path is None or not path.is_file():
        return None
    try:
        return _read(str(path), path.stat().st_mtime)
    except OSError as error:
        raise KartaError(f"ключ журнала {path} не читается: {error.strerror or error}") from None


def make_key(path: Path) -> Path:
    """A new random key in a file only its owner may read; an existing key is never
    replaced (events sealed with it could no longer be checked)."""
    if path.exists():
        raise KartaError(f"ключ журнала уже есть: {path}; он не заменяется")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return path


def seal(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), sha256).hexdigest()


def sealed(key: bytes, text: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(seal(key, text), str(given))


# ----------------------------------------------------------------------------- checkpoints

CHECKPOINTS = "karta-checkpoints.jsonl"


def checkpoints_path(folder: Path | None) -> Path:
    """Where checkpoints are kept unless told: KARTA_CHECKPOINTS, beside a SQLite file,
    beside a server's configured key, or the current folder."""
    configured = os.environ.get("KARTA_CHECKPOINTS")
    if configured:
        return Path(configured)
    if folder is None and os.environ.get(ENVIRONMENT):
        folder = Path(os.environ[ENVIRONMENT]).parent
    return (folder or Path.cwd()) / CHECKPOINTS


def mark_digest(mark: dict[str, object]) -> str:
    import json

    content = {key: mark[key] for key in ("organisation", "seq", "hash", "at", "by", "log")
               if key in mark}
    return sha256(json.dumps(content, ensure_ascii=False, sort_keys=True)
                  .encode("utf-8")).hexdigest()


def append_checkpoint(target: Path, mark: dict[str, object], key: bytes | None) -> None:
    """One checkpoint line (its digest, and its seal when there is a key)."""
    import json

    mark["digest"] = mark_digest(mark)
    if key:
        mark["seal"] = seal(key, str(mark["digest"]))
    with target.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(mark, ensure_ascii=False) + "\n")
