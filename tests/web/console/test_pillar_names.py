"""A pillar is shown by its label in the page's language, its name when it has none."""

from __future__ import annotations

from orchestrator.domain.actor import Actor
from orchestrator.web.console import pillar_names
from schedules import pillars


def test_labels_by_language_and_names_otherwise(ctx):
    admin = ctx.acting_as(Actor("kepala"))
    pillars.add_pillar(admin, "kuis", target=0, label_id="Kuis mingguan", label_en="Weekly quiz")
    pillars.add_pillar(admin, "tanpa-label", target=0)
    for lang, expected in (("id", "Kuis mingguan"), ("en", "Weekly quiz")):
        name = pillar_names.namer(admin, lang)
        assert name("kuis") == expected
        assert name("tanpa-label") == "tanpa-label"
        assert name("tidak-ada") == "tidak-ada"  # removed since: the name, not an error
    assert pillar_names.namer(None, "id")("kuis") == "kuis"  # the sign-in page reads nothing
