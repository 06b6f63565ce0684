"""Fuzzing the importer: a short fixed-seed run of ``tests.fuzz_import`` and property tests.

Every outcome of ``read_roadmap`` on any bytes must be a draft or a ``KartaError`` with a
one-line message that starts with the file's name.
"""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz_import
from tests import hostile_files as h
from workflow.errors import KartaError
from workflow.importing import Period, read_roadmap

PERIOD = Period(2021, 2023)
_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


def _result_or_clear_error(path: Path) -> None:
    try:
        read_roadmap(path, PERIOD)
    except KartaError as error:
        message = str(error)
        assert message.startswith(path.name) and "\n" not in message, message


def test_fuzz_run_of_200_mutants_has_no_traceback() -> None:
    started = time.monotonic()
    tally = fuzz_import.run(200, seed=20240601, out=lambda _: None)
    assert tally.runs == 200
    assert tally.failures == []
    assert tally.results + tally.clear_errors == 200
    assert tally.results > 0 and tally.clear_errors > 0  # the run reaches both outcomes
    assert time.monotonic() - started < 20


@_SETTINGS
@given(text=st.text(max_size=2000), suffix=st.sampled_from([".txt", ".csv", ".md", ".tsv"]))
def test_any_text_is_read_or_refused(tmp_path: Path, text: str, suffix: str) -> None:
    path = tmp_path / f"any{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _result_or_clear_error(path)


@_SETTINGS
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".docx", ".xlsx", ".csv"]))
def test_any_bytes_are_read_or_refused(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    _result_or_clear_error(path)


_GRID_VALUES = st.one_of(st.integers(-10**12, 10**12).map(str), st.text(max_size=12))


@_SETTINGS
@given(span=_GRID_VALUES, before=_GRID_VALUES, cell=st.text(max_size=200))
def test_any_merge_values_and_cell_text_in_word(tmp_path: Path, span: str, before: str,
                                                cell: str) -> None:
    from xml.sax.saxutils import quoteattr

    legal = "".join(ch for ch in cell if ch in "\t\n\r" or " " <= ch <= "\ud7ff"
                    or "\ue000" <= ch <= "\ufffd")
    row = (f"<w:tr><w:trPr><w:gridBefore w:val={quoteattr(before)}/></w:trPr>"
           + h.cell("1.") + h.cell(legal, f"<w:gridSpan w:val={quoteattr(span)}/>")
           + h.cell("Ежегодно") + "</w:tr>")
    path = tmp_path / "merge.docx"
    path.write_bytes(h.docx(h.paragraph(h.TITLE) + "<w:tbl>" + h.row(h.HEADER) + row
                            + "</w:tbl>"))
    _result_or_clear_error(path)
