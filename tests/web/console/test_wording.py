"""The service's messages on a console page: in the page's language, numbers written its
way; every template the service says has an Indonesian translation that takes its values."""

from __future__ import annotations

import string

from connectors.errors import InvalidTransition, ValidationError
from connectors.wording import Listed, Said
from orchestrator.web.console import catalogue, i18n
from orchestrator.web.console.wording import explain, say

ID = i18n.translations("id").gettext
EN = i18n.translations("en").gettext
WEIGHS = Said("text weighs {length} characters, limit {limit}", length=1234, limit=280)


def test_english_pages_say_the_english_text():
    assert say(Said("title is empty"), EN, "en") == "title is empty"
    assert say(Said("{channel}: {rule}", channel="x-humas", rule=Said(
        "text weighs {length} characters, limit {limit}", length=300, limit=280)), EN, "en"
               ) == "x-humas: text weighs 300 characters, limit 280"


def test_indonesian_pages_translate_with_the_numbers_written_the_indonesian_way():
    assert say(WEIGHS, ID, "id") == "teks terhitung 1.234 karakter, batasnya 280"
    big = Said("{name}: image is {size:.1f} MB, limit {limit:.0f} MB",
               name="foto.jpg", size=6.3, limit=5.0)
    assert say(big, ID, "id") == "foto.jpg: gambar berukuran 6,3 MB, batasnya 5 MB"
    assert say(big, EN) == big == "foto.jpg: image is 6.3 MB, limit 5 MB"


def test_nested_and_listed_messages_are_translated_part_by_part():
    name = Said("media {number} ({file})", number=1, file="foto.jpg")
    rules = Listed([Said("{channel}: {rule}", channel="x-humas", rule=WEIGHS),
                    Said("{channel}: {rule}", channel="facebook-humas",
                         rule=Said("{name}: alt text is missing", name=name))])
    said = Said("post {post} breaks {count} platform rules: {rules}", post="7", count=2,
                rules=rules)
    assert say(said, ID, "id") == (
        "unggahan 7 melanggar 2 aturan platform: x-humas: teks terhitung 1.234 karakter, "
        "batasnya 280; facebook-humas: media 1 (foto.jpg): teks alternatif belum diisi")


def test_a_plain_message_is_shown_as_it_is():
    assert say("the platform answered 503", ID, "id") == "the platform answered 503"


def test_an_error_is_explained_whole():
    moved = InvalidTransition("post", "published", "draft")
    assert explain(moved, ID, "id") == "unggahan tidak dapat berpindah dari status terbit ke draf"
    problems = [("title", Said("title is empty")), ("channels", Said("no channel given"))]
    listed = ValidationError(Listed([m for _, m in problems]), problems)
    assert explain(listed, ID, "id") == "judul belum diisi; belum ada kanal yang dipilih"
    assert explain(ValidationError("from must be a date"), ID, "id") == "from must be a date"


def test_every_service_template_is_translated_with_the_same_placeholders():
    translated = {m.id: m.string for m in catalogue.merged("id") if m.id}
    templates = catalogue.service_marked()
    assert "text weighs {length} characters, limit {limit}" in templates
    for template in templates:
        assert template in translated, f"translate {template!r} in service.po"
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(translated[template])
                          if f is not None}, template
        values = dict.fromkeys(fields, 1.0)
        assert say(Said(template, **values), ID, "id")
