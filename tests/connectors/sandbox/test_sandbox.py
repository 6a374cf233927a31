"""The sandbox itself: control API, accounts, OAuth 1.0a checking, concurrency."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from requests_oauthlib import OAuth1

from connectors.base import RenderedPost
from connectors.errors import ConfigError, Unavailable
from connectors.registry import build_connector
from connectors.sandbox import Sandbox, channel_credentials, default_accounts, load_accounts


def api(sandbox, method: str, path: str, **kw) -> requests.Response:
    return requests.request(method, f"{sandbox.url}{path}", timeout=5, **kw)


def post(text: str) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text)


def x_connector(sandbox, account: str = "1001"):
    acct = next(a for a in sandbox.state.accounts("x")["x"] if a["user_id"] == account)
    return build_connector("x", channel_credentials("x", acct), api_base=sandbox.url, timeout=5)


def test_health_and_unknown_paths(sandbox):
    assert api(sandbox, "GET", "/_sandbox/health").json() == {"ok": True}
    assert api(sandbox, "GET", "/nothing/here").status_code == 404
    assert api(sandbox, "GET", "/_sandbox/nothing").status_code == 404


def test_posts_listing_per_platform_and_account(sandbox):
    x_connector(sandbox).publish(post("one"), key="k")
    x_connector(sandbox, "1002").publish(post("two"), key="k")
    everything = api(sandbox, "GET", "/_sandbox/posts").json()["posts"]
    assert {(p["platform"], p["account"], p["text"]) for p in everything} == {
        ("x", "1001", "one"), ("x", "1002", "two")}
    only = api(sandbox, "GET", "/_sandbox/posts", params={"platform": "x", "account": "1002"})
    assert [p["text"] for p in only.json()["posts"]] == ["two"]
    assert set(only.json()["posts"][0]) >= {"platform", "account", "id", "text", "time"}


def test_request_log_records_status(sandbox):
    requests.get(f"{sandbox.url}/2/users/me", headers={"Authorization": "Bearer nope"}, timeout=5)
    x_connector(sandbox).check()
    log = api(sandbox, "GET", "/_sandbox/requests", params={"platform": "x"}).json()["requests"]
    assert [(r["path"], r["account"], r["status"]) for r in log] == [
        ("/2/users/me", None, 401), ("/2/users/me", "1001", 200)]


def test_fault_rules_over_http(sandbox):
    rule = {"platform": "x", "account": "1001", "endpoint": "POST /2/tweets",
            "kind": "status", "count": 2, "params": {"status": 503}}
    created = api(sandbox, "POST", "/_sandbox/faults", json=rule)
    assert created.status_code == 201 and created.json()["id"] > 0
    assert len(api(sandbox, "GET", "/_sandbox/faults").json()["faults"]) == 1
    x = x_connector(sandbox)
    x.check()  # not the endpoint: unaffected
    x_connector(sandbox, "1002").publish(post("other account"), key="k")  # not the account
    for _ in range(2):
        with pytest.raises(Unavailable):
            x.publish(post("hello"), key="k")
    x.publish(post("hello"), key="k")  # count exhausted
    assert api(sandbox, "GET", "/_sandbox/faults").json()["faults"] == []


def test_fault_until_cleared_and_delete(sandbox):
    rule = {"platform": "x", "kind": "status", "params": {"status": 500}}
    fault_id = api(sandbox, "POST", "/_sandbox/faults", json=rule).json()["id"]
    api(sandbox, "POST", "/_sandbox/faults", json=rule)
    for _ in range(3):
        with pytest.raises(Unavailable):
            x_connector(sandbox).check()
    assert api(sandbox, "DELETE", f"/_sandbox/faults/{fault_id}").json() == {"removed": 1}
    assert api(sandbox, "DELETE", "/_sandbox/faults").json() == {"removed": 1}
    assert x_connector(sandbox).check().ok


@pytest.mark.parametrize("rule", [
    {"platform": "x", "kind": "explode"},
    {"kind": "status"},
    {"platform": "x", "kind": "status", "count": 0},
    {"platform": "x", "kind": "status", "endpoint": "("},
    ["not", "an", "object"],
])
def test_invalid_fault_rules_are_refused(sandbox, rule):
    response = api(sandbox, "POST", "/_sandbox/faults", json=rule)
    assert response.status_code == 400 and response.json()["error"]


def test_reset_clears_posts_log_and_faults(sandbox):
    x_connector(sandbox).publish(post("a"), key="k")
    sandbox.add_fault("x", "status", status=500)
    assert api(sandbox, "POST", "/_sandbox/reset").json() == {"ok": True}
    assert sandbox.posts() == [] and sandbox.requests() == [] and sandbox.state.faults() == []


def test_accounts_can_be_added(sandbox):
    new = {"x": [{"user_id": "2001", "username": "kominfo", "consumer_key": "ck2",
                  "consumer_secret": "cs2", "access_token": "at2",
                  "access_token_secret": "ats2"}]}
    listed = api(sandbox, "POST", "/_sandbox/accounts", json=new).json()
    assert "2001" in {a["user_id"] for a in listed["x"]}
    assert x_connector(sandbox, "2001").check().account == "@kominfo"
    bad = api(sandbox, "POST", "/_sandbox/accounts", json={"x": [{"username": "no id"}]})
    assert bad.status_code == 400


def test_clock_can_advance(sandbox):
    before = sandbox.state.now()
    now = api(sandbox, "POST", "/_sandbox/clock", json={"advance": 3600}).json()["now"]
    assert now - before >= 3600


def test_oauth1_signature_is_verified_over_query_and_form(sandbox):
    good = OAuth1("ck", "cs", "at", "ats")
    url = f"{sandbox.url}/2/users/me?user.fields=created_at,description"
    assert requests.get(url, auth=good, timeout=5).status_code == 200
    wrong = OAuth1("ck", "wrong", "at", "ats")
    response = requests.get(url, auth=wrong, timeout=5)
    assert response.status_code == 401
    assert response.json() == {"title": "Unauthorized", "detail": "Unauthorized",
                               "type": "about:blank", "status": 401}
    # A request altered after signing is refused.
    prepared = requests.Request("GET", url, auth=good).prepare()
    prepared.url = prepared.url.replace("description", "location")
    assert requests.Session().send(prepared, timeout=5).status_code == 401


def test_graph_errors_use_the_graph_envelope(sandbox):
    response = api(sandbox, "GET", "/v21.0/555", params={"access_token": "bad"})
    error = response.json()["error"]
    assert response.status_code == 400
    assert error["code"] == 190 and error["type"] == "OAuthException" and error["fbtrace_id"]
    old = api(sandbox, "GET", "/v2.8/555", params={"access_token": "pt-555"})
    assert old.status_code == 400 and old.json()["error"]["code"] == 2635


def test_x_responses_carry_rate_limit_headers(sandbox):
    response = requests.post(f"{sandbox.url}/2/tweets", json={"text": "hi"},
                             auth=OAuth1("ck", "cs", "at", "ats"), timeout=5)
    assert response.status_code == 201
    assert response.json()["data"]["text"] == "hi"
    assert response.headers["x-rate-limit-limit"] == "100"
    assert response.headers["x-rate-limit-remaining"] == "99"
    assert int(response.headers["x-rate-limit-reset"]) > time.time()


def test_many_concurrent_clients_each_post_exactly_once(sandbox):
    x = x_connector(sandbox)
    texts = [f"pengumuman {i}" for i in range(400)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(lambda t: x.publish(post(t), key=t), texts))
    stored = sandbox.posts("x", "1001")
    assert sorted(p.text for p in stored) == sorted(texts)
    assert len({r.external_id for r in results}) == len(texts)


def test_accounts_file_loading(tmp_path):
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps(default_accounts()))
    assert load_accounts(path) == default_accounts()
    assert load_accounts(None) == default_accounts()
    path.write_text("[1, 2]")
    with pytest.raises(ConfigError):
        load_accounts(path)
    with pytest.raises(ConfigError):
        load_accounts(tmp_path / "missing.json")


def test_sandbox_as_context_manager():
    with Sandbox() as sandbox:
        assert requests.get(f"{sandbox.url}/_sandbox/health", timeout=5).ok
        url = sandbox.url
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/_sandbox/health", timeout=1)
