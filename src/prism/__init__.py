"""AI PRISM: personalized Korean economic news briefings.

The public API is re-exported lazily, so `import prism` stays fast for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Settings", "__version__", "get_settings", "ingest", "open_engine"]

if TYPE_CHECKING:
    from prism.config import Settings, get_settings
    from prism.ingest import ingest
    from prism.store import open_engine

_LAZY = {
    "Settings": "prism.config",
    "get_settings": "prism.config",
    "ingest": "prism.ingest",
    "open_engine": "prism.store",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'prism' has no attribute {name!r}")
