"""Settings: packaged defaults < $PRISM_HOME/config.toml < environment (PRISM_*) < CLI flags."""

from __future__ import annotations

import json
import os
import re
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from prism.errors import ConfigError

DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; AI-PRISM/0.1; personalized news briefing)"


def default_home() -> Path:
    """Return $PRISM_HOME, else ~/.prism."""
    return Path(os.environ.get("PRISM_HOME") or Path.home() / ".prism").expanduser()


DEV_SECRET = "dev-only-insecure-secret"


class Settings(BaseSettings):
    """Every knob of the service; each can be set as PRISM_<NAME> or in $PRISM_HOME/config.toml."""

    model_config = SettingsConfigDict(env_prefix="PRISM_", extra="ignore", frozen=True)

    home: Path = Field(default_factory=default_home)
    database_url: str | None = None
    timezone: str = "Asia/Seoul"
    # A news article is rarely above 20k characters; anything past this is a scrape gone wrong.
    max_body_chars: int = Field(default=200_000, ge=1_000)
    # Articles stored per transaction: a crash loses at most one batch; bigger batches commit less often.
    ingest_batch_size: int = Field(default=2000, ge=1)
    near_duplicate_threshold: float = Field(default=0.9, gt=0.0, le=1.0)
    http_timeout: float = Field(default=15.0, gt=0)
    http_max_bytes: int = Field(default=10_000_000, ge=1_000)
    http_max_redirects: int = Field(default=5, ge=0)
    user_agent: str = DEFAULT_USER_AGENT
    # How editions present themselves: set these to your publication's (none is built in).
    brand: str = "AI 프리즘"
    publisher: str = "AI PRISM"
    editor_note: str = (
        "‘AI PRISM’(Personalized Report & Insight Summarizing Media)은 인공지능(AI) 기반 맞춤형 뉴스 추천 및 "
        "요약 서비스입니다. 독자 유형별 맞춤 뉴스 6개를 선별해 핵심만 요약해 드립니다."
    )
    copyright: str = "< 저작권자 ⓒ {publisher}, 무단 전재 및 재배포 금지 >"
    summary_sentences: int = Field(default=4, ge=1, le=8)
    # A 핵심 요약's character budget: three or four short sentences, main point first.
    summary_chars: int = Field(default=200, ge=60, le=2000)
    # The stages that build editions, by their registered names (`prism plugins` lists them).
    summarizer: str = "extractive"
    writer: str = "extractive"
    recommender: str = "prism"
    # The `openai` writer: any OpenAI-compatible Chat Completions endpoint (hosted, vLLM, Ollama, llama.cpp).
    llm_base_url: str | None = None
    llm_model: str | None = None
    # Never logged or shown; local servers usually accept any key.
    llm_api_key: SecretStr | None = None
    llm_timeout: float = Field(default=60.0, gt=0)  # seconds per call
    llm_concurrency: int = Field(default=4, ge=1, le=64)
    llm_retries: int = Field(default=2, ge=0, le=10)  # on 5xx answers and timeouts, with exponential backoff
    # Allow a marked sentence of interpretation (the reader type's angle) that no article states.
    llm_commentary: bool = False
    # Publish editions as they are built; otherwise they wait as drafts for an editor.
    auto_publish: bool = False
    # Signs sessions, CSRF tokens and unsubscribe links: outside development a real secret is required
    # (`serve`, `send` and `schedule` refuse the placeholder: require_real_secret).
    environment: Literal["development", "production"] = "development"
    secret_key: str = DEV_SECRET
    session_days: int = Field(default=30, ge=1)
    # Database connections each `prism serve` worker keeps: as many requests are served at once (each holds
    # one connection), the others wait their turn.
    db_pool_size: int = Field(default=20, ge=1, le=1000)
    max_failed_logins: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    # Send cookies with Secure; also on whenever a request arrives over HTTPS.
    cookie_secure: bool = False
    # Where readers reach the web app (links in e-mails and feeds).
    public_url: str = "http://127.0.0.1:8000"
    # E-mail editions over SMTP.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "AI PRISM <briefing@localhost>"
    # The daily run (`prism schedule`): feeds to ingest, and local times (HH:MM) to run at.
    feeds: Annotated[list[str], NoDecode] = Field(default_factory=list)
    schedule_times: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["06:00"])
    # The Ray cluster `--executor ray` runs tasks on: its head's HOST:PORT (needs ai-prism[ray]).
    ray_address: str | None = None

    @field_validator("feeds", "schedule_times", mode="before")
    @classmethod
    def _json_list_or_one(cls, value: object) -> object:
        """Read a variable's text as a JSON list, or as a list of one value (PRISM_FEEDS=https://…)."""
        if not isinstance(value, str):
            return value  # config.toml gives a list already
        text = value.strip()
        if not text.startswith("["):
            return [text] if text else []
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON list ({exc.msg} at column {exc.colno}): {text!r}") from None

    @field_validator("schedule_times")
    @classmethod
    def _times_are_hh_mm(cls, values: list[str]) -> list[str]:
        for value in values:
            hour, _, minute = value.partition(":")
            if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
                raise ValueError(f"{value!r} is not a time HH:MM")
        return values

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The config file lives in the home being used: a --home flag (passed here) beats PRISM_HOME.
        given = getattr(init_settings, "init_kwargs", {}).get("home")
        home = Path(given).expanduser() if given else default_home()
        toml = TomlConfigSettingsSource(settings_cls, toml_file=home / "config.toml")
        return (init_settings, env_settings, toml)

    @cached_property
    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to SQLite in the home folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'prism.db'}"


def require_real_secret(settings: Settings) -> None:
    """Refuse the public development secret (or a short one) outside development: whoever knows it could
    forge sessions and unsubscribe links."""
    if settings.environment != "development" and (
        settings.secret_key == DEV_SECRET or len(settings.secret_key) < 32
    ):
        raise ConfigError(
            "PRISM_SECRET_KEY must be set to a random value of 32+ characters when PRISM_ENVIRONMENT is "
            f"{settings.environment!r}"
        )


def _name(location: tuple[int | str, ...]) -> str:
    """Return a setting's variable name from an error location: ("feeds", 0) -> FEEDS[0]."""
    name = "_".join(part for part in location if isinstance(part, str)).upper()
    return name + "".join(f"[{part}]" for part in location if isinstance(part, int))


def get_settings(**overrides: Any) -> Settings:
    """Build settings from the environment and config file, with explicit overrides on top.

    Raise ConfigError naming the setting (as its PRISM_* variable) when a value is invalid.
    """
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"PRISM_{_name(error['loc'])}: {error['msg']}" for error in exc.errors())
        raise ConfigError(f"invalid setting: {problems}") from None
    except SettingsError as exc:  # a value the settings library could not even parse
        field = re.search(r'field "(\w+)"', str(exc))
        name = f"PRISM_{field.group(1).upper()}" if field else "a PRISM_* variable"
        cause = f" ({exc.__cause__})" if exc.__cause__ else ""
        raise ConfigError(f"invalid setting: {name}: cannot be read{cause}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{default_home() / 'config.toml'} is not valid TOML: {exc}") from None
