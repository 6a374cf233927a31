"""X API v2 as the sandbox speaks it.

Endpoints: ``POST /2/tweets`` (``text``, ``media.media_ids``, ``reply``,
``quote_tweet_id``), ``GET /2/users/me``, ``GET /2/users/:id/tweets`` (``start_time``,
``end_time``, ``max_results`` 5–100, ``pagination_token``, ``tweet.fields=created_at``),
``GET /2/tweets/:id``, ``GET /2/tweets?ids=`` (1–100 ids; ``tweet.fields=public_metrics``
gives numbers that grow with the post's age, :mod:`connectors.sandbox.engagement`), and
media upload, v1.1 and v2 (:mod:`connectors.sandbox.platforms.x_media`).
A reply is stored with ``in_reply_to_tweet_id``, ``in_reply_to_user_id`` and the thread's
``conversation_id`` (read back through ``tweet.fields=referenced_tweets,conversation_id,
in_reply_to_user_id``) — https://docs.x.com/x-api/fundamentals/data-dictionary.

Callers are identified by OAuth 1.0a (``oauth_consumer_key`` + ``oauth_token``, with the
HMAC-SHA1 signature verified and every nonce accepted once) or by an OAuth 2.0 user token
listed in the account's ``bearer_tokens``. Text is measured with twitter-text v3 weights,
counted by ``twitter-text-parser`` itself (not by the connector's own code, so the sandbox
checks the connector rather than agree with it). Posting is capped per user over a rolling
24 hours (account field ``user_24h_limit``; X's tiers give 17 (Free) or 100 (Basic) — the
default is generous so benchmarks never meet it) and per app (``APP_24H_LIMIT``), reported in
``x-user-limit-24hour-*`` / ``x-app-limit-24hour-*``. Errors are X's problem+json bodies
(v1.1 media routes answer v1.1's ``{"errors":[{"code","message"}]}``); every answer
carries ``x-rate-limit-limit/remaining/reset`` (epoch seconds). Sources:
https://docs.x.com/fundamentals/rate-limits (headers),
https://github.com/xdevplatform/samples/issues/69 (401 body),
https://github.com/akrherz/iembot/issues/163 (duplicate 403 body).
The status X uses for over-long text (403 vs 400) is not confirmed; the sandbox uses 403.
Reads are limited per user and 15-minute window as X documents them (``GET /2/tweets``
5,000, ``GET /2/tweets/:id`` 900; account field ``lookup_limit`` replaces both): one more
is answered 429 with ``x-rate-limit-reset``.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime
from typing import Any, ClassVar

from connectors.sandbox import engagement, oauth1
from connectors.sandbox.faults import FaultRule
from connectors.sandbox.platform import Identity, PlatformAPI
from connectors.sandbox.platforms.x_media import MediaStore, v1_error
from connectors.sandbox.state import SandboxState, StoredPost
from connectors.sandbox.wire import Request, Response

with warnings.catch_warnings():  # its emoji table is read through pkg_resources
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
    from twitter_text import parse_tweet  # the library itself, not the connector's module

FIRST_ID = 1_860_000_000_000_000_000
#: X's limit in weighted characters.
MAX_WEIGHTED = 280
WINDOW = 15 * 60
DAY = 24 * 60 * 60
USER_24H_LIMIT = 100_000
APP_24H_LIMIT = 1_000_000
MEDIA_PATH = re.compile(r"^/2/media/upload(/.*)?$")
V1_MEDIA = ("/1.1/media/upload.json", "/1.1/media/metadata/create.json")
#: (method, path pattern, 15-minute limit per user)
ROUTES = (
    ("POST", re.compile(r"^/2/tweets$"), "create", 100),
    ("GET", re.compile(r"^/2/users/me$"), "me", 75),
    ("GET", re.compile(r"^/2/users/(\w+)/tweets$"), "timeline", 900),
    ("GET", re.compile(r"^/2/tweets/(\w+)$"), "tweet", 900),
    ("GET", re.compile(r"^/2/tweets$"), "lookup", 5000),
)
#: Routes whose 15-minute limit is enforced (429 once spent).
ENFORCED = frozenset({"tweet", "lookup"})
MAX_IDS = 100
#: public_metrics names → the sandbox's metric names.
PUBLIC_METRICS = {"retweet_count": "shares", "reply_count": "comments", "like_count": "likes",
                  "quote_count": "quotes", "bookmark_count": "bookmarks",
                  "impression_count": "views"}
PROBLEM = "application/problem+json"
TITLES = {400: "Invalid Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found Error",
          429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
          503: "Service Unavailable"}
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
TOO_LONG = ("Your Tweet text is too long. For more information on how X determines text "
            "length see https://github.com/twitter/twitter-text.")
BAD_MEDIA = "Your media IDs are invalid."
REPLY_GONE = "You attempted to reply to a Tweet that is deleted or not visible to you."


def problem(status: int, detail: str | None = None, headers: dict | None = None) -> Response:
    """X's problem+json error answer."""
    title = TITLES.get(status, "Error")
    body = {"title": title, "detail": detail or title, "type": "about:blank", "status": status}
    return Response.json(status, body, headers, content_type=PROBLEM)


def invalid_request(message: str, parameters: dict | None = None) -> Response:
    """X's 400 validation answer."""
    return Response.json(400, {
        "errors": [{"parameters": parameters or {}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    })


def parse_time(value: str) -> float | None:
    """An RFC 3339 time as X accepts it (``YYYY-MM-DDTHH:mm:ssZ``) → epoch seconds."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{int(ts * 1000) % 1000:03d}Z")


class XAPI(PlatformAPI):
    """The X emulation."""

    name = "x"
    title = "X"
    id_key = "user_id"
    credential_fields = ("consumer_key", "consumer_secret", "access_token",
                         "access_token_secret")
    demo_account: ClassVar[dict[str, Any]] = {
        "user_id": "1001", "username": "setneg", "name": "Setneg Sandbox",
        "consumer_key": "ck", "consumer_secret": "cs",
        "access_token": "at", "access_token_secret": "ats",
        "bearer_tokens": ["u2-token"],
    }
    demo_channel = "x-setneg"
    test_account: ClassVar[dict[str, Any]] = {
        "user_id": "1002", "username": "humas_prov", "name": "Humas Provinsi",
        "consumer_key": "ck-1002", "consumer_secret": "SECRET-consumer-1002",
        "access_token": "at-1002", "access_token_secret": "SECRET-token-1002",
        "bearer_tokens": ["SECRET-bearer-1002"],
    }
    publish_endpoint = r"^POST /2/tweets$"
    quota_reset = DAY

    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.media = MediaStore(state)

    def handles(self, req: Request) -> bool:
        return req.path.startswith("/2/") or req.path in V1_MEDIA

    # identity ------------------------------------------------------------------------
    def identify(self, req: Request) -> Identity | Response:
        header = req.headers.get("authorization", "")
        oauth = oauth1.parse_authorization(header)
        account = None
        if oauth is not None:
            account = self.state.find_account("x", lambda a: (
                a.get("consumer_key") == oauth.get("oauth_consumer_key")
                and a.get("access_token") == oauth.get("oauth_token")))
            if account and not (oauth1.verify(
                req, oauth, account.get("consumer_secret", ""),
                account.get("access_token_secret", "")) and self.state.use_nonce((
                    oauth.get("oauth_consumer_key"), oauth.get("oauth_token"),
                    oauth.get("oauth_timestamp"), oauth.get("oauth_nonce")))):
                account = None
        elif header.startswith("Bearer "):
            token = header[7:].strip()
            account = self.state.find_account("x", lambda a: token in a.get("bearer_tokens", []))
        if account is None:
            if req.path in V1_MEDIA:
                return v1_error(401, 32, "Could not authenticate you.")
            return problem(401)
        return ("x", str(account["user_id"]))

    # faults --------------------------------------------------------------------------
    def error(self, status: int, message: str, headers: dict[str, str] | None = None
              ) -> Response:
        return problem(status, message, headers)

    def error_answer(self, status: int | None, rule: FaultRule) -> Response:
        return problem(status or 500, rule.params.get("detail"))

    def duplicate(self, rule: FaultRule) -> Response:
        return problem(403, DUPLICATE)

    def rate_limited(self, wait: float, rule: FaultRule, who: Identity) -> Response:
        """The 15-minute window's 429; with ``scope: user24h`` the 24-hour cap's."""
        if rule.params.get("scope") == "user24h":
            return self.quota_exhausted(wait, rule, who)
        return problem(429, headers={"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0",
                                     "x-rate-limit-reset": str(int(self.state.now() + wait))})

    def quota_exhausted(self, wait: float, rule: FaultRule, who: Identity) -> Response:
        """The user's (or with ``scope: app`` the app's) 24-hour cap is used up."""
        now, p = self.state.now(), rule.params
        scope = "app" if p.get("scope") == "app" else "user"
        limit = str(APP_24H_LIMIT if scope == "app" else p.get("limit", 17))
        return problem(429, headers={
            "x-rate-limit-limit": "100", "x-rate-limit-remaining": "99",
            "x-rate-limit-reset": str(int(now + WINDOW)),
            f"x-{scope}-limit-24hour-limit": limit,
            f"x-{scope}-limit-24hour-remaining": "0",
            f"x-{scope}-limit-24hour-reset": str(int(now + wait))})

    # routes --------------------------------------------------------------------------
    def dispatch(self, req: Request, who: Identity) -> Response:
        if req.path in V1_MEDIA:
            return self.media.v1(req, who[1])
        if req.path == "/2/media/metadata" and req.method == "POST":
            return self.media.v2_metadata(req, who[1])
        media = MEDIA_PATH.match(req.path)
        if media:
            return self.media.v2(req, who[1], media.group(1) or "")
        for method, pattern, name, limit in ROUTES:
            match = pattern.match(req.path)
            if match and req.method == method:
                limit = self._window_limit(who[1], name, limit)
                count, reset = self.state.hit(("x", who[1], name), WINDOW)
                if name in ENFORCED and count > limit:
                    return problem(429, headers={"x-rate-limit-limit": str(limit),
                                                 "x-rate-limit-remaining": "0",
                                                 "x-rate-limit-reset": str(int(reset))})
                response = getattr(self, f"_{name}")(req, who[1], *match.groups())
                response.headers.update({
                    "x-rate-limit-limit": str(limit),
                    "x-rate-limit-remaining": str(max(0, limit - count)),
                    "x-rate-limit-reset": str(int(reset)),
                })
                return response
        return problem(404, "The requested resource could not be found.")

    def _tweet_json(self, post: StoredPost, fields: set[str]) -> dict[str, Any]:
        data: dict[str, Any] = {"id": post.id, "text": post.text,
                                "edit_history_tweet_ids": [post.id]}
        if "created_at" in fields:
            data["created_at"] = iso(post.time)
        if "author_id" in fields:
            data["author_id"] = post.account
        reply = post.extra.get("in_reply_to_tweet_id")
        if "conversation_id" in fields:
            data["conversation_id"] = post.extra.get("conversation_id") or post.id
        if "referenced_tweets" in fields and reply:
            data["referenced_tweets"] = [{"type": "replied_to", "id": reply}]
        if "in_reply_to_user_id" in fields and reply:
            data["in_reply_to_user_id"] = post.extra.get("in_reply_to_user_id")
        if "public_metrics" in fields:
            age = self.state.now() - post.time
            data["public_metrics"] = {name: engagement.metric("x", post.id, metric, age)
                                      for name, metric in PUBLIC_METRICS.items()}
        return data

    def _create(self, req: Request, user_id: str) -> Response:
        body = req.json()
        if not isinstance(body, dict):
            return invalid_request("Request body must be a JSON object.")
        text = body.get("text")
        media = (body.get("media") or {}).get("media_ids")
        if not isinstance(text, str) and not media:
            return invalid_request("$.text: is missing but it is required", {"text": []})
        text = text or ""
        if parse_tweet(text).weightedLength > MAX_WEIGHTED:
            return problem(403, TOO_LONG)
        media_ids = [str(m) for m in media or []]
        if not isinstance(media or [], list) or len(media_ids) > 4 or not all(
                self.media.usable(user_id, m) for m in media_ids):
            return invalid_request(BAD_MEDIA, {"media.media_ids": media_ids})
        reply = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        parent = self.state.get_post("x", str(reply)) if reply else None
        if reply and parent is None:
            return problem(403, REPLY_GONE)
        caps = self._caps(user_id)
        if caps is not None:
            return caps
        extra: dict[str, Any] = {"request": body,
                                 "media": [self.media.describe(m) for m in media_ids]}
        if parent is not None:
            extra.update(in_reply_to_tweet_id=parent.id, in_reply_to_user_id=parent.account,
                         conversation_id=parent.extra.get("conversation_id") or parent.id)
        post = self.state.store_post("x", user_id, text, unique=bool(text),
                                     make_id=lambda n: str(FIRST_ID + n), extra=extra)
        if post is None:
            return problem(403, DUPLICATE)
        headers = {"location": f"{req.base_url}/2/tweets/{post.id}", **self._cap_headers(
            user_id, take=True)}
        return Response.json(201, {"data": {"id": post.id, "text": post.text,
                                            "edit_history_tweet_ids": [post.id]}}, headers)

    def _window_limit(self, user_id: str, route: str, default: int) -> int:
        """The 15-minute limit of a route; an account's ``post_limit`` replaces it for posts,
        its ``lookup_limit`` for reads of posts by id."""
        field = {"create": "post_limit", "tweet": "lookup_limit", "lookup": "lookup_limit"}
        if route not in field:
            return default
        account = self.state.find_account("x", lambda a: str(a.get("user_id")) == user_id)
        return int((account or {}).get(field[route], default))

    def _limits(self, user_id: str) -> tuple[int, int]:
        account = self.state.find_account("x", lambda a: str(a.get("user_id")) == user_id)
        return int((account or {}).get("user_24h_limit", USER_24H_LIMIT)), APP_24H_LIMIT

    def _cap_headers(self, user_id: str, *, take: bool) -> dict[str, str]:
        """The 24-hour headers, counting this post when ``take``."""
        user_limit, app_limit = self._limits(user_id)
        used, reset = self.state.rolling(("x", user_id, "24h"), DAY, user_limit, take=take)
        app_used, app_reset = self.state.rolling(("x", "app", "24h"), DAY, app_limit, take=take)
        return {"x-user-limit-24hour-limit": str(user_limit),
                "x-user-limit-24hour-remaining": str(max(0, user_limit - used)),
                "x-user-limit-24hour-reset": str(int(reset)),
                "x-app-limit-24hour-limit": str(app_limit),
                "x-app-limit-24hour-remaining": str(max(0, app_limit - app_used)),
                "x-app-limit-24hour-reset": str(int(app_reset))}

    def _caps(self, user_id: str) -> Response | None:
        """429 when the user's or the app's 24-hour posting cap is used up."""
        headers = self._cap_headers(user_id, take=False)
        if "0" in (headers["x-user-limit-24hour-remaining"],
                   headers["x-app-limit-24hour-remaining"]):
            return problem(429, headers=headers)
        return None

    def _me(self, req: Request, user_id: str) -> Response:
        account = self.state.find_account("x", lambda a: str(a.get("user_id")) == user_id) or {}
        username = account.get("username", f"user{user_id}")
        data: dict[str, Any] = {"id": user_id, "name": account.get("name", username),
                                "username": username}
        if "public_metrics" in req.query.get("user.fields", "").split(","):
            data["public_metrics"] = {
                "followers_count": engagement.followers(account, self.state.now()),
                "following_count": 10, "tweet_count": len(self.state.posts("x", user_id)),
                "listed_count": 3}
        return Response.json(200, {"data": data})

    def _timeline(self, req: Request, user_id: str, target: str) -> Response:
        q = req.query
        try:
            max_results = int(q.get("max_results", 10))
        except ValueError:
            max_results = 0
        if not 5 <= max_results <= 100:
            return invalid_request(
                f"The `max_results` query parameter value [{q.get('max_results')}] is not "
                "between 5 and 100", {"max_results": [q.get("max_results")]})
        bounds = {}
        for name in ("start_time", "end_time"):
            if name in q:
                bounds[name] = parse_time(q[name])
                if bounds[name] is None:
                    return invalid_request(f"Invalid '{name}':'{q[name]}'.", {name: [q[name]]})
        posts = [p for p in reversed(self.state.posts("x", target))
                 if ("start_time" not in bounds or p.time >= bounds["start_time"])
                 and ("end_time" not in bounds or p.time <= bounds["end_time"])]
        try:
            offset = int(q.get("pagination_token", "0") or "0", 16)
        except ValueError:
            return invalid_request("The `pagination_token` query parameter value is invalid",
                                   {"pagination_token": [q.get("pagination_token")]})
        page = posts[offset:offset + max_results]
        fields = set(filter(None, q.get("tweet.fields", "").split(",")))
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0].id, oldest_id=page[-1].id)
        if offset + max_results < len(posts):
            meta["next_token"] = format(offset + max_results, "x")
        if not page:
            return Response.json(200, {"meta": meta})
        return Response.json(200, {"data": [self._tweet_json(p, fields) for p in page],
                                   "meta": meta})

    def _lookup(self, req: Request, user_id: str) -> Response:
        """``GET /2/tweets?ids=``: the posts found, and an error entry for each one not."""
        ids = [i for i in req.query.get("ids", "").split(",") if i]
        if not 1 <= len(ids) <= MAX_IDS:
            return invalid_request(f"The number of values in the `ids` query parameter list "
                                   f"[{len(ids)}] is not between 1 and {MAX_IDS}",
                                   {"ids": [req.query.get("ids", "")]})
        fields = set(filter(None, req.query.get("tweet.fields", "").split(",")))
        data, errors = [], []
        for tweet_id in ids:
            post = self.state.get_post("x", tweet_id)
            if post is None:
                errors.append(_not_found(tweet_id))
            else:
                data.append(self._tweet_json(post, fields))
        body: dict[str, Any] = {"data": data} if data else {}
        if errors:
            body["errors"] = errors
        return Response.json(200, body)

    def _tweet(self, req: Request, user_id: str, tweet_id: str) -> Response:
        post = self.state.get_post("x", tweet_id)
        if post is None:
            return Response.json(200, {"errors": [_not_found(tweet_id)]})
        fields = set(filter(None, req.query.get("tweet.fields", "").split(",")))
        return Response.json(200, {"data": self._tweet_json(post, fields)})


def _not_found(tweet_id: str) -> dict[str, str]:
    """X's error entry for a post it does not hold."""
    return {"value": tweet_id, "detail": f"Could not find tweet with id: [{tweet_id}].",
            "title": "Not Found Error", "resource_type": "tweet", "parameter": "id",
            "resource_id": tweet_id,
            "type": "https://api.twitter.com/2/problems/resource-not-found"}
