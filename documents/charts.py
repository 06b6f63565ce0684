"""Charts for documents, drawn with Pillow and reproducible byte for byte.

A chart is a few bars and labels: Pillow draws it in milliseconds, where importing a
plotting library cost the annual report most of its second. The font ships with karta
(DejaVu Sans, documents/fonts/LICENSE_DEJAVU), so every machine draws the same pixels.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

FONT = Path(__file__).with_name("fonts") / "DejaVuSans.ttf"
DPI = 150
WIDTH = int(6.3 * DPI)  # the text width of an A4 page with ГОСТ margins
ROW = int(0.42 * DPI)  # one section's band
BAR = int(ROW * 0.6)
MARGIN = 12
TRACK, DONE, INK, AXIS = (230, 230, 230), (47, 93, 138), (26, 26, 26), (120, 120, 120)


@lru_cache(maxsize=4)
def _font(points: float) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT), size=round(points * DPI / 72))


def completion_chart(sections: list[dict[str, Any]], title: str) -> bytes:
    """A horizontal bar per section: the share of its occurrences done (analysed), with the
    counts, on a 0–100 % scale; the same data gives the same PNG (no timestamps or software
    tags). ``title`` is printed by the document under the picture, not on it."""
    from PIL import Image, ImageDraw

    del title
    label_font, value_font = _font(9), _font(8)
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    # a section's whole name, in lines of at most 45 % of the width: never cut off
    names = [_wrapped(str(s["name"]), label_font, measure, int(WIDTH * 0.45))
             for s in sections] or [["—"]]
    shares = [max(0.0, min(float(s["percent"]), 100.0)) for s in sections] or [0.0]
    labels = [f"{float(s['percent']):.0f}% ({s['done']} из {s['total']})"
              for s in sections] or [""]
    line_height = int(label_font.size * 1.25)
    name_width = max(int(measure.textlength(line, font=label_font))
                     for lines in names for line in lines)
    value_width = max(int(measure.textlength(label, font=value_font)) for label in labels)
    left = MARGIN + name_width + 10
    right = WIDTH - MARGIN - value_width - 12
    rows = [max(ROW, len(lines) * line_height + (ROW - BAR)) for lines in names]
    top = MARGIN
    axis_y = top + sum(rows) + 4
    height = axis_y + 10 + int(label_font.size * 1.4) + MARGIN
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    scale = (right - left) / 100
    band = top
    for lines, share, label, size in zip(names, shares, labels, rows, strict=True):
        middle = band + size // 2
        band += size
        draw.rectangle((left, middle - BAR // 2, right, middle + BAR // 2), fill=TRACK)
        if share > 0:
            draw.rectangle((left, middle - BAR // 2, left + round(share * scale),
                            middle + BAR // 2), fill=DONE)
        first = middle - (len(lines) - 1) * line_height // 2
        for number, line in enumerate(lines):
            draw.text((left - 8, first + number * line_height), line, font=label_font,
                      fill=INK, anchor="rm")
        draw.text((left + round(share * scale) + 8 if share < 100 else right + 8, middle),
                  label, font=value_font, fill=INK, anchor="lm")
    draw.line((left, axis_y, right, axis_y), fill=AXIS, width=1)
    draw.line((left, top, left, axis_y), fill=AXIS, width=1)
    for tick in (0, 25, 50, 75, 100):
        x = left + round(tick * scale)
        draw.line((x, axis_y, x, axis_y + 5), fill=AXIS, width=1)
        draw.text((x, axis_y + 8), f"{tick}%", font=label_font, fill=INK, anchor="mt")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI), optimize=False)
    return buffer.getvalue()


def _wrapped(name: str, font: Any, measure: Any, width: int) -> list[str]:
    """A name in lines no wider than ``width``; a word wider than that is broken."""
    lines: list[str] = []
    for word in name.split():
        while measure.textlength(word, font=font) > width:  # break an overlong word
            cut = max(1, max(n for n in range(1, len(word) + 1)
                             if measure.textlength(word[:n] + "-", font=font) <= width
                             or n == 1))
            lines.append(word[:cut] + "-")
            word = word[cut:]
        trial = f"{lines[-1]} {word}" if lines and not lines[-1].endswith("-") else None
        if trial and measure.textlength(trial, font=font) <= width:
            lines[-1] = trial
        elif word:
            lines.append(word)
    return lines or [""]
