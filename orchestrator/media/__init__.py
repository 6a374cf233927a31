"""Media files: a content-addressed store in the data directory, and the small HTTP server
that makes them reachable by URL (Instagram fetches media by URL)."""

__all__ = ["files", "server"]
