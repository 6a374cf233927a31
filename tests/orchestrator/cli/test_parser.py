"""The argument parser keeps the error contract of every command, and the command line
behaves like a well-mannered Unix tool: --version, --help, a closed pipe."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

from orchestrator.cli.main import build_parser, main
from orchestrator.cli.parser import command_word
from tests.fixtures.services import siaran


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
             ) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command path of the parser, with its parser: ("post", "create"), …"""
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += commands(sub, (*path, name))
    return found


COMMANDS = commands(build_parser())


def test_the_walk_finds_every_command():
    paths = {" ".join(p) for p, _ in COMMANDS}
    assert {"", "post create", "post edit", "post list", "post reject", "channel update",
            "deliveries retry", "deliveries resolve", "audit", "worker", "demo"} <= paths
    assert len(paths) >= 30


def _one_line_error(capsys, argv: list[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 1, (argv, code, err)
    assert out == ""
    assert err.startswith("siaran: error: ") and err.count("\n") == 1, err
    assert "usage:" not in err
    return err


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "siaran")
def test_an_unknown_option_is_one_line_and_exit_1_for_every_command(capsys, path):
    err = _one_line_error(capsys, [*path, "--no-such-option"])
    assert "--no-such-option" in err or "required" in err


def _required(parser: argparse.ArgumentParser) -> bool:
    return any(a.required for a in parser._actions)


@pytest.mark.parametrize("path", [p for p, parser in COMMANDS if _required(parser)],
                         ids=lambda p: " ".join(p) or "siaran")
def test_missing_arguments_are_one_line_and_exit_1_for_every_command(capsys, path):
    err = _one_line_error(capsys, list(path))
    assert "required" in err
    assert f"siaran {' '.join(path)} --help".replace("  ", " ") in err


@pytest.mark.parametrize(("argv", "message"), [
    (["post", "show", "nine"], "invalid int value: 'nine'"),
    (["post", "list", "--status", "terbit"], "invalid choice: 'terbit'"),
    (["deliveries", "--post", "x"], "invalid int value: 'x'"),
    (["post", "create", "--title", "T", "--text", "t", "--text-file", "f", "--pillar", "informatif",
      "--channel", "c"], "not allowed with argument"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_values_name_the_command_and_the_problem(capsys, argv, message):
    err = _one_line_error(capsys, argv)
    assert message in err
    assert err.startswith(f"siaran: error: {argv[0]}") or argv == ["frobnicate"]


def test_help_and_version_exit_0(capsys):
    assert main(["--help"]) == 0
    assert "post" in capsys.readouterr().out
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("siaran ") and out.strip() != "siaran"


def test_a_reader_that_stops_early_ends_the_command_quietly(siaran_env, ctx):
    env = {**os.environ, **siaran_env}
    siaran("channel", "add", "tg", "--platform", "telegram", "--credential", "bot_token=1:b",
           "--credential", "chat_id=@c", env=siaran_env)
    post_id = siaran("post", "create", "--title", "Panjang", "--text-file", "-",
                     "--pillar", "informatif", "--channel", "tg", env=siaran_env,
                     input="baris\n" * 5000).stdout.strip()
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head -3` that has already exited
    done = subprocess.run([sys.executable, "-m", "orchestrator.cli.main", "post", "show",
                           post_id], stdout=write_end, stderr=subprocess.PIPE, env=env,
                          text=True, timeout=60)
    os.close(write_end)
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr
    assert done.stderr == ""
    assert done.returncode == 141
    shown = json.loads(siaran("post", "show", post_id, "--json", env=siaran_env).stdout)
    assert shown["text"] == "\n".join(["baris"] * 5000)


def test_the_command_word_skips_top_level_options_and_their_values():
    parser = build_parser()
    assert command_word(parser, ["--user", "ani", "post", "show", "1"]) == "post"
    assert command_word(parser, ["--user=ani", "audit", "--user", "budi"]) == "audit"
    assert command_word(parser, ["--user", "channel", "deliveries"]) == "deliveries"
    assert command_word(parser, ["--version"]) is None


def test_only_the_command_run_is_built_yet_every_command_is_known(capsys):
    assert main(["channel", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(action in out for action in ("add", "update", "list", "pause", "resume"))
    assert main(["--user", "ani", "post", "edit", "--help"]) == 0
    assert "--unscheduled" in capsys.readouterr().out
    err = _one_line_error(capsys, ["chanel", "list"])
    assert "invalid choice: 'chanel'" in err and "'channel'" in err and "'audit'" in err
