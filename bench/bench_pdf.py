"""Batches: 100 PDFs per file (today's way) against one warm LibreOffice, and re-rendering
drafts in one process against a pool of one per core — side by side in the same run.

- per file: ``soffice --headless --convert-to pdf`` started for each document, as
  ``karta documents export --pdf`` does (``documents.office.soffice_pdf``);
- warm: ``karta documents pdf`` (``registry.batch.export_pdfs``): one LibreOffice kept warm
  through unoserver, its start included — with one office, then one per core;
- re-render: ``karta documents rerender`` (``registry.batch.rerender``) of the same drafts
  after a template change, with one process, then a pool of one per core: render, store,
  one short logged write per document on SQLite.

The issue's target: the warm batch at least 5x faster than per-file conversion.
Run: ``.venv/bin/python bench/bench_pdf.py [--count 100] [--renders 400]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _drafts(folder: Path, count: int) -> tuple[object, list[int]]:
    """A SQLite database with ``count`` draft orders «О проведении …» (start --order)."""
    from registry.database import Database
    from registry.occurrences import apply_event
    from registry.people import Profile, initialise
    from registry.roadmaps import import_roadmap, list_activities

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_core import _roadmap_100

    roadmap = folder / "roadmap100.txt"
    _roadmap_100(roadmap)
    db = Database(f"sqlite:///{folder / 'pdf.db'}", folder / "files")
    initialise(db, Profile(full_name="МКУ «Управление образования»", short_name="МКУ «УО»",
                           place="г. Заозерск", head_name="С.Л. Андреева",
                           head_position="Начальник МКУ «УО»"),
               admin_name="Сидоров Алексей Иванович")
    rid = import_roadmap(db, roadmap, "admin").roadmap
    refs = [str(o["ref"]) for a in list_activities(db, "admin", rid) for o in a["occurrences"]]
    assert len(refs) >= count, f"the roadmap has {len(refs)} occurrences, {count} wanted"
    ids = []
    for ref in refs[:count]:
        result = apply_event(db, ref, "start", "admin", order=True)
        ids.append(int(str(result.documents[0]["id"])))
    return db, ids


def _second_version(db: object, folder: Path) -> None:
    """order_start v2 (one more paragraph), registered; activation is up to the caller."""
    import docx

    from registry.templates import SHIPPED, add_template

    document = docx.Document(str(SHIPPED / "order_start.docx"))
    document.add_paragraph("Редакция шаблона 2")
    path = folder / "order_start_v2.docx"
    document.save(str(path))
    add_template(db, "admin", path, "order_start", "order_start", "бенчмарк")  # type: ignore[arg-type]


def bench_pdf(db: object, ids: list[int], folder: Path) -> None:
    from registry.batch import cores, export_pdfs
    from registry.documents import document_bytes, get_document
    from registry.exports import write_new

    documents = [get_document(db, "admin", i) for i in ids]  # type: ignore[arg-type]
    data = [document_bytes(db, d) for d in documents]  # type: ignore[arg-type]
    from documents.office import soffice_pdf

    per_file = folder / "per-file"
    per_file.mkdir()
    started = time.perf_counter()
    for index, content in enumerate(data):
        write_new(per_file / f"{index}.pdf", soffice_pdf(content, f"{index}.docx"))
    per_file_s = time.perf_counter() - started
    print(f"per file (soffice --convert-to pdf for each): {len(ids)} PDFs in {per_file_s:.1f} s "
          f"({per_file_s / len(ids) * 1000:.0f} ms each)", flush=True)

    results = {}
    for workers in sorted({1, cores()}):
        out = folder / f"warm-{workers}"
        batch = export_pdfs(db, "admin", out, ids=tuple(ids), workers=workers)  # type: ignore[arg-type]
        assert len(batch.written) == len(ids) and not batch.failed, batch.failed
        results[workers] = batch.seconds
        print(f"warm LibreOffice ({batch.way}, {workers} at once, start included): "
              f"{len(ids)} PDFs in {batch.seconds:.1f} s "
              f"({batch.seconds / len(ids) * 1000:.0f} ms each); ratio "
              f"{per_file_s / batch.seconds:.1f}x; target >= 5x", flush=True)
    first = documents[0]
    from registry.batch import pdf_names

    warm_first = folder / "warm-1" / pdf_names(documents)[first.id or 0]  # type: ignore[attr-defined]
    _same_text(per_file / "0.pdf", warm_first, folder)


def _same_text(first: Path, second: Path, folder: Path) -> None:
    """A warm office prints what a cold one prints: the same pages with the same text."""
    import pdfplumber

    texts = []
    for path in (first, second):
        with pdfplumber.open(path) as pdf:
            texts.append([page.extract_text() or "" for page in pdf.pages])
    assert texts[0] == texts[1], "the warm office's PDF reads differently"
    print(f"same document per file and warm: {len(texts[0])} page(s), the same text")


def bench_rerender(db: object, count: int, folder: Path) -> None:
    from registry.batch import cores, rerender
    from registry.templates import activate

    _second_version(db, folder)
    times = {}
    for workers, version in ((1, 2), (cores(), 1)):
        activate(db, "admin", "order_start", version)  # type: ignore[arg-type]
        result = rerender(db, "admin", "order_start", workers=workers)  # type: ignore[arg-type]
        assert result.done == count and not result.failed, result.failed[:3]
        times[workers] = result.seconds
        print(f"re-render {count} drafts (render, store, one logged write each), "
              f"{result.workers} process(es): {result.seconds:.2f} s "
              f"({result.seconds / count * 1000:.1f} ms each)", flush=True)
    if len(times) > 1:
        print(f"speed-up of the pool over one process: {times[1] / times[cores()]:.2f}x "
              f"on {cores()} cores")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100, help="PDFs")
    parser.add_argument("--renders", type=int, default=400, help="drafts re-rendered")
    parser.add_argument("--skip-pdf", action="store_true")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} {os.cpu_count()} CPU, Python "
          f"{platform.python_version()}, {platform.system()}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        db, ids = _drafts(folder, max(args.count, args.renders))
        if not args.skip_pdf:
            bench_pdf(db, ids[:args.count], folder)
        # the re-render bench wants as many drafts as asked: the rest are drafts too
        from registry.batch import rerender

        assert rerender(db, "admin", "order_start", dry_run=True).drafts == []  # type: ignore[arg-type]
        bench_rerender(db, len(ids), folder)
        db.dispose()  # type: ignore[attr-defined]
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
