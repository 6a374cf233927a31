"""Tables (SQLAlchemy Core). Migrations in orchestrator/store/migrations mirror this file."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, naive UTC in the database (same on SQLite and PG)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

channels = Table(
    "channels", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("platform", String(20), nullable=False),
    Column("api_base", String(500)),
    Column("state", String(20), nullable=False, default="active"),
    Column("credentials", Text, nullable=False),
    Column("rate_limits", Text),
    #: The site a WordPress channel's credentials go to (also inside the sealed credentials):
    #: kept in the open so that the host is visible without decrypting anything.
    Column("site_url", String(500)),
    Column("created_at", UTCDateTime, nullable=False),
    #: The channel's own time zone for its posting slots; None: the office's.
    Column("timezone", String(64)),
    #: Posting slots, JSON: [{"days": [0..6], "times": ["09:00", ...]}, ...]; None: none.
    Column("slots", Text),
)

pillars = Table(
    "pillars", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    #: The pillar's target share of the calendar, in percent.
    Column("target", Float, nullable=False, default=0.0),
    Column("color", String(7)),
    Column("label_id", String(200)),
    Column("label_en", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

posts = Table(
    "posts", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    #: The name of a row of ``pillars`` (checked by the store when a post is written).
    Column("pillar", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("variants", Text, nullable=False, default="{}"),
    Column("options", Text, nullable=False, default="{}"),
    Column("status", String(30), nullable=False),
    Column("scheduled_at", UTCDateTime),
    Column("author", String(100), nullable=False),
    Column("approver", String(100)),
    Column("approved_hash", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    #: The series this post is an occurrence of, and the occurrence's own time in it (no
    #: foreign key: SQLite would have rebuilt the table to add one).
    Column("series_id", Integer),
    Column("occurrence_at", UTCDateTime),
    #: Seconds after ``scheduled_at`` within which its deliveries must start; None: the
    #: setting ``SIARAN_MISSED_AFTER``.
    Column("missed_after", Float),
    Index("ix_posts_due", "status", "scheduled_at"),
    Index("ix_posts_scheduled", "scheduled_at", "id"),
    Index("ix_posts_occurrence", "series_id", "occurrence_at", unique=True),
)

post_channels = Table(
    "post_channels", metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("channel_id", Integer, ForeignKey("channels.id"), primary_key=True),
    Index("ix_post_channels_channel", "channel_id", "post_id"),
)

post_media = Table(
    "post_media", metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("mime", String(50), nullable=False),
    Column("size", Integer, nullable=False),
    Column("ext", String(10), nullable=False),
    Column("alt_text", Text, nullable=False, default=""),
    #: The file name the user gave, for messages (the store knows files by digest only).
    Column("source_name", String(255), nullable=False, default=""),
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("channel_id", Integer, ForeignKey("channels.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("external_id", String(200)),
    Column("permalink", String(1000)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error_kind", String(40)),
    Column("error", Text),
    Column("claimed_by", String(200)),
    Column("claimed_at", UTCDateTime),
    Column("first_attempt_at", UTCDateTime),
    Column("next_attempt_at", UTCDateTime),
    Column("transport_id", String(64)),
    Column("reconciled_at", UTCDateTime),
    #: Seconds the channel's guards have made the delivery wait, in total.
    Column("deferred_seconds", Float, nullable=False, default=0.0, server_default="0"),
    Column("updated_at", UTCDateTime, nullable=False),
    #: The latest moment it may start (its post's time plus the missed window); None: no
    #: limit (publish-now, an operator's retry).
    Column("not_after", UTCDateTime),
    #: Sent during an embargo on an admin's explicit override.
    Column("overrides_embargo", Boolean, nullable=False, default=False,
           server_default="0"),
    UniqueConstraint("post_id", "channel_id", name="uq_delivery_post_channel"),
    Index("ix_deliveries_status", "status", "updated_at"),
)

attempts = Table(
    "attempts", metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("deliveries.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("worker", String(200), nullable=False),
    Column("message_id", String(100)),
    Column("outcome", String(20), nullable=False),
    Column("http_status", Integer),
    Column("error_kind", String(40)),
    Column("excerpt", Text, nullable=False, default=""),
)

delivery_uploads = Table(
    "delivery_uploads", metadata,
    Column("delivery_id", Integer, ForeignKey("deliveries.id", ondelete="CASCADE"),
           primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("platform_id", String(200), nullable=False),
    Column("uploaded_at", UTCDateTime, nullable=False),
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("deliveries.id", ondelete="CASCADE"),
           nullable=False),
    Column("queue", String(50), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

audit_events = Table(
    "audit_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(50), nullable=False),
    Column("entity", String(20), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("detail", Text, nullable=False, default="{}"),
    #: The API token the actor used, and where the action came from (client address, "cli").
    Column("token_id", Integer),
    Column("origin", String(100)),
    Index("ix_audit_entity", "entity", "entity_id"),
)

users = Table(
    "users", metadata,
    Column("name", String(100), primary_key=True),
    Column("roles", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    #: argon2id hash (PHC string); None until a password is set.
    Column("password_hash", String(200)),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_name", String(100), ForeignKey("users.name"), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    #: SHA-256 of the token; the token itself is shown once and never stored.
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("user_name", String(100), primary_key=True),
    Column("key", String(200), primary_key=True),
    #: SHA-256 of the request it was first used with.
    Column("fingerprint", String(64), nullable=False),
    #: None while the first request is still being handled.
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE")),
    Column("created_at", UTCDateTime, nullable=False),
)

#: Facts about the installation, one row each (``key_fingerprint``: the fingerprint of the
#: secret key that seals every channel's credentials).
installation = Table(
    "installation", metadata,
    Column("name", String(50), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

series = Table(
    "series", metadata,
    Column("id", Integer, primary_key=True),
    #: The RFC 5545 recurrence rule, read in ``timezone`` from ``starts_at``.
    Column("rule", Text, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("timezone", String(64), nullable=False),
    # The content every occurrence starts from.
    Column("title", String(300), nullable=False),
    Column("pillar", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("variants", Text, nullable=False, default="{}"),
    Column("options", Text, nullable=False, default="{}"),
    Column("media", Text, nullable=False, default="[]"),
    Column("channel_ids", Text, nullable=False),
    Column("missed_after", Float),
    Column("status", String(30), nullable=False),
    Column("author", String(100), nullable=False),
    Column("approver", String(100)),
    Column("approved_hash", String(64)),
    #: The last occurrence written as a post, and how many have been.
    Column("materialised_until", UTCDateTime),
    Column("materialised", Integer, nullable=False, default=0, server_default="0"),
    #: When the rolling horizon next needs occurrences written; None: no more to write.
    Column("refill_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_series_refill", "refill_at"),
)

embargoes = Table(
    "embargoes", metadata,
    Column("id", Integer, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    #: None: until it is lifted (``siaran resume --all``).
    Column("ends_at", UTCDateTime),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("lifted_at", UTCDateTime),
    Column("lifted_by", String(100)),
    Index("ix_embargoes_in_force", "lifted_at", "starts_at"),
)

#: Published deliveries whose engagement is read back, and when next (ops/engagement).
engagement_watch = Table(
    "engagement_watch", metadata,
    Column("delivery_id", Integer, ForeignKey("deliveries.id", ondelete="CASCADE"),
           primary_key=True),
    Column("published_at", UTCDateTime, nullable=False),
    #: The next read on the decaying schedule; None: the schedule is over.
    Column("next_pull_at", UTCDateTime),
    Column("pulls", Integer, nullable=False, default=0, server_default="0"),
    Column("last_pulled_at", UTCDateTime),
    #: The platform's refusal at the last try (retried on the next round); None after a read.
    Column("last_error", Text),
    Index("ix_engagement_watch_next", "next_pull_at"),
)

#: What a published delivery had gathered at one moment; None: the platform does not tell.
engagement_snapshots = Table(
    "engagement_snapshots", metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("deliveries.id", ondelete="CASCADE"),
           nullable=False),
    Column("taken_at", UTCDateTime, nullable=False),
    Column("views", Integer),
    Column("reach", Integer),
    Column("reactions", Integer),
    Column("comments", Integer),
    Column("shares", Integer),
    Column("saves", Integer),
    #: The platform's own names and values, JSON.
    Column("raw", Text, nullable=False, default="{}"),
    Index("ix_engagement_snapshots_delivery", "delivery_id", "taken_at"),
)

#: A channel's audience (followers, members) once a day, in the office's calendar.
audience_snapshots = Table(
    "audience_snapshots", metadata,
    Column("id", Integer, primary_key=True),
    Column("channel_id", Integer, ForeignKey("channels.id", ondelete="CASCADE"),
           nullable=False),
    #: The office's day, YYYY-MM-DD.
    Column("day", String(10), nullable=False),
    Column("taken_at", UTCDateTime, nullable=False),
    #: None: the platform does not tell (WordPress).
    Column("followers", Integer),
    UniqueConstraint("channel_id", "day", name="uq_audience_channel_day"),
)

alert_targets = Table(
    "alert_targets", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    #: ``webhook``, ``telegram`` or ``email``.
    Column("kind", String(20), nullable=False),
    #: What is safe to show, JSON: the URL, the chat and API base, the SMTP host, port,
    #: user name, sender and recipients.
    Column("settings", Text, nullable=False, default="{}"),
    #: The secret (webhook secret, bot token, SMTP password), sealed like channel credentials.
    Column("secret", Text, nullable=False),
    #: Opted in to the daily digest; the office date of the last digest sent to it.
    Column("digest", Boolean, nullable=False, default=False, server_default="0"),
    Column("digest_sent_for", String(10)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
)

#: One row per event and subject (``delivery_failed`` on ``channel:x-main``): repeats are
#: counted on it, and it remembers how much of the count has been told.
alert_events = Table(
    "alert_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("event", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("first_at", UTCDateTime, nullable=False),
    Column("last_at", UTCDateTime, nullable=False),
    Column("count", Integer, nullable=False, default=0),
    Column("notified_count", Integer, nullable=False, default=0, server_default="0"),
    Column("notified_at", UTCDateTime),
    #: A condition (a channel needing re-authorisation, a silent scheduler) still holding.
    Column("active", Boolean, nullable=False, default=False, server_default="0"),
    #: JSON: the channel, the posts, the reason, the console link.
    Column("detail", Text, nullable=False, default="{}"),
    UniqueConstraint("event", "subject", name="uq_alert_event_subject"),
)

#: Every alert message: what was sent, to whom, how it went, after how many attempts.
alert_sends = Table(
    "alert_sends", metadata,
    Column("id", Integer, primary_key=True),
    Column("target_id", Integer),
    Column("target_name", String(100), nullable=False),
    Column("target_kind", String(20), nullable=False),
    Column("event", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("count", Integer, nullable=False, default=1),
    Column("title", String(300), nullable=False),
    Column("message", Text, nullable=False),
    #: JSON of the alert as a webhook receives it.
    Column("payload", Text, nullable=False, default="{}"),
    #: Where it goes, never a secret: the webhook's host, the chat, the addresses.
    Column("recipient", String(500), nullable=False),
    #: ``pending``, ``sent`` or ``failed`` (given up).
    Column("outcome", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Index("ix_alert_sends_due", "outcome", "next_attempt_at"),
)

#: Which delivery problems (failed, unknown, missed) the watcher has already counted.
alert_noticed = Table(
    "alert_noticed", metadata,
    Column("delivery_id", Integer, primary_key=True),
    Column("status", String(20), primary_key=True),
    #: The delivery's ``updated_at`` when noticed: a later failure of it is a new one.
    Column("at", UTCDateTime, nullable=False),
)

post_reviews = Table(
    "post_reviews", metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("reviewer", String(100), nullable=False),
    #: ``approve`` or ``reject``.
    Column("outcome", String(20), nullable=False),
    #: The reviewed content: what the next review of the post is compared with.
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("variants", Text, nullable=False, default="{}"),
    Index("ix_post_reviews_post", "post_id", "id"),
)
