"""Shared fixtures: real Redis, real databases, the platform sandbox, a running system, the
platforms the contract runs for."""

pytest_plugins = ["tests.fixtures.services", "tests.fixtures.sandbox", "tests.fixtures.network",
                  "tests.fixtures.system", "tests.fixtures.deliveries",
                  "tests.fixtures.platforms", "tests.fixtures.web", "tests.fixtures.browser",
                  "tests.fixtures.alerts"]
