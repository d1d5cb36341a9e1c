"""A local stand-in for an OpenAI-compatible endpoint: the Chat Completions protocol on 127.0.0.1.

`ChatServer` answers POST /v1/chat/completions the way OpenAI does (id, object "chat.completion", choices
with the message content as a JSON string, usage), from a scripted `behaviour`: a function of the request's
JSON body that returns a `Reply`. `faithful` answers a summary or edition request from the numbered source
sentences the request itself carries, so what it writes is genuinely supported; tests change one sentence
of it to inject an error, or answer garbage, 500s or nothing in time.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Request = dict[str, Any]


@dataclass
class Reply:
    """What the server answers: a message content (a chat completion), or an HTTP error, after `delay`."""

    content: str | None = None
    status: int = 200
    delay: float = 0.0


Behaviour = Callable[[Request], Reply]

_ARTICLE = re.compile(r"<article([^>]*)>\n(.*?)\n</article>", re.S)
_LINE = re.compile(r"^\[(\d+)\] (.*)$", re.M)
_THEME = re.compile(r"^(\d+)\. articles ([\d, ]+) \(heading now: (.*)\)$", re.M)


@dataclass
class Article:
    """An article as a request shows it: its number (edition calls), kind and numbered sentences."""

    number: int
    kind: str
    title: str
    sentences: list[tuple[int, str]]


def kind_of(request: Request) -> str:
    """Return "summary" or "edition": the name of the JSON schema the request asks for."""
    return str(request["response_format"]["json_schema"]["name"])


def user_message(request: Request) -> str:
    return next(str(m["content"]) for m in request["messages"] if m["role"] == "user")


def articles(request: Request) -> list[Article]:
    """Return the articles inside the request's <article> tags."""
    found = []
    for attributes, inner in _ARTICLE.findall(user_message(request)):
        number = re.search(r'n="(\d+)"', attributes)
        kind = re.search(r'kind="([^"]+)"', attributes)
        title = inner.splitlines()[0].removeprefix("제목: ")
        found.append(
            Article(
                number=int(number.group(1)) if number else 0,
                kind=kind.group(1) if kind else "",
                title=title,
                sentences=[(int(i), text) for i, text in _LINE.findall(inner)],
            )
        )
    return found


def faithful_summary(request: Request) -> dict[str, Any]:
    """The article's first sentences, as written, within about 220 characters: supported by construction."""
    [article] = articles(request)
    chosen: list[dict[str, Any]] = []
    length = 0
    for index, text in article.sentences[:3]:
        if chosen and length + len(text) > 220:
            break
        chosen.append({"text": text, "sources": [index]})
        length += len(text)
    return {"sentences": chosen}


def faithful_edition(request: Request) -> dict[str, Any]:
    """A lead from the 관심 stories' first sentences and each theme's next ones, its heading kept."""
    shown = articles(request)
    by_number = {a.number: a for a in shown}

    def sentence(article: Article, position: int) -> dict[str, Any]:
        index, text = article.sentences[min(position, len(article.sentences) - 1)]
        return {"text": text, "sources": [{"article": article.number, "sentence": index}]}

    interest = [a for a in shown if a.kind == "관심"]
    lead = [[sentence(interest[0], 0)]]
    if interest[1:]:
        lead.append([sentence(a, 0) for a in interest[1:]])
    sections = []
    for number, members, heading in _THEME.findall(user_message(request)):
        theme = [by_number[int(n)] for n in members.split(", ")]
        sentences = [sentence(theme[0], 1), sentence(theme[0], 2)] + [sentence(a, 1) for a in theme[1:2]]
        sections.append({"theme": int(number), "heading": heading, "sentences": sentences})
    answer: dict[str, Any] = {"lead": lead, "sections": sections}
    if "commentary" in request["response_format"]["json_schema"]["schema"].get("properties", {}):
        first = interest[0]
        answer["commentary"] = [
            {
                "text": f"{first.title.split()[0]} 소식은 이 독자에게 눈여겨볼 흐름이다.",
                "sources": [{"article": first.number, "sentence": first.sentences[0][0]}],
            }
        ]
    return answer


def faithful(request: Request) -> Reply:
    """Answer any request faithfully."""
    answer = faithful_summary(request) if kind_of(request) == "summary" else faithful_edition(request)
    return Reply(json.dumps(answer, ensure_ascii=False))


def completion(model: str, content: str) -> dict[str, Any]:
    """Return a response body shaped exactly like OpenAI's chat.completion object."""
    return {
        "id": f"chatcmpl-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        "system_fingerprint": "fp_test",
    }


@dataclass
class ChatServer:
    """The running server: its URL, the requests it received, and the behaviour it answers with."""

    behaviour: Behaviour = faithful
    requests: list[Request] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)  # Host headers, one a request
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def calls(self, kind: str) -> list[Request]:
        return [r for r in self.requests if kind_of(r) == kind]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/v1/chat/completions":
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
            return
        request = json.loads(body)
        state = self.server.state
        with self.server.lock:
            state.requests.append(request)
            state.hosts.append(self.headers.get("Host", ""))
        reply = state.behaviour(request)
        time.sleep(reply.delay)
        if reply.status != 200:
            self._send(reply.status, {"error": {"message": "scripted failure", "type": "server_error"}})
            return
        self._send(200, completion(request["model"], reply.content or ""))

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a timeout test)
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: ChatServer
    lock: threading.Lock


@contextmanager
def chat_server(behaviour: Behaviour = faithful) -> Iterator[ChatServer]:
    """Run a ChatServer on a free port of 127.0.0.1 for the duration of the block."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = ChatServer(behaviour=behaviour, port=server.server_address[1])
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
