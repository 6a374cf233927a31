"""XConnector: real tweepy talking HTTP to the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import RenderedPost
from connectors.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PermissionDenied,
    PublishError,
    RateLimited,
    Unavailable,
)
from connectors.platforms.x import XConnector
from connectors.platforms.x_errors import retry_after_from_headers
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials

SECRETS = ("SECRET-consumer-1002", "SECRET-token-1002", "SECRET-bearer-1002")


def post(text: str = "Siaran pers: jadwal pelayanan publik hari ini.") -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text)


def connector(sandbox, account: str = "1001", timeout: float = 2.0, **creds) -> XConnector:
    return build_connector("x", creds or credentials("x", account), api_base=sandbox.url,
                           timeout=timeout)


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def assert_no_secret(exc: PublishError) -> None:
    for text in (str(exc), exc.detail, exc.excerpt, repr(exc)):
        assert not any(secret in text for secret in SECRETS)


def test_publish_returns_id_and_permalink_and_stores_once(sandbox):
    result = connector(sandbox).publish(post(), key="d1")
    stored = sandbox.posts("x", "1001")
    assert [p.id for p in stored] == [result.external_id]
    assert stored[0].text == post().text
    assert result.permalink == f"https://x.com/setneg/status/{result.external_id}"


def test_publish_with_oauth2_user_token(sandbox):
    x = connector(sandbox, bearer_token="SECRET-bearer-1002")
    result = x.publish(post(), key="d1")
    assert result.permalink == f"https://x.com/humas_prov/status/{result.external_id}"
    assert len(sandbox.posts("x", "1002")) == 1
    assert x.check().account == "@humas_prov"


def test_find_after_publish(sandbox):
    x = connector(sandbox)
    published = x.publish(post(), key="d1")
    assert x.find(post(), key="d1", since=an_hour_ago()) == published
    assert x.find(post("something else"), key="d2", since=an_hour_ago()) is None
    future = datetime.now(UTC) + timedelta(minutes=5)
    assert x.find(post(), key="d1", since=future) is None


def test_find_pages_through_the_timeline(sandbox):
    x = connector(sandbox)
    first = x.publish(post("the oldest one"), key="d0")
    for i in range(104):
        x.publish(post(f"filler {i}"), key=f"f{i}")
    assert x.find(post("the oldest one"), key="d0", since=an_hour_ago()) == first


def test_check_reports_account(sandbox):
    health = connector(sandbox).check()
    assert health.ok and health.account == "@setneg"


def test_check_with_refused_credentials_is_not_ok(sandbox):
    creds = dict(credentials("x", "1001"), access_token_secret="wrong")
    health = connector(sandbox, **creds).check()
    assert not health.ok


def test_wrong_oauth_signature_is_refused(sandbox):
    creds = dict(credentials("x", "1002"), consumer_secret="not-the-secret")
    with pytest.raises(AuthExpired) as info:
        connector(sandbox, **creds).publish(post(), key="d1")
    assert info.value.status == 401
    assert sandbox.posts("x") == []
    assert_no_secret(info.value)


def test_duplicate_is_refused(sandbox):
    x = connector(sandbox)
    x.publish(post(), key="d1")
    with pytest.raises(ContentRejected) as info:
        x.publish(post(), key="d2")
    assert info.value.status == 403 and "duplicate" in info.value.detail
    assert len(sandbox.posts("x", "1001")) == 1


def test_too_long_is_refused(sandbox):
    with pytest.raises(ContentRejected, match="too long"):
        connector(sandbox).publish(post("x" * 281), key="d1")
    assert sandbox.posts("x") == []


@pytest.mark.parametrize(("status", "error"), [
    (400, ContentRejected), (401, AuthExpired), (403, PermissionDenied),
    (500, Unavailable), (503, Unavailable),
])
def test_status_faults_map_to_errors(sandbox, status, error):
    sandbox.add_fault("x", "status", endpoint="POST /2/tweets", count=1, status=status)
    x = connector(sandbox, "1002")
    with pytest.raises(error) as info:
        x.publish(post(), key="d1")
    assert info.value.status == status and info.value.excerpt
    assert_no_secret(info.value)
    assert sandbox.posts("x") == []
    x.publish(post(), key="d1")  # the fault was for one request only
    assert len(sandbox.posts("x", "1002")) == 1


def test_html_gateway_error_is_unavailable(sandbox):
    sandbox.add_fault("x", "status", count=1, status=502, html=True)
    with pytest.raises(Unavailable):
        connector(sandbox).publish(post(), key="d1")


def test_rate_limit_carries_retry_after_from_reset(sandbox):
    sandbox.add_fault("x", "rate_limit", account="1001", reset_in=120)
    with pytest.raises(RateLimited) as info:
        connector(sandbox).publish(post(), key="d1")
    assert info.value.status == 429
    assert 110 <= info.value.retry_after <= 121


def test_24_hour_cap_uses_its_own_reset(sandbox):
    sandbox.add_fault("x", "rate_limit", reset_in=3600, scope="user24h")
    with pytest.raises(RateLimited) as info:
        connector(sandbox).publish(post(), key="d1")
    assert 3590 <= info.value.retry_after <= 3601


def test_retry_after_from_headers_prefers_exhausted_window():
    now = 1_000_000.0
    headers = {"x-rate-limit-reset": str(int(now + 60)), "x-rate-limit-remaining": "5",
               "x-user-limit-24hour-reset": str(int(now + 7200)),
               "x-user-limit-24hour-remaining": "0"}
    assert retry_after_from_headers(headers, now) == 7200
    assert retry_after_from_headers({"x-rate-limit-reset": str(int(now + 30))}, now) == 30
    assert retry_after_from_headers({}, now) is None


@pytest.mark.timeout(15)  # the hang lasts 20 s: the call must give up at its own timeout
def test_commit_then_hang_is_outcome_unknown_with_post_stored(sandbox):
    sandbox.add_fault("x", "commit_then_hang", endpoint="POST /2/tweets", count=1, seconds=20)
    x = connector(sandbox, timeout=0.5)
    with pytest.raises(OutcomeUnknown):
        x.publish(post(), key="d1")
    assert len(sandbox.posts("x", "1001")) == 1
    assert x.find(post(), key="d1", since=an_hour_ago()) is not None


def test_commit_then_drop_is_outcome_unknown_with_post_stored(sandbox):
    sandbox.add_fault("x", "commit_then_drop", endpoint="POST /2/tweets", count=1)
    with pytest.raises(OutcomeUnknown):
        connector(sandbox).publish(post(), key="d1")
    assert len(sandbox.posts("x", "1001")) == 1
    assert sandbox.requests("x")[-1].outcome == "dropped"


def test_latency_beyond_timeout_is_outcome_unknown(sandbox):
    sandbox.add_fault("x", "latency", endpoint="POST /2/tweets", count=1, seconds=1.5)
    with pytest.raises(OutcomeUnknown):
        connector(sandbox, timeout=0.3).publish(post(), key="d1")


def test_latency_within_timeout_succeeds(sandbox):
    sandbox.add_fault("x", "latency", count=1, seconds=0.2)
    connector(sandbox).publish(post(), key="d1")
    assert len(sandbox.posts("x", "1001")) == 1


def test_connection_refused_is_unavailable(unused_port):
    x = build_connector("x", credentials("x", "1002"), api_base=f"http://127.0.0.1:{unused_port}",
                        timeout=1)
    with pytest.raises(Unavailable) as info:
        x.publish(post(), key="d1")
    assert_no_secret(info.value)


def test_connector_repr_hides_credentials(sandbox):
    assert not any(s in repr(connector(sandbox, "1002")) for s in SECRETS)
