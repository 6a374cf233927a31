"""How an edit changes a post's per-platform variants.

A platform's variant (the text, title and hashtags it shows instead of the post's) is one
unit. An edit that names a platform replaces that platform's whole variant with what it
gives; naming it with nothing in it (``None``, or only empty fields) removes it; platforms
the edit does not name keep theirs.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Per platform, the fields it sets.
Variants = dict[str, dict[str, str]]
#: What an edit gives per platform: the new variant, or None (or nothing in it) to remove it.
VariantChanges = Mapping[str, Mapping[str, str] | None]


def given_fields(fields: Mapping[str, str] | None) -> dict[str, str]:
    """The fields of a platform's new variant that hold something."""
    return {key: value for key, value in (fields or {}).items()
            if value is not None and str(value).strip()}


def applied(current: Mapping[str, Mapping[str, str]], changes: VariantChanges) -> Variants:
    """The variants after an edit: each platform named replaced (or removed), the rest kept."""
    result = {platform: dict(fields) for platform, fields in current.items()}
    for platform, fields in changes.items():
        new = given_fields(fields)
        if new:
            result[platform] = new
        else:
            result.pop(platform, None)
    return result
