"""Printing: one JSON document with --json, else plain tables and lines."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from orchestrator.domain.times import shown

#: Free text cut to this many characters in a table cell (titles, texts).
CLIP = 60


def emit_json(doc: object) -> None:
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def table(rows: list[dict], columns: list[str], *, below: str | None = None,
          clipped: tuple[str, ...] = ("title", "text")) -> None:
    """Left-aligned columns sized to their content.

    Values of the ``clipped`` columns are cut to :data:`CLIP` characters; every other value
    is shown whole. ``below`` names a field printed in full on its own line under its row
    (an error with the instruction an operator needs is never cut off)."""
    if not rows:
        print("(none)")
        return
    cells = [[_cell(r.get(c), c in clipped) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row, texts in zip(rows, cells, strict=True):
        print("  ".join(v.ljust(w) for v, w in zip(texts, widths, strict=True)).rstrip())
        if below and row.get(below):
            print(f"    {below}: {_one_line(row[below])}")


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 delivery``, ``2 deliveries``."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def _cell(value: object, clip: bool) -> str:
    if value is None:
        return "-"
    text = _one_line(value)
    return text if not clip or len(text) <= CLIP else text[:CLIP - 3] + "..."


def _one_line(value: object) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def when(iso: str | None, tz: ZoneInfo) -> str | None:
    """An ISO time from a view, as the office reads it: ``2026-12-01 09:00 WIB``."""
    return None if iso is None else shown(datetime.fromisoformat(iso), tz)
