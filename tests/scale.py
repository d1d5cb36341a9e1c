"""Executor tests' helpers: a task whose worker process is killed on its first attempt.

Ray pickles these by value (see the `ray_executor` fixture), so the cluster's workers need not import
the tests package.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, select

from prism.pipeline import EnrichShard, enrich_range
from prism.scale.editions import BlockSpec, build_block
from prism.scale.executor import Executor
from prism.store.schema import analyses

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class DiesOnce(Generic[T, R]):
    """Run `fn`; but the first attempt at `victim` first runs `partial` (say, part of the task's writes),
    records its process id in `marker`, and kills its own process (SIGKILL: no cleanup, no exception)."""

    fn: Callable[[T], R]
    victim: T
    marker: Path
    partial: Callable[[T], Any] | None = None

    def __call__(self, item: T) -> R:
        if item == self.victim and not self.marker.exists():
            if self.partial is not None:
                self.partial(item)
            self.marker.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return self.fn(item)


def map_with_a_killed_worker(
    executor: Executor,
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    marker: Path,
    victim: int = 0,
    partial: Callable[[T], Any] | None = None,
) -> list[R]:
    """Map `fn` over `items` while the worker running `items[victim]` is killed mid-task; return the
    results (the caller checks its stored rows: exactly one per item). Fails if no worker was killed."""
    results = list(executor.map(DiesOnce(fn, items[victim], marker, partial), items))
    assert marker.exists(), "no worker was killed: the task never ran its first attempt"
    killed = int(marker.read_text())
    assert killed != os.getpid(), "the killed task ran in the test's own process"
    try:
        os.kill(killed, 0)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError(f"the worker process {killed} is still alive")
    return results


def slow_first(item: int) -> tuple[int, int]:
    """A plain task: the earlier items take longer, so tasks finish out of order."""
    time.sleep(0.02 * (10 - item % 10))
    return item, item * item


def enrich_first_half(shard: EnrichShard) -> None:
    """Part of an enrichment task's work: the first half of its id range, analysed and stored."""
    enrich_range(dataclasses.replace(shard, hi=(shard.lo + shard.hi) // 2))


def stored_analyses(engine: Engine) -> dict[str, tuple[Any, ...]]:
    """Every stored analysis but its time, by content hash (two runs compare row for row)."""
    with engine.connect() as conn:
        rows = conn.execute(select(analyses).order_by(analyses.c.content_hash)).all()
    return {
        row.content_hash: tuple(value for name, value in row._asdict().items() if name != "analyzed_at")
        for row in rows
    }


def build_first_half(spec: BlockSpec) -> None:
    """Part of a block's work: the editions of its first half of reader ids, built and stored."""
    build_block(dataclasses.replace(spec, last=(spec.first + spec.last) // 2))
