"""Column widths from the content: every column as wide as its longest word, the widths
adding up to the table's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from documents.layout import CELL_PADDING, _Cell, fit_columns, widths_for

_WORDS = st.text(alphabet="абвгдежзиклмнопрстуфхцчшщыэюя", min_size=1, max_size=14)


@given(st.lists(st.lists(st.lists(_WORDS, min_size=1, max_size=12), min_size=3, max_size=3),
                min_size=1, max_size=8))
def test_widths_add_up_and_every_word_fits_when_it_can(rows: list[list[list[str]]]) -> None:
    cells = [[_Cell(f'<w:p><w:r><w:t>{" ".join(words)}</w:t></w:r></w:p>') for words in row]
             for row in rows]
    total = 9000
    widths = widths_for(cells, total, 3)
    assert sum(widths) == total
    least = [max(c[i].word for c in cells) + CELL_PADDING for i in range(3)]
    if sum(least) * 1.03 < total:
        assert all(w >= need for w, need in zip(widths, least))


def test_an_unmarked_table_is_left_alone() -> None:
    xml = '<w:tbl><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid></w:tbl>'
    assert fit_columns(xml) == xml
