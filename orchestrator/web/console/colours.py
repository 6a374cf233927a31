"""Pillar colours for the calendar, always readable.

A pillar's colour (its own, or one derived from its name when it has none, the same every
time) becomes a light wash behind the tile's text and a stronger edge beside it. The wash is
chosen so that the console's ink and muted text keep WCAG AA contrast on it; the edge so
that it stands out from white (3:1, as for a graphical object). The pillar's name is always
written on the tile as well: colour is never the only cue.
"""

from __future__ import annotations

import hashlib
from colorsys import hls_to_rgb

INK = "#1B1F24"
MUTED = "#4D5661"
WHITE = "#FFFFFF"
#: Contrast the text on a wash keeps (AA for normal text) and an edge against white.
TEXT_CONTRAST = 4.5
EDGE_CONTRAST = 3.0

RGB = tuple[float, float, float]


def rgb(colour: str) -> RGB:
    value = colour.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def hex_of(channels: RGB) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02X}" for c in channels)


def luminance(colour: str) -> float:
    """WCAG relative luminance."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """``share`` of ``colour`` and the rest of ``other``."""
    return hex_of(tuple(share * x + (1 - share) * y
                        for x, y in zip(rgb(colour), rgb(other), strict=True)))


def derived(name: str) -> str:
    """A stable, saturated colour for a pillar without one (from its name's hash)."""
    digest = hashlib.sha256(name.casefold().encode()).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    r, g, b = hls_to_rgb(hue, 0.42, 0.65)
    return hex_of((r, g, b))


def wash(colour: str) -> str:
    """The tile's background: as much of ``colour`` (up to a quarter) as keeps the muted
    text at AA contrast."""
    share = 0.25
    while share > 0:
        found = mix(colour, WHITE, share)
        if contrast(MUTED, found) >= TEXT_CONTRAST and contrast(INK, found) >= 7:
            return found
        share -= 0.01
    return WHITE


def edge(colour: str) -> str:
    """The tile's edge: ``colour`` darkened until it stands out from white (3:1)."""
    found, share = colour, 1.0
    while contrast(found, WHITE) < EDGE_CONTRAST and share > 0:
        share -= 0.05
        found = mix(colour, "#000000", share)
    return found


def stylesheet(colours: list[str]) -> str:
    """A class per pillar (``.p0``, ``.p1``…, in the order given) setting the tile's wash
    (``--pw``) and edge (``--pe``)."""
    return "".join(f".p{i}{{--pw:{wash(c)};--pe:{edge(c)}}}\n" for i, c in enumerate(colours))
