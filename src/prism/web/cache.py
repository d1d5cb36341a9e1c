"""Values the web app computes from the store once per version of the data, shared by every request."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class VersionedCache(Generic[V]):
    """Values by key, where a key carries the store's data version, so a hit is never stale.

    Safe under the server's threads: a key is computed by one thread while the others asking for it wait
    for that result; different keys are computed side by side. The `keep` most recently used keys stay.
    """

    def __init__(self, keep: int) -> None:
        self._keep = keep
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """Return the value of `key`, computing it (once) if it is missing."""
        while True:
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
                busy = self._computing.get(key)
                if busy is None:
                    busy = self._computing[key] = threading.Lock()
                    busy.acquire()
                    break
            with busy:  # another thread is computing it: wait for it, then look again
                pass
        try:
            value = compute()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self._keep:
                    self._values.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._computing[key]
            busy.release()
