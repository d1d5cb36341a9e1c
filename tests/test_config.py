"""Settings precedence: packaged defaults < $PRISM_HOME/config.toml < environment < explicit flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from prism.config import get_settings
from prism.errors import ConfigError


def test_defaults(home: Path) -> None:
    settings = get_settings()
    assert settings.home == home
    assert settings.resolved_database_url == f"sqlite:///{home / 'prism.db'}"
    assert settings.timezone == "Asia/Seoul"


def test_precedence(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text("max_body_chars = 5000\nhttp_timeout = 3.5\n", encoding="utf-8")
    assert get_settings().max_body_chars == 5000
    monkeypatch.setenv("PRISM_MAX_BODY_CHARS", "6000")
    settings = get_settings()
    assert (settings.max_body_chars, settings.http_timeout) == (6000, 3.5)
    assert get_settings(max_body_chars=7000).max_body_chars == 7000


def test_home_flag_reads_its_own_config(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "config.toml").write_text('database_url = "sqlite:////tmp/elsewhere.db"\n', encoding="utf-8")
    assert get_settings(home=other).resolved_database_url == "sqlite:////tmp/elsewhere.db"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PRISM_MAX_BODY_CHARS", "many", "PRISM_MAX_BODY_CHARS"),
        ("PRISM_MAX_BODY_CHARS", "10", "PRISM_MAX_BODY_CHARS"),  # below the minimum
        ("PRISM_NEAR_DUPLICATE_THRESHOLD", "1.5", "PRISM_NEAR_DUPLICATE_THRESHOLD"),
    ],
)
def test_invalid_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        get_settings()


def test_broken_config_file(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text("max_body_chars = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config\.toml is not valid TOML"):
        get_settings()


def test_unknown_timezone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from prism.ingest import ingest
    from prism.store import open_engine

    monkeypatch.setenv("PRISM_TIMEZONE", "Mars/Olympus")
    settings = get_settings()
    engine = open_engine(settings.resolved_database_url)
    (tmp_path / "a.txt").write_text("제목\n본문이다.", encoding="utf-8")
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        ingest([str(tmp_path / "a.txt")], engine=engine, settings=settings)
    engine.dispose()
