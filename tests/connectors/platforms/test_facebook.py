"""FacebookConnector and the Graph wrapper: real facebook-sdk talking HTTP to the sandbox."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import facebook
import pytest

from connectors import retry
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
from connectors.http import RebasingSession
from connectors.platforms.facebook import FacebookConnector
from connectors.platforms.graph import GRAPH_VERSION, Graph, map_graph_error, retry_after_from_usage
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials

SECRET = "SECRET-page-token-556"


def post(text: str = "Pengumuman: layanan KTP buka hari Sabtu.") -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text)


def connector(sandbox, page: str = "556", timeout: float = 2.0, **creds) -> FacebookConnector:
    return build_connector("facebook", creds or credentials("facebook", page),
                           api_base=sandbox.url, timeout=timeout)


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def assert_no_secret(exc: PublishError) -> None:
    for text in (str(exc), exc.detail, exc.excerpt, repr(exc)):
        assert SECRET not in text


def test_publish_returns_id_and_permalink_and_stores_once(sandbox):
    result = connector(sandbox).publish(post(), key="d1")
    stored = sandbox.posts("facebook", "556")
    assert [p.id for p in stored] == [result.external_id]
    assert result.external_id.startswith("556_")
    assert result.permalink == f"https://www.facebook.com/{result.external_id}"


def test_requests_use_current_graph_version(sandbox):
    connector(sandbox).publish(post(), key="d1")
    assert sandbox.requests("facebook")[-1].path == f"/{GRAPH_VERSION}/556/feed"


def test_find_after_publish(sandbox):
    fb = connector(sandbox)
    published = fb.publish(post(), key="d1")
    found = fb.find(post(), key="d1", since=an_hour_ago())
    assert found is not None and found.external_id == published.external_id
    assert found.permalink.startswith("https://www.facebook.com/556/posts/")
    assert fb.find(post("other"), key="d2", since=an_hour_ago()) is None
    assert fb.find(post(), key="d1", since=datetime.now(UTC) + timedelta(minutes=5)) is None


def test_find_follows_paging_cursors(sandbox):
    fb = connector(sandbox)
    first = fb.publish(post("the oldest one"), key="d0")
    for i in range(104):
        fb.publish(post(f"filler {i}"), key=f"f{i}")
    found = fb.find(post("the oldest one"), key="d0", since=an_hour_ago())
    assert found is not None and found.external_id == first.external_id


def test_check_reports_page_name(sandbox):
    health = connector(sandbox).check()
    assert health.ok and health.account == "Humas Provinsi"


def test_unknown_token_fails_check_and_publish(sandbox):
    fb = connector(sandbox, page_id="556", page_access_token="not-a-token")
    assert not fb.check().ok
    with pytest.raises(AuthExpired):
        fb.publish(post(), key="d1")
    assert sandbox.posts("facebook") == []


def test_retired_graph_version_is_refused(sandbox):
    api = facebook.GraphAPI(access_token=SECRET, session=RebasingSession(sandbox.url, 2))
    assert api.version == "v2.8"  # facebook-sdk's own default
    with pytest.raises(facebook.GraphAPIError) as info:
        api.get_object("556")
    assert info.value.code == 2635
    with pytest.raises(PublishError, match="deprecated version"):
        Graph(SECRET, platform="facebook", api_base=sandbox.url, timeout=2,
              version="v17.0").get("556")


def test_duplicate_is_refused(sandbox):
    fb = connector(sandbox)
    fb.publish(post(), key="d1")
    with pytest.raises(ContentRejected, match="506"):
        fb.publish(post(), key="d2")
    assert len(sandbox.posts("facebook", "556")) == 1


def test_posting_to_a_page_the_token_does_not_own_is_denied(sandbox):
    graph = Graph(SECRET, platform="facebook", api_base=sandbox.url, timeout=2)
    with pytest.raises(PermissionDenied):
        graph.post("555", "feed", message="hello")


@pytest.mark.parametrize(("params", "error", "status"), [
    ({"code": 190}, AuthExpired, 400),
    ({"code": 200}, PermissionDenied, 403),
    ({"code": 10}, PermissionDenied, 403),
    ({"code": 4}, RateLimited, 400),
    ({"code": 17}, RateLimited, 400),
    ({"code": 613}, RateLimited, 400),
    ({"code": 1}, Unavailable, 500),
    ({"code": 2}, Unavailable, 503),
    ({"code": 368}, ContentRejected, 400),
    ({"code": 100}, ContentRejected, 400),
    ({"status": 500}, Unavailable, 500),
    ({"status": 502, "html": True}, Unavailable, 502),
])
def test_faults_map_to_errors(sandbox, params, error, status):
    sandbox.add_fault("facebook", "status", endpoint=r"POST .*/feed$", count=1, **params)
    fb = connector(sandbox)
    with pytest.raises(error) as info:
        fb.publish(post(), key="d1")
    assert info.value.status == status
    assert_no_secret(info.value)
    assert sandbox.posts("facebook") == []
    fb.publish(post(), key="d1")
    assert len(sandbox.posts("facebook", "556")) == 1


def test_expired_token_subcode_is_reported(sandbox):
    sandbox.add_fault("facebook", "status", count=1, code=190)
    with pytest.raises(AuthExpired, match="190/463"):
        connector(sandbox).publish(post(), key="d1")


def test_rate_limit_retry_after_from_usage_header(sandbox):
    sandbox.add_fault("facebook", "rate_limit", account="556", reset_in=600)
    with pytest.raises(RateLimited) as info:
        connector(sandbox).publish(post(), key="d1")
    assert info.value.retry_after == 600


def test_a_throttle_of_under_a_minute_is_not_waited_out_as_a_whole_minute(sandbox):
    sandbox.add_fault("facebook", "rate_limit", account="556", reset_in=20)
    with pytest.raises(RateLimited) as info:
        connector(sandbox).publish(post(), key="d1")
    # Graph says 0 minutes: Siaran asks again after its short base wait, not after 60 s.
    assert info.value.retry_after is None
    decision = retry.decide(info.value, platform="facebook", attempts_spent=0, elapsed=0,
                            rng=random.Random(1))
    assert decision.action is retry.Action.RETRY and decision.delay < 20


def test_retry_after_from_usage_headers():
    buc = '{"556":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":3}]}'
    assert retry_after_from_usage({"x-business-use-case-usage": buc}) == 180
    assert retry_after_from_usage({"x-app-usage": '{"call_count":100}'}) is None
    assert retry_after_from_usage(None) is None


def test_maintype_error_is_unavailable():
    exc = facebook.GraphAPIError("Maintype was not text, image, or querystring")
    assert isinstance(map_graph_error(exc, platform="facebook"), Unavailable)


def test_transient_flag_is_unavailable():
    exc = facebook.GraphAPIError({"error": {"message": "x", "code": 100, "is_transient": True}})
    assert isinstance(map_graph_error(exc, platform="facebook"), Unavailable)


@pytest.mark.timeout(15)  # the hang lasts 20 s: the call must give up at its own timeout
def test_commit_then_hang_is_outcome_unknown_with_post_stored(sandbox):
    sandbox.add_fault("facebook", "commit_then_hang", endpoint="POST", count=1, seconds=20)
    fb = connector(sandbox, timeout=0.5)
    with pytest.raises(OutcomeUnknown):
        fb.publish(post(), key="d1")
    assert len(sandbox.posts("facebook", "556")) == 1
    assert fb.find(post(), key="d1", since=an_hour_ago()) is not None


def test_commit_then_drop_is_outcome_unknown_with_post_stored(sandbox):
    sandbox.add_fault("facebook", "commit_then_drop", endpoint="POST", count=1)
    with pytest.raises(OutcomeUnknown) as info:
        connector(sandbox).publish(post(), key="d1")
    assert_no_secret(info.value)
    assert len(sandbox.posts("facebook", "556")) == 1


def test_connection_refused_is_unavailable(unused_port):
    fb = build_connector("facebook", credentials("facebook", "556"),
                         api_base=f"http://127.0.0.1:{unused_port}", timeout=1)
    with pytest.raises(Unavailable) as info:
        fb.check()
    assert_no_secret(info.value)


def test_token_travels_in_header_not_url(sandbox):
    fb = connector(sandbox)
    fb.check()
    sent = fb.graph.session.last_response.request
    assert SECRET not in sent.url
    assert sent.headers["Authorization"] == f"Bearer {SECRET}"
