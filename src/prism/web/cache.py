"""Values the web app computes from the store and shares between requests: the latest value of each name,
refreshed in the background when the store changes (stale-while-revalidate)."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine

V = TypeVar("V")
log = logging.getLogger("prism.web")


class Refresher:
    """Runs the caches' background refreshes one at a time, each on a connection of its own.

    One thread: a refresh is CPU work that competes with the requests for the interpreter, so no more
    than one runs at once, whatever the number of names and caches waiting for one.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prism-refresh")

    def submit(self, work: Callable[[Connection], object]) -> None:
        """Run `work` with a connection, after the refreshes already waiting."""
        self._executor.submit(self._run, work)

    def _run(self, work: Callable[[Connection], object]) -> None:
        with self._engine.connect() as conn:
            work(conn)

    def wait(self) -> None:
        """Return once every refresh submitted so far has finished."""
        self._executor.submit(lambda: None).result()

    def close(self) -> None:
        """Let the refresh under way finish and drop the ones waiting."""
        self._executor.shutdown(wait=True, cancel_futures=True)


class Latest(Generic[V]):
    """The latest value of each name, with the version of the store it was computed from.

    - A name with no value yet is computed by the request asking for it, on the request's connection (one
      request computes it while the others asking for it wait).
    - A name whose value is of an older version is served as it is while one refresh computes the new
      version in the background (`Refresher`): once a value exists, a request never waits for a recompute.
    - The store's version is read at most once every `check` seconds per name (and not during a name's
      pause or refresh), so a busy server does not count the store's rows on every request.
    - A name is refreshed at most once every `pause` seconds: while the pipeline writes, the store changes
      every few seconds, and refitting back to back would take the interpreter from the requests. So what
      a request is served is at most `pause` plus one refresh behind the store.
    - The `keep` most recently used names stay.

    Safe under the server's threads.
    """

    def __init__(
        self,
        refresher: Refresher,
        *,
        keep: int,
        version: Callable[[Connection], Hashable],
        pause: float = 0.0,
        check: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresher = refresher
        self._keep = keep
        self._version = version
        self._pause = pause
        self._check = check
        self._clock = clock
        self._computed_at: dict[Hashable, float] = {}  # when each name's value was last computed
        self._checked_at: dict[Hashable, float] = {}  # when the store's version was last read for it
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, tuple[Hashable, V]] = OrderedDict()
        self._first: dict[Hashable, threading.Lock] = {}  # names being computed for the first time
        self._refreshing: set[Hashable] = set()
        self.computed = 0  # values computed, by requests and by refreshes

    def get(self, conn: Connection, name: Hashable, compute: Callable[[Connection], V]) -> V:
        """Return the value of `name` for the store's version, or the latest one while it is refreshed."""
        version = self._version(conn) if self._due(name) else None
        while True:
            with self._lock:
                found = self._values.get(name)
                if found is not None:
                    self._values.move_to_end(name)
                    if (
                        version is not None
                        and found[0] != version
                        and name not in self._refreshing
                        and self._clock() - self._computed_at.get(name, -math.inf) >= self._pause
                    ):
                        self._refreshing.add(name)
                        self._refresher.submit(lambda fresh: self._refresh(fresh, name, compute))
                    return found[1]
                busy = self._first.get(name)
                if busy is None:
                    busy = self._first[name] = threading.Lock()
                    busy.acquire()
                    break
            with busy:  # another request is computing it: wait for it, then look again
                pass
        try:
            if version is None:  # the value was dropped since: this request computes it
                version = self._version(conn)
            value = compute(conn)
            self._store(name, version, value)
            return value
        finally:
            with self._lock:
                del self._first[name]
            busy.release()

    def _due(self, name: Hashable) -> bool:
        """Whether a request should read the store's version for `name`: it has no value yet, or it could
        be refreshed now (no refresh running, its pause over) and nobody read the version in the last
        `check` seconds. Reading it (a count of the store's rows) is then once a `check` per name, not
        once a request."""
        with self._lock:
            if name not in self._values:
                return True
            now = self._clock()
            if (
                name in self._refreshing
                or now - self._computed_at.get(name, -math.inf) < self._pause
                or now - self._checked_at.get(name, -math.inf) < self._check
            ):
                return False
            self._checked_at[name] = now
            return True

    def _refresh(self, conn: Connection, name: Hashable, compute: Callable[[Connection], V]) -> None:
        """Compute `name` from the store as it is now (it may have moved on since the request asked)."""
        try:
            version = self._version(conn)  # read first: the value is at least as new as its version
            self._store(name, version, compute(conn))
        except Exception:  # the previous value stays; the next request past a change tries again
            log.exception("refreshing %r failed; its previous value is still served", name)
        finally:
            with self._lock:
                self._refreshing.discard(name)

    def _store(self, name: Hashable, version: Hashable, value: V) -> None:
        with self._lock:
            self.computed += 1
            self._computed_at[name] = self._clock()
            self._values[name] = (version, value)
            self._values.move_to_end(name)
            while len(self._values) > self._keep:
                dropped, _ = self._values.popitem(last=False)
                self._computed_at.pop(dropped, None)
                self._checked_at.pop(dropped, None)
