"""The decaying schedule on which a published post's engagement is read back.

A schedule is a list of steps "every E until A": ``1h/6h,3h/24h,12h/3d,24h/7d`` reads a
post hourly for its first 6 hours, every 3 hours to a day, twice a day to 3 days and daily
to 7 days, then never again. :func:`pull_ages` lists the ages at which it is read;
:func:`next_age` answers the first of them after a given age.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.errors import ValidationError
from connectors.wording import Said
from orchestrator.domain.windows import parse_duration

DEFAULT_SCHEDULE = "1h/6h,3h/24h,12h/3d,24h/7d"


@dataclass(frozen=True)
class Step:
    """Read every ``every`` seconds while the post is younger than ``until`` seconds."""

    every: float
    until: float


def parse_schedule(text: str) -> tuple[Step, ...]:
    """``1h/6h,3h/24h`` → steps; each step's end must lie after the one before."""
    steps: list[Step] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        every, slash, until = item.partition("/")
        if not slash:
            raise ValidationError(Said("cannot read schedule step {step!r}; use EVERY/UNTIL, "
                                       "e.g. 1h/6h", step=item))
        step = Step(parse_duration(every), parse_duration(until))
        if steps and step.until <= steps[-1].until:
            raise ValidationError(Said("schedule step {step!r} must end after the one before",
                                       step=item))
        steps.append(step)
    if not steps:
        raise ValidationError(Said("an engagement schedule needs at least one step, "
                                   "e.g. 1h/6h"))
    return tuple(steps)


def pull_ages(steps: tuple[Step, ...]) -> list[float]:
    """Every age (seconds after publishing) at which the schedule reads a post."""
    ages, age = [], 0.0
    for step in steps:
        while age + step.every <= step.until + 1e-9:
            age += step.every
            ages.append(age)
    return ages


def next_age(steps: tuple[Step, ...], age: float) -> float | None:
    """The first scheduled age after ``age``; None once the schedule is over."""
    return next((a for a in pull_ages(steps) if a > age + 1e-9), None)


def describe_schedule(steps: tuple[Step, ...]) -> str:
    """The schedule as written in the setting."""
    from orchestrator.domain.windows import describe

    return ",".join(f"{describe(s.every)}/{describe(s.until)}" for s in steps)
