"""Alert targets, the service the CLI calls: add, list, test, remove. Admin only, audited;
secrets (webhook secret, bot token, SMTP password) are sealed with the channels'
credential box and never shown, logged or returned."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from connectors.errors import ConfigError
from ops.alerts.messages import test_alert
from ops.alerts.senders import recipient
from orchestrator.access.roles import act, authorize
from orchestrator.channels.hosts import is_loopback
from orchestrator.runtime.context import Context
from orchestrator.store import alert_events
from orchestrator.store import alert_targets as rows

KINDS = ("webhook", "telegram", "email")
NAME_MAX = 100
SECRET_MIN = 16
_BOT_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_CHAT = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,}|-?\d+")
_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+|[^@\s<>,;\"]+@localhost")


@dataclass(frozen=True)
class TargetSpec:
    """What ``alert add`` was given; only the options of ``kind`` may be set."""

    kind: str
    url: str | None = None
    secret: str | None = None
    bot_token: str | None = None
    chat_id: str | None = None
    api_base: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str | None = None
    recipients: tuple[str, ...] = ()
    digest: bool = False


_OPTIONS = {
    "webhook": {"url", "secret"},
    "telegram": {"bot_token", "chat_id", "api_base"},
    "email": {"smtp_host", "smtp_port", "starttls", "username", "password", "sender",
              "recipients"},
}
_FLAG = {"sender": "--from", "recipients": "--to", "password": "--password-stdin"}


def _flag(option: str) -> str:
    return _FLAG.get(option, "--" + option.replace("_", "-"))


def add_target(ctx: Context, name: str, spec: TargetSpec) -> dict:
    """Check and store a target; the audit event names where alerts will go."""
    name = _checked_name(name)
    settings, secret = _checked(spec)
    now = ctx.now()
    with ctx.db.write() as conn:
        authorize(conn, ctx.user, "alert_add")
        target = rows.add(conn, name=name, kind=spec.kind, settings=settings,
                          sealed_secret=ctx.box.seal({"secret": secret}), digest=spec.digest,
                          now=now, by=str(ctx.user))
        act(conn, user=ctx.user, action="alert_add", entity="alert_target",
            entity_id=target.id, now=now, name=name, kind=spec.kind, digest=spec.digest,
            recipient=recipient(spec.kind, settings))
    return view(target)


def list_targets(ctx: Context) -> list[dict]:
    with ctx.db.read() as conn:
        authorize(conn, ctx.user, "alert_list")
        found = rows.every(conn)
        latest = {s.target_name: s for s in reversed(alert_events.sends(conn, limit=500))}
    shown = []
    for target in found:
        item = view(target)
        last = latest.get(target.name)
        item["last_send"] = None if last is None else {
            "event": last.event, "outcome": last.outcome, "attempts": last.attempts,
            "at": (last.finished_at or last.created_at).isoformat(), "error": last.error}
        shown.append(item)
    return shown


def remove_target(ctx: Context, name: str) -> None:
    now = ctx.now()
    with ctx.db.write() as conn:
        authorize(conn, ctx.user, "alert_remove")
        target = rows.by_name(conn, name)
        rows.remove(conn, target.id)
        act(conn, user=ctx.user, action="alert_remove", entity="alert_target",
            entity_id=target.id, now=now, name=name, kind=target.kind)


def test_target(ctx: Context, name: str) -> dict:
    """Send a test message now, once; the send is recorded like any alert's."""
    now = ctx.now()
    with ctx.db.write() as conn:
        authorize(conn, ctx.user, "alert_test")
        target = rows.by_name(conn, name)
        alert = test_alert(name, now, ctx.settings.timezone)
        send_id = alert_events.add_send(
            conn, target_id=target.id, target_name=target.name, target_kind=target.kind,
            event="test", subject=f"target:{name}", count=1, title=alert.title,
            message=alert.text, payload=alert.payload,
            recipient=recipient(target.kind, target.settings), now=now)
    from ops.alerts import sending

    done = sending.attempt(ctx, send_id, final=True)
    with ctx.db.write() as conn:
        act(conn, user=ctx.user, action="alert_test", entity="alert_target",
            entity_id=target.id, now=ctx.now(), name=name, outcome=done.outcome)
    return {"target": name, "kind": target.kind, "recipient": done.recipient,
            "outcome": done.outcome, "error": done.error}


def view(target: rows.TargetRow) -> dict:
    """A target as shown: where it sends, never its secret."""
    return {"name": target.name, "kind": target.kind, "digest": target.digest,
            "recipient": recipient(target.kind, target.settings),
            "settings": target.settings, "created_at": target.created_at.isoformat(),
            "created_by": target.created_by}


# checks -------------------------------------------------------------------------------
def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or not name.isprintable() or len(name) > NAME_MAX:
        raise ConfigError(f"an alert target needs a name of one printable line, at most "
                          f"{NAME_MAX} characters")
    return name


def _checked(spec: TargetSpec) -> tuple[dict, str]:
    if spec.kind not in KINDS:
        raise ConfigError(f"unknown alert target {spec.kind!r}; known: {', '.join(KINDS)}")
    stray = [o for o in sorted(set().union(*_OPTIONS.values()) - _OPTIONS[spec.kind])
             if getattr(spec, o) not in (None, False, ())]
    if stray:
        raise ConfigError(f"{', '.join(_flag(o) for o in stray)} "
                          f"{'is' if len(stray) == 1 else 'are'} not for a {spec.kind} target")
    return {"webhook": _webhook, "telegram": _telegram, "email": _email}[spec.kind](spec)


def _url(url: str, what: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what} must be an http(s) URL, got {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ConfigError(f"{what} must not carry a user name or password")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(f"{what} must use https://: {parts.hostname} is not a loopback "
                          "host, and plain http would let anyone on the way read the alerts")
    return url.strip()


def _webhook(spec: TargetSpec) -> tuple[dict, str]:
    if not spec.url:
        raise ConfigError("a webhook target needs --url")
    if not spec.secret:
        raise ConfigError("a webhook target needs --secret (the receiver checks the "
                          "signature with it)")
    if len(spec.secret) < SECRET_MIN:
        raise ConfigError(f"the webhook secret must have at least {SECRET_MIN} characters")
    return {"url": _url(spec.url, "--url")}, spec.secret


def _telegram(spec: TargetSpec) -> tuple[dict, str]:
    if not spec.bot_token or not _BOT_TOKEN.fullmatch(spec.bot_token):
        raise ConfigError("a telegram target needs --bot-token, as BotFather gives it "
                          "(digits, a colon, then letters)")
    if not spec.chat_id or not _CHAT.fullmatch(spec.chat_id):
        raise ConfigError("a telegram target needs --chat-id: a numeric chat id "
                          "(-100…) or a @channelname")
    settings: dict = {"chat_id": spec.chat_id}
    if spec.api_base:
        settings["api_base"] = _url(spec.api_base, "--api-base").rstrip("/")
    return settings, spec.bot_token


def _email(spec: TargetSpec) -> tuple[dict, str]:
    if not spec.smtp_host:
        raise ConfigError("an email target needs --smtp-host")
    if not spec.sender:
        raise ConfigError("an email target needs --from")
    if not spec.recipients:
        raise ConfigError("an email target needs at least one --to")
    for address in (spec.sender, *spec.recipients):
        if not _ADDRESS.fullmatch(address):
            raise ConfigError(f"{address!r} is not an e-mail address")
    port = spec.smtp_port or (587 if spec.starttls else 25)
    if not 0 < port < 65536:
        raise ConfigError(f"--smtp-port must be 1 to 65535, got {port}")
    if spec.username and not spec.password:
        raise ConfigError("--username needs the password on standard input "
                          "(--password-stdin)")
    if spec.password and not spec.username:
        raise ConfigError("--password-stdin needs --username")
    if spec.username and not spec.starttls and not is_loopback(spec.smtp_host):
        raise ConfigError("--username without --starttls would send the password in clear "
                          f"to {spec.smtp_host}; add --starttls")
    settings = {"host": spec.smtp_host, "port": port, "starttls": spec.starttls,
                "username": spec.username, "from": spec.sender, "to": list(spec.recipients)}
    return settings, spec.password or ""
