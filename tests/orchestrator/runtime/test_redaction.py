"""No secret reaches a log line or an error message: nested values, secret-named keys,
secret-looking text, database errors and database URLs."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog
from sqlalchemy import text

from connectors.errors import ConfigError
from orchestrator.runtime.logging import configure
from orchestrator.store.db import Database, masked_url

SECRETS = ("SECRET-1", "SECRET-2", "SECRET-3", "SECRET-4", "SECRET-5", "SECRET-6",
           "SECRET-7", "SECRET-8", "SECRET-9", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq")


@pytest.fixture
def lines():
    stream = io.StringIO()
    configure("json", stream=stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    configure("json")


def test_nested_and_pattern_secrets_are_redacted(lines):
    log = structlog.get_logger("siaran.test")
    log.warning("request sent", request={
        "headers": {"Authorization": "Bearer SECRET-1", "Cookie": "sid=SECRET-2"},
        "params": [{"api_key": "SECRET-3"}, {"note": "see https://u:SECRET-4@h.go.id/x"}],
        "url": "https://graph.example/v21.0/me?access_token=SECRET-5&fields=id"},
        channel="x-main", attempt=2)
    log.info("bot https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq/x")
    logging.getLogger("urllib3.connectionpool").warning(
        "sent Authorization: Basic SECRET-6 to %s", "https://h")
    try:
        raise RuntimeError("connect to postgresql://siaran:SECRET-7@db/siaran failed")
    except RuntimeError:
        log.exception("database down", session={"token": "SECRET-8"})
    log.info("context", auth=("user", "SECRET-9"))
    found = lines()
    everything = json.dumps(found)
    assert not [s for s in SECRETS if s in everything], everything
    first = found[0]
    assert first["channel"] == "x-main" and first["attempt"] == 2
    assert first["request"]["headers"]["Authorization"] == "[redacted]"
    assert first["request"]["params"][1]["note"] == "see https://<redacted>@h.go.id/x"
    assert "fields=id" in first["request"]["url"]
    assert "Traceback" in found[3]["exception"]


def test_database_errors_carry_no_bound_values(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.write() as conn:
        conn.execute(text("CREATE TABLE t (v TEXT UNIQUE)"))
        conn.execute(text("INSERT INTO t VALUES (:v)"), {"v": "SECRET-1"})
    with pytest.raises(Exception) as error, db.write() as conn:
        conn.execute(text("INSERT INTO t VALUES (:v)"), {"v": "SECRET-1"})
    assert "UNIQUE" in str(error.value) and "SECRET-1" not in str(error.value)
    db.dispose()


@pytest.mark.parametrize("url", [
    "postgresql://siaran:SECRET-1@db.internal:5432/siaran",
    "postgresql://siaran:SECRET-1@db.internal:notaport/siaran",
    "postgres ql://siaran:SECRET-1@db/x",
])
def test_database_urls_are_masked_in_messages(url):
    assert "SECRET" not in masked_url(url) and "@db" in masked_url(url)
    try:
        Database(url).dispose()
    except ConfigError as error:
        assert "SECRET" not in str(error)
    except Exception as error:  # noqa: BLE001 - other libraries' errors are checked too
        assert "SECRET" not in str(error)


def test_settings_show_no_password_or_key():
    from orchestrator.runtime import config

    settings = config.load({"SIARAN_DATABASE_URL": "postgresql://u:SECRET-1@db/x",
                            "SIARAN_REDIS_URL": "redis://:SECRET-2@h:6379/0",
                            "SIARAN_SECRET_KEY": "SECRET-3"})
    assert "SECRET" not in repr(settings)
