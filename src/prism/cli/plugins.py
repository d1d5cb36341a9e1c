"""`prism plugins`: the installed plugins and what every extension point holds."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape

from prism.cli.common import console, err_console
from prism.registry import BUILTIN, failures, load, registries


def listing() -> dict[str, Any]:
    """Return the plugins, the failed ones, and every extension point's names with who registered them."""
    plugins = load()
    points = registries()
    registered: dict[str, dict[str, list[str]]] = {}
    for point, registry in points.items():
        for entry in registry.entries():
            registered.setdefault(entry.origin, {}).setdefault(point, []).append(entry.name)
    return {
        "plugins": [
            {
                "name": plugin.name,
                "module": plugin.module,
                "distribution": plugin.distribution,
                "version": plugin.version,
                "registers": registered.get(plugin.name, {}),
            }
            for plugin in plugins
        ],
        "failed": [{"name": name, "error": error} for name, error in failures().items()],
        "points": {
            point: [{"name": e.name, "origin": e.origin} for e in registry.entries()]
            for point, registry in points.items()
        },
        "builtin": registered.get(BUILTIN, {}),
    }


def plugins_cli(
    as_json: Annotated[bool, typer.Option("--json", help="Print a machine-readable listing.")] = False,
) -> None:
    """List installed plugins and every reader, summarizer, writer, recommender and renderer."""
    found = listing()
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found["plugins"]:
        console.print("No plugins installed (entry-point group 'prism'; see docs/plugins.md).")
    for plugin in found["plugins"]:
        version = f" {plugin['version']}" if plugin["version"] else ""
        console.print(f"[bold]{escape(plugin['name'])}[/] ({escape(plugin['distribution'] or '?')}{version})")
        for point, names in plugin["registers"].items():
            console.print(f"  {point}: {escape(', '.join(names))}")
    for failed in found["failed"]:
        err_console.print(
            f"warning: plugin {escape(failed['name'])} failed to load: {escape(failed['error'])}"
        )
    console.print()
    for point, entries in found["points"].items():
        names = [e["name"] + ("" if e["origin"] == BUILTIN else f" ({e['origin']})") for e in entries]
        console.print(f"{point}: {escape(', '.join(names))}")
