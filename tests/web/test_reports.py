"""``/api/v1/reports/…``: the same reports as the command line, read-only."""

from __future__ import annotations

from ops.engagement import audience, report


def test_engagement_and_growth_reports_are_served_as_the_cli_shows_them(office):
    ctx = office.as_user("ani")
    api = office.api("ani")
    answer = api.get("/api/v1/reports/engagement", params={"by": "channel"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == report.engagement_report(ctx, by="channel")
    audience.snapshot(ctx)
    answer = api.get("/api/v1/reports/growth")
    assert answer.status_code == 200, answer.text
    assert answer.json() == report.growth_report(ctx)
    assert answer.json()["channels"]
    bad = api.get("/api/v1/reports/engagement",
                  params={"from": "2026-12-02", "to": "2026-12-01"})
    assert bad.status_code == 422
    assert api.post("/api/v1/reports/growth").status_code == 405
