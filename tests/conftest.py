"""Shared fixtures: real Redis, real databases, the platform sandbox."""

pytest_plugins = ["tests.fixtures.services", "tests.fixtures.sandbox"]
