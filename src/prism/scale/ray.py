"""The Ray executor: the same stage functions as the local executor, as tasks on a Ray cluster.

Ray is an optional extra (`ai-prism[ray]`); only this module imports it. A task's function and spec are
pickled to the cluster's worker processes, which import `prism` themselves: they must run an environment
with this package installed, and reach the database the spec names.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import ray

from prism.errors import UsageError

T = TypeVar("T")
R = TypeVar("R")

# A task whose worker process dies (killed, out of memory, its node lost) is run again this many times;
# a task that raises is not: its error is the function's, and comes back at once.
MAX_RETRIES = 3
_CONNECT_TIMEOUT_S = 5.0


def reachable(address: str, *, timeout: float = _CONNECT_TIMEOUT_S) -> str | None:
    """Return why the cluster at `address` (HOST:PORT of its head) cannot be reached, else None.

    Checked before `ray.init`, which would otherwise retry for minutes, logging as it goes.
    """
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        return f"{address!r} is not HOST:PORT"
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            return None
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__


def connect(address: str) -> None:
    """Connect this process to the Ray cluster at `address` (once; later calls reuse the connection)."""
    if ray.is_initialized():
        return
    problem = reachable(address)
    if problem is not None:
        raise UsageError(f"cannot reach the Ray cluster at {address}: {problem}")
    # Anonymous usage statistics would be sent from here; a driver has nothing to report.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
    except (ConnectionError, RuntimeError) as exc:
        raise UsageError(f"cannot connect to the Ray cluster at {address}: {exc}") from None


def _call(fn: Callable[[T], R], item: T) -> R:
    """Run one task (any callable: Ray's own remote functions must be plain Python functions)."""
    return fn(item)


class RayExecutor:
    """Run each item as a Ray task on the cluster at `address`, `workers` at a time (default: one per
    CPU the cluster has), each retried `max_retries` times if its worker process dies."""

    name = "ray"

    def __init__(self, address: str, *, workers: int | None = None, max_retries: int = MAX_RETRIES) -> None:
        connect(address)
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]  # Ray's own
        cpus = int(resources.get("CPU", 0))
        if workers is None and cpus < 1:
            raise UsageError(f"the Ray cluster at {address} has no CPUs for tasks: start a worker node")
        self.address = address
        self.workers = workers or cpus
        self.max_retries = max_retries

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        task: Any = ray.remote(_call).options(max_retries=self.max_retries, retry_exceptions=False)
        running: dict[Any, int] = {}  # task's result reference → its item's index
        finished: dict[int, Any] = {}
        submitted = 0
        # At most `workers` tasks run at once, the next one submitted as any finishes; results are handed
        # back in item order. An abandoned iterator leaves at most `workers` tasks behind.
        for index in range(len(items)):
            while index not in finished:
                while submitted < len(items) and len(running) < self.workers:
                    running[task.remote(fn, items[submitted])] = submitted
                    submitted += 1
                ready, _ = ray.wait(list(running), num_returns=1)
                for ref in ready:
                    finished[running.pop(ref)] = ref
            result: R = ray.get(finished.pop(index))
            yield result
