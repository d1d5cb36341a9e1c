"""Executors: map one top-level stage function over shards of work, in this process or on a Ray cluster.

A task is a plain, picklable spec (say, a range of reader ids and a date); the function does its own I/O
through `prism.pipeline` and the store, writes its results idempotently, and returns a small summary. So a
task retried after a crash redoes nothing twice, and both executors give the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

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
