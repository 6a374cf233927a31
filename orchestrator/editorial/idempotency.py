"""Creating a post at most once per idempotency key, so that a client may retry safely.

The key is the client's, scoped to the acting user. The first request takes the key with a
fingerprint of its content; the same key with the same content gives back the same post,
the same key with other content is refused. A request that fails lets go of its key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from connectors.errors import SiaranError
from orchestrator.runtime.context import Context
from orchestrator.store import idempotency as keys

KEY_MAX = 200
#: A key taken by a request that never finished (the process died) is free again after this.
ABANDONED = timedelta(minutes=10)


class KeyReused(SiaranError):
    """The key was used for another request, or its first request is still running."""


def create_once(ctx: Context, key: str, fingerprint: str, create: Callable[[], int]
                ) -> tuple[int, bool]:
    """(post id, replayed): ``create()`` runs only for a key not seen before."""
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise KeyReused(f"an idempotency key is 1 to {KEY_MAX} printable characters")
    user = str(ctx.user)
    now = ctx.now()
    with ctx.db.write() as conn:
        taken = not keys.reserve(conn, user, key, fingerprint, now)
        if taken:
            found = keys.find(conn, user, key)
            if found.post_id is None and now - found.created_at > ABANDONED:
                keys.release(conn, user, key)
                taken = not keys.reserve(conn, user, key, fingerprint, now)
    if taken:
        if found.fingerprint != fingerprint:
            raise KeyReused("this idempotency key was used with another request")
        if found.post_id is None:
            raise KeyReused("a request with this idempotency key is still being handled")
        return found.post_id, True
    try:
        post_id = create()
    except BaseException:
        with ctx.db.write() as conn:
            keys.release(conn, user, key)
        raise
    with ctx.db.write() as conn:
        keys.complete(conn, user, key, post_id)
    return post_id, False
