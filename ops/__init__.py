"""Running Siaran in production: deployment units (``ops/deploy``) and the bootstrap script.
Health, metrics and alerts live here as they are added."""
