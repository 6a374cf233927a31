"""Commands import what they need when they run: `--help` loads no service code, and
`channel list` reads the database without the platform clients, Dramatiq or Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.fixtures.services import siaran

PLATFORM_AND_QUEUE = {"tweepy", "facebook", "twitter_text", "dramatiq", "redis", "requests",
                      "structlog", "cryptography", "alembic"}
PROBE = """
import contextlib, io, json, sys
from orchestrator.cli.main import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(),
                  "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def loaded(env: dict[str, str], *argv: str) -> tuple[set[str], str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=60, check=True)
    found = json.loads(done.stdout)
    assert found["code"] == 0, done.stderr
    return set(found["modules"]), found["out"]


def test_help_loads_neither_the_database_nor_the_platforms(siaran_env):
    modules, out = loaded(siaran_env, "--help")
    assert "channel" in out
    assert not modules & (PLATFORM_AND_QUEUE | {"sqlalchemy"}), modules & PLATFORM_AND_QUEUE


@pytest.mark.parametrize("argv", [("channel", "list"), ("post", "list"), ("audit",),
                                  ("deliveries",), ("calendar",)])
def test_listings_load_the_database_but_not_the_platforms(siaran_env, ctx, argv):
    siaran("channel", "add", "tg", "--platform", "telegram", "--credential", "bot_token=1:b",
           "--credential", "chat_id=@c", env=siaran_env)
    modules, out = loaded(siaran_env, *argv)
    assert "sqlalchemy" in modules
    assert not modules & PLATFORM_AND_QUEUE, modules & PLATFORM_AND_QUEUE
    if argv == ("channel", "list"):
        assert "tg" in out and "20/1m" in out
