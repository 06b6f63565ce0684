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


TARGET = (176, 64, 32)  # the target's mark: a dark orange line, told apart without colour too


def indicator_chart(periods: list[dict[str, Any]], unit: str) -> bytes:
    """An indicator over its periods: a bar per period for the actual value (its figure
    above it) and a dashed line across the bar's slot at the target (with its figure at the
    right), on a scale from zero (0–100 for %); a period without an actual value shows the
    target alone and «нет данных». The same data gives the same PNG."""
    from PIL import Image, ImageDraw

    label_font, value_font = _font(9), _font(8)
    width, height = WIDTH, int(2.6 * DPI)
    left, right = MARGIN + int(label_font.size * 3.2), WIDTH - MARGIN
    top, bottom = MARGIN + int(value_font.size * 1.6), height - MARGIN - int(label_font.size * 1.8)
    numbers = [float(p[key]) for p in periods for key in ("actual", "target")
               if p.get(key) is not None]
    ceiling = 100.0 if unit == "%" else _nice(max(numbers, default=1.0) * 1.15)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)

    def y_of(value: float) -> int:
        return bottom - round(max(0.0, min(value, ceiling)) / ceiling * (bottom - top))

    for tick in range(6):
        value = ceiling * tick / 5
        y = y_of(value)
        draw.line((left, y, right, y), fill=TRACK, width=1)
        draw.text((left - 6, y), _figure(value) + ("%" if unit == "%" else ""),
                  font=label_font, fill=INK, anchor="rm")
    slot = (right - left) / max(len(periods), 1)
    bar = min(int(slot * 0.5), int(0.9 * DPI))
    for number, period in enumerate(periods):
        middle = round(left + slot * (number + 0.5))
        actual, target = period.get("actual"), period.get("target")
        if actual is not None:
            y = y_of(float(actual))
            draw.rectangle((middle - bar // 2, y, middle + bar // 2, bottom), fill=DONE)
            inside = bottom - y > value_font.size * 3  # in the bar: never under the target
            label_y = y + 5
            if target is not None and label_y - 4 <= y_of(float(target)) <= \
                    label_y + value_font.size + 4:
                label_y = y_of(float(target)) + 7
            draw.text((middle, label_y if inside else y - 4), _figure(float(actual)),
                      font=value_font, fill="white" if inside else INK,
                      anchor="mt" if inside else "mb")
        else:
            draw.text((middle, bottom - 4), "нет данных", font=value_font, fill=AXIS,
                      anchor="mb")
        if target is not None:
            y = y_of(float(target))
            reach = bar // 2 + int(slot * 0.15)
            for x in range(middle - reach, middle + reach, 10):  # dashed
                draw.line((x, y, min(x + 6, middle + reach), y), fill=TARGET, width=3)
            draw.text((middle + reach + 3, y), _figure(float(target)), font=value_font,
                      fill=TARGET, anchor="lm")
        draw.text((middle, bottom + 6), str(period.get("period", "")), font=label_font,
                  fill=INK, anchor="mt")
    draw.line((left, bottom, right, bottom), fill=AXIS, width=1)
    draw.line((left, top, left, bottom), fill=AXIS, width=1)
    # the legend, top right: what the bar and the dashed line are
    x = right - int(measure_text(draw, "факт", value_font)) - 8
    draw.text((x, MARGIN), "факт", font=value_font, fill=INK, anchor="lt")
    draw.rectangle((x - 28, MARGIN + 2, x - 8, MARGIN + value_font.size), fill=DONE)
    x -= int(measure_text(draw, "цель", value_font)) + 48
    draw.text((x, MARGIN), "цель", font=value_font, fill=INK, anchor="lt")
    for dash in range(x - 34, x - 8, 10):
        draw.line((dash, MARGIN + value_font.size // 2 + 1, dash + 6,
                   MARGIN + value_font.size // 2 + 1), fill=TARGET, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI), optimize=False)
    return buffer.getvalue()


def measure_text(draw: Any, text: str, font: Any) -> float:
    return float(draw.textlength(text, font=font))


def _nice(value: float) -> float:
    """A round ceiling for a scale: 1, 2, 2.5 or 5 times a power of ten."""
    import math

    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _figure(value: float) -> str:
    """A figure as Russian documents write it: «87,5», «120»."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
