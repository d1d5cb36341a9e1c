"""The reader types (persona YAML files) as the web app reads them: parsed again only when a file changes."""

from __future__ import annotations

import os
import threading
from importlib.resources import files
from pathlib import Path

from fastapi import Request

from prism.recommend.personas import Persona, home_folder, load_personas

PACKAGED = Path(str(files("prism") / "data" / "personas"))
Stamp = tuple[tuple[str, int, int], ...]


class PersonaFiles:
    """`load_personas(home)`, kept while no persona file is added, removed or changed (by path, modification
    time and size), so a request costs a few `stat` calls instead of parsing and validating every file."""

    def __init__(self, home: Path | None) -> None:
        self._home = home
        self._lock = threading.Lock()
        self._loaded: tuple[Stamp, dict[str, Persona]] | None = None
        self.loads = 0

    def get(self) -> dict[str, Persona]:
        """Every persona by key, as `load_personas` returns them."""
        stamp = self._stamp()
        with self._lock:
            if self._loaded is not None and self._loaded[0] == stamp:
                return self._loaded[1]
        personas = load_personas(self._home)
        with self._lock:
            self.loads += 1
            self._loaded = (stamp, personas)
        return personas

    def _stamp(self) -> Stamp:
        found = []
        for folder in (PACKAGED, home_folder(self._home)):
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.name.endswith((".yaml", ".yml")):
                            stat = entry.stat()
                            found.append((entry.path, stat.st_mtime_ns, stat.st_size))
            except (FileNotFoundError, NotADirectoryError):
                continue
        return tuple(sorted(found))


def personas(request: Request) -> dict[str, Persona]:
    """Every reader type by key (the packaged ones, then the home's)."""
    files_: PersonaFiles = request.app.state.persona_files
    return files_.get()
