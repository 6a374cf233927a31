"""Shared fixtures: real Redis, real databases, the platform sandbox, a running system."""

pytest_plugins = ["tests.fixtures.services", "tests.fixtures.sandbox", "tests.fixtures.network",
                  "tests.fixtures.system", "tests.fixtures.web"]
