"""The database: source of truth for posts, channels, deliveries, attempts and audit."""
