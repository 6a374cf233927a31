"""Settings. The only module that reads the environment.

=========================  ===========================================  ====================
variable                   meaning                                      default
=========================  ===========================================  ====================
SIARAN_DATA_DIR            where Siaran keeps its files                 ~/.local/share/siaran
SIARAN_DATABASE_URL        SQLAlchemy URL (PostgreSQL in production)    SQLite in data dir
SIARAN_REDIS_URL           Redis for the queues                         embedded server
SIARAN_REDIS_NAMESPACE     key prefix of Siaran's queues                siaran
SIARAN_TIMEZONE            the office's time zone                       Asia/Jakarta
SIARAN_USER                who is acting (CLI ``--user`` wins)          login name
SIARAN_SECRET_KEY          key(s) that encrypt credentials at rest      key file in data dir
SIARAN_LOG_FORMAT          ``json`` or ``console``                      console on a terminal
SIARAN_HTTP_TIMEOUT        seconds for every platform request           15
SIARAN_TICK_SECONDS        scheduler loop period                        1
SIARAN_CLAIM_TIMEOUT       seconds before a silent claim is abandoned   max(120, 6 × timeout)
SIARAN_HEARTBEAT_SECONDS   a dead worker's messages return after this   60
SIARAN_RETRY_GIVE_UP       per-platform retry horizon, ``x=1800,…``     1800 s each
SIARAN_MEDIA_BASE_URL      public URL of the media store (Instagram)    none
SIARAN_MEDIA_DIR           media store a web server serves (0644 files) data dir, private
SIARAN_WEB_CORS_ORIGINS    origins allowed cross-origin, ``a,b``        none (CORS off)
SIARAN_WEB_MAX_BODY        bytes of a JSON request body                 1048576
SIARAN_WEB_MAX_UPLOAD      bytes of a media upload                      104857600
SIARAN_WEB_AUTH_FAILURES   failed sign-ins allowed, ``COUNT/SECONDS``   10/300
SIARAN_WEB_PROXIES         proxies trusted for X-Forwarded-For, ``a,b`` none
SIARAN_WEB_COOKIE_SECURE   console cookie only over https (``1``/``0``) 0
SIARAN_WEB_SESSION_DAYS    days a console sign-in lasts                 1
SIARAN_MISSED_AFTER        a post's window after its time (``90s``,     60m
                           ``30m``, ``2h``); later it is ``missed``
SIARAN_ENGAGEMENT_SCHEDULE when a post's engagement is read back:         1h/6h,3h/24h,
                           ``EVERY/UNTIL`` steps after publishing       12h/3d,24h/7d
SIARAN_PUBLIC_URL          the console's address, for links in alerts   none (no links)
SIARAN_ALERT_RENOTIFY      an alert repeats no sooner than this          15m
SIARAN_ALERT_GROUP_WAIT    a new alert waits this long for its repeats   10s
SIARAN_ALERT_UNKNOWN_AFTER an unknown delivery needs a person after      5m
SIARAN_ALERT_TIMEOUT       seconds for one alert to be sent              10
SIARAN_ALERT_INTERVAL      seconds between two looks of ``siaran watch`` 2
SIARAN_ALERT_DIGEST_AT     when the daily digest goes, office time       07:00
SIARAN_SCHEDULER_STALE     not ready, and alerted, when the scheduler's 30s
                           heartbeat is older (``30s``, ``2m``)
SIARAN_QUEUE_STALE         not ready, and alerted, when a queue's       5m
                           oldest waiting message is older
SIARAN_METRICS_DIR         where processes write their Prometheus       data dir/metrics
                           metrics (exported to the processes Siaran
                           starts as ``PROMETHEUS_MULTIPROC_DIR``)
=========================  ===========================================  ====================
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connectors.errors import ConfigError, ValidationError
from orchestrator.domain.engagement import DEFAULT_SCHEDULE, Step, parse_schedule
from orchestrator.domain.windows import DEFAULT_SECONDS, parse_duration


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "siaran"


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


#: How long an idle Dramatiq consumer waits before asking Redis again.
DRAMATIQ_IDLE_POLL_MS = 100


@dataclass(frozen=True)
class WebSettings:
    """What the HTTP app reads: CORS, body limits, sign-in throttling, trusted proxies."""

    cors_origins: tuple[str, ...] = ()
    max_body: int = 1 << 20
    max_upload: int = 100 << 20
    #: Failed authentications allowed per client address and per user name in a window.
    auth_failures: int = 10
    auth_window: float = 300.0
    proxies: tuple[str, ...] = ()
    #: The console's session cookie is sent over https only.
    cookie_secure: bool = False
    #: Days a console sign-in lasts (its session is a token that expires then).
    session_days: int = 1


@dataclass(frozen=True)
class AlertSettings:
    """What ``siaran watch`` reads: thresholds, repeats, timeouts, the digest's hour."""

    #: The console's base URL (links in alerts); None: alerts carry no links.
    public_url: str | None = None
    renotify: float = 900.0
    group_wait: float = 10.0
    unknown_after: float = 300.0
    timeout: float = 10.0
    interval: float = 2.0
    #: (hour, minute) in the office's zone after which yesterday's digest is sent.
    digest_at: tuple[int, int] = (7, 0)


@dataclass(frozen=True)
class Settings:
    """Everything Siaran reads from its environment, resolved once."""

    data_dir: Path
    #: URLs may carry passwords and the key is the key: none of them shows in a repr.
    database_url: str = field(repr=False)
    redis_url: str | None = field(repr=False)
    redis_namespace: str
    timezone: ZoneInfo
    user: str
    secret_key: str | None = field(repr=False)
    log_format: str | None
    http_timeout: float
    tick_seconds: float
    claim_timeout: float
    heartbeat_seconds: float
    retry_give_up: dict[str, float]
    media_base_url: str | None = None
    #: A media store outside the data directory, readable by a web server; None: private.
    media_dir: Path | None = None
    web: WebSettings = field(default_factory=lambda: WebSettings())
    #: Seconds after a post's time within which its deliveries must start (else missed).
    missed_after: float = DEFAULT_SECONDS
    #: The decaying schedule of engagement read-backs (``SIARAN_ENGAGEMENT_SCHEDULE``).
    engagement_schedule: tuple[Step, ...] = parse_schedule(DEFAULT_SCHEDULE)
    alerts: AlertSettings = field(default_factory=lambda: AlertSettings())

    #: Readiness: the scheduler's heartbeat and a queue's oldest message may be this old.
    scheduler_stale: float = 30.0
    queue_stale: float = 300.0
    #: prometheus-client's multiprocess directory; None: ``<data_dir>/metrics``.
    metrics_path: Path | None = None

    @property
    def metrics_dir(self) -> Path:
        """Where every process of this installation writes its metrics."""
        return self.metrics_path or self.data_dir / "metrics"

    @property
    def embedded_redis(self) -> bool:
        """True when Siaran must run its own Redis server."""
        return not self.redis_url

    def with_user(self, user: str | None) -> Settings:
        """The same settings acting as another user."""
        return replace(self, user=user) if user else self


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the SIARAN_* environment (or the given mapping)."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("SIARAN_DATA_DIR") or _default_data_dir(env)).expanduser()
    tz_name = env.get("SIARAN_TIMEZONE") or "Asia/Jakarta"
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"SIARAN_TIMEZONE: unknown time zone {tz_name!r}") from None
    db_url = env.get("SIARAN_DATABASE_URL") or f"sqlite:///{data_dir / 'siaran.db'}"
    http_timeout = _float(env, "SIARAN_HTTP_TIMEOUT", 15.0)
    log_format = env.get("SIARAN_LOG_FORMAT") or None
    if log_format not in (None, "json", "console"):
        raise ConfigError(f"SIARAN_LOG_FORMAT must be json or console, got {log_format!r}")
    return Settings(
        data_dir=data_dir,
        database_url=db_url,
        redis_url=env.get("SIARAN_REDIS_URL") or None,
        redis_namespace=env.get("SIARAN_REDIS_NAMESPACE") or "siaran",
        timezone=tz,
        user=env.get("SIARAN_USER") or _login_name(),
        secret_key=env.get("SIARAN_SECRET_KEY") or None,
        log_format=log_format,
        http_timeout=http_timeout,
        tick_seconds=_float(env, "SIARAN_TICK_SECONDS", 1.0),
        claim_timeout=_float(env, "SIARAN_CLAIM_TIMEOUT", max(120.0, 6 * http_timeout)),
        heartbeat_seconds=_float(env, "SIARAN_HEARTBEAT_SECONDS", 60.0),
        retry_give_up=_per_platform(env, "SIARAN_RETRY_GIVE_UP"),
        media_base_url=env.get("SIARAN_MEDIA_BASE_URL") or None,
        media_dir=_path(env, "SIARAN_MEDIA_DIR"),
        web=_web(env),
        missed_after=_duration(env, "SIARAN_MISSED_AFTER", DEFAULT_SECONDS),
        engagement_schedule=_schedule(env, "SIARAN_ENGAGEMENT_SCHEDULE"),
        alerts=_alerts(env),

        scheduler_stale=_duration(env, "SIARAN_SCHEDULER_STALE", 30.0),
        queue_stale=_duration(env, "SIARAN_QUEUE_STALE", 300.0),
        metrics_path=_path(env, "SIARAN_METRICS_DIR"),
    )


def _alerts(env: Mapping[str, str]) -> AlertSettings:
    public_url = (env.get("SIARAN_PUBLIC_URL") or "").strip().rstrip("/") or None
    if public_url and not public_url.startswith(("http://", "https://")):
        raise ConfigError(f"SIARAN_PUBLIC_URL must be an http(s) URL, got {public_url!r}")
    raw_at = env.get("SIARAN_ALERT_DIGEST_AT") or "07:00"
    hour, _, minute = raw_at.partition(":")
    try:
        digest_at = (int(hour), int(minute or 0))
    except ValueError:
        digest_at = (-1, -1)
    if not (0 <= digest_at[0] < 24 and 0 <= digest_at[1] < 60):
        raise ConfigError(f"SIARAN_ALERT_DIGEST_AT must be a time like 07:00, got {raw_at!r}")
    return AlertSettings(
        public_url=public_url,
        renotify=_duration(env, "SIARAN_ALERT_RENOTIFY", 900.0),
        group_wait=_duration_or_zero(env, "SIARAN_ALERT_GROUP_WAIT", 10.0),
        unknown_after=_duration(env, "SIARAN_ALERT_UNKNOWN_AFTER", 300.0),
        timeout=_float(env, "SIARAN_ALERT_TIMEOUT", 10.0),
        interval=_float(env, "SIARAN_ALERT_INTERVAL", 2.0),
        digest_at=digest_at)


def _duration_or_zero(env: Mapping[str, str], name: str, default: float) -> float:
    """A duration that may be ``0`` (no wait)."""
    if (env.get(name) or "").strip() in ("0", "0s"):
        return 0.0
    return _duration(env, name, default)


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name)
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise ConfigError(f"{name} must be an absolute path, got {raw!r}")
    return path


def _web(env: Mapping[str, str]) -> WebSettings:
    failures = env.get("SIARAN_WEB_AUTH_FAILURES") or "10/300"
    count, _, window = failures.partition("/")
    try:
        count_n, window_s = int(count), float(window)
    except ValueError:
        count_n = window_s = 0
    if count_n < 1 or window_s <= 0:
        raise ConfigError(f"SIARAN_WEB_AUTH_FAILURES must look like 10/300, got {failures!r}")
    return WebSettings(
        cors_origins=_listed(env, "SIARAN_WEB_CORS_ORIGINS"),
        max_body=int(_float(env, "SIARAN_WEB_MAX_BODY", 1 << 20)),
        max_upload=int(_float(env, "SIARAN_WEB_MAX_UPLOAD", 100 << 20)),
        auth_failures=count_n, auth_window=window_s,
        proxies=_listed(env, "SIARAN_WEB_PROXIES"),
        cookie_secure=_flag(env, "SIARAN_WEB_COOKIE_SECURE"),
        session_days=_whole(env, "SIARAN_WEB_SESSION_DAYS", 1, 1, 30))


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "0").strip().lower()
    if raw not in {"0", "1", "true", "false", "yes", "no"}:
        raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")
    return raw in {"1", "true", "yes"}


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name) or str(default)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return int(raw)


def _listed(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in (env.get(name) or "").split(",") if item.strip())


def _duration(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return parse_duration(raw)
    except ValidationError as error:
        raise ConfigError(f"{name}: {error}") from None


def _schedule(env: Mapping[str, str], name: str) -> tuple[Step, ...]:
    try:
        return parse_schedule(env.get(name) or DEFAULT_SCHEDULE)
    except ValidationError as error:
        raise ConfigError(f"{name}: {error}") from None


def _per_platform(env: Mapping[str, str], name: str) -> dict[str, float]:
    """``x=1800,facebook=3600`` → {"x": 1800.0, "facebook": 3600.0}."""
    found: dict[str, float] = {}
    for item in filter(None, (env.get(name) or "").split(",")):
        key, _, value = item.partition("=")
        try:
            found[key.strip()] = float(value)
        except ValueError:
            raise ConfigError(f"{name} must look like x=1800,facebook=3600; got {item!r}"
                              ) from None
    return found


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def child_environment(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment for a child process that must share these settings."""
    env = dict(os.environ)
    env.update(
        SIARAN_DATA_DIR=str(settings.data_dir),
        SIARAN_DATABASE_URL=settings.database_url,
        SIARAN_REDIS_NAMESPACE=settings.redis_namespace,
        SIARAN_USER=settings.user,
    )
    for name, value in (("SIARAN_REDIS_URL", settings.redis_url),
                        ("SIARAN_SECRET_KEY", settings.secret_key),
                        ("SIARAN_MEDIA_BASE_URL", settings.media_base_url),
                        ("SIARAN_MEDIA_DIR", settings.media_dir),
                        ("SIARAN_PUBLIC_URL", settings.alerts.public_url)):
        if value:
            env[name] = str(value)
        else:
            env.pop(name, None)
    # Dramatiq's idle consumers poll Redis after up to this many ms (its default, 1,000,
    # adds up to a second to a post's lateness).
    env.setdefault("dramatiq_worker_timeout", str(DRAMATIQ_IDLE_POLL_MS))
    env[METRICS_VARIABLE] = str(settings.metrics_dir)
    env.update(extra)
    return env


#: prometheus-client reads this variable itself (when a process creates its first metric).
METRICS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def export_metrics_dir(settings: Settings) -> None:
    """Point this process's prometheus-client at ``settings.metrics_dir`` (its
    multiprocess mode: every process writes its own file there, a scrape sums them)."""
    os.environ[METRICS_VARIABLE] = str(settings.metrics_dir)
