"""Registries: one per extension point, holding the built-ins and what plugins add, found by name.

Built-ins register exactly as plugins do: a module decorates what it offers with ``@registry.register(name)``
(or calls ``registry.add``) when it is imported. The built-in modules are listed in `BUILTINS`; a plugin is
a distribution that names a module in the entry-point group ``prism``::

    [project.entry-points.prism]
    shout = "prism_shout"

Nothing is imported until a registry is first read, so ``prism --help`` stays fast. Each entry remembers
who registered it, for ``prism plugins``.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from prism.errors import ConfigError, UsageError

T = TypeVar("T")

GROUP = "prism"
BUILTIN = "prism"

# The modules whose import registers the built-ins, in the order their names are listed.
BUILTINS: tuple[str, ...] = (
    "prism.ingest.readers",
    "prism.summarize.extractive",
    "prism.summarize.baselines",
    "prism.write.extractive",
    "prism.write.llm",
    "prism.recommend.recommender",
    "prism.recommend.baselines",
    "prism.brief.render",
)

# Every extension point: its name (as `prism plugins` shows it) and where its registry lives.
POINTS: dict[str, str] = {
    "readers": "prism.ingest.readers:readers",
    "summarizers": "prism.summarize.base:summarizers",
    "writers": "prism.write.base:writers",
    "recommenders": "prism.recommend.base:recommenders",
    "renderers": "prism.brief.render:renderers",
}


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    """One registered implementation: its name, the object, and the plugin (or `prism`) that added it."""

    name: str
    value: T
    origin: str


@dataclass(frozen=True, slots=True)
class Plugin:
    """An installed plugin distribution and the module its entry point names."""

    name: str
    module: str
    distribution: str | None
    version: str | None


class Registry(Generic[T]):
    """Implementations of one extension point by name."""

    def __init__(self, kind: str, description: str, *, noun: str | None = None) -> None:
        self.kind = kind
        self.description = description
        self.noun = noun or kind  # what a user calls a choice of it: "format" for a renderer
        self._entries: dict[str, Entry[T]] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Return a decorator that registers what it decorates under `name` and returns it unchanged."""

        def decorate(value: T) -> T:
            self.add(name, value)
            return value

        return decorate

    def add(self, name: str, value: T) -> None:
        """Register `value` under `name`; a name is taken once (a plugin cannot replace a built-in)."""
        if not name or not name.replace("-", "").replace("_", "").isalnum():
            raise ConfigError(f"{self.kind} name {name!r} must be letters, digits, '-' or '_'")
        held = self._entries.get(name)
        if held is not None and held.value is not value:
            raise ConfigError(
                f"{_loading.origin} registers a {self.kind} named {name!r}, which {held.origin} already has"
            )
        self._entries[name] = Entry(name, value, _loading.origin)

    def get(self, name: str) -> T:
        """Return the implementation called `name`; a UsageError lists the names there are."""
        load()
        entry = self._entries.get(name)
        if entry is None:
            raise UsageError(f"{self.noun} {name!r} is not one of {', '.join(self.names())}")
        return entry.value

    def names(self) -> list[str]:
        """Return the registered names, built-ins first, in the order they were registered."""
        load()
        return list(self._entries)

    def entries(self) -> list[Entry[T]]:
        """Return every registered entry."""
        load()
        return list(self._entries.values())


class _Loading(threading.local):
    origin: str = BUILTIN


_loading = _Loading()
_lock = threading.RLock()
_loaded: list[Plugin] | None = None
_failed: dict[str, str] = {}


@contextmanager
def _registering_as(origin: str) -> Iterator[None]:
    _loading.origin = origin
    try:
        yield
    finally:
        _loading.origin = BUILTIN


def load() -> list[Plugin]:
    """Import the built-in modules, then every plugin of the `prism` entry-point group, once per process.

    A plugin that fails to import is skipped and remembered (`failures()`), so one broken package cannot
    stop the service; a plugin that reuses a taken name is a ConfigError, since the choice would be a guess.
    """
    global _loaded
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        for module in BUILTINS:
            importlib.import_module(module)
        plugins = []
        for point in sorted(entry_points(group=GROUP), key=lambda p: p.name):
            if point.value.split(":")[0].split(".")[0] == "prism":
                continue  # our own modules, imported above
            dist = point.dist
            with _registering_as(point.name):
                try:
                    importlib.import_module(point.value.split(":")[0])
                except ConfigError:
                    raise
                except Exception as exc:  # a broken plugin must not take the service down
                    _failed[point.name] = f"{type(exc).__name__}: {exc}"
                    continue
            plugins.append(
                Plugin(
                    name=point.name,
                    module=point.value,
                    distribution=dist.name if dist else None,
                    version=dist.version if dist else None,
                )
            )
        _loaded = plugins
        return plugins


def registries() -> dict[str, Registry[object]]:
    """Return every extension point's registry by name."""
    found: dict[str, Registry[object]] = {}
    for name, where in POINTS.items():
        module, _, attribute = where.partition(":")
        found[name] = getattr(importlib.import_module(module), attribute)
    return found


def failures() -> dict[str, str]:
    """Return the plugins that failed to load, with the error each raised."""
    load()
    return dict(_failed)
