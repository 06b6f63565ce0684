"""The committed lock and pyproject.toml agree (issue 17: a range changed without a refreshed
lock must fail CI, not install something nobody reviewed)."""

from __future__ import annotations

from pathlib import Path

from tests.lockfile import LOCK, PYPROJECT, digest, disagreements, stamp


def test_the_committed_lock_is_made_from_the_declared_dependencies() -> None:
    assert disagreements() == []


def test_every_locked_line_carries_hashes() -> None:
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    pinned = [number for number, line in enumerate(lines)
              if "==" in line and not line.lstrip().startswith("#")]
    assert len(pinned) > 50
    for number in pinned:
        assert lines[number + 1].strip().startswith("--hash=sha256:"), lines[number]


def _copy(tmp_path: Path, pyproject: str, lock: str) -> tuple[Path, Path]:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (tmp_path / "requirements.lock").write_text(lock, encoding="utf-8")
    return tmp_path / "pyproject.toml", tmp_path / "requirements.lock"


def test_a_range_changed_without_a_new_lock_is_named(tmp_path: Path) -> None:
    source = PYPROJECT.read_text(encoding="utf-8").replace('"babel>=2.14,<3"',
                                                          '"babel>=2.14,<2.15"')
    pyproject, lock = _copy(tmp_path, source, LOCK.read_text(encoding="utf-8"))
    found = disagreements(pyproject, lock)
    assert any("не из нынешних зависимостей" in problem for problem in found)
    assert any(problem.startswith("babel==") and "вне «<2.15,>=2.14»" in problem
               for problem in found), found


def test_a_new_dependency_missing_from_the_lock_is_named(tmp_path: Path) -> None:
    source = PYPROJECT.read_text(encoding="utf-8").replace(
        '"click>=8.1",', '"click>=8.1",\n    "no-such-package-karta>=1",')
    pyproject, lock = _copy(tmp_path, source, LOCK.read_text(encoding="utf-8"))
    stamp(pyproject, lock)  # even a fresh stamp cannot hide a missing pin
    assert disagreements(pyproject, lock) == ["no-such-package-karta не закреплён в "
                                              "requirements.lock"]


def test_the_stamp_ignores_the_order_and_spelling_of_declarations() -> None:
    assert digest(["Babel >= 2.14, <3", "click>=8.1"]) == digest(["click>=8.1", "babel<3,>=2.14"])
