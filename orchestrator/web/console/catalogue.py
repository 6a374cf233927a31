"""The console's gettext catalogues: every string the code and templates mark, and the
Indonesian files that translate them.

The service layer's messages that pages show are marked too: each ``Said("...")`` template
in ``connectors``, ``orchestrator``, ``schedules`` and ``ops`` (see ``wording``), and the words its
messages name (every state, action and role: :func:`service_words`).

Translations live in ``locales/id/LC_MESSAGES/*.po`` (one file per page group, merged when
loaded; the service's messages in ``service.po``). ``python -m
orchestrator.web.console.catalogue`` (``make messages``) appends the strings no file has yet
with an empty translation, to be filled in: the console's to ``messages.po``, the
service's to ``service.po``.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from orchestrator.access.roles import ALLOWED, action_word
from orchestrator.domain.model import ROLES
from orchestrator.domain.series import SeriesStatus
from orchestrator.domain.states import ChannelState, DeliveryStatus, PostStatus

HERE = Path(__file__).parent
LOCALES = HERE / "locales"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
ROOT = HERE.parents[2]
#: The packages whose ``Said("...")`` templates a page may show.
SERVICE = [ROOT / "connectors", ROOT / "orchestrator", ROOT / "schedules", ROOT / "ops"]
#: The file of each kind of string.
TARGETS = {"console": "messages.po", "service": "service.po"}


def _extract(directory: Path, methods: list, keywords: dict, options: dict | None = None
             ) -> set[str]:
    return {message if isinstance(message, str) else message[0]
            for _file, _line, message, _comments, _context in extract_from_dir(
                str(directory), methods, options, keywords=keywords)}


def console_marked() -> set[str]:
    """Every string marked for translation in the console's code and templates."""
    return _extract(HERE, METHODS, KEYWORDS, OPTIONS)


def service_words() -> set[str]:
    """The words messages name from a set of their own: the states of posts, deliveries,
    channels and series (``InvalidTransition``), actions and roles (``AccessDenied``)."""
    states = {s.value for kind in (PostStatus, DeliveryStatus, ChannelState, SeriesStatus)
              for s in kind}
    return states | {action_word(a).template for a in ALLOWED} | set(ROLES)


def service_marked() -> set[str]:
    """Every ``Said`` template of the service layer, and the words it names."""
    return service_words().union(*(_extract(d, [("**.py", "python")], {"Said": None})
                                   for d in SERVICE))


def marked() -> set[str]:
    """Every string a console page may translate."""
    return console_marked() | service_marked()


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
    """Append the marked strings that no file of ``lang`` has to its ``messages.po`` (the
    service's templates to its ``service.po``)."""
    known: set[str] = set()
    for path in files(lang):
        with path.open("rb") as source:
            known.update(m.id for m in read_po(source, locale=lang) if m.id)
    added = []
    for kind, strings in (("console", console_marked()), ("service", service_marked())):
        missing = sorted(strings - known - set(added))
        if missing:
            _append(LOCALES / lang / "LC_MESSAGES" / TARGETS[kind], lang, missing)
        added += missing
    return added


def _append(target: Path, lang: str, missing: list[str]) -> None:
    catalog = Catalog(locale=lang)
    if target.exists():
        with target.open("rb") as source:
            catalog = read_po(source, locale=lang)
    for message in missing:
        catalog.add(message, "")
    with target.open("wb") as out:
        write_po(out, catalog, width=0, sort_output=True)


if __name__ == "__main__":
    for added in add_missing():
        print(f"to translate: {added}")
