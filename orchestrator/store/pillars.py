"""Pillar rows; every post names one of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from connectors.errors import NotFound, ValidationError
from connectors.wording import Said
from orchestrator.domain.pillars import Pillar
from orchestrator.store.schema import pillars


def _pillar(row) -> Pillar:
    return Pillar(id=row.id, name=row.name, target=row.target, color=row.color,
                  label_id=row.label_id, label_en=row.label_en)


def every(conn: Connection) -> list[Pillar]:
    """All pillars, by name."""
    return [_pillar(r) for r in conn.execute(select(pillars).order_by(pillars.c.name))]


def by_name(conn: Connection, name: str) -> Pillar:
    row = conn.execute(select(pillars).where(pillars.c.name == name)).first()
    if row is None:
        raise NotFound(Said("no pillar named {name!r}; known: {known}", name=name,
                            known=_known(conn)))
    return _pillar(row)


def resolve(conn: Connection, name: str) -> str:
    """The stored name of the pillar ``name`` means: the exact name, else the one pillar
    whose name differs only in case. An unknown pillar is refused, naming the known ones."""
    found = list(conn.execute(select(pillars.c.name)).scalars())
    if name in found:
        return name
    folded = [p for p in found if p.casefold() == name.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise ValidationError(f"unknown pillar {name!r}; known: {', '.join(sorted(found))} "
                          "(add one with `siaran pillar add`)")


def add(conn: Connection, pillar: Pillar, now: datetime) -> Pillar:
    """Insert a pillar; a taken name is refused."""
    try:
        with conn.begin_nested():
            new_id = conn.execute(insert(pillars).values(
                name=pillar.name, target=pillar.target, color=pillar.color,
                label_id=pillar.label_id, label_en=pillar.label_en, created_at=now,
                updated_at=now)).inserted_primary_key[0]
    except IntegrityError:
        raise ValidationError(f"a pillar named {pillar.name!r} already exists") from None
    return Pillar(new_id, pillar.name, pillar.target, pillar.color, pillar.label_id,
                  pillar.label_en)


def change(conn: Connection, pillar_id: int, now: datetime, **values: object) -> None:
    """Change ``target``, ``color``, ``label_id`` or ``label_en``."""
    conn.execute(update(pillars).where(pillars.c.id == pillar_id)
                 .values(updated_at=now, **values))


def _known(conn: Connection) -> str:
    return ", ".join(conn.execute(select(pillars.c.name).order_by(pillars.c.name)).scalars())
