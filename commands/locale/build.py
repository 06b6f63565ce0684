"""Build click's Russian message catalogue: ``python -m commands.locale.build``.

click marks its messages for gettext; ``ru/LC_MESSAGES/click.po`` holds their translations
(edit it), and this compiles it with Babel into ``click.mo``, which karta loads at start-up
with the standard library (no Babel import on the command line's start-up path). A test
checks that the compiled file matches the source.
"""

from __future__ import annotations

import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "ru" / "LC_MESSAGES" / "click.po"
COMPILED = HERE / "ru" / "LC_MESSAGES" / "click.mo"


def compiled_bytes() -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with SOURCE.open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    catalog.creation_date = catalog.revision_date  # type: ignore[assignment]  # reproducible
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


if __name__ == "__main__":
    COMPILED.write_bytes(compiled_bytes())
    print(f"{COMPILED} ({COMPILED.stat().st_size} байт)")
