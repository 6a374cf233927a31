"""A word-level difference between two texts, for a reviewer comparing versions.

Words and the white space between them are kept as they are, so the new text reads as
written with the removed words shown where they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    """A run of text: ``same``, ``added`` or ``removed``."""

    kind: str
    text: str


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces turning ``old`` into ``new``, in reading order."""
    before, after = tokens(old), tokens(new)
    pieces: list[Piece] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(after[b1:b2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(before[a1:a2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("added", "".join(after[b1:b2])))
    return [p for p in pieces if p.text]


def changed(pieces: list[Piece]) -> bool:
    return any(p.kind != "same" for p in pieces)
