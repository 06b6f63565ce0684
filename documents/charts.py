"""Charts for documents, drawn with matplotlib and reproducible byte for byte."""

from __future__ import annotations

import io
from typing import Any


def completion_chart(sections: list[dict[str, Any]], title: str) -> bytes:
    """A horizontal bar per section: the share of its occurrences done (analysed), with the
    counts; the same data gives the same PNG (no timestamps or software tags)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    rcparams: dict[str, Any] = {"font.family": "DejaVu Sans", "font.size": 9,
                                "svg.hashsalt": "karta", "path.simplify": True}
    with plt.rc_context(rcparams):  # type: ignore[arg-type]
        names = [_short(str(s["name"])) for s in sections] or ["—"]
        shares = [float(s["percent"]) for s in sections] or [0.0]
        labels = [f"{s['done']} из {s['total']}" for s in sections] or [""]
        height = 0.9 + 0.42 * len(names)
        figure = Figure(figsize=(6.3, height), dpi=150)
        axes = figure.add_subplot()
        positions = list(range(len(names)))[::-1]
        axes.barh(positions, [100.0] * len(names), color="#e6e6e6", height=0.6)
        axes.barh(positions, shares, color="#2f5d8a", height=0.6)
        for position, share, label in zip(positions, shares, labels, strict=True):
            axes.text(min(share, 100) + 1.5, position, f"{share:.0f}% ({label})",
                      va="center", fontsize=8)
        axes.set_yticks(positions, names)
        axes.set_xlim(0, 125)
        axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        del title  # the document prints the caption under the picture
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _short(name: str, limit: int = 38) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"
