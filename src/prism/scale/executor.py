"""Executors: map one top-level stage function over shards of work, in this process or on a Ray cluster.

A task is a plain, picklable spec (say, a range of reader ids and a date); the function does its own I/O
through `prism.pipeline` and the store, writes its results idempotently, and returns a small summary. So a
task retried after a crash redoes nothing twice, and both executors give the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

from prism.errors import UsageError

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Run `fn` over `items`; results come back in the order of `items`."""

    name: str
    workers: int

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]: ...


class LocalExecutor:
    """One worker: this process, one task after another."""

    name = "local"
    workers = 1

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        return (fn(item) for item in items)


EXECUTORS = ("local", "ray")


def get_executor(name: str, *, address: str | None = None, workers: int | None = None) -> Executor:
    """Return the executor called `name`: "local", or "ray" connected to the cluster at `address` (with
    `workers` tasks at a time, default one per CPU of the cluster)."""
    if name == "local":
        return LocalExecutor()
    if name != "ray":
        raise UsageError(f"executor {name!r} is not one of {', '.join(EXECUTORS)}")
    try:
        from prism.scale.ray import RayExecutor
    except ImportError:
        raise UsageError("the ray executor needs Ray: pip install 'ai-prism[ray]'") from None
    if not address:
        raise UsageError("the ray executor needs a cluster address: --ray-address or PRISM_RAY_ADDRESS")
    return RayExecutor(address, workers=workers)
