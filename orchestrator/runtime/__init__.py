"""What every process needs: settings (the only reader of the environment), the context
(settings, database, credential box, clock), logging, and the Redis it talks to."""

__all__ = ["config", "context", "embedded_redis", "logging", "redis_url", "secrets"]
