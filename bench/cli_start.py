"""Command start-up: ``siaran --help`` and ``siaran channel list`` against ``python -c pass``.

Each command runs as a fresh process, as a person runs it, through the installed ``siaran``
script of this interpreter's environment; the three are run in turn, round after round, so
that a busy machine slows them alike. ``channel list`` reads a database holding five
channels (SQLite by default; ``--database postgresql``). The figures are the median wall
times and their ratios to the bare interpreter's start; the target is a ratio of 12 or less.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchlib.common import finish, machine, median, parser, r, say, workdir
from benchlib.services import database, reachable

CHANNELS = {"x": ["consumer_key=ck", "consumer_secret=cs", "access_token=at",
                  "access_token_secret=ats"],
            "facebook": ["page_id=555", "page_access_token=pt"],
            "instagram": ["ig_user_id=777", "access_token=it"],
            "telegram": ["bot_token=1:bt", "chat_id=@setneg"],
            "wordpress": ["site_url=https://setneg.go.id", "username=editor",
                          "application_password=pw"]}
TARGET = 12.0


def siaran_command() -> list[str]:
    """The ``siaran`` script installed beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("siaran")
    return [str(script)] if script.exists() else [sys.executable, "-m", "orchestrator.cli.main"]


def prepare(env: dict[str, str]) -> None:
    """Initialise the database and add one channel per platform."""
    siaran = siaran_command()
    subprocess.run([*siaran, "init"], env=env, check=True, capture_output=True)
    for platform, creds in CHANNELS.items():
        subprocess.run([*siaran, "channel", "add", f"{platform}-setneg", "--platform",
                        platform, *[f"--credential={c}" for c in creds]],
                       env=env, check=True, capture_output=True)


def wall_ms(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    p = parser(__doc__.split("\n", 1)[0], postgres=False)
    p.add_argument("--rounds", type=int, help="rounds of the three commands (41; quick 11)")
    args = p.parse_args()
    rounds = args.rounds or (11 if args.quick else 41)
    if rounds < 1:
        raise SystemExit("--rounds must be at least 1")
    reachable(args.database)
    root = workdir("cli-start")
    started = time.monotonic()
    say(f"cli_start: {rounds} rounds, {args.database}; machine {machine()}")
    with database(args.database, root) as url:
        env = {**os.environ, "SIARAN_DATA_DIR": str(root / "data"),
               "SIARAN_DATABASE_URL": url, "SIARAN_USER": "bench"}
        prepare(env)
        commands = {"python -c pass": [sys.executable, "-c", "pass"],
                    "siaran --help": [*siaran_command(), "--help"],
                    "siaran channel list": [*siaran_command(), "channel", "list"]}
        for command in commands.values():  # warm the file cache
            wall_ms(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                times[name].append(wall_ms(command, env))
    medians = {name: median(values) for name, values in times.items()}
    bare = medians["python -c pass"]
    for name, value in medians.items():
        say(f"  {name:<22} median {value:7.1f} ms   ratio {value / bare:5.1f}")
    ratios = {"help": medians["siaran --help"] / bare,
              "channel_list": medians["siaran channel list"] / bare}
    say(f"target: ratio ≤ {TARGET:g} — --help {'met' if ratios['help'] <= TARGET else 'MISSED'}"
        f", channel list {'met' if ratios['channel_list'] <= TARGET else 'MISSED'}")
    finish("cli_start", {
        "database": args.database, "rounds": rounds, "machine": machine(),
        "python_pass_ms": r(bare), "help_ms": r(medians["siaran --help"]),
        "channel_list_ms": r(medians["siaran channel list"]),
        "help_ratio": r(ratios["help"], 2), "channel_list_ratio": r(ratios["channel_list"], 2),
        "target_ratio": TARGET,
    }, root, args.keep, started)


if __name__ == "__main__":
    sys.exit(main())
