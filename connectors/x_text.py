"""X's weighted text length (twitter-text v3), used to refuse over-long posts before sending.

X counts text with the twitter-text v3 configuration: the text is NFC-normalised; code
points in 0–4351, 8192–8205, 8208–8223 and 8242–8247 weigh 1, every other code point 2;
every URL — also a bare domain such as ``setneg.go.id`` — weighs 23 (t.co wrapping);
an emoji sequence (with joiners and modifiers) weighs 2; the limit is 280 —
https://docs.x.com/fundamentals/counting-characters and twitter-text's ``config/v3.json``.

The counting is delegated to ``twitter-text-parser`` 3.0.0 (MIT, a port of the official
twitter-text that passes its conformance suite; https://github.com/swen128/twitter-text-python).
Upstream twitter-text has not changed its rules since v3 (2019), so an unchanging port is
enough; ``tests/connectors/test_x_text.py`` pins the rules with conformance-style vectors
so a regression in the library shows up as a failing test here.
"""

from __future__ import annotations

from twitter_text import parse_tweet

#: X's limit in weighted characters.
MAX_WEIGHTED = 280
#: What one URL counts, whatever its length.
URL_WEIGHT = 23


def weighted_length(text: str) -> int:
    """The length X counts for ``text`` (twitter-text v3 rules)."""
    if text.isascii() and "." not in text and "\r" not in text:
        return len(text)  # weight 1 each, and no URL without a dot
    return parse_tweet(text).weightedLength


def fits(text: str) -> bool:
    """True when X accepts ``text`` as a post's length."""
    return weighted_length(text) <= MAX_WEIGHTED
