"""The lock of exact versions (requirements.lock) and what pyproject.toml declares.

``make lock`` resolves pyproject.toml's ranges into exact versions with hashes (pip-compile)
and then stamps the lock with a digest of the declarations it was made from
(``python tests/lockfile.py --stamp``). ``make test`` checks (tests/test_lock.py) that the
stamp is the digest of pyproject.toml as it is now, and that every declared requirement is
pinned in the lock at a version its range admits: a changed range without a refreshed lock
fails CI instead of installing something nobody reviewed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
STAMP = "# karta: made from pyproject.toml's declarations, sha256 "
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.M)


def declared(pyproject: Path = PYPROJECT) -> list[str]:
    """Every requirement the lock must satisfy: runtime, the test extra and the build's."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data["project"]
    found = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        found += extra
    found += data.get("build-system", {}).get("requires", [])
    return found


def digest(requirements: list[str]) -> str:
    def normal(text: str) -> str:
        requirement = Requirement(text)
        extras = ",".join(sorted(requirement.extras))
        return (f"{canonicalize_name(requirement.name)}[{extras}]{requirement.specifier}"
                f";{requirement.marker or ''}")

    normal = sorted(normal(text) for text in requirements)
    return hashlib.sha256(json.dumps(normal).encode()).hexdigest()


def pins(lock_text: str) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in _PIN.findall(lock_text)}


def disagreements(pyproject: Path = PYPROJECT, lock: Path = LOCK) -> list[str]:
    """What is wrong between the declarations and the lock; empty when they agree."""
    if not lock.exists():
        return [f"нет файла {lock.name}: выполните make lock"]
    text = lock.read_text(encoding="utf-8")
    wanted = declared(pyproject)
    problems = []
    stamp = next((line for line in text.splitlines() if line.startswith(STAMP)), None)
    if stamp is None or stamp[len(STAMP):].strip() != digest(wanted):
        problems.append(f"{lock.name} сделан не из нынешних зависимостей {pyproject.name}: "
                        "выполните make lock и закоммитьте его")
    pinned = pins(text)
    for line in wanted:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} не закреплён в {lock.name}")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} в {lock.name} вне "
                            f"«{requirement.specifier}» из {pyproject.name}")
    return problems


def stamp(pyproject: Path = PYPROJECT, lock: Path = LOCK) -> None:
    lines = [line for line in lock.read_text(encoding="utf-8").splitlines()
             if not line.startswith(STAMP)]
    lines.insert(0, STAMP + digest(declared(pyproject)))
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--stamp"]:
        stamp()
    found = disagreements()
    for problem in found:
        print(f"lock: {problem}", file=sys.stderr)
    sys.exit(1 if found else 0)
