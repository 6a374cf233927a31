"""The connector contract: what every platform module implements.

A connector is built from one channel's decrypted credentials and optional ``api_base``;
it publishes one rendered post and maps every platform answer onto
:mod:`connectors.errors`. What every connector does alike lives here: validation against
the declared limits, reuse of what an earlier attempt uploaded (:meth:`Connector.reuse`),
walking the pages of an account's posts (:meth:`Connector.walk_pages`) and the health
check (:meth:`Connector.check`, the platform supplying only :meth:`Connector.whoami`).
Optionally a platform reads back what its posts gathered (:meth:`Connector.metrics`, in
batches of :attr:`Connector.metrics_batch`) and the account's audience
(:meth:`Connector.audience`); the defaults say "unknown" (None), never 0.
"""

from __future__ import annotations

import math
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from connectors.engagement import Engagement
from connectors.errors import AuthExpired, ConfigError, ContentRejected, PermissionDenied
from connectors.http import DEFAULT_TIMEOUT, redact
from connectors.wording import Listed, Said, either

__all__ = ["DEFAULT_TIMEOUT", "MB", "PERMANENT", "ChannelHealth", "Connector", "Counter",
           "Engagement", "MediaItem", "PlatformLimits", "Problem", "Published", "RenderedPost"]

T = TypeVar("T")
#: ``media_id_ttl`` of platforms whose uploaded media ids never expire.
PERMANENT = math.inf
MB = 1024 * 1024


@dataclass(frozen=True)
class PlatformLimits:
    """Text and media rules of a platform, checked before approval.

    Sizes are bytes; 0 means the platform sets no limit we check. An empty
    ``video_types`` means the platform takes no video.
    """

    max_text: int
    max_media: int = 0
    image_types: frozenset[str] = frozenset({"image/jpeg", "image/png"})
    max_image_bytes: int = 0
    video_types: frozenset[str] = frozenset()
    max_video_bytes: int = 0


@dataclass(frozen=True)
class MediaItem:
    """One image or video attached to a post: a local file, a public URL, or both."""

    path: str | None = None
    url: str | None = None
    alt_text: str = ""
    mime: str = "image/jpeg"
    #: sha256 of the file: the key under which an upload is remembered between attempts.
    digest: str = ""
    size: int = 0

    @property
    def is_video(self) -> bool:
        return self.mime.startswith("video/")

    def __post_init__(self) -> None:
        if not self.path and not self.url:
            raise ValueError("a media item needs a path or a url")

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")

    def byte_size(self) -> int:
        """The size in bytes: as given, else the local file's (0 when unknown)."""
        if self.size or not self.path:
            return self.size
        try:
            return os.path.getsize(self.path)
        except OSError:
            return 0

    @property
    def filename(self) -> str:
        """The file name to announce when uploading."""
        source = self.path or (self.url or "").split("?")[0]
        return source.rstrip("/").rsplit("/", 1)[-1] or "media"

    def read(self) -> bytes:
        """The file's bytes (only for items with a path)."""
        if not self.path:
            raise ValueError("this media item has no local file")
        with open(self.path, "rb") as handle:
            return handle.read()


@dataclass(frozen=True)
class RenderedPost:
    """The exact content one channel receives."""

    post_id: int
    delivery_id: int
    title: str
    text: str
    media: tuple[MediaItem, ...] = ()
    #: X: the author asked for a thread when the text is longer than one post.
    thread: bool = False
    #: WordPress: excerpt, and category and tag names (created on the site when missing).
    excerpt: str = ""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: Platform media ids uploaded by earlier attempts of this delivery, by media digest.
    #: A connector reuses them instead of uploading again, and adds what it uploads; the
    #: caller stores the mapping after the attempt, whatever its outcome.
    uploads: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Published:
    """A post the platform holds: its id and public link."""

    external_id: str
    permalink: str | None = None
    #: Seconds until the platform's exhausted posting window resets, when its answer said
    #: the account has no quota left; every worker then leaves the channel alone that long.
    quota_wait: float | None = None


@dataclass(frozen=True)
class Problem:
    """One rule a post breaks on one platform."""

    platform: str
    message: str
    blocking: bool = True


@dataclass(frozen=True)
class Counter:
    """One measure a platform limits (``text``, ``caption``, ``hashtags``…), as it counts
    it, against its limit: what a writer watches while typing."""

    what: str
    used: int
    limit: int

    @property
    def over(self) -> bool:
        return self.used > self.limit


@dataclass(frozen=True)
class ChannelHealth:
    """Whether a channel's credentials work, and whose account they are."""

    ok: bool
    account: str = ""
    detail: str = ""


@dataclass
class Connector(ABC):
    """One platform account. Subclasses set ``platform``, ``limits`` and ``credential_keys``."""

    platform: ClassVar[str]
    limits: ClassVar[PlatformLimits]
    #: Sets of credential names, any one of which is enough.
    credential_keys: ClassVar[tuple[frozenset[str], ...]]
    #: False where the platform cannot list what an account published (no reconciliation).
    supports_find: ClassVar[bool] = True
    #: Seconds an uploaded media id stays usable on the platform (0: never reuse).
    media_id_ttl: ClassVar[float] = 0.0
    #: The most pages of an account's posts :meth:`find` reads.
    find_pages: ClassVar[int] = 5
    #: The most posts one metrics request reads (X: 100 ids per ``GET /2/tweets``).
    metrics_batch: ClassVar[int] = 1

    credentials: Mapping[str, str] = field(repr=False)
    api_base: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.check_credentials(self.credentials)

    @classmethod
    def check_credentials(cls, credentials: Mapping[str, str]) -> None:
        """Raise ConfigError unless one complete credential set is present (no values shown)."""
        given = {k for k, v in credentials.items() if v}
        if any(keys <= given for keys in cls.credential_keys):
            return
        wanted = either(", ".join(sorted(keys)) for keys in cls.credential_keys)
        raise ConfigError(Said("{platform} channel needs credentials: {wanted}",
                               platform=cls.platform, wanted=wanted))

    def validate(self, post: RenderedPost) -> list[Problem]:
        """Offline check against the platform's limits: every problem, warnings included."""
        return self.text_problems(post) + self.media_problems(post)

    def counters(self, post: RenderedPost) -> list[Counter]:
        """The measures :meth:`validate` limits, as the platform counts them (the text's
        length first)."""
        return [Counter("text", self.text_length(post.text), self.limits.max_text),
                Counter("media", len(post.media), self.limits.max_media)]

    def text_length(self, text: str) -> int:
        """The length the platform counts (characters unless a subclass says otherwise)."""
        return len(text)

    def text_problems(self, post: RenderedPost) -> list[Problem]:
        length = self.text_length(post.text)
        if length > self.limits.max_text:
            return [Problem(self.platform, Said("text is {length} characters, limit {limit}",
                                                length=length, limit=self.limits.max_text))]
        return []

    def media_problems(self, post: RenderedPost) -> list[Problem]:
        """Count, type, size and alt text of every item (alt text is always required)."""
        limits, problems = self.limits, []
        if len(post.media) > limits.max_media:
            problems.append(Problem(self.platform, Said("{count} media items, limit {limit}",
                                                        count=len(post.media),
                                                        limit=limits.max_media)))
        for number, item in enumerate(post.media, 1):
            problems += self.item_problems(number, item)
        return problems

    def item_problems(self, number: int, item: MediaItem) -> list[Problem]:
        """Type, size and alt text of the ``number``-th media item."""
        limits, problems = self.limits, []
        name = Said("media {number} ({file})", number=number, file=item.filename)
        if item.is_video:
            types, cap, kind = limits.video_types, limits.max_video_bytes, "video"
        else:
            types, cap, kind = limits.image_types, limits.max_image_bytes, "image"
        if item.mime not in types:
            accepted = ", ".join(sorted(types)) or Said("none")
            problems.append(Problem(self.platform, Said(
                "{name}: {mime} is not accepted (accepted: {accepted})", name=name,
                mime=item.mime, accepted=accepted)))
        size = item.byte_size()
        if cap and size > cap:
            said = (Said("{name}: video is {size:.1f} MB, limit {limit:.0f} MB", name=name,
                         size=size / MB, limit=cap / MB) if kind == "video" else
                    Said("{name}: image is {size:.1f} MB, limit {limit:.0f} MB", name=name,
                         size=size / MB, limit=cap / MB))
            problems.append(Problem(self.platform, said))
        if item.is_image and not item.alt_text.strip():
            problems.append(Problem(self.platform, Said("{name}: alt text is missing",
                                                        name=name)))
        return problems

    # reuse of earlier attempts' uploads -------------------------------------------------
    @staticmethod
    def reuse(post: RenderedPost, key: str, create: Callable[[], str], *,
              usable: Callable[[str], bool] | None = None) -> str:
        """The id remembered in ``post.uploads`` under ``key`` by an earlier attempt, while
        ``usable(id)`` says it still is (an unusable one is forgotten), else ``create()``'s,
        remembered there for the next attempt."""
        known = post.uploads.get(key)
        if known and (usable is None or usable(known)):
            return known
        post.uploads.pop(key, None)
        made = create()
        post.uploads[key] = made
        return made

    def media_id(self, post: RenderedPost, item: MediaItem, upload: Callable[[MediaItem], str],
                 *, usable: Callable[[str], bool] | None = None) -> str:
        """The platform id of ``item``: the one an earlier attempt uploaded (remembered under
        the item's digest), else ``upload(item)``'s. Items without a digest are uploaded."""
        if not item.digest:
            return upload(item)
        return self.reuse(post, item.digest, lambda: upload(item), usable=usable)

    @staticmethod
    def uploaded(post: RenderedPost, item: MediaItem) -> str | None:
        """The platform id an earlier attempt got for ``item``, if any."""
        return post.uploads.get(item.digest) if item.digest else None

    @staticmethod
    def remember(post: RenderedPost, item: MediaItem, media_id: str | None) -> None:
        """Keep the platform id ``item`` got (say, from a publishing answer) for a retry."""
        if item.digest and media_id:
            post.uploads[item.digest] = media_id

    # reading back -----------------------------------------------------------------------
    @staticmethod
    def utc(when: datetime) -> datetime:
        """``when`` with a time zone: a naive time is taken as UTC."""
        return when if when.tzinfo is not None else when.replace(tzinfo=UTC)

    def walk_pages(self, fetch: Callable[[Any], tuple[Iterable[T], Any]],
                   pages: int | None = None) -> Iterator[T]:
        """The items of an account's posts, page after page, at most ``pages`` pages
        (default :attr:`find_pages`). ``fetch(cursor)`` reads one page — the first with
        cursor None — and returns its items and the next page's cursor (None after the last).
        Stop iterating to stop reading."""
        cursor = None
        for _ in range(self.find_pages if pages is None else pages):
            items, cursor = fetch(cursor)
            yield from items
            if cursor is None:
                return

    def refuse_invalid(self, post: RenderedPost) -> None:
        """Raise ContentRejected naming every blocking problem (nothing is sent)."""
        blocking = [p.message for p in self.validate(post) if p.blocking]
        if blocking:
            raise ContentRejected(Listed(blocking), platform=self.platform)

    @abstractmethod
    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """Publish once; ``key`` is the delivery's idempotency key."""

    @abstractmethod
    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        """Look the post up through the platform's read API (reconciliation)."""

    def check(self) -> ChannelHealth:
        """Are the credentials still valid, and whose account is this? Refused credentials
        give ok=False with the platform's reason, always redacted; outages raise."""
        try:
            account = self.whoami()
        except (AuthExpired, PermissionDenied) as exc:
            return ChannelHealth(ok=False, detail=redact(exc.detail))
        return ChannelHealth(ok=True, account=account)

    # engagement (optional) -----------------------------------------------------------
    def metrics(self, external_ids: Sequence[str]) -> dict[str, Engagement]:
        """Engagement of published posts by their platform ids, at most
        :attr:`metrics_batch` ids per request; a post the platform no longer holds is left
        out. The default, for platforms that cannot tell: every number unknown (None)."""
        return {str(i): Engagement() for i in external_ids}

    @staticmethod
    def each_post(external_ids: Sequence[str], read: Callable[[str], Engagement | None]
                  ) -> dict[str, Engagement]:
        """:meth:`metrics` for platforms read one post a request: ``read`` of each id, the
        posts it finds gone (None) left out."""
        found = {}
        for post_id in map(str, external_ids):
            got = read(post_id)
            if got is not None:
                found[post_id] = got
        return found

    def audience(self) -> int | None:
        """Followers (or members) of the account now; None when the platform cannot tell."""
        return None

    @abstractmethod
    def whoami(self) -> str:
        """The account the credentials open, as people know it (one call to the platform)."""
