"""Calls to an OpenAI-compatible Chat Completions endpoint: structured answers, cached, retried, bounded.

One `Chat` per edition build. `answers` sends a batch of calls at most PRISM_LLM_CONCURRENCY at a time and
returns, per call, the validated answer or a `Failure`; it never raises for what the endpoint does. An
answer is JSON the call's pydantic model accepts: the request asks for that schema, and the answer is
validated here too, because many local servers ignore `response_format`. Answers that validate are kept in
the store (`llm_calls`) under a digest of (model, prompt version, request), so the same call is made once,
whichever edition or reader type asks for it. The `openai` client is imported only when a call is made:
the core works without the `llm` extra.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from threading import Event, Lock
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine

from prism.config import Settings
from prism.errors import ConfigError
from prism.store import llm_calls, write_transaction

if TYPE_CHECKING:
    from openai import OpenAI

log = logging.getLogger("prism.write.chat")

# Local servers accept any bearer token, but the client insists on one.
NO_KEY = "not-needed"


@dataclass(frozen=True)  # not slotted: `schema` is computed once per call
class Call:
    """One request: the system prompt, the user message (instructions and data) and the answer's shape."""

    name: str  # names the JSON schema (letters, digits, _ and -)
    prompt_version: str
    system: str
    user: str
    answer: type[BaseModel]

    @cached_property
    def schema(self) -> dict[str, Any]:
        return self.answer.model_json_schema()


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a call gave no usable answer."""

    reason: str
    unavailable: bool  # the endpoint failed (down, slow, 5xx, refused), not just this answer


def require(settings: Settings) -> tuple[str, str]:
    """Return the endpoint and model; a ConfigError names the setting that is missing."""
    for value, name in (
        (settings.llm_base_url, "PRISM_LLM_BASE_URL"),
        (settings.llm_model, "PRISM_LLM_MODEL"),
    ):
        if not value:
            raise ConfigError(
                f"{name} is not set: the openai writer needs an OpenAI-compatible endpoint and model"
            )
    try:
        import openai  # noqa: F401
    except ImportError:
        raise ConfigError("the openai writer needs the openai package: pip install 'ai-prism[llm]'") from None
    assert settings.llm_base_url and settings.llm_model
    return settings.llm_base_url, settings.llm_model


def parse(answer: type[BaseModel], content: str | None) -> BaseModel:
    """Return the answer's JSON as `answer`; raise ValueError when it is not JSON of that shape."""
    if not content:
        raise ValueError("the answer is empty")
    text = content.strip()
    if text.startswith("```"):  # some servers fence JSON even when asked for a schema
        text = text.strip("`").removeprefix("json").strip()
    try:
        return answer.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the answer"
        kind = "malformed JSON" if first["type"] == "json_invalid" else "does not match the schema"
        raise ValueError(f"{kind}: {where}: {first['msg']}") from None


# An endpoint that failed is left alone for a while by every edition of the process, not only the one
# that saw it fail: a daily run of 8 reader types then waits out one call's retries, not eight.
COOL_DOWN = 300.0  # seconds
_failed: dict[tuple[str, str], float] = {}  # (base URL, model) → when it may be tried again
_failed_lock = Lock()


class Chat:
    """A client of one endpoint and model, with the store as its cache."""

    def __init__(self, settings: Settings, engine: Engine | None) -> None:
        self.base_url, self.model = require(settings)
        self.settings = settings
        self.engine = engine
        self._down = Event()
        with _failed_lock:
            if time.monotonic() < _failed.get((self.base_url, self.model), 0.0):
                self._down.set()

    def _mark_down(self) -> None:
        self._down.set()
        with _failed_lock:
            _failed[(self.base_url, self.model)] = time.monotonic() + COOL_DOWN

    @cached_property
    def client(self) -> OpenAI:
        from openai import OpenAI

        key = self.settings.llm_api_key
        return OpenAI(
            base_url=self.base_url,
            api_key=key.get_secret_value() if key else NO_KEY,
            timeout=self.settings.llm_timeout,
            max_retries=self.settings.llm_retries,  # exponential backoff on timeouts, 5xx (and 429)
        )

    def key(self, call: Call) -> str:
        """Return the cache key of a call: a digest of the model, prompt version and whole request."""
        request = {
            "model": self.model,
            "prompt_version": call.prompt_version,
            "system": call.system,
            "user": call.user,
            "schema": call.schema,
        }
        encoded = json.dumps(request, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(encoded).hexdigest()

    def answers(self, calls: Sequence[Call]) -> list[BaseModel | Failure]:
        """Return each call's validated answer (from the cache, else the endpoint) or why there is none."""
        keys = [self.key(call) for call in calls]
        results: list[BaseModel | Failure | None] = [None] * len(calls)
        if self.engine is not None:
            with self.engine.connect() as conn:
                stored = llm_calls.cached(conn, keys=set(keys))
            for n, (call, key) in enumerate(zip(calls, keys, strict=True)):
                # An answer that no longer parses (its model changed without a version bump) is asked again.
                if key in stored:
                    with suppress(ValueError):
                        results[n] = parse(call.answer, stored[key])
        missing = [n for n, result in enumerate(results) if result is None]
        fresh: dict[int, str] = {}
        if missing:
            with ThreadPoolExecutor(max_workers=self.settings.llm_concurrency) as pool:
                asked = list(pool.map(lambda n: self._ask(calls[n]), missing))
            for n, (content, outcome) in zip(missing, asked, strict=True):
                results[n] = outcome
                if content is not None and not isinstance(outcome, Failure):
                    fresh[n] = content
        if fresh and self.engine is not None:
            with write_transaction(self.engine) as conn:
                for n, content in fresh.items():
                    llm_calls.remember(
                        conn,
                        key=keys[n],
                        model=self.model,
                        prompt_version=calls[n].prompt_version,
                        content=content,
                        at=datetime.now(UTC),
                    )
        return [result if result is not None else Failure("not asked", True) for result in results]

    def _ask(self, call: Call) -> tuple[str | None, BaseModel | Failure]:
        """Make one call (the client retries timeouts and 5xx); once the endpoint has failed, skip the
        rest, so a down or slow endpoint costs one call's retries, not every call's."""
        import openai

        if self._down.is_set():
            return None, Failure("skipped: the endpoint failed on an earlier call", True)
        try:
            completion = self.client.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": call.system}, {"role": "user", "content": call.user}],
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": call.name, "schema": call.schema},
                },
                temperature=0,
                stream=False,
            )
        except openai.APIResponseValidationError as exc:
            return None, Failure(f"the endpoint's response is not a chat completion: {exc.message}", False)
        except openai.APIError as exc:
            self._mark_down()
            reason = f"the endpoint failed: {type(exc).__name__}: {exc.message}"
            log.warning("%s (%s, model %s)", reason, self.base_url, self.model)
            return None, Failure(reason, True)
        choices = getattr(completion, "choices", None) or []
        content = choices[0].message.content if choices else None
        try:
            return content, parse(call.answer, content)
        except ValueError as exc:
            log.warning("unusable answer to %s: %s", call.name, exc)
            return None, Failure(f"unusable answer: {exc}", False)
