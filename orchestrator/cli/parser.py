"""The argument parser: its errors take the one-line form of every other error.

``argparse`` prints a usage block and exits 2; Siaran's contract is one line
``siaran: error: …`` on standard error and exit status 1, so the parser raises
:class:`UsageError` and :func:`orchestrator.cli.main.main` prints it like any other error.
"""

from __future__ import annotations

import argparse

from connectors.errors import SiaranError


class UsageError(SiaranError):
    """The command line itself is wrong: an unknown option, a missing argument."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that raises :class:`UsageError` instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("siaran").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message} (see `{self.prog} --help`)")


class VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("siaran")
        except PackageNotFoundError:
            found = "unknown (not installed)"
        print(f"siaran {found}")
        parser.exit()



def command_word(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """The command ``argv`` names: its first word that is neither one of ``parser``'s own
    options nor the value of one (``--user ani``). None when there is none."""
    takes_value = {s for a in parser._actions if a.nargs != 0 for s in a.option_strings}
    words = iter(argv)
    for word in words:
        if word in takes_value:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


class Commands:
    """Registers the commands, building in full only the parser of the one being run.

    Every command is still known to the parser (``--help`` lists it, a misspelt one is
    named); the arguments of the others are never built: with some forty parsers, that is
    a noticeable part of a command's start."""

    def __init__(self, sub: argparse._SubParsersAction, selected: str | None) -> None:
        self._sub = sub
        self._selected = selected

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        parser = self._sub.add_parser(name, **kwargs)
        return parser if self._selected in (None, name) else _Unbuilt()  # type: ignore[return-value]


class _Unbuilt:
    """Stands in for the parser of a command not being run: whatever is added is dropped."""

    def __getattr__(self, name: str):
        return self._drop

    def _drop(self, *args, **kwargs) -> _Unbuilt:
        return self


class Lazy:
    """A module, or one callable of it, imported on first use: a command module names what
    its handlers use without loading it while the parser is built."""

    def __init__(self, module: str, name: str | None = None) -> None:
        self._module, self._name = module, name

    def _target(self):
        import importlib

        found = importlib.import_module(self._module)
        return getattr(found, self._name) if self._name else found

    def __getattr__(self, attribute: str):
        return getattr(self._target(), attribute)

    def __call__(self, *args, **kwargs):
        return self._target()(*args, **kwargs)
