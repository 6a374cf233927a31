"""Series: a post repeated by an RFC 5545 recurrence rule (``FREQ=WEEKLY;BYDAY=FR;COUNT=8``).

The rule is read with python-dateutil from the series' first time, in the office's zone
(so a Friday 09:00 WIB stays 09:00 local). Its occurrences become ordinary posts ahead of
time, over a rolling horizon; each keeps its own time in the series (``occurrence_at``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from connectors.errors import ValidationError
from connectors.wording import Said
from orchestrator.domain.model import PostMedia


class SeriesStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Series:
    """A repeated post: its rule, its content, and how far it has been written out."""

    id: int
    rule: str
    starts_at: datetime
    timezone: str
    title: str
    pillar: str
    body: str
    variants: dict
    options: dict
    media: tuple[PostMedia, ...]
    channel_ids: tuple[int, ...]
    missed_after: float | None
    status: SeriesStatus
    author: str
    approver: str | None
    approved_hash: str | None
    materialised_until: datetime | None
    materialised: int
    refill_at: datetime | None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def ended(self) -> bool:
        """Every occurrence has been written out (or the series was cancelled)."""
        return self.refill_at is None


class Recurrence:
    """A recurrence rule anchored at a first time in a zone; times in and out are UTC."""

    def __init__(self, text: str, starts_at: datetime, tz: ZoneInfo) -> None:
        self.text = normalised(text)
        self.tz = tz
        local = starts_at.astimezone(tz).replace(microsecond=0)  # as RFC 5545 times are
        try:
            self._rule: rrule = rrulestr(self.text, dtstart=local)
            self._aware = True
        except ValueError as error:
            if "UNTIL" not in str(error):  # a floating UNTIL: read the rule in local time
                raise ValidationError(_unreadable(text, error)) from None
            try:
                self._rule = rrulestr(self.text, dtstart=local.replace(tzinfo=None))
            except ValueError as again:
                raise ValidationError(_unreadable(text, again)) from None
            self._aware = False

    def _local(self, at: datetime) -> datetime:
        local = at.astimezone(self.tz)
        return local if self._aware else local.replace(tzinfo=None)

    def _utc(self, found: datetime) -> datetime:
        if found.tzinfo is None:
            found = found.replace(tzinfo=self.tz)
        return found.astimezone(UTC)

    def after(self, at: datetime, *, inclusive: bool = False, limit: int | None = None,
              until: datetime | None = None) -> list[datetime]:
        """Occurrences after ``at`` (or at it, if ``inclusive``), up to ``until`` inclusive,
        at most ``limit`` of them."""
        found: list[datetime] = []
        for occurrence in self._rule.xafter(self._local(at), inc=inclusive):
            moment = self._utc(occurrence)
            if until is not None and moment > until:
                break
            found.append(moment)
            if limit is not None and len(found) >= limit:
                break
        return found

    def first(self, at: datetime) -> datetime:
        """The first occurrence at or after ``at`` (to the second); a rule without one is
        refused."""
        found = self.after(at.replace(microsecond=0), inclusive=True, limit=1)
        if not found:
            raise ValidationError(Said("the recurrence rule {rule!r} has no occurrence from "
                                       "{at} on", rule=self.text,
                                       at=at.astimezone(self.tz).isoformat()))
        return found[0]


def normalised(text: str) -> str:
    """The rule's own text: upper case, no ``RRULE:`` prefix; a ``DTSTART`` is refused (the
    first time is the post's)."""
    rule = text.strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:"):]
    if not rule or "DTSTART" in rule or "\n" in rule:
        raise ValidationError(Said("give one recurrence rule such as "
                                   "FREQ=WEEKLY;BYDAY=FR;COUNT=8 (the first time is --at), "
                                   "got {text!r}", text=text))
    return rule


def _unreadable(text: str, error: ValueError) -> Said:
    """A rule the parser refused, with its reason (the parser's own English)."""
    return Said("cannot read recurrence rule {text!r}: {error}", text=text, error=str(error))
