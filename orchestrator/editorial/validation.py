"""Checking a post against every target channel's rules before it is approved.

Each connector knows its platform's rules (``Connector.validate``) and how it counts what
it limits (``Connector.counters``); this module renders the post for every channel, asks,
and gathers every problem into one answer. :func:`preview` gives the same per channel, with
the rendered text and its counts, for a writer watching the limits while typing.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base import Counter
from connectors.errors import ValidationError
from connectors.wording import Listed, Said
from orchestrator.domain.model import Post
from orchestrator.pipeline.connections import connector_for
from orchestrator.pipeline.rendering import render
from orchestrator.runtime.context import Context
from orchestrator.store import channels as channel_rows


@dataclass(frozen=True)
class Finding:
    channel: str
    message: str
    blocking: bool

    def __str__(self) -> str:
        return self.said

    @property
    def said(self) -> Said:
        """``x-humas: text weighs 300 characters, limit 280``."""
        return Said("{channel}: {rule}", channel=self.channel, rule=self.message)


@dataclass(frozen=True)
class ChannelCheck:
    """What one channel would receive, its counts against the platform's limits, and the
    rules it breaks (the same findings as :func:`findings`)."""

    channel: str
    platform: str
    title: str
    text: str
    counters: list[Counter]
    findings: list[Finding]


def preview(ctx: Context, post: Post) -> list[ChannelCheck]:
    """Every target channel's rendering, counts and findings (the post need not be saved:
    an unsaved one has id 0)."""
    checks: list[ChannelCheck] = []
    with ctx.db.read() as conn:
        targets = [channel_rows.by_name(conn, name) for name in post.channels]
        sealed = {c.id: channel_rows.sealed_credentials(conn, c.id) for c in targets}
    for channel in targets:
        connector = connector_for(ctx, channel, sealed[channel.id])
        rendered = render(post, channel.platform, data_dir=ctx.settings.data_dir,
                          media_base_url=ctx.settings.media_base_url)
        found = [Finding(channel.name, _named(post, p.message), p.blocking)
                 for p in connector.validate(rendered)]
        checks.append(ChannelCheck(channel.name, channel.platform, rendered.title,
                                   rendered.text, connector.counters(rendered), found))
    return checks


def findings(ctx: Context, post: Post) -> list[Finding]:
    """Every rule the post breaks on every target channel (warnings included)."""
    return [f for check in preview(ctx, post) for f in check.findings]


def _named(post: Post, message: str) -> str:
    """The message with each stored file (``<sha256>.jpg``) named as the user gave it (in a
    Said's values: it stays a Said)."""
    for media in post.media:
        if media.source_name:
            message = (message.replace_in_values(media.name, media.source_name)
                       if isinstance(message, Said)
                       else message.replace(media.name, media.source_name))
    return message


def require_publishable(ctx: Context, post: Post) -> list[Finding]:
    """Refuse, listing every blocking problem at once; return the warnings."""
    found = findings(ctx, post)
    blocking = [f for f in found if f.blocking]
    if blocking:
        rules = Listed([f.said for f in blocking])
        said = (Said("post {post} breaks {count} platform rules: {rules}", post=str(post.id),
                     count=len(blocking), rules=rules) if len(blocking) > 1 else
                Said("post {post} breaks {count} platform rule: {rules}", post=str(post.id),
                     count=len(blocking), rules=rules))
        raise ValidationError(said, [(f"channels/{f.channel}", f.message) for f in blocking])
    return [f for f in found if not f.blocking]
