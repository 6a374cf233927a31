"""Commands that run processes: worker, scheduler, watch, web, up, sandbox, media-server."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from connectors.errors import ConfigError
from orchestrator.cli.parser import Commands
from orchestrator.runtime import config
from orchestrator.runtime.config import Settings


def register(sub: Commands) -> None:
    p = sub.add_parser("worker", help="run Dramatiq worker processes that publish")
    p.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--queues", nargs="+", metavar="QUEUE",
                   help="only these queues, publish.<platform> (default: all)")
    p.set_defaults(handler=cmd_worker)
    p = sub.add_parser("scheduler", help="dispatch due posts and relay the outbox")
    p.set_defaults(handler=cmd_scheduler)
    p = sub.add_parser("watch", help="watch deliveries, channels, the scheduler and queues; "
                                     "send alerts and the daily digest")
    p.set_defaults(handler=cmd_watch)
    p = sub.add_parser("web", help="serve the HTTP API (and its docs at /api/docs)")
    add_web_address(p)
    p.set_defaults(handler=cmd_web)
    p = sub.add_parser("up", help="scheduler, workers, the alert watcher, the engagement "
                                  "read-back and the HTTP API together")
    p.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    p.add_argument("--threads", type=int, default=8)
    add_web_address(p)
    p.set_defaults(handler=cmd_up)
    p = sub.add_parser("sandbox", help="run the local platform emulator")
    p.add_argument("--port", type=int, default=8123)
    p.add_argument("--accounts", metavar="FILE", help="accounts JSON file")
    p.set_defaults(handler=cmd_sandbox)
    p = sub.add_parser("media-server", help="serve the media store (for SIARAN_MEDIA_BASE_URL);"
                                             " put a web server with TLS in front of it")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8322)
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds a silent client is kept (default 30)")
    p.add_argument("--max-connections", type=int, default=64,
                   help="connections served at once; more get 503 (default 64)")
    p.set_defaults(handler=cmd_media_server)


WEB_PORT = 8300


def add_web_address(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=WEB_PORT, help=f"port ({WEB_PORT})")


def all_queues() -> list[str]:
    from orchestrator.pipeline.queues import all_queues as queues

    return queues()


@contextmanager
def redis_for(settings: Settings) -> Iterator[Settings]:
    """Settings whose ``redis_url`` is set, starting the embedded server if needed."""
    if settings.redis_url:
        yield settings
        return
    from orchestrator.runtime import embedded_redis

    with embedded_redis.running(settings.data_dir) as url:
        yield _with_redis(settings, url)


def _with_redis(settings: Settings, url: str) -> Settings:
    return replace(settings, redis_url=url)


def worker_command(settings: Settings, processes: int, threads: int,
                   queues: list[str] | None) -> list[str]:
    if processes < 1 or threads < 1:
        raise ConfigError("--processes and --threads must be at least 1")
    unknown = set(queues or []) - set(all_queues())
    if unknown:
        raise ConfigError(f"unknown queue {sorted(unknown)[0]!r}; known: "
                          f"{', '.join(all_queues())}")
    cmd = [sys.executable, "-m", "dramatiq", "orchestrator.pipeline.worker_main",
           "--skip-logging", "--processes", str(processes), "--threads", str(threads)]
    if queues:
        cmd += ["--queues", *queues]
    return cmd


def check_installation(settings: Settings) -> None:
    """Refuse to start (before any process is spawned) without the schema or the key."""
    from orchestrator.runtime.context import open_context

    open_context(settings).db.dispose()


def prepare_metrics(settings: Settings) -> None:
    """The metrics directory the processes started here write to, without dead ones' files."""
    from orchestrator.runtime import metrics

    metrics.prepare(settings)


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from orchestrator.cli.supervisor import run_children

    cmd = worker_command(settings, args.processes, args.threads, args.queues)
    check_installation(settings)
    prepare_metrics(settings)
    with redis_for(settings) as ready:
        return run_children([cmd], config.child_environment(ready))


def cmd_scheduler(settings: Settings, args: argparse.Namespace) -> int:
    return run_loop_process(settings, run_scheduler)


def run_loop_process(settings: Settings, run) -> int:
    """A loop as its own process (``siaran scheduler``, ``siaran watch``): logging, the
    installation checked, its metrics into the shared directory (turned on before any
    metric is made), then ``run(settings)`` on a Redis that is running."""
    from orchestrator.runtime import metrics
    from orchestrator.runtime.logging import configure

    configure(settings.log_format)
    check_installation(settings)
    prepare_metrics(settings)
    metrics.start(settings)
    with redis_for(settings) as ready:
        return run(ready)


def stopped_by_signals(stop: threading.Event | None = None) -> threading.Event:
    """``stop`` (or a new event), set by SIGTERM or SIGINT when this is the main thread (a
    loop run in a thread of ``siaran demo`` is stopped by its caller instead)."""
    import signal

    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    return stop


def run_scheduler(settings: Settings, stop: threading.Event | None = None) -> int:
    """The scheduler loop in this process; ``settings.redis_url`` must be set."""
    from orchestrator.pipeline.broker import make_broker
    from orchestrator.pipeline.transport import Transport
    from orchestrator.runtime.context import open_context
    from schedules import scheduler

    stop = stopped_by_signals(stop)
    transport = Transport(make_broker(settings.redis_url, settings.redis_namespace))
    ctx = open_context(settings)
    try:
        scheduler.run(ctx, transport, stop)
    finally:
        transport.close()
        ctx.db.dispose()
    return 0


def cmd_watch(settings: Settings, args: argparse.Namespace) -> int:
    return run_loop_process(settings, run_watch)


def run_watch(settings: Settings, stop: threading.Event | None = None) -> int:
    """The alert watcher in this process; ``settings.redis_url`` must be set."""
    import redis

    from ops.alerts import watch
    from orchestrator.runtime.context import open_context

    stop = stopped_by_signals(stop)
    client = redis.Redis.from_url(settings.redis_url)
    ctx = open_context(settings)
    try:
        watch.run(ctx, stop, client)
    finally:
        client.close()
        ctx.db.dispose()
    return 0


def web_command(settings: Settings, host: str, port: int) -> list[str]:
    """uvicorn serving the app (``orchestrator.web.app:from_environment``), one worker."""
    if not 0 < port < 65536:
        raise ConfigError(f"--port must be 1 to 65535, got {port}")
    proxies = settings.web.proxies
    return [sys.executable, "-m", "uvicorn", "--factory", "orchestrator.web.app:from_environment",
            "--host", host, "--port", str(port), "--workers", "1", "--no-server-header",
            "--no-access-log", "--log-level", "warning",
            *(["--proxy-headers", "--forwarded-allow-ips", ",".join(proxies)] if proxies
              else ["--no-proxy-headers"])]


def web_url(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def addresses(host: str, port: int) -> str:
    """Where people find the console and the API."""
    url = web_url(host, port)
    return f"console {url}/  HTTP API {url}/api/v1 (docs: {url}/api/docs)"


def cmd_web(settings: Settings, args: argparse.Namespace) -> int:
    from orchestrator.cli.supervisor import run_children

    command = web_command(settings, args.host, args.port)
    prepare_metrics(settings)
    print(f"siaran web: {addresses(args.host, args.port)}", flush=True)
    return run_children([command], config.child_environment(settings))


def cmd_up(settings: Settings, args: argparse.Namespace) -> int:
    from orchestrator.cli.supervisor import run_children

    worker = worker_command(settings, args.processes, args.threads, None)
    web = web_command(settings, args.host, args.port)
    me = [sys.executable, "-m", "orchestrator.cli.main"]
    check_installation(settings)
    prepare_metrics(settings)
    with redis_for(settings) as ready:
        print(f"siaran up: {addresses(args.host, args.port)}", flush=True)
        return run_children([worker, [*me, "scheduler"], [*me, "watch"],
                             [*me, "engagement", "run"], web],
                            config.child_environment(ready))


def cmd_sandbox(settings: Settings, args: argparse.Namespace) -> int:
    from connectors.sandbox import serve

    if args.accounts and not os.path.exists(args.accounts):
        raise ConfigError(f"accounts file {args.accounts!r} does not exist")
    serve(args.port, args.accounts)
    return 0


def cmd_media_server(settings: Settings, args: argparse.Namespace) -> int:
    from orchestrator.media.server import MediaServer

    if args.timeout <= 0 or args.max_connections < 1:
        raise ConfigError("--timeout must be positive and --max-connections at least 1")
    server = MediaServer(settings.data_dir, args.host, args.port, timeout=args.timeout,
                         max_connections=args.max_connections)
    print(f"serving {settings.data_dir / 'media'} on {server.url}; facing the internet, put "
          "a web server with TLS in front of it (docs/operations.md)", flush=True)
    try:
        server.server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server.server_close()
    return 0
