"""RebasingSession and transport-error mapping, against the running sandbox."""

from __future__ import annotations

import threading

import pytest
import requests

from connectors.errors import OutcomeUnknown, Unavailable
from connectors.http import RebasingSession, redact, transport_error


def test_rebase_moves_host_and_keeps_path_and_query():
    session = RebasingSession("http://127.0.0.1:8123/prefix/")
    assert (session.rebase("https://api.twitter.com/2/tweets?x=1")
            == "http://127.0.0.1:8123/prefix/2/tweets?x=1")
    assert (session.rebase("https://graph.facebook.com/v21.0/555/feed")
            == "http://127.0.0.1:8123/prefix/v21.0/555/feed")


def test_without_api_base_urls_pass_unchanged():
    session = RebasingSession(None)
    assert session.rebase("https://api.twitter.com/2/tweets") == "https://api.twitter.com/2/tweets"


def test_requests_reach_the_sandbox(sandbox):
    session = RebasingSession(sandbox.url, timeout=2)
    response = session.get("https://api.twitter.com/_sandbox/health")
    assert response.json() == {"ok": True}
    assert session.last_response is response


def test_default_timeout_applies_when_caller_gives_none(sandbox):
    sandbox.add_fault("x", "latency", seconds=3)
    session = RebasingSession(sandbox.url, timeout=0.3)
    with pytest.raises(requests.ReadTimeout):
        session.get("https://api.twitter.com/2/users/me",
                    headers={"Authorization": "Bearer u2-token"})


def test_explicit_timeout_wins(sandbox):
    sandbox.add_fault("x", "latency", count=1, seconds=0.5)
    session = RebasingSession(sandbox.url, timeout=0.1)
    response = session.get("https://api.twitter.com/2/users/me", timeout=3,
                           headers={"Authorization": "Bearer u2-token"})
    assert response.status_code == 200


def test_last_response_is_per_thread(sandbox):
    session = RebasingSession(sandbox.url, timeout=2)
    session.get("https://x/_sandbox/health")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(session.last_response))
    thread.start()
    thread.join()
    assert seen == [None] and session.last_response is not None


@pytest.fixture
def no_proxy_environment(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_proxies_from_the_environment_are_honoured(sandbox, unused_port, no_proxy_environment):
    no_proxy_environment.setenv("HTTP_PROXY", f"http://127.0.0.1:{unused_port}")
    with pytest.raises(requests.exceptions.ProxyError):
        RebasingSession(sandbox.url, timeout=2).get("https://x/_sandbox/health")
    no_proxy_environment.setenv("NO_PROXY", "127.0.0.1")
    assert RebasingSession(sandbox.url, timeout=2).get("https://x/_sandbox/health").ok


def test_the_environment_is_read_once_per_host(sandbox, unused_port, no_proxy_environment):
    session = RebasingSession(sandbox.url, timeout=2)
    assert session.get("https://x/_sandbox/health").ok
    no_proxy_environment.setenv("HTTP_PROXY", f"http://127.0.0.1:{unused_port}")
    assert session.get("https://x/_sandbox/health").ok  # settings kept from the first request
    explicit = {"http": f"http://127.0.0.1:{unused_port}"}
    with pytest.raises(requests.exceptions.ProxyError):  # a request's own proxies still count
        session.get("https://x/_sandbox/health", proxies=explicit)


def test_connect_failure_is_unavailable(unused_port):
    session = RebasingSession(f"http://127.0.0.1:{unused_port}", timeout=1)
    with pytest.raises(requests.ConnectionError) as info:
        session.post("https://api.twitter.com/2/tweets?access_token=SECRET-x", json={})
    mapped = transport_error(info.value, platform="x")
    assert isinstance(mapped, Unavailable)
    assert "SECRET-x" not in str(mapped)


def test_dropped_connection_is_outcome_unknown(sandbox):
    sandbox.add_fault("x", "commit_then_drop", count=1)
    session = RebasingSession(sandbox.url, timeout=2)
    with pytest.raises(requests.ConnectionError) as info:
        session.get("https://api.twitter.com/2/users/me",
                    headers={"Authorization": "Bearer u2-token"})
    assert isinstance(transport_error(info.value, platform="x"), OutcomeUnknown)


def test_read_timeout_is_outcome_unknown():
    assert isinstance(transport_error(requests.ReadTimeout("t"), platform="x"), OutcomeUnknown)
    assert isinstance(transport_error(requests.ConnectTimeout("t"), platform="x"), Unavailable)
    chunked = requests.exceptions.ChunkedEncodingError("broken")
    assert isinstance(transport_error(chunked, platform="x"), OutcomeUnknown)


def test_redact_hides_tokens_and_urls():
    text = "Max retries exceeded with url: /v21.0/5/feed?access_token=abc (Caused by X)"
    assert "abc" not in redact(text)
    assert redact("oauth_token=zzz&x=1") == "oauth_token=<redacted>&x=1"
