"""LibreOffice for tests: converting the files tests build into the formats clerks get.

A page break falling inside a table row is how the artefacts of issue 10 arise, so the
tests write .docx files and let LibreOffice make .doc, .odt, .rtf and .pdf of them. Tests
that need it skip on a developer's machine without it and fail in CI (``require_office``):
`make test` installs it.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from workflow.importing.convert import find_office

OFFICE = find_office()


def require_office() -> None:
    """Skip without LibreOffice on a developer's machine; fail in CI (``CI`` or
    ``KARTA_TEST_PG_URL`` set), where a silent skip would hide untested formats."""
    if OFFICE is not None:
        return
    if os.environ.get("CI") or os.environ.get("KARTA_TEST_PG_URL"):
        pytest.fail("LibreOffice (soffice) is not installed: the .doc/.odt/.rtf tests cannot "
                    "run in CI; `make test` installs it (apt-get install libreoffice-writer)",
                    pytrace=False)
    pytest.skip("LibreOffice (soffice) not installed")


_FILTERS = {".pdf": "pdf:writer_pdf_Export", ".odt": "odt", ".rtf": "rtf",
            ".doc": "doc:MS Word 97", ".docx": "docx:MS Word 2007 XML"}


def convert_all(paths: list[Path], suffix: str, folder: Path) -> list[Path]:
    """``paths`` converted to ``suffix`` by one run of LibreOffice, into ``folder`` (each
    named like its source with the new suffix); the converted paths in the same order."""
    assert OFFICE is not None, "LibreOffice is not installed"
    if suffix == ".doc" and any(path.suffix == ".docx" for path in paths):
        # LibreOffice 7.4 writes the tables of a python-docx file after the first into .doc
        # as plain paragraphs; from its own .odt it writes them right
        paths = convert_all(paths, ".odt", folder / "via")
    out = folder / suffix.lstrip(".")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="karta-office-") as profile:
        for start in range(0, len(paths), 50):  # a command line of reasonable length
            subprocess.run(
                [OFFICE, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                 "--norestore", "--convert-to", _FILTERS[suffix], "--outdir", str(out),
                 *map(str, paths[start:start + 50])],
                check=True, capture_output=True, timeout=600)
    converted = [out / f"{path.stem}{suffix}" for path in paths]
    missing = [path.name for path in converted if not path.is_file()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return converted


def require_warm_office() -> None:
    """As ``require_office``, for a LibreOffice kept warm by karta: its server needs the
    ``uno`` module for the system's python (python3-uno, installed by `make test`)."""
    require_office()
    from documents.office import warm_unavailable

    reason = warm_unavailable()
    if reason is None:
        return
    if os.environ.get("CI") or os.environ.get("KARTA_TEST_PG_URL"):
        pytest.fail(f"a warm LibreOffice cannot run here: {reason}; `make test` installs "
                    "python3-uno", pytrace=False)
    pytest.skip(f"a warm LibreOffice cannot run here: {reason}")
