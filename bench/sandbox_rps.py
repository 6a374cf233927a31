"""How many requests per second the platform sandbox serves, against a trivial baseline.

Starts the sandbox in its own process, then hammers ``POST /2/tweets`` (OAuth 1.0a signed,
so the sandbox verifies every signature and nonce) and ``POST /vNN.0/{page}/feed`` from
N client threads, each with a kept-alive ``requests.Session``, for a fixed number of
requests. The same requests go, in the same way, to a stdlib ``ThreadingHTTPServer`` that
answers 200 with ``{}``: the ratio shows what the sandbox's own work costs. Each figure is
the median of three runs. The last line is one JSON object with the results.

    python bench/sandbox_rps.py [--quick] [--threads N] [--requests N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from requests_oauthlib import OAuth1

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = 3


class Baseline(BaseHTTPRequestHandler):
    """Reads the request, answers 200 with an empty JSON object."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class BaselineServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def _serve(kind: str, ports: multiprocessing.Queue) -> None:
    if kind == "sandbox":
        from connectors.sandbox.sandbox import Sandbox
        sandbox = Sandbox().start()
        ports.put(sandbox.port)
        threading.Event().wait()
    server = BaselineServer(("127.0.0.1", 0), Baseline)
    ports.put(server.server_address[1])
    server.serve_forever()


def start(kind: str) -> tuple[multiprocessing.Process, str]:
    ports: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve, args=(kind, ports), daemon=True)
    process.start()
    return process, f"http://127.0.0.1:{ports.get(timeout=30)}"


def hammer(url: str, endpoint: str, threads: int, total: int, run: int) -> float:
    """Requests per second for ``total`` requests from ``threads`` kept-alive sessions."""
    per_thread = total // threads

    def worker(index: int) -> int:
        session = requests.Session()
        ok = 0
        for i in range(per_thread):
            text = f"bench {run}-{index}-{i}"
            if endpoint == "x":
                r = session.post(f"{url}/2/tweets", json={"text": text}, timeout=30,
                                 auth=OAuth1("ck", "cs", "at", "ats"))
            else:
                r = session.post(f"{url}/v21.0/555/feed", data={"message": text}, timeout=30,
                                 headers={"Authorization": "Bearer pt-555"})
            ok += r.status_code < 300
        session.close()
        return ok

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        done = sum(pool.map(worker, range(threads)))
    elapsed = time.perf_counter() - started
    if done != per_thread * threads:
        raise SystemExit(f"{endpoint}: only {done} of {per_thread * threads} succeeded")
    return done / elapsed


def measure(url: str, endpoint: str, threads: int, total: int, reset: bool) -> float:
    rates = []
    for run in range(RUNS):
        if reset:
            requests.post(f"{url}/_sandbox/reset", timeout=10)
        rates.append(hammer(url, endpoint, threads, total, run))
    return statistics.median(rates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--requests", type=int, default=None, help="per run and endpoint")
    args = parser.parse_args()
    total = args.requests or (800 if args.quick else 4000)
    sandbox, sandbox_url = start("sandbox")
    baseline, baseline_url = start("baseline")
    results: dict[str, object] = {"threads": args.threads, "requests_per_run": total,
                                  "runs": RUNS}
    try:
        for endpoint in ("x", "graph"):
            rate = measure(sandbox_url, endpoint, args.threads, total, reset=True)
            base = measure(baseline_url, endpoint, args.threads, total, reset=False)
            results[endpoint] = {"sandbox_rps": round(rate), "baseline_rps": round(base),
                                 "ratio": round(rate / base, 3)}
            print(f"{endpoint:5}  sandbox {rate:8.0f} req/s   baseline {base:8.0f} req/s   "
                  f"ratio {rate / base:.2f}", flush=True)
    finally:
        sandbox.terminate()
        baseline.terminate()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
