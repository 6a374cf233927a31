"""A content pillar as people read it: its label in the page's language (the name when it
has none), for every page that shows a pillar."""

from __future__ import annotations

from collections.abc import Callable

from orchestrator.domain.pillars import Pillar
from orchestrator.runtime.context import Context
from schedules.pillars import list_pillars


def label(pillar: Pillar, lang: str) -> str:
    """``pillar``'s label in ``lang``, or its name."""
    return (pillar.label_id if lang == "id" else pillar.label_en) or pillar.name


def labels(pillars: list[Pillar], lang: str) -> dict[str, str]:
    """Each pillar's label in ``lang``, by name."""
    return {p.name: label(p, lang) for p in pillars}


def namer(ctx: Context | None, lang: str) -> Callable[[str], str]:
    """A pillar's label by its name, the pillars read once, on first use (a page that shows
    none reads nothing); an unknown name, or no context, gives the name back."""
    known: dict[str, str] | None = None

    def name(pillar: str) -> str:
        nonlocal known
        if known is None:
            known = labels(list_pillars(ctx), lang) if ctx is not None else {}
        return known.get(pillar, pillar)

    return name
