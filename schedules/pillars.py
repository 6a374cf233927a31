"""Content pillars with their target shares: add, change, list (authorised and audited)."""

from __future__ import annotations

from dataclasses import replace

from connectors.errors import ValidationError
from connectors.wording import Said
from orchestrator.access.roles import act
from orchestrator.domain.pillars import (
    Pillar,
    check_total,
    checked_color,
    checked_label,
    checked_name,
    checked_target,
)
from orchestrator.runtime.context import Context
from orchestrator.store import pillars as rows


def add_pillar(ctx: Context, name: str, *, target: float, color: str | None = None,
               label_id: str | None = None, label_en: str | None = None) -> Pillar:
    """A new pillar; its name may not differ from another only in case."""
    pillar = Pillar(0, checked_name(name), checked_target(target),
                    checked_color(color) if color else None,
                    checked_label(label_id) if label_id else None,
                    checked_label(label_en) if label_en else None)
    now = ctx.now()
    with ctx.db.write() as conn:
        known = rows.every(conn)
        clash = [p.name for p in known if p.name.casefold() == pillar.name.casefold()]
        if clash:
            raise ValidationError(Said("a pillar named {name!r} already exists", name=clash[0]))
        check_total({**{p.name: p.target for p in known}, pillar.name: pillar.target})
        made = rows.add(conn, pillar, now)
        act(conn, user=ctx.user, action="pillar_add", entity="pillar", entity_id=made.id,
            now=now, name=made.name, target=made.target)
    return made


def update_pillar(ctx: Context, name: str, *, target: float | None = None,
                  color: str | None = None, label_id: str | None = None,
                  label_en: str | None = None) -> Pillar:
    """Change a pillar's target, colour or labels (its name stays: posts carry it)."""
    values: dict[str, object] = {}
    if target is not None:
        values["target"] = checked_target(target)
    if color is not None:
        values["color"] = checked_color(color)
    if label_id is not None:
        values["label_id"] = checked_label(label_id)
    if label_en is not None:
        values["label_en"] = checked_label(label_en)
    if not values:
        raise ValidationError(Said("nothing to change: give --target, --color, --label-id or "
                                   "--label-en"))
    now = ctx.now()
    with ctx.db.write() as conn:
        pillar = rows.by_name(conn, rows.resolve(conn, name))
        if "target" in values:
            check_total({**{p.name: p.target for p in rows.every(conn)},
                         pillar.name: values["target"]})
        rows.change(conn, pillar.id, now, **values)
        act(conn, user=ctx.user, action="pillar_update", entity="pillar", entity_id=pillar.id,
            now=now, name=pillar.name, changed=sorted(values), **values)
    return replace(pillar, **values)


def list_pillars(ctx: Context) -> list[Pillar]:
    with ctx.db.read() as conn:
        return rows.every(conn)


def pillar_view(pillar: Pillar) -> dict:
    return {"name": pillar.name, "target": pillar.target, "color": pillar.color,
            "label_id": pillar.label_id, "label_en": pillar.label_en}
