"""Two people edit the same version of a post at the same moment, each through their own
connection (two browsers, or the console and the API): one edit is kept, the other is
refused as stale — never both, never a silent overwrite; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from orchestrator.access import accounts
from orchestrator.channels import admin as channel_admin
from orchestrator.domain.actor import Actor
from orchestrator.editorial import editing, listing, views, workflow
from tests.fixtures.sandbox import credentials
from tests.fixtures.services import context_on

NOWHERE = "http://127.0.0.1:9"
ROUNDS = 8


def test_two_edits_of_one_version_keep_exactly_one(ctx, database_url):
    office = context_on(ctx, database_url)
    editors = [context_on(ctx, database_url) for _ in range(2)]
    try:
        channel_admin.add_channel(office, name="x-main", platform="x", rate_limits=(),
                                  api_base=NOWHERE, credentials=credentials("x", "1001"))
        accounts.add_user(office.acting_as(Actor("adm")), "adm", ["admin"])
        accounts.add_user(office.acting_as(Actor("adm")), "ani", ["author"])
        for round_ in range(ROUNDS):
            ani = office.acting_as(Actor("ani"))
            post_id = workflow.create_post(ani, title="Lomba", text="Lomba foto.",
                                           pillar="informatif", channels=["x-main"])
            version = views.show_post(office, post_id)["etag"]
            outcomes = race(editors, post_id, version)
            assert sorted(outcomes.values()) == ["kept", "stale"], (round_, outcomes)
            (kept,) = [text for text, outcome in outcomes.items() if outcome == "kept"]
            assert views.show_post(office, post_id)["text"] == kept
            edits = [e for e in listing.post_audit(office, post_id) if e["action"] == "edit"]
            assert len(edits) == 1
    finally:
        for context in (office, *editors):
            context.db.dispose()


def race(editors, post_id: int, version: str) -> dict[str, str]:
    """Both editors send their edit of ``version`` at once: text → kept or stale."""
    start = threading.Barrier(len(editors))
    outcomes: dict[str, str] = {}

    def edit(context, text: str) -> None:
        start.wait()
        try:
            editing.edit_post(context.acting_as(Actor("ani")), post_id, version=version,
                              text=text)
            outcomes[text] = "kept"
        except editing.StaleVersion:
            outcomes[text] = "stale"
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes[text] = repr(error)

    threads = [threading.Thread(target=edit, args=(c, f"Lomba foto, versi {i}."))
               for i, c in enumerate(editors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes
