"""Which Redis this process talks to."""

from __future__ import annotations

from connectors.errors import ConfigError
from orchestrator.runtime.config import Settings
from orchestrator.runtime.embedded_redis import URL_FILE, is_alive


def resolve_redis_url(settings: Settings) -> str:
    """``SIARAN_REDIS_URL``, else the embedded server a launcher started for this data dir."""
    if settings.redis_url:
        return settings.redis_url
    url_file = settings.data_dir / URL_FILE
    url = url_file.read_text().strip() if url_file.exists() else ""
    if url and is_alive(url):
        return url
    raise ConfigError("no Redis is running for this data directory: start `siaran up` "
                      "(or `siaran worker`), or set SIARAN_REDIS_URL")
