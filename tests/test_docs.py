"""Docs never rot: every command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import typer

from prism.cli import app
from prism.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: typer.Typer, prefix: str = "prism") -> list[str]:
    found = [
        f"{prefix} {c.name or (c.callback.__name__ if c.callback else '')}" for c in group.registered_commands
    ]
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found += commands(sub.typer_instance, f"{prefix} {sub.name}")
    return found


def test_every_command_is_in_the_readme() -> None:
    names = commands(app)
    assert "prism articles list" in names
    for name in names:
        assert name in README, f"README does not show `{name}`"


def test_every_setting_is_in_the_readme() -> None:
    for field in Settings.model_fields:
        assert f"PRISM_{field.upper()}" in README, f"README does not document PRISM_{field.upper()}"


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:800]
    assert "make demo" in head and "make test" in head
