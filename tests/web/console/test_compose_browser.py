"""Writing a post in Chromium: the form by its labels, an image with its alt text, the live
per-platform preview turning red past X's limit and back, submitting for review; an
approver approving it from another browser; the approved post saved unchanged (still
approved) and changed (a draft again); both languages checked with axe-core and
photographed."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from orchestrator.cli.sample_image import write_flag
from orchestrator.editorial import views
from tests.fixtures.browser import check_accessibility, screenshot
from tests.fixtures.sandbox import demo_account

THREE = ("x-humas", "facebook-humas", "instagram-humas")


def counter(page, channel: str, what: str = "text"):
    return page.locator(f'[data-counter="{channel}:{what}"]')


def test_an_author_composes_and_an_approver_approves(console, tmp_path):
    image = write_flag(tmp_path / "bendera.jpg")
    page = console.signed_in("ani", "en")
    page.get_by_role("link", name="New post").click()
    expect(page.get_by_role("heading", name="New post", level=1)).to_be_visible()
    expect(page.get_by_text("Choose one or more channels")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Title").fill("Pembukaan Festival Budaya")
    page.get_by_label("Text", exact=True).fill("Festival Budaya dibuka besok di alun-alun.")
    page.get_by_label("Pillar").select_option(index=1)
    for name in THREE:
        page.get_by_label(name).check()
    page.get_by_label(re.compile(r"^Date and time \(WIB\)")).fill("2030-03-02T09:30")
    page.get_by_label("Add an image or video").set_input_files(str(image))
    page.get_by_label("Alt text for bendera.jpg").fill("Bendera Merah Putih berkibar")
    thumbnail = page.locator(".media-item img.thumb")  # the upload, seen beside its alt text
    expect(thumbnail).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=thumbnail.element_handle())
    expect(counter(page, "x-humas")).to_have_attribute("data-state", "ok")
    expect(counter(page, "instagram-humas", "caption")).to_be_visible()

    page.get_by_text("Text per platform").click()
    page.get_by_label("Text for X").fill("Festival " * 40)
    expect(counter(page, "x-humas")).to_have_attribute("data-state", "over")
    expect(counter(page, "x-humas")).to_contain_text("over the limit")
    expect(counter(page, "x-humas")).to_contain_text("360 / 280")
    expect(page.locator("#preview")).to_contain_text("text weighs 360 characters, limit 280")
    expect(page.locator("#preview-announce")).to_contain_text("x-humas: 360 of 280, over")
    check_accessibility(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "compose-en")

    page.get_by_label("Text for X").fill("Festival Budaya dibuka besok! #FestivalBudaya")
    expect(counter(page, "x-humas")).to_have_attribute("data-state", "ok")
    expect(page.locator("#preview-announce")).to_contain_text("within its limits")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(re.compile(r"/review\?submitted=\d+"))
    post_id = int(page.url.rsplit("=", 1)[1])
    expect(page.locator(".alert-ok")).to_contain_text(f"Post #{post_id} was submitted")
    shown = views.show_post(console.ctx, post_id)
    assert shown["status"] == "in_review"
    assert sorted(shown["channels"]) == sorted(THREE)
    assert shown["media"][0]["alt_text"] == "Bendera Merah Putih berkibar"
    assert shown["media"][0]["name"] == "bendera.jpg"  # as uploaded, not as stored
    assert shown["variants"] == {"x": {"text": "Festival Budaya dibuka besok! #FestivalBudaya"}}
    assert shown["scheduled_at"].startswith("2030-03-02T09:30:00+07:00")
    item = page.get_by_role("article").filter(has_text="Pembukaan Festival Budaya")
    expect(item.get_by_role("button", name="Approve")).to_have_count(0)

    approver = console.signed_in("budi", "en")
    approver.goto("/review")
    mine = approver.get_by_role("article").filter(has_text="Pembukaan Festival Budaya")
    expect(mine).to_contain_text("ani")
    mine.get_by_role("button", name="Approve").click()
    expect(approver.locator(".alert-ok")).to_contain_text(f"Post #{post_id} was approved")
    approved = views.show_post(console.ctx, post_id)
    assert approved["status"] == "approved" and len(approved["deliveries"]) == 3

    # the edit rule of the CLI and the API: saving it unchanged leaves the approval alone,
    # a change sends it back to draft and withdraws its deliveries
    page.goto(f"/posts/{post_id}/edit")
    expect(page.get_by_label("Alt text for bendera.jpg")).to_have_value(
        "Bendera Merah Putih berkibar")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url(re.compile(r"\?saved=1"))
    assert views.show_post(console.ctx, post_id) == approved
    page.get_by_label("Text", exact=True).fill("Festival Budaya dibuka besok pukul 09.30.")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url(re.compile(r"\?saved=1"))
    edited = views.show_post(console.ctx, post_id)
    assert edited["status"] == "draft" and edited["deliveries"] == []
    assert edited["variants"] == approved["variants"]
    assert edited["audit"][-1]["detail"] == {"changed": ["text"], "previous": "approved",
                                             "withdrawn_deliveries": 3}


def test_a_draft_is_saved_and_edited_and_the_preview_speaks_indonesian(console):
    page = console.signed_in("dewi", "id")
    page.goto("/posts/new")
    expect(page.get_by_role("heading", name="Unggahan baru", level=1)).to_be_visible()
    page.get_by_label("Judul").fill("Jadwal layanan libur")
    near_x_limit = "Layanan tutup saat libur nasional. " * 7 + "Terima kasih."
    page.get_by_label("Teks", exact=True).fill(near_x_limit)
    page.get_by_label("Pilar").select_option(index=1)
    page.get_by_label("x-humas").check()
    page.get_by_label("telegram-humas").check()
    page.get_by_label("Terbit saat disetujui").check()
    expect(counter(page, "x-humas")).to_have_attribute("data-state", "near")
    expect(counter(page, "x-humas")).to_contain_text("mendekati batas")
    check_accessibility(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "compose-id")

    page.get_by_role("button", name="Simpan sebagai draf").click()
    page.wait_for_url(re.compile(r"/posts/\d+/edit\?saved=1"))
    expect(page.locator(".alert-ok")).to_contain_text("Draf tersimpan")
    post_id = int(re.search(r"/posts/(\d+)/edit", page.url).group(1))
    expect(page.get_by_label("Judul")).to_have_value("Jadwal layanan libur")
    page.get_by_label("Judul").fill("Jadwal layanan selama libur")
    page.get_by_role("button", name="Simpan sebagai draf").click()
    page.wait_for_url(re.compile(r"\?saved=1"))
    shown = views.show_post(console.ctx, post_id)
    assert shown["title"] == "Jadwal layanan selama libur"
    assert shown["status"] == "draft" and shown["scheduled_at"] is None
    check_accessibility(page)


def test_an_image_without_alt_text_is_refused_with_the_reason(console, tmp_path):
    image = write_flag(tmp_path / "tanpa-alt.jpg")
    page = console.signed_in("ani", "en")
    page.goto("/posts/new")
    page.get_by_label("Title").fill("Tanpa alt")
    page.get_by_label("Text", exact=True).fill("Foto kegiatan.")
    page.get_by_label("Pillar").select_option(index=1)
    page.get_by_label("facebook-humas").check()
    page.get_by_label("Add an image or video").set_input_files(str(image))
    alt = page.get_by_label("Alt text for tanpa-alt.jpg")
    expect(alt).to_be_visible()
    expect(page.locator("#preview")).to_contain_text(
        "media 1 (tanpa-alt.jpg): alt text is missing")
    alt.evaluate("node => node.removeAttribute('required')")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("alert")).to_contain_text("an image needs its alt text")
    check_accessibility(page)


def test_a_post_to_publish_when_approved_goes_out_at_its_approval(console, sandbox_server):
    page = console.signed_in("dewi", "en")
    page.goto("/posts/new")
    page.get_by_label("Title").fill("Pengumuman segera")
    page.get_by_label("Text", exact=True).fill("Kantor tutup lebih awal hari ini.")
    page.get_by_label("Pillar").select_option(index=1)
    page.get_by_label("telegram-humas").check()
    page.get_by_label("Publish when approved").check()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(re.compile(r"/review\?submitted=\d+"))
    post_id = int(page.url.rsplit("=", 1)[1])
    assert views.show_post(console.ctx, post_id)["options"] == {"on_approval": True}

    approver = console.signed_in("budi", "en")
    approver.goto("/review")
    approver.get_by_role("button", name="Approve").last.click()
    approver.goto(f"/posts/{post_id}")
    # nobody pressed "Publish now": the scheduler sends it because it was approved
    expect(approver.locator(".badge.s-published").first).to_be_visible(timeout=30_000)
    texts = [p.text for p in sandbox_server.posts("telegram", demo_account("telegram"))]
    assert texts.count("Kantor tutup lebih awal hari ini.") == 1


def test_the_platforms_problems_are_said_in_the_pages_language(console, tmp_path):
    """The same refusals in Indonesian and in English: an image without alt text, then X's
    limit on submitting."""
    image = write_flag(tmp_path / "kegiatan.jpg")
    words = {"id": ("Judul", "Teks", "Pilar", "Tambahkan gambar atau video",
                    "Teks alternatif untuk kegiatan.jpg", "Ajukan untuk ditinjau",
                    "x-humas: teks terhitung 300 karakter, batasnya 280",
                    "media 1 (kegiatan.jpg): teks alternatif belum diisi",
                    "gambar wajib memiliki teks alternatif"),
             "en": ("Title", "Text", "Pillar", "Add an image or video",
                    "Alt text for kegiatan.jpg", "Submit for review",
                    "x-humas: text weighs 300 characters, limit 280",
                    "media 1 (kegiatan.jpg): alt text is missing",
                    "an image needs its alt text")}
    for lang, (title, text, pillar, add, alt, submit, too_long, no_alt, needs_alt) in (
            words.items()):
        page = console.signed_in("ani", lang)
        page.goto("/posts/new")
        page.get_by_label(title).fill("Pengumuman panjang")
        page.get_by_label(text, exact=True).fill("x" * 300)
        page.get_by_label(pillar).select_option(index=1)
        page.get_by_label("x-humas").check()
        page.get_by_label(add).set_input_files(str(image))
        expect(page.locator("#preview")).to_contain_text(no_alt)
        expect(page.locator("#preview")).to_contain_text(too_long.split(": ", 1)[1])
        page.get_by_label(alt).evaluate("node => node.removeAttribute('required')")
        page.get_by_role("button", name=submit).click()
        expect(page.locator("#form-problems")).to_contain_text(needs_alt)
        page.get_by_label(alt).fill("Bendera di halaman kantor")
        page.get_by_role("button", name=submit).click()
        expect(page.locator("#form-problems")).to_contain_text(too_long)
        # saved, then refused on submitting: the form reads the post back, named as uploaded
        expect(page.get_by_label(alt)).to_have_value("Bendera di halaman kantor")
        check_accessibility(page)
        if lang == "id":
            screenshot(page, "compose-refused-id")
        page.context.close()
