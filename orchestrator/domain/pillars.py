"""Content pillars: the kinds of content an office plans, each with a target share.

The office's calendar is planned as a mix of pillars (for example 60 % informative, 20 %
interactive, 20 % edutainment); a post belongs to exactly one pillar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.errors import ValidationError
from connectors.wording import Said

NAME_MAX = 100
LABEL_MAX = 200
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class Pillar:
    """A content pillar; ``target`` is its share of the calendar, in percent."""

    id: int
    name: str
    target: float
    color: str | None = None
    label_id: str | None = None
    label_en: str | None = None


#: The pillars of a new database: the mix of the bureau's "new media" strategy.
DEFAULTS: tuple[Pillar, ...] = (
    Pillar(0, "informatif", 60.0, "#1F77B4", "Informatif", "Informative"),
    Pillar(0, "interaktif", 20.0, "#FF7F0E", "Interaktif", "Interactive"),
    Pillar(0, "edukasi-hiburan", 20.0, "#2CA02C", "Edukasi & hiburan", "Edutainment"),
)


def checked_name(name: str) -> str:
    """A pillar name is one line of printable text, at most ``NAME_MAX`` characters."""
    name = name.strip()
    if not name:
        raise ValidationError(Said("a pillar needs a name"))
    if not name.isprintable() or len(name) > NAME_MAX:
        raise ValidationError(Said("a pillar name is printable text on one line of at most "
                                   "{most} characters, got {name!r}", most=NAME_MAX,
                                   name=name[:NAME_MAX]))
    return name


def checked_target(target: float) -> float:
    """A target share in percent, 0 to 100."""
    if not 0 <= target <= 100:
        raise ValidationError(Said("a pillar's target is a share between 0 and 100 %, "
                                   "got {target:g}", target=target))
    return float(target)


def checked_color(color: str) -> str:
    """A colour as ``#RRGGBB`` (kept upper-case)."""
    if not _COLOR.fullmatch(color.strip()):
        raise ValidationError(Said("a colour looks like #1F77B4, got {color!r}", color=color))
    return color.strip().upper()


def checked_label(label: str) -> str:
    label = label.strip()
    if not label.isprintable() or len(label) > LABEL_MAX:
        raise ValidationError(Said("a label is printable text on one line of at most {most} "
                                   "characters", most=LABEL_MAX))
    return label


def check_total(targets: dict[str, float]) -> None:
    """Targets are shares of one calendar: together they may not exceed 100 %."""
    total = sum(targets.values())
    if total > 100 + 1e-9:
        shown = ", ".join(f"{name} {value:g}" for name, value in sorted(targets.items()))
        raise ValidationError(Said("pillar targets would add up to {total:g} % ({shown}); "
                                   "together they may not exceed 100 %", total=total,
                                   shown=shown))
