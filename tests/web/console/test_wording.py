"""The service's messages on a console page: in the page's language, numbers written its
way; every template the service says has an Indonesian translation that takes its values."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from connectors.errors import InvalidTransition, SiaranError, ValidationError
from connectors.wording import Listed, Said
from orchestrator.access import roles
from orchestrator.channels import admin, hosts
from orchestrator.domain import pillars
from orchestrator.domain.states import PostStatus, move_post
from orchestrator.domain.windows import parse_duration
from orchestrator.media import files
from orchestrator.web.console import catalogue, i18n, periods, reports
from orchestrator.web.console.wording import explain, say
from schedules import planning
from schedules.pillars import update_pillar
from schedules.timeparse import parse_bound, parse_time

ID = i18n.translations("id").gettext
EN = i18n.translations("en").gettext
WEIGHS = Said("text weighs {length} characters, limit {limit}", length=1234, limit=280)
JAKARTA = ZoneInfo("Asia/Jakarta")


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


def said_both_ways(refusal) -> tuple[str, str]:
    """The English and the Indonesian of what ``refusal()`` raises."""
    with pytest.raises(SiaranError) as raised:
        refusal()
    return str(raised.value), explain(raised.value, ID, "id")


#: One refusal of each module whose messages are said: the English as it always was, the
#: Indonesian a page shows.
REFUSALS = {
    "timeparse": (
        lambda: parse_time("2026-12-01", JAKARTA),
        "'2026-12-01' is a day without a time of day; give the time too, for example "
        "'2026-12-01 09:00' (office time zone) or '2026-12-01 09:00 WIB'",
        "'2026-12-01' hanya tanggal tanpa jam; sertakan jamnya, misalnya '2026-12-01 09:00' "
        "(zona waktu kantor) atau '2026-12-01 09:00 WIB'"),
    "timeparse formats": (
        lambda: parse_bound("besok", JAKARTA),
        "cannot read 'besok'; use YYYY-MM-DD or 'YYYY-MM-DD HH:MM' in the office time zone, "
        "optionally followed by WIB, WITA, WIT, UTC, or ISO 8601 with an offset "
        "(2026-12-01T09:00+07:00)",
        "'besok' tidak dapat dibaca; gunakan YYYY-MM-DD atau 'YYYY-MM-DD HH:MM' dalam zona "
        "waktu kantor, boleh diikuti WIB, WITA, WIT, UTC, atau ISO 8601 dengan selisih waktu "
        "(2026-12-01T09:00+07:00)"),
    "zone": (
        lambda: parse_time("2026-12-01 09:00 CET", JAKARTA),
        "unknown time zone 'CET' in '2026-12-01 09:00 CET'; use WIB, WITA, WIT, UTC or an "
        "offset such as +07:00",
        "zona waktu 'CET' dalam '2026-12-01 09:00 CET' tidak dikenal; gunakan WIB, WITA, WIT, "
        "UTC atau selisih waktu seperti +07:00"),
    "hosts": (
        lambda: hosts.checked_url("ftp://humas.go.id", "--api-base"),
        "--api-base must be an http(s) URL, got 'ftp://humas.go.id'",
        "--api-base harus berupa URL http(s), yang diberikan: 'ftp://humas.go.id'"),
    "credential keys": (
        lambda: admin.check_credentials("telegram", {"bot_tokn": "x"}),
        "telegram channel: unknown credential key 'bot_tokn' (did you mean 'bot_token'?); "
        "known keys: bot_token, chat_id",
        "kanal telegram: kunci kredensial 'bot_tokn' tidak dikenal (maksudnya 'bot_token'?); "
        "kunci yang dikenal: bot_token, chat_id"),
    "domain": (
        lambda: pillars.checked_color("merah"),
        "a colour looks like #1F77B4, got 'merah'",
        "warna ditulis seperti #1F77B4, yang diberikan: 'merah'"),
    "durations": (
        lambda: parse_duration("sebentar"),
        "cannot read duration 'sebentar'; use e.g. 90s, 30m or 2h",
        "durasi 'sebentar' tidak dapat dibaca; gunakan misalnya 90s, 30m, atau 2h"),
    "calendar periods": (
        lambda: periods.period("year", date(2026, 7, 8)),
        "a calendar view is one of month, week, list, got 'year'",
        "tampilan kalender harus salah satu dari month, week, list, yang diberikan: 'year'"),
    "reports": (
        lambda: reports._day("kemarin", Said("from")),
        "from must be a date like 2026-12-01, not 'kemarin'",
        "tanggal awal harus ditulis seperti 2026-12-01, bukan 'kemarin'"),
    "transitions": (
        lambda: move_post(PostStatus.IN_REVIEW, PostStatus.PUBLISHED),
        "post cannot go from in_review to published",
        "unggahan tidak dapat berpindah dari status dalam tinjauan ke terbit"),
}


@pytest.mark.parametrize("name", REFUSALS)
def test_each_module_says_its_refusal_in_english_and_in_indonesian(name):
    refusal, english, indonesian = REFUSALS[name]
    assert said_both_ways(refusal) == (english, indonesian)


def test_a_missing_media_file_is_named_in_both_languages(tmp_path):
    english, indonesian = said_both_ways(lambda: files.store(tmp_path, "hilang.jpg"))
    assert english == "media file 'hilang.jpg' does not exist"
    assert indonesian == "berkas media 'hilang.jpg' tidak ada"


def test_the_calendar_refusals_that_need_a_database_are_said_in_both_languages(ctx):
    at = datetime(2030, 1, 1, tzinfo=UTC)
    assert said_both_ways(lambda: planning.create(
        ctx, title="t", text="t", pillar="informatif", channels=[], at=at, queue=True)) == (
        "give either a time or --queue, not both",
        "berikan waktu atau --queue, jangan keduanya")
    assert said_both_ways(lambda: update_pillar(ctx, "informatif")) == (
        "nothing to change: give --target, --color, --label-id or --label-en",
        "tidak ada yang diubah: berikan --target, --color, --label-id, atau --label-en")


def test_a_refused_action_names_the_action_and_the_roles_in_the_pages_language(ctx):
    now = datetime(2030, 1, 1, tzinfo=UTC)
    with ctx.db.write() as conn:
        roles.add_user(conn, acting="editor", name="admin", roles=["admin"], now=now)
        roles.add_user(conn, acting="admin", name="ani", roles=["author"], now=now)
        roles.add_user(conn, acting="admin", name="rudi", roles=["operator"], now=now)
    with ctx.db.read() as conn:
        refused = {action: said_both_ways(lambda u=user, a=action: roles.authorize(conn, u, a))
                   for user, action in (("ani", "approve"), ("ani", "publish_now"),
                                        ("rudi", "cancel"))}
    assert refused["approve"] == ("'ani' may not approve: needs role admin or approver",
                                  "'ani' tidak boleh menyetujui: memerlukan peran admin atau "
                                  "penyetuju")
    assert refused["publish_now"] == (
        "'ani' may not publish now: needs role admin or approver",
        "'ani' tidak boleh menerbitkan sekarang: memerlukan peran admin atau penyetuju")
    assert refused["cancel"] == (
        "'rudi' may not cancel: needs role admin or approver or author",
        "'rudi' tidak boleh membatalkan: memerlukan peran admin atau penyetuju atau penulis")


def test_every_state_action_and_role_is_a_word_with_a_translation():
    translated = {m.id: m.string for m in catalogue.merged("id") if m.id}
    words = catalogue.service_words()
    assert {"in_review", "needs_reauth", "publish now", "approver"} <= words
    assert all(translated.get(w) for w in words)
