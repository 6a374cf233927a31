"""The connector contract: what every platform module implements.

A connector is built from one channel's decrypted credentials and optional ``api_base``;
it publishes one rendered post and maps every platform answer onto
:mod:`orchestrator.errors`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from orchestrator.errors import ConfigError

DEFAULT_TIMEOUT = 15.0


@dataclass(frozen=True)
class PlatformLimits:
    """Text and media rules of a platform, checked before approval."""

    max_text: int
    max_media: int = 0


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
        wanted = " or ".join(", ".join(sorted(keys)) for keys in cls.credential_keys)
        raise ConfigError(f"{cls.platform} channel needs credentials: {wanted}")

    def validate(self, post: RenderedPost) -> list[Problem]:
        """Offline check against the platform's limits."""
        if len(post.text) > self.limits.max_text:
            return [Problem(self.platform, f"text is {len(post.text)} characters, "
                                           f"limit {self.limits.max_text}")]
        return []

    @abstractmethod
    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """Publish once; ``key`` is the delivery's idempotency key."""

    @abstractmethod
    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        """Look the post up through the platform's read API (reconciliation)."""

    @abstractmethod
    def check(self) -> ChannelHealth:
        """Are the credentials still valid, and what account is this?"""
