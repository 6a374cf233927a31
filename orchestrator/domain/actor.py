"""Who is acting, and from where.

An :class:`Actor` is the acting user's name (it is a ``str``, so it goes wherever a user
name goes: a post's author, an approver, a comparison for four eyes) that also carries where
the action came from: the API token and the client address of an HTTP request, or ``cli``
for this machine's command line. The audit log records all three.
"""

from __future__ import annotations


class Actor(str):
    """A user name with the token id and the origin (client address or ``cli``) it acts from."""

    token_id: int | None
    origin: str

    def __new__(cls, name: str, *, token_id: int | None = None, origin: str = "cli") -> Actor:
        actor = super().__new__(cls, name)
        actor.token_id = token_id
        actor.origin = origin
        return actor

    def __reduce__(self):
        return (_rebuild, (str(self), self.token_id, self.origin))


def _rebuild(name: str, token_id: int | None, origin: str) -> Actor:
    return Actor(name, token_id=token_id, origin=origin)


def origin_of(user: str) -> tuple[int | None, str | None]:
    """(token id, origin) of an actor; (None, None) for a process acting on its own."""
    if isinstance(user, Actor):
        return user.token_id, user.origin
    return None, None
