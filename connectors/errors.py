"""Siaran's one error taxonomy.

Every failure Siaran reports is one of these classes; connectors map each platform's
real answers onto them, and the delivery pipeline decides what to do by class alone::

    SiaranError
    ├── ConfigError               bad settings or channel credentials
    │   └── AlreadyExists         a name that is taken (a user, a channel)
    ├── NotFound                  an id or name that does not exist
    ├── NotAuthenticated          no valid credentials (API token, password) were given
    ├── AccessDenied              the acting user may not do this
    ├── InvalidTransition         illegal state change
    ├── ValidationError           content violates a platform rule (length, media, alt text)
    └── PublishError              raised by connectors, carries platform + detail
        ├── RetryableError        retry_after: seconds or None
        │   ├── RateLimited       429 / quota; retry_after from the platform's reset headers
        │   └── Unavailable       5xx, connection refused before the request was sent
        ├── PermanentError
        │   ├── ContentRejected   400-class validation
        │   │   └── DuplicateContent  "already posted": reconcile, it may be ours
        │   ├── AuthExpired       token expired/revoked → channel needs_reauth
        │   └── PermissionDenied
        └── OutcomeUnknown        request may have been applied; reconcile, never blind-retry
"""

from __future__ import annotations

from connectors.wording import Said, word


class SiaranError(Exception):
    """Base of every error Siaran raises on purpose.

    ``str(error)`` is the English message; ``error.said`` is the message as given, a
    :class:`~connectors.wording.Said` when it can be said in another language."""

    @property
    def said(self) -> str:
        first = self.args[0] if len(self.args) == 1 else None
        return first if isinstance(first, str) else str(self)


class ConfigError(SiaranError):
    """Bad settings or channel credentials."""


class AlreadyExists(ConfigError):
    """A name that is taken already."""


class NotAuthenticated(SiaranError):
    """No valid credentials: a missing, unknown, revoked or expired token, a wrong password."""


class NotFound(SiaranError):
    """An id or a name that does not exist."""


class AccessDenied(SiaranError):
    """The acting user's roles do not allow the action."""


class InvalidTransition(SiaranError):
    """A state change the state machine does not allow; the entity and the states are
    said as words (:func:`~connectors.wording.word`), translated on a page."""

    def __init__(self, entity: str, current: str, target: str) -> None:
        super().__init__(Said("{entity} cannot go from {current} to {target}",
                              entity=word(entity), current=word(current),
                              target=word(target)))
        self.entity, self.current, self.target = entity, current, target


class ValidationError(SiaranError):
    """Content that a platform would refuse.

    ``problems`` lists every broken rule as (field, message): the field names what is wrong
    (``title``, ``media/0/alt``, a channel name for a platform rule)."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class PublishError(SiaranError):
    """A publishing call failed; carries the platform, HTTP status and an answer excerpt."""

    kind: str = "error"

    def __init__(
        self,
        detail: str,
        *,
        platform: str = "",
        status: int | None = None,
        excerpt: str = "",
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.platform = platform
        self.status = status
        self.excerpt = excerpt[:500]


class RetryableError(PublishError):
    """Nothing was published; trying again later may succeed."""

    kind = "retryable"

    def __init__(self, detail: str, *, retry_after: float | None = None, **kw) -> None:
        super().__init__(detail, **kw)
        self.retry_after = retry_after


class RateLimited(RetryableError):
    """The platform refused for rate or quota; retry_after comes from its reset headers."""

    kind = "rate_limited"


class Unavailable(RetryableError):
    """5xx, or the connection failed before the request was sent."""

    kind = "unavailable"


class PermanentError(PublishError):
    """Trying again will not help."""

    kind = "permanent"


class ContentRejected(PermanentError):
    """The platform refused the content (validation, duplicate)."""

    kind = "content_rejected"


class DuplicateContent(ContentRejected):
    """The platform refused the text as a duplicate: perhaps an earlier try of ours landed.

    Siaran reconciles before deciding: found → published, not found → failed.
    """

    kind = "duplicate"


class AuthExpired(PermanentError):
    """The token expired or was revoked; the channel needs re-authorisation."""

    kind = "auth_expired"


class PermissionDenied(PermanentError):
    """The account may not do this."""

    kind = "permission_denied"


class OutcomeUnknown(PublishError):
    """The request may have been applied: reconcile, never retry blindly."""

    kind = "outcome_unknown"
