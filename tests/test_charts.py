"""The completion chart: each bar's filled part is its section's share, read back from the
pixels, and the same data draws the same bytes."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from documents.charts import DONE, TRACK, completion_chart

section = st.builds(lambda name, done, extra: {
    "name": name, "done": done, "total": done + extra,
    "percent": 100 * done / (done + extra) if done + extra else 0.0},
    st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюя АБВ-«»№0123456789", min_size=1,
            max_size=70), st.integers(0, 60), st.integers(0, 60))


def _bars(png: bytes) -> list[tuple[int, int]]:
    """(filled, track) pixel widths of each bar, top to bottom, from the picture."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    pixels = image.load()
    bars = []
    in_bar = False
    for y in range(height):
        row = [pixels[x, y] for x in range(width)]
        filled = sum(1 for p in row if p == DONE)
        track = sum(1 for p in row if p == TRACK)
        if _longest_run(row) < 20:  # a stray antialiased pixel of a letter is no bar
            filled = track = 0
        if (filled or track) and not in_bar:
            bars.append((filled, filled + track))
            in_bar = True
        elif not (filled or track):
            in_bar = False
    return bars


def _longest_run(row: list[tuple[int, int, int]]) -> int:
    longest = run = 0
    for pixel in row:
        run = run + 1 if pixel in (DONE, TRACK) else 0
        longest = max(longest, run)
    return longest


@settings(max_examples=40, deadline=None)
@given(st.lists(section, min_size=1, max_size=12))
def test_each_bar_shows_its_share(sections: list[dict[str, object]]) -> None:
    png = completion_chart(sections, "Доля выполненных")
    assert png == completion_chart(sections, "Доля выполненных")
    bars = _bars(png)
    assert len(bars) == len(sections)
    for (filled, whole), data in zip(bars, sections, strict=True):
        share = float(data["percent"])  # type: ignore[arg-type]
        assert abs(filled - whole * share / 100) <= 2, (filled, whole, share)


def test_a_chart_is_a_page_wide_png_at_150_dpi() -> None:
    png = completion_chart([{"name": "Оценка качества подготовки обучающихся",
                             "percent": 50.0, "done": 2, "total": 4}], "")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] == 945
    assert round(image.info["dpi"][0]) == 150


def test_long_section_names_are_wrapped_whole_not_cut() -> None:
    """Issue 23, item 13: a section's name is printed whole, in lines, its band taller."""
    from PIL import ImageDraw

    from documents.charts import _font, _wrapped

    name = ("1. Нормативно-правовое обеспечение развития муниципальной системы оценки "
            "качества образования г. Славгорода Алтайского края")
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    lines = _wrapped(name, _font(9), measure, 425)
    assert " ".join(lines) == name and len(lines) > 1
    assert all(measure.textlength(line, font=_font(9)) <= 425 for line in lines)
    short = completion_chart([{"name": "Раздел", "percent": 50.0, "done": 1, "total": 2}], "")
    long = completion_chart([{"name": name, "percent": 50.0, "done": 1, "total": 2}], "")
    assert Image.open(io.BytesIO(long)).size[1] > Image.open(io.BytesIO(short)).size[1]
    assert len(_bars(long)) == 1
