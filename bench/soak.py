"""Soak: 10,000 deliveries with random faults, SIGKILLed workers and an emptied Redis.

    python bench/soak.py [--quick] [--deliveries N]

Prints progress, then duplicates / lost / time, and one JSON line of results.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.soaklib import report_json, run_soak  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 deliveries")
    parser.add_argument("--deliveries", type=int)
    args = parser.parse_args()
    count = args.deliveries or (1000 if args.quick else 10_000)
    with tempfile.TemporaryDirectory(prefix="siaran-soak-") as tmp:
        report = run_soak(Path(tmp), deliveries=count, accounts=8, workers=2, threads=16,
                          timeout=540 if not args.quick else 240,
                          progress=lambda line: print(line, flush=True))
    print(f"\ndeliveries {report.deliveries}: published {report.published}, "
          f"failed {report.failed}, unknown {report.unknown}")
    print(f"duplicates {report.duplicates}, lost {report.lost}, phantom {report.phantom}; "
          f"{report.worker_kills} worker kills, {report.redis_restarts} Redis restart, "
          f"{report.faults} faults; {report.seconds} s "
          f"({report.deliveries / report.seconds:.0f} deliveries/s)")
    print(json.dumps({"benchmark": "soak", **report_json(report)}))
    return 0 if report.duplicates == 0 and report.lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
