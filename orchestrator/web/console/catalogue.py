"""The console's gettext catalogues: every string the code and templates mark, and the
Indonesian files that translate them.

Translations live in ``locales/id/LC_MESSAGES/*.po`` (one file per page group, merged when
loaded). ``python -m orchestrator.web.console.catalogue`` (``make messages``) appends the
strings no file has yet to ``messages.po`` with an empty translation, to be filled in.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent
LOCALES = HERE / "locales"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def marked() -> set[str]:
    """Every string marked for translation in the console's code and templates."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(HERE), METHODS, OPTIONS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def files(lang: str) -> list[Path]:
    return sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po"))


def merged(lang: str) -> Catalog:
    """Every translation of ``lang``, from all its files (fuzzy ones left out)."""
    catalog = Catalog(locale=lang)
    for path in files(lang):
        with path.open("rb") as source:
            for message in read_po(source, locale=lang):
                if message.id and message.string and not message.fuzzy:
                    catalog.add(message.id, message.string)
    return catalog


def add_missing(lang: str = "id") -> list[str]:
    """Append the marked strings that no file of ``lang`` has to its ``messages.po``."""
    known: set[str] = set()
    for path in files(lang):
        with path.open("rb") as source:
            known.update(m.id for m in read_po(source, locale=lang) if m.id)
    missing = sorted(marked() - known)
    target = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    with target.open("rb") as source:
        catalog = read_po(source, locale=lang)
    for message in missing:
        catalog.add(message, "")
    with target.open("wb") as out:
        write_po(out, catalog, width=0, sort_output=True)
    return missing


if __name__ == "__main__":
    for added in add_missing():
        print(f"to translate: {added}")
