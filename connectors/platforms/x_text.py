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

:func:`split_thread` cuts a long text into numbered thread parts that each fit.
"""

from __future__ import annotations

import re
import warnings

with warnings.catch_warnings():  # it reads its emoji table through the deprecated
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
    from twitter_text import parse_tweet  # pkg_resources (setuptools < 82 keeps it)

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


#: The most parts a thread may have (X's composer allows 25 posts in one thread).
MAX_THREAD_PARTS = 25
_SENTENCE_END = (".", "!", "?", "…", ".\"", "!\"", "?\"", ".”", "!”", "?”", ".)", ":")
_NUMBER_WIDTH = len(f" ({MAX_THREAD_PARTS}/{MAX_THREAD_PARTS})")


def split_thread(text: str, limit: int = MAX_WEIGHTED) -> list[str]:
    """``text`` as thread parts of at most ``limit`` weighted characters each.

    Text that fits is one part, unchanged. Otherwise the text is cut between words,
    preferring the end of a sentence when one falls in the second half of a part, and every
    part is numbered `` (i/n)``: a reply seen on its own (in search, in a repost) then tells
    the reader there is more, and parts repeating the same sentence stay distinct, which X
    requires (it refuses duplicate text). Whitespace inside a part is kept as written.
    """
    text = text.strip()
    if weighted_length(text) <= limit:
        return [text]
    budget = limit - _NUMBER_WIDTH
    words, gaps = _tokens(text, budget)
    parts: list[str] = []
    start = 0
    while start < len(words):
        end = start + 1
        while end < len(words) and weighted_length(_join(words, gaps, start, end + 1)) <= budget:
            end += 1
        if end < len(words):
            end = _sentence_break(words, gaps, start, end, budget) or end
        parts.append(_join(words, gaps, start, end))
        start = end
    total = len(parts)
    return [f"{part} ({number}/{total})" for number, part in enumerate(parts, 1)]


def _tokens(text: str, budget: int) -> tuple[list[str], list[str]]:
    """Words and the whitespace after each; words longer than a part are cut into pieces."""
    pieces = re.split(r"(\s+)", text)
    words, gaps = [], []
    for word, gap in zip(pieces[0::2], [*pieces[1::2], ""], strict=True):
        chunks = _cut(word, budget) if weighted_length(word) > budget else [word]
        words += chunks
        gaps += [""] * (len(chunks) - 1) + [gap]
    return words, gaps


def _cut(word: str, budget: int) -> list[str]:
    chunks, current = [], ""
    for char in word:
        if current and weighted_length(current + char) > budget:
            chunks.append(current)
            current = ""
        current += char
    return [*chunks, current]


def _join(words: list[str], gaps: list[str], start: int, end: int) -> str:
    return "".join(w + g for w, g in zip(words[start:end - 1], gaps[start:end - 1],
                                          strict=True)) + words[end - 1]


def _sentence_break(words: list[str], gaps: list[str], start: int, end: int,
                    budget: int) -> int | None:
    """The latest sentence end in words[start:end] that keeps the part at least half full."""
    for cut in range(end, start, -1):
        if words[cut - 1].endswith(_SENTENCE_END):
            if weighted_length(_join(words, gaps, start, cut)) >= budget // 2:
                return cut
            return None
    return None
