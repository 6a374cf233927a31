"""Command start-up: ``siaran --help`` and ``siaran channel list`` against ``python -c pass``.

Each command runs as a fresh process, as a person runs it, through the installed ``siaran``
script of this interpreter's environment; the three are run in turn, round after round, so
that a busy machine slows them alike. ``channel list`` reads a database holding five
channels (SQLite by default; ``--database postgresql``). The figures are the median wall
times and their ratios to the bare interpreter's start (the target: 12 or less), and the
median CPU time (user + system) of each process, which other work on the machine disturbs
less than the wall time. The commands run with Python's bytecode cache on, as an installed
``siaran`` does (``PYTHONDONTWRITEBYTECODE`` is dropped from their environment; the warm-up
round writes the cache).
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


def run_ms(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run of ``command``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = (time.perf_counter() - started) * 1000
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


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
    say(f"cli_start: {rounds} rounds, {args.database}; machine {machine()}; "
        f"load average {os.getloadavg()[0]:.2f}")
    with database(args.database, root) as url:
        env = {**os.environ, "SIARAN_DATA_DIR": str(root / "data"),
               "SIARAN_DATABASE_URL": url, "SIARAN_USER": "bench"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        prepare(env)
        commands = {"python -c pass": [sys.executable, "-c", "pass"],
                    "siaran --help": [*siaran_command(), "--help"],
                    "siaran channel list": [*siaran_command(), "channel", "list"]}
        for command in commands.values():  # warm the file cache
            run_ms(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                wall, used = run_ms(command, env)
                times[name].append(wall)
                cpu[name].append(used)
    medians = {name: median(values) for name, values in times.items()}
    cpu_medians = {name: median(values) for name, values in cpu.items()}
    bare, bare_cpu = medians["python -c pass"], cpu_medians["python -c pass"]
    for name, value in medians.items():
        say(f"  {name:<22} wall {value:7.1f} ms (ratio {value / bare:5.1f})   "
            f"CPU {cpu_medians[name]:7.1f} ms (ratio {cpu_medians[name] / bare_cpu:5.1f})")
    ratios = {"help": medians["siaran --help"] / bare,
              "channel_list": medians["siaran channel list"] / bare}
    say(f"target: ratio ≤ {TARGET:g} — --help {'met' if ratios['help'] <= TARGET else 'MISSED'}"
        f", channel list {'met' if ratios['channel_list'] <= TARGET else 'MISSED'}")
    finish("cli_start", {
        "database": args.database, "rounds": rounds, "machine": machine(),
        "load_average": r(os.getloadavg()[0], 2),
        "python_pass_ms": r(bare), "help_ms": r(medians["siaran --help"]),
        "channel_list_ms": r(medians["siaran channel list"]),
        "help_ratio": r(ratios["help"], 2), "channel_list_ratio": r(ratios["channel_list"], 2),
        "target_ratio": TARGET,
        "cpu_ms": {name: r(value) for name, value in cpu_medians.items()},
        "cpu_ratios": {name: r(value / bare_cpu, 2) for name, value in cpu_medians.items()},
    }, root, args.keep, started)


if __name__ == "__main__":
    sys.exit(main())
