"""The queue SQLite writers wait in, in this process and across processes (ADR 0005).

SQLite lets one writer at a time hold its write lock. A writer that finds it taken, left to
SQLite, sleeps and tries again (1, 2, 5, 10 ... then 100 ms at a time) however soon the lock
is free: under eight busy clients those sleeps, not the writes, made the slowest requests.

So a writer first passes a gate:

* **Threads of one process** queue at a lock, and each is woken the moment the one before it
  is done.
* **Processes** (a second web worker, the job worker, a command) take an advisory lock on a
  file beside the database (``<database>-writelock``) before ``BEGIN IMMEDIATE``. Only the one
  thread of each process that has passed the lock asks for it, every millisecond, so a writer in
  another process waits about a millisecond past the end of the write before it, not up to
  100 ms.

The gate is held until the transaction ends. A writer that cannot pass it within the timeout
goes on to SQLite's own lock and busy timeout, as before there was a gate. Where the file
cannot be opened (a read-only folder) or there is no file (an in-memory database), or on a
system without ``fcntl``, the gate queues this process's threads only.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on the systems Bordin runs on
    fcntl = None  # type: ignore[assignment]

#: How often a process waiting for another process's write asks for the file lock again.
POLL_SECONDS = 0.001
LOCK_FILE_SUFFIX = "-writelock"


class WriteGate:
    """Held while one of the process's connections is in a transaction that writes."""

    def __init__(self, database: Path | None) -> None:
        self._threads = threading.Lock()
        self._path = (
            database.with_name(database.name + LOCK_FILE_SUFFIX)
            if database is not None and fcntl is not None
            else None
        )
        self._file: int | None = None
        self._opened_by: int | None = None
        self._holds_file = False

    @property
    def lock_file(self) -> Path | None:
        """The file processes lock (None where only this process's threads queue)."""
        return self._path

    def locked(self) -> bool:
        return self._threads.locked()

    def acquire(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the gate; True once held."""
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            return False
        descriptor = self._descriptor()
        if descriptor is None:
            return True
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._threads.release()
                    return False
                time.sleep(POLL_SECONDS)
            else:
                self._holds_file = True
                return True

    def release(self) -> None:
        if self._holds_file and self._file is not None:
            self._holds_file = False
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()

    def _descriptor(self) -> int | None:
        """The lock file, opened once per process: a child made by ``fork`` opens its own, as
        a lock taken through its parent's descriptor would be its parent's too."""
        if self._path is None:
            return None
        if self._file is not None and self._opened_by == os.getpid():
            return self._file
        try:
            self._file = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            self._path = None  # the gate still queues this process's threads
            return None
        self._opened_by = os.getpid()
        weakref.finalize(self, os.close, self._file)
        return self._file
