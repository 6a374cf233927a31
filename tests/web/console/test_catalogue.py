"""Every string the console shows is in the Indonesian catalogue, translated."""

from __future__ import annotations

from orchestrator.web.console import catalogue, i18n


def test_the_console_has_strings_to_translate():
    assert {"Sign in", "Username", "Password", "Calendar", "Deliveries"} <= catalogue.marked()


def test_every_console_string_has_an_indonesian_translation():
    translated = {m.id for m in catalogue.merged("id") if m.id}
    missing = sorted(catalogue.marked() - translated)
    assert not missing, f"translate these in locales/id (make messages): {missing}"


def test_placeholders_survive_translation():
    for message in catalogue.merged("id"):
        if message.id:
            names = {part.split("}")[0] for part in message.id.split("{")[1:]}
            assert names == {p.split("}")[0] for p in message.string.split("{")[1:]}, message.id


def test_the_catalogue_is_used():
    assert i18n.translations("id").gettext("Sign in") == "Masuk"
    assert i18n.translations("en").gettext("Sign in") == "Sign in"
