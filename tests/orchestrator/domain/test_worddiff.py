"""The word-level difference a reviewer reads."""

from __future__ import annotations

from orchestrator.domain.worddiff import Piece, changed, word_diff


def test_added_and_removed_words_are_placed_where_they_are():
    pieces = word_diff("Vaksin hari Sabtu di puskesmas.",
                       "Vaksin gratis hari Minggu di puskesmas.")
    assert "".join(p.text for p in pieces if p.kind != "removed") == (
        "Vaksin gratis hari Minggu di puskesmas.")
    assert "".join(p.text for p in pieces if p.kind != "added") == (
        "Vaksin hari Sabtu di puskesmas.")
    assert Piece("removed", "Sabtu") in pieces and Piece("added", "Minggu") in pieces
    assert [p.text.strip() for p in pieces if p.kind == "added"] == ["gratis", "Minggu"]


def test_the_same_text_has_no_change():
    assert not changed(word_diff("Sama persis.\nBaris dua.", "Sama persis.\nBaris dua."))
    assert word_diff("", "") == []
    assert word_diff("", "baru") == [Piece("added", "baru")]
