"""The compose form's values: read from a submitted form or from a stored post, and turned
into the arguments the service layer takes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from schedules.timeparse import parse_time

#: "at": a time given; "approved": no fixed time.
TIMINGS = ("at", "approved")


@dataclass
class Attached:
    """A stored file on the form: its id, the name it was uploaded as (empty: not known),
    its alt text."""

    id: str
    name: str
    alt: str
    mime: str = ""

    @property
    def shown(self) -> str:
        """What the form calls it: its name, else the start of its id."""
        return self.name or self.id[:12]


@dataclass
class Draft:
    """What the compose form holds."""

    title: str = ""
    text: str = ""
    pillar: str = ""
    channels: list[str] = field(default_factory=list)
    timing: str = "at"
    #: ``YYYY-MM-DDTHH:MM`` in the office's zone, as a datetime-local input holds it.
    at: str = ""
    media: list[Attached] = field(default_factory=list)
    #: Per platform: the text written for it (empty: the post's text).
    variants: dict[str, str] = field(default_factory=dict)
    #: The post's other variant fields (title, hashtags), kept as they were.
    kept_variants: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The version the edit is made on (empty for a new post).
    version: str = ""

    def options(self, current: dict) -> dict:
        """The post's options (``current``, set elsewhere, kept) with "publish when
        approved" as the form says."""
        kept = {k: v for k, v in current.items() if k != "on_approval"}
        return {**kept, "on_approval": True} if self.timing == "approved" else kept

    def when(self, tz: ZoneInfo) -> datetime | None:
        """The publication time (None: none, or "publish when approved")."""
        if self.timing != "at" or not self.at.strip():
            return None
        return parse_time(self.at, tz)

    def variant_fields(self) -> dict[str, dict[str, str]]:
        """Variants as the service takes them: the texts written, the other fields kept."""
        merged = {p: {k: v for k, v in f.items() if k != "text"}
                  for p, f in self.kept_variants.items()}
        for platform, text in self.variants.items():
            if text.strip():
                merged.setdefault(platform, {})["text"] = text
        return {p: f for p, f in merged.items() if f}

    def variant_changes(self, shown: list[str]) -> dict[str, dict[str, str] | None]:
        """What an edit from the form gives: for each platform the form shows, its whole
        variant (None: removed); a variant of a platform not on the form is left alone."""
        fields = self.variant_fields()
        return {platform: fields.get(platform) for platform in shown}

    def kept_json(self) -> str:
        return json.dumps(self.kept_variants, sort_keys=True)

    def media_pairs(self) -> list[tuple[str, str]]:
        return [(m.id, m.alt) for m in self.media]

    def media_names(self) -> dict[str, str]:
        """The name each file was uploaded as, by id (the files without one left out)."""
        return {m.id: m.name for m in self.media if m.name}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.replace("\r\n", "\n") if isinstance(value, str) else ""


def from_form(form: FormData, platforms: list[str]) -> Draft:
    """The draft as the browser sent it."""
    ids, names = form.getlist("media_id"), form.getlist("media_name")
    alts, mimes = form.getlist("media_alt"), form.getlist("media_mime")
    media = [Attached(str(i), str(n), str(a), str(m))
             for i, n, a, m in zip(ids, names, alts, mimes, strict=False)]
    timing = _text(form, "timing")
    try:
        kept = json.loads(_text(form, "kept_variants") or "{}")
    except ValueError:
        kept = {}
    if not isinstance(kept, dict):
        kept = {}
    return Draft(title=_text(form, "title"), text=_text(form, "text"),
                 pillar=_text(form, "pillar"),
                 channels=[str(c) for c in form.getlist("channels")],
                 timing=timing if timing in TIMINGS else "at", at=_text(form, "at"),
                 media=media,
                 variants={p: _text(form, f"variant_{p}") for p in platforms
                           if _text(form, f"variant_{p}")},
                 kept_variants=kept, version=_text(form, "version"))


def from_post(shown: dict, tz: ZoneInfo) -> Draft:
    """The draft of a stored post (``views.show_post``'s view)."""
    at = shown["scheduled_at"]
    local = datetime.fromisoformat(at).astimezone(tz).strftime("%Y-%m-%dT%H:%M") if at else ""
    variants, kept = {}, {}
    for platform, fields in (shown["variants"] or {}).items():
        fields = {"text": fields} if isinstance(fields, str) else dict(fields)
        if fields.get("text"):
            variants[platform] = fields["text"]
        others = {k: v for k, v in fields.items() if k != "text"}
        if others:
            kept[platform] = others
    return Draft(title=shown["title"], text=shown["text"], pillar=shown["pillar"],
                 channels=list(shown["channels"]), timing="at" if at else "approved",
                 at=local,
                 media=[Attached(m["digest"], m["name"], m["alt_text"], m["mime"])
                        for m in shown["media"]],
                 variants=variants, kept_variants=kept, version=shown["etag"])
