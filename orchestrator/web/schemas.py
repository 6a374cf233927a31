"""The shapes of requests and answers. Answers are the CLI's ``--json`` shapes; they allow
more keys than listed, so that a shape may grow without breaking a client."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from orchestrator.domain.states import ChannelState, DeliveryStatus, PostStatus


def _text(value: str) -> str:
    """Text the database can hold: UTF-8, without NUL."""
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _line(value: str) -> str:
    """One line: no control characters."""
    if any(unicodedata.category(c) == "Cc" for c in _text(value)):
        raise ValueError("must be one line without control characters")
    return value


def text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_text)]


def line(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length),
                     AfterValidator(_line)]


Name = line(100, 1)
Title = line(300)
Body = text(100_000)


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


# requests ------------------------------------------------------------------------------
class MediaRef(In):
    id: line(64) = Field(description="a stored file's id, from `POST /api/v1/media`")
    alt: text(1000) = Field(description="alt text; an image needs it (a video may leave it "
                                        "empty)")


class Variant(In):
    text: Body | None = None
    title: Title | None = None
    hashtags: line(500) | None = None


class Options(In):
    thread: bool | None = Field(None, description="X may publish a long text as a thread")
    excerpt: text(2000) | None = Field(None, description="WordPress excerpt")
    categories: list[line(200)] | None = Field(None, max_length=50)
    tags: list[line(200)] | None = Field(None, max_length=50)


At = Annotated[str, StringConstraints(max_length=64), AfterValidator(_line),
               Field(description="ISO 8601 (2026-12-01T09:00+07:00), or YYYY-MM-DD HH:MM in "
                                 "the office's time zone")]
Variants = Annotated[dict[line(20), Body | Variant], Field(
    max_length=10, description="per platform: the text it shows instead, or "
                               "{text, title, hashtags}")]


VariantChanges = Annotated[dict[line(20), Body | Variant | None], Field(
    max_length=10, description="per platform named: its whole new variant (the text, or "
                               "{text, title, hashtags}); `null` removes it; platforms not "
                               "named keep theirs")]


class PostIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "title": "Jadwal layanan publik", "text": "Layanan publik tetap buka Sabtu pukul "
        "08.00–12.00 WIB.", "pillar": "informatif", "channels": ["telegram-prov", "x-prov"],
        "at": "2030-12-01T09:00+07:00", "variants": {"x": "Layanan buka Sabtu. #Layanan"}}]})

    title: Title
    text: Body
    pillar: line(100)
    channels: list[Name] = Field(max_length=50)
    at: At | None = None
    variants: Variants | None = None
    media: list[MediaRef] | None = Field(None, max_length=20)
    options: Options | None = None
    queue: bool = Field(False, description="instead of `at`: the earliest posting slot free "
                                           "on every channel (within 90 days)")
    repeat: line(500) | None = Field(None, description=(
        "with `at`: a series repeated by this RFC 5545 rule, e.g. "
        "`FREQ=WEEKLY;BYDAY=FR;COUNT=8`; the post is its first occurrence"))
    missed_after: line(40) | None = Field(None, description=(
        "not sent if it cannot start within this long after its time (`90s`, `30m`, `2h`; "
        "default `SIARAN_MISSED_AFTER`)"))


class PostPatch(In):
    """What an edit changes; a field left out stays as it is (``at: null`` unschedules)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"title": "Jadwal layanan publik (diperbarui)", "at": "2030-12-02 09:00"}]})

    title: Title | None = None
    text: Body | None = None
    pillar: line(100) | None = None
    channels: list[Name] | None = Field(None, max_length=50)
    at: At | None = None
    variants: VariantChanges | None = Field(None, description=(
        "per platform named: its whole new variant; `null` removes it; platforms not named "
        "keep theirs (`variants: null` removes them all)"))
    media: list[MediaRef] | None = Field(None, max_length=20)
    options: Options | None = None


class RejectIn(In):
    reason: text(2000) = ""


class PublishNowIn(In):
    override_embargo: text(2000) | None = Field(None, description=(
        "publish although an embargo is in force: why (admins only; audited)"))


class RetryIn(In):
    force: bool = Field(False, description="also retry an `unknown` delivery (check the "
                                           "platform first: it may be there already)")


class ResolveIn(In):
    published: bool = Field(description="true: the post is on the platform; false: it is not")
    permalink: line(1000) | None = None
    external_id: line(200) | None = None


# answers ---------------------------------------------------------------------------------
class DeliveryOut(Out):
    id: int
    post_id: int
    channel: str
    platform: str
    status: DeliveryStatus
    external_id: str | None
    permalink: str | None
    attempts: int
    error_kind: str | None
    error: str | None
    updated_at: str | None


class AttemptOut(Out):
    started_at: str
    finished_at: str
    worker: str
    message_id: str | None
    outcome: str
    http_status: int | None
    error_kind: str | None
    excerpt: str
    duration_ms: float


class DeliveryDetail(DeliveryOut):
    attempt_log: list[AttemptOut]


class PostSummary(Out):
    id: int
    title: str
    pillar: str
    status: PostStatus
    scheduled_at: str | None
    author: str
    approver: str | None
    channels: list[str]
    deliveries: list[DeliveryOut]


class MediaOut(Out):
    digest: str
    mime: str
    size: int
    alt_text: str


class AuditEvent(Out):
    at: str
    actor: str
    action: str
    detail: dict[str, Any]
    origin: str | None
    token_id: int | None


class AuditEntry(AuditEvent):
    id: int
    entity: str
    entity_id: int


class PostDetail(PostSummary):
    text: str
    variants: dict[str, Any]
    options: dict[str, Any]
    media: list[MediaOut]
    deliveries: list[DeliveryDetail]
    audit: list[AuditEvent]
    series_id: int | None = Field(None, description="the series it is an occurrence of")
    etag: str = Field(description="the version an edit names in `If-Match`")


class PostAction(Out):
    id: int
    status: PostStatus
    warnings: list[str] = Field(description="rules a platform may apply, and an approval "
                                            "that moves the pillar mix away from its "
                                            "targets (nothing blocking)")


class DeliveryAction(Out):
    id: int
    status: DeliveryStatus


class ChannelOut(Out):
    id: int
    name: str
    platform: str
    api_base: str | None
    state: ChannelState
    rate_limits: list[str]


class ChannelHealth(Out):
    deliveries: dict[str, int]
    last_published_at: str | None
    last_failure: DeliveryOut | None


class ChannelDetail(ChannelOut):
    credential_keys: list[str] = Field(description="names only; values are never shown")
    health: ChannelHealth


class ChannelStateOut(ChannelOut):
    released: int


class CheckOut(Out):
    channel: str
    ok: bool
    account: str
    detail: str


class StoredMedia(Out):
    id: str = Field(description="the file's SHA-256: how a post refers to it")
    mime: str
    size: int
    ext: str


# accounts --------------------------------------------------------------------------------
Role = Annotated[str, Field(pattern="^(author|approver|operator|admin)$")]
Password = Annotated[str, StringConstraints(max_length=1024), AfterValidator(_text)]
Days = Annotated[int, Field(ge=1, le=3650)]


class UserIn(In):
    name: Name
    roles: list[Role] = Field(min_length=1, max_length=4)


class PasswordIn(In):
    password: Password


class TokenIn(In):
    user: Name
    label: line(200) = ""
    expires_days: Days | None = Field(None, description="none: the token does not expire")


class SignIn(In):
    user: Name
    password: Password
    label: line(200) = "sign-in"
    expires_days: Days = 1


class UserOut(Out):
    name: str
    roles: list[str]


class Me(UserOut):
    token_id: int | None


class TokenOut(Out):
    id: int
    user: str
    label: str
    state: str = Field(description="active, expired or revoked")
    created_at: str
    created_by: str
    expires_at: str | None
    revoked_at: str | None


class TokenCreated(Out):
    token: str = Field(description="shown this once; only its hash is kept")
    id: int


# the calendar: pillars, the mix, posting slots, series, the embargo ----------------------
Target = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False,
                                description="target share of the calendar, in percent")]


class PillarPatch(In):
    """What a change sets; a field left out stays as it is."""

    target: Target | None = None
    color: line(7) | None = Field(None, description="#RRGGBB")
    label_id: line(200) | None = Field(None, description="label in Bahasa Indonesia")
    label_en: line(200) | None = Field(None, description="label in English")


class PillarIn(PillarPatch):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "informatif", "target": 40, "color": "#1f77b4",
         "label_id": "Informasi publik", "label_en": "Public information"}]})

    name: line(100, 1)
    target: Target


class PillarOut(Out):
    name: str
    target: float
    color: str | None
    label_id: str | None
    label_en: str | None


class Pair(Out):
    planned: float | None
    published: float | None


class PillarMixOut(Out):
    pillar: str
    target: float
    planned: int
    published: int
    share: Pair = Field(description="percent of the period's planned (published) posts")
    deviation: Pair = Field(description="share minus target, in percentage points")


class PeriodOut(Out):
    """An answer about a period: ``from`` and ``to`` in the office's zone."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    start: str = Field(alias="from")
    to: str


class MixOut(PeriodOut):
    planned: int
    published: int
    pillars: list[PillarMixOut]


class SlotsIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"rules": ["mon-fri 09:00,12:00,19:00", "sat 10:00"]}]})

    rules: list[line(200)] = Field(max_length=50, description=(
        "replace the slots (`[]` clears them): days and HH:MM times in the channel's zone"))


class FreeSlot(Out):
    at: str = Field(description="in the office's time zone")
    local: str = Field(description="in the channel's time zone")


class SlotsOut(Out):
    channel: str
    timezone: str
    slots: list[str]
    next: list[FreeSlot] | None = None


class OccurrenceOut(Out):
    id: int
    scheduled_at: str | None
    occurrence_at: str | None
    status: PostStatus
    own_approval: bool = Field(description="edited away from the series' content or time")


class SeriesOut(Out):
    id: int
    rule: str
    first: str
    status: str
    title: str
    pillar: str
    author: str
    approver: str | None
    written: int = Field(description="occurrences written so far")
    ended: bool
    next: str | None


class SeriesDetail(SeriesOut):
    occurrences: list[OccurrenceOut]


class SeriesCancelled(Out):
    id: int
    status: str
    cancelled_posts: list[int]


class EmbargoIn(In):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, json_schema_extra={
        "examples": [{"reason": "Masa tenang pemilu", "from": "2030-02-11 00:00",
                      "until": "2030-02-14 13:00"}]})

    reason: line(2000) = Field(description="why (shown on every held delivery)")
    start: At | None = Field(None, alias="from", description="planned start (default now)")
    until: At | None = Field(None, description="planned end (default: until lifted)")


class LiftIn(In):
    id: int | None = Field(None, ge=1, le=2**31 - 1, description=(
        "lift this embargo only (one planned ahead, say); default: those in force"))


class EmbargoOut(Out):
    id: int
    reason: str
    since: str
    until: str | None
    by: str


class PausedOut(EmbargoOut):
    in_force: bool
    held: int = Field(description="deliveries held when the answer was given")
    in_flight: list[int] = Field(description="deliveries whose request was still in flight "
                                             "when the wait ran out")


class ResumedOut(Out):
    lifted: list[int]
    released: int
    missed: int
    still: EmbargoOut | None = Field(description="another embargo still in force")


class StatusOut(Out):
    embargo: EmbargoOut | None = Field(description="the embargo in force, and since when")
    planned: list[EmbargoOut]
    held: int
    flag: bool = Field(description="the workers' flag is set in Redis")
    redis: bool
