"""SQLite writers queue on a thread lock and a lock file: nothing lost, nobody inside twice."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest
from sqlalchemy import text

from connectors.errors import ConfigError
from orchestrator.store.db import Database
from orchestrator.store.writer_lock import WriterLock

FORK = multiprocessing.get_context("fork")


def _hold_then_report(path, started, order) -> None:
    lock = WriterLock(path)
    started.set()
    with lock:
        order.put(("child", time.monotonic()))


def test_another_process_waits_until_the_lock_is_released(tmp_path):
    lock = WriterLock(tmp_path / "db-writer.lock")
    order = FORK.Queue()
    started = FORK.Event()
    with lock:
        child = FORK.Process(target=_hold_then_report,
                             args=(tmp_path / "db-writer.lock", started, order))
        child.start()
        assert started.wait(10)
        time.sleep(0.3)  # the child is now blocked on the lock file
        assert order.empty()
        released = time.monotonic()
    child.join(10)
    who, at = order.get(timeout=5)
    assert who == "child" and at >= released and child.exitcode == 0


def test_the_lock_is_reentrant_within_a_thread_and_exclusive_between_threads(tmp_path):
    lock = WriterLock(tmp_path / "w.lock")
    entered = threading.Event()
    with lock:
        with lock:  # the same thread may nest
            pass
        other = threading.Thread(target=lambda: (lock.__enter__(), entered.set(),
                                                 lock.__exit__(None, None, None)))
        other.start()
        assert not entered.wait(0.2)  # still held by the outer block
    other.join(5)
    assert entered.is_set()


def _count(url: str, rounds: int) -> None:
    db = Database(url)

    def work() -> None:
        for _ in range(rounds):
            with db.write() as conn:
                value = conn.execute(text("SELECT n FROM counter")).scalar_one()
                conn.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.dispose()


def test_writers_of_two_processes_and_many_threads_lose_no_update(tmp_path):
    url = f"sqlite:///{tmp_path / 'counter.db'}"
    db = Database(url)
    with db.write() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    children = [FORK.Process(target=_count, args=(url, 100)) for _ in range(2)]
    for child in children:
        child.start()
    _count(url, 100)
    for child in children:
        child.join(60)
    assert [c.exitcode for c in children] == [0, 0]
    with db.read() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 1200
    assert (tmp_path / "counter.db-writer.lock").exists()
    db.dispose()


def test_an_unopenable_lock_file_is_a_clear_error_and_holds_nothing(tmp_path):
    lock = WriterLock(tmp_path / "missing-dir" / "db-writer.lock")
    with pytest.raises(ConfigError, match="cannot open the database's writer lock"), lock:
        pass
    taken = []
    other = threading.Thread(target=lambda: taken.append(lock._thread_lock.acquire(timeout=5)))
    other.start()
    other.join(10)
    assert taken == [True]  # the failed attempt left the thread lock free
