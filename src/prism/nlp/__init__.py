"""Korean understanding: cleaning, one Kiwi analysis pass per article, compounds, keywords, topics.

The modules that run once per token or per term (korean, keywords, vectors) are compiled to C with mypyc
when the package is built (setup.py); they behave exactly as their Python sources. The sources are used
instead when PRISM_PURE_PYTHON is set, or, in a checkout, when a source is newer than its compiled module
(edited and not rebuilt yet; `make` rebuilds), so that a stale build never runs old code.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

COMPILABLE = ("korean", "keywords", "vectors")
_HERE = Path(__file__).resolve().parent


def stale(folder: Path, names: Sequence[str]) -> list[str]:
    """Return the modules of `folder` whose Python source is newer than their compiled module."""
    found = []
    for name in names:
        source = folder / f"{name}.py"
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            built = folder / f"{name}{suffix}"
            if built.exists() and source.exists() and source.stat().st_mtime > built.stat().st_mtime:
                found.append(name)
                break
    return found


class PythonSources(MetaPathFinder):
    """Find some modules of a package in their Python sources, ahead of compiled modules beside them."""

    def __init__(self, package: str, folder: Path, names: Sequence[str]) -> None:
        self.package, self.folder, self.names = package, folder, frozenset(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != self.package or name not in self.names:
            return None
        return importlib.util.spec_from_file_location(fullname, self.folder / f"{name}.py")


def _checkout() -> bool:
    """Return True when this package runs from a source checkout (src/prism/nlp) rather than an install,
    whose files all carry the time they were installed."""
    return (_HERE.parents[2] / "pyproject.toml").exists()


if os.environ.get("PRISM_PURE_PYTHON") or (_checkout() and stale(_HERE, COMPILABLE)):
    # All or none: compiled modules call each other directly, past any module replaced here.
    sys.meta_path.insert(0, PythonSources(__name__, _HERE, COMPILABLE))


def compiled() -> bool:
    """Return True when the per-token and per-term modules run compiled."""
    from prism.nlp import korean

    return not (korean.__file__ or "").endswith(".py")
