"""The calendar page over HTTP: its address says only what it understands, unknown filters
are errors rather than empty calendars, the large page travels gzipped, the pillar colours
come as a cacheable stylesheet, and the page needs a signed-in user."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta

import httpx
import pytest

from tests.fixtures.web import console_client, console_office


@pytest.fixture(scope="module")
def office(tmp_path_factory, redis_url, sandbox_server):
    with console_office(tmp_path_factory.mktemp("console-calendar"), redis_url,
                        sandbox_server.url) as running:
        for _ in range(30):
            running.post("approved", channels=("telegram-prov", "x-prov"))
        yield running


@pytest.fixture
def client(office):
    with console_client(office, "ani") as made:
        yield made


def test_the_calendar_asks_for_a_sign_in_first(office):
    with httpx.Client(base_url=office.url, follow_redirects=False) as stranger:
        answer = stranger.get("/calendar?view=week")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/calendar%3Fview%3Dweek"


def test_an_address_with_more_than_the_page_understands_is_made_canonical(client):
    answer = client.get("/calendar?view=week&date=2027-01-07&status=nonsense&x=<b>&channel=")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/calendar?view=week&date=2027-01-07"
    assert client.get(answer.headers["location"]).status_code == 200


def test_an_unknown_channel_or_pillar_is_an_error_not_an_empty_calendar(client):
    assert client.get("/calendar?channel=nowhere").status_code == 404
    assert client.get("/calendar?pillar=nothing").status_code == 404
    assert client.get("/calendar?date=tomorrow").status_code == 422


def test_the_page_travels_gzipped_to_a_browser_that_takes_it(client, office):
    # the office's posts are three days ahead (Office.post)
    day = (datetime.now(office.ctx.settings.timezone) + timedelta(days=3)).date().isoformat()
    raw = client.get(f"/calendar?date={day}&lang=en", headers={"Accept-Encoding": "gzip"})
    assert raw.status_code == 200 and raw.headers["content-encoding"] == "gzip"
    assert raw.headers["vary"] == "Accept-Encoding"
    body = gzip.decompress(raw.content) if raw.content[:2] == b"\x1f\x8b" else raw.content
    assert b"<h1>Calendar: " in body and body.count(b'<li class=p') >= 30
    plain = client.get("/calendar?lang=en", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_the_pillar_colours_are_a_stylesheet_cached_by_its_version(client):
    page = client.get("/calendar").text
    sheets = [part.split('"')[0] for part in page.split('<link rel="stylesheet" href="')[1:]]
    assert sheets[:2] == ["/static/siaran.css", "/static/calendar.css"]  # not every page's
    address = sheets[2]
    assert address.startswith("/calendar/pillars.css?v=")
    assert "htmx.min.js" not in page  # links and a plain form: no script library to load
    sheet = client.get(address)
    assert sheet.headers["content-type"].startswith("text/css")
    assert "immutable" in sheet.headers["cache-control"]
    assert ".p0{--pw:#" in sheet.text
