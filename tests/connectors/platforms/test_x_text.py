"""Weighted length as X counts it: conformance-style vectors from twitter-text v3's rules."""

from __future__ import annotations

import pytest

from connectors.platforms.x_text import MAX_WEIGHTED, URL_WEIGHT, fits, weighted_length


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0),
    ("a" * 280, 280),
    ("Siaran pers Kementerian Sekretariat Negara", 42),
    ("é", 1),                                   # Latin-1 supplement: weight 1
    ("e\u0301", 1),                             # NFC folds e + combining acute into é
    ("Ωλ", 2), ("Привет", 6), ("שלום", 4),      # Greek, Cyrillic, Hebrew: weight 1
    ("\u2018q\u2019", 3),                       # curly quotes: 8208–8223 weigh 1
    ("…", 2),                                   # U+2026 is outside the light ranges
    ("漢", 2), ("こんにちは", 10), ("한국어", 6),   # CJK: weight 2
    ("漢" * 140, 280),
    ("漢" * 141, 282),
    ("😀", 2), ("👍🏽", 2), ("👨‍👩‍👧‍👦", 2),       # an emoji sequence weighs 2
    ("https://setneg.go.id/berita/2026/11/siaran-pers-panjang-sekali", URL_WEIGHT),
    ("http://a.co", URL_WEIGHT),
    ("setneg.go.id", URL_WEIGHT),               # bare domains are URLs too
    ("Baca: https://setneg.go.id/x", 6 + URL_WEIGHT),
    ("@setneg #HUTRI80", 16),
])
def test_vectors(text, expected):
    assert weighted_length(text) == expected


def test_limit_boundary():
    assert MAX_WEIGHTED == 280
    assert fits("a" * 280) and not fits("a" * 281)
    assert fits("漢" * 140) and not fits("漢" * 141)
    long_url = "https://setneg.go.id/" + "x" * 500
    assert fits(long_url + " " + "a" * 256)     # 23 + 1 + 256
    assert not fits(long_url + " " + "a" * 257)


def test_line_endings_count_once():
    assert weighted_length("a\r\nb") == 3 and weighted_length("a\nb") == 3


def test_ascii_shortcut_agrees_with_the_full_parser():
    import random
    import string

    from twitter_text import parse_tweet
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + " \n\t#@_-!?,:;/"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        assert weighted_length(text) == parse_tweet(text).weightedLength
