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

