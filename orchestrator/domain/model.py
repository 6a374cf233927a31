"""Domain records: channels, posts, deliveries, attempts, audit events."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from orchestrator.domain.limits import RateLimit, limits_for
from orchestrator.domain.states import ChannelState, DeliveryStatus, PostStatus

#: Who may do what: orchestrator.access.roles.
ROLES = ("author", "approver", "operator", "admin")


@dataclass(frozen=True)
class Channel:
    """An account on a platform. Credentials never live on this record."""

    id: int
    name: str
    platform: str
    api_base: str | None
    state: ChannelState
    #: The channel's own posting limits; None means its platform's caps.
    rate_limits: tuple[RateLimit, ...] | None = None
    #: WordPress: the site its credentials go to (the platform's host for the others).
    site_url: str | None = None
    #: The zone its posting slots are read in; None means the office's.
    timezone: str | None = None

    @property
    def posting_limits(self) -> tuple[RateLimit, ...]:
        return limits_for(self.platform, self.rate_limits)


@dataclass(frozen=True)
class PostMedia:
    """An image or video of a post, kept in the media store under its digest."""

    digest: str
    mime: str
    size: int
    ext: str
    alt_text: str = ""
    #: The file name the user gave (not part of the approved content).
    source_name: str = field(default="", compare=False)

    @property
    def name(self) -> str:
        return f"{self.digest}{self.ext}"


#: Post options: ``thread`` (X may split a long text into a thread), ``excerpt``,
#: ``categories`` and ``tags`` (WordPress), ``on_approval`` (a post without a time is
#: published as soon as it is approved).
OPTION_KEYS = ("thread", "excerpt", "categories", "tags", "on_approval")
#: What a per-platform variant may set.
VARIANT_KEYS = ("text", "title", "hashtags")


@dataclass(frozen=True)
class Post:
    """A calendar entry."""

    id: int
    title: str
    pillar: str
    body: str
    status: PostStatus
    scheduled_at: datetime | None
    author: str
    approver: str | None = None
    approved_hash: str | None = None
    channels: tuple[str, ...] = ()
    #: Per platform: {"text", "title", "hashtags"}, each optional.
    variants: dict[str, dict[str, str]] = field(default_factory=dict)
    media: tuple[PostMedia, ...] = ()
    options: dict = field(default_factory=dict)
    created_at: datetime | None = None
    #: The series it is an occurrence of, and its time in that series.
    series_id: int | None = None
    occurrence_at: datetime | None = None
    #: Seconds after its time within which it must start going out; None: the setting.
    missed_after: float | None = None

    @property
    def content_hash(self) -> str:
        """Hash of the exact content an approval covers."""
        return content_hash(self.title, self.pillar, self.body, self.channels, self.variants,
                            self.media, self.options)


@dataclass(frozen=True)
class Delivery:
    """One post on one channel."""

    id: int
    post_id: int
    channel_id: int
    channel: str
    platform: str
    status: DeliveryStatus
    external_id: str | None = None
    permalink: str | None = None
    attempts: int = 0
    error_kind: str | None = None
    error: str | None = None
    updated_at: datetime | None = None
    first_attempt_at: datetime | None = None
    claimed_at: datetime | None = None
    claimed_by: str | None = None
    next_attempt_at: datetime | None = None
    transport_id: str | None = None
    reconciled_at: datetime | None = None
    #: Seconds the channel's guards have made it wait, in total.
    deferred_seconds: float = 0.0
    #: The latest moment it may start (missed window); None: no limit.
    not_after: datetime | None = None
    #: Sent during an embargo on an admin's explicit override.
    overrides_embargo: bool = False


@dataclass(frozen=True)
class Attempt:
    """One try of a delivery."""

    delivery_id: int
    started_at: datetime
    finished_at: datetime
    worker: str
    outcome: str
    http_status: int | None = None
    error_kind: str | None = None
    excerpt: str = ""

    @property
    def duration_ms(self) -> float:
        return (self.finished_at - self.started_at).total_seconds() * 1000


def content_hash(title: str, pillar: str, body: str, channels: tuple[str, ...],
                 variants: dict, media: tuple[PostMedia, ...] = (), options: dict | None = None
                 ) -> str:
    """sha256 over a canonical JSON of everything a reader would see."""
    doc = {"title": title, "pillar": pillar, "body": body, "channels": sorted(channels),
           "variants": variants, "media": [[m.digest, m.alt_text] for m in media],
           "options": options or {}}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
