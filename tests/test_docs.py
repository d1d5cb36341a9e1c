"""Docs never rot: every command and every setting is documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from prism.cli import LazyCommand, app
from prism.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: Any, prefix: str = "prism") -> list[str]:
    """Every command and subcommand under a click group, lazy ones loaded."""
    found = []
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if isinstance(command, LazyCommand):
            command = command.load()
        found.append(f"{prefix} {name}")
        if hasattr(command, "list_commands"):
            found += commands(command, f"{prefix} {name}")
    return found


def test_every_command_is_in_the_readme() -> None:
    names = commands(typer.main.get_command(app))
    assert "prism articles list" in names and "prism serve" in names
    for name in names:
        assert name in README, f"README does not show `{name}`"


def test_every_setting_is_in_the_readme() -> None:
    for field in Settings.model_fields:
        assert f"PRISM_{field.upper()}" in README, f"README does not document PRISM_{field.upper()}"


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:800]
    assert "make demo" in head and "make test" in head
