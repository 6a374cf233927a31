"""Reading channel credentials without putting them on the command line.

``--credential KEY=VALUE`` works but leaves the value in the process list and the shell's
history; ``--credential KEY=-`` asks for the value (no echo on a terminal; one line of
standard input otherwise) and ``--credentials-file FILE`` reads them from a file (``-``:
standard input), as a JSON object or ``KEY=VALUE`` lines. No message ever shows a value.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from typing import TextIO

from connectors.errors import ConfigError

PROMPT = "-"


def read_credentials(given: list[str], files: list[str] | None = None,
                     stdin: TextIO | None = None) -> dict[str, str]:
    """Credentials from files first, then ``--credential`` items (which win)."""
    stdin = stdin or sys.stdin
    found: dict[str, str] = {}
    for path in files or []:
        found.update(_from_file(path, stdin))
    if PROMPT in (files or []) and any(_value(i) == PROMPT for i in given):
        raise ConfigError("standard input cannot hold both --credentials-file - and "
                          "--credential KEY=-")
    for number, item in enumerate(given, 1):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--credential number {number} must look like KEY=VALUE "
                              "(its value is not shown)")
        found[key.strip()] = _ask(key.strip(), stdin) if value == PROMPT else value
    return found


def _value(item: str) -> str:
    return item.partition("=")[2]


def _ask(key: str, stdin: TextIO) -> str:
    if stdin.isatty():
        return getpass.getpass(f"{key}: ")
    line = stdin.readline()
    if not line:
        raise ConfigError(f"no value for credential {key} on standard input")
    return line.rstrip("\r\n")


def _from_file(path: str, stdin: TextIO) -> dict[str, str]:
    shown = "standard input" if path == PROMPT else path
    try:
        if path == PROMPT:
            text = stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                if os.fstat(handle.fileno()).st_mode & 0o077:
                    print(f"siaran: warning: {path} can be read by other users; keep "
                          "credential files mode 0600", file=sys.stderr)
                text = handle.read()
    except OSError as error:
        raise ConfigError(f"cannot read credentials from {shown}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"credentials in {shown} are not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        return _json(text, shown)
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"line {number} of {shown} must look like KEY=VALUE "
                              "(its value is not shown)")
        found[key.strip()] = value.strip()
    return found


def _json(text: str, shown: str) -> dict[str, str]:
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"credentials in {shown} are not valid JSON (line {error.lineno})"
                          ) from None
    if not isinstance(loaded, dict) or not all(
            isinstance(k, str) and isinstance(v, str | int) for k, v in loaded.items()):
        raise ConfigError(f"credentials in {shown} must be a JSON object of names to text")
    return {k: str(v) for k, v in loaded.items()}
