"""What users of llm, sqlite-utils and datasette expect of a command line: examples in every `--help` (each
one parsed, so none goes stale), `--json` on every command that reports, `-` for standard input, shell
completion, reruns that do not pile up drafts, and `prism editions show`."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from prism.brief.render import render
from prism.cli import COMMANDS, app, load_command
from prism.cli.demo import sample_corpus
from prism.cli.examples import EXAMPLES
from prism.store import editions
from tests.helpers import korean_article

runner = CliRunner()
DAY = "2026-11-27"


def prism(*args: str, stdin: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=stdin)


def command_paths() -> dict[str, Any]:
    """Every command and subcommand by its path ("editions show"), loaded."""
    found = {}
    for name, (target, _) in COMMANDS.items():
        command = load_command(name, target)
        found[name] = command
        for sub_name, sub in getattr(command, "commands", {}).items():
            found[f"{name} {sub_name}"] = sub
    return found


def parse(words: list[str]) -> Any:
    """Parse a command line as `prism` would, down to the command it names; return that context."""
    root = typer.main.get_command(app)
    ctx = root.make_context("prism", words)
    while hasattr(ctx.command, "resolve_command"):
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not rest:
            break
        name, command, args = ctx.command.resolve_command(ctx, rest)
        ctx = command.make_context(name, args, parent=ctx)
    return ctx


def test_every_command_shows_examples_that_parse() -> None:
    paths = command_paths()
    assert set(EXAMPLES) == set(paths), "a command without examples, or examples of no command"
    for path, examples in EXAMPLES.items():
        shown = prism(*path.split(), "--help")
        assert shown.exit_code == 0 and "Examples:" in shown.stdout, path
        assert examples[0].split("#")[0].split()[-1] in shown.stdout
        for example in examples:
            words = shlex.split(example, comments=True)
            words = words[: words.index("<")] if "<" in words else words
            assert words[0] == "prism"
            ctx = parse(words[1:])  # an unknown option or a missing argument raises here
            named = ctx.command_path.removeprefix("prism ")
            # A group's examples show its subcommands; a command's show that command.
            assert named == path or named.startswith(f"{path} "), f"{example!r} is listed under {path!r}"


def test_shell_completion(monkeypatch: pytest.MonkeyPatch) -> None:
    # `--show-completion` detects the shell from the parent processes (shellingham), which differ between a
    # terminal, make and CI: the shell is given here, so the test does not depend on who started pytest.
    monkeypatch.setattr("typer.completion._get_shell_name", lambda: "bash")
    script = prism("--show-completion")
    env = {**os.environ, "_PRISM_COMPLETE": "complete_bash"}
    for words, expected in (
        ("prism editions sh", ["show"]),
        ("prism brief --per", ["--persona"]),
        ("prism brief --persona ret", ["retail-investor", "retiree"]),  # the reader types, by key
        ("prism send -p startup-", ["startup-founder"]),
    ):
        done = subprocess.run(
            [sys.executable, "-c", "from prism.cli import main; main()"],
            env=env | {"COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.stdout.split() == expected, done.stderr
    assert script.exit_code == 0 and "_PRISM_COMPLETE=complete_bash" in script.stdout, (
        script.output,
        repr(script.exception),
    )


def test_ingest_and_summarize_read_stdin(tmp_path: Path) -> None:
    rows = [korean_article(1), korean_article(2)]
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows) + "{broken\n"
    result = prism("ingest", "-", "--json", stdin=lines)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ingested"] == 2 and [r["where"] for r in report["rejected"]] == ["<stdin>:3"]
    summaries = prism("summarize", "-", "--sentences", "2", stdin=lines)
    assert summaries.exit_code == 0
    assert [json.loads(line)["id"] for line in summaries.stdout.splitlines()] == ["t-0001", "t-0002"]
    assert "<stdin>:3" in summaries.stderr


@pytest.fixture
def sample(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The sample corpus in a database of each kind, which the commands below use."""
    monkeypatch.setenv("PRISM_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert prism("ingest", *[str(p) for p in sorted(sample_corpus().glob("*.jsonl"))]).exit_code == 0
    return engine


def drafts(engine: Engine) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    with engine.connect() as conn:
        for row in editions.list_editions(conn, edition_date=DAY):
            found.setdefault(row.persona, []).append(row.id)
    return found


def test_rerunning_brief_replaces_untouched_drafts(sample: Engine, tmp_path: Path) -> None:
    brief = ("brief", "--all", "--date", DAY, "--window", "7d", "-o", str(tmp_path / "out"))
    assert prism(*brief).exit_code == 0
    first = drafts(sample)
    assert len(first) == 8 and all(len(ids) == 1 for ids in first.values())
    assert prism(*brief).exit_code == 0
    assert drafts(sample) == first  # the same drafts, built again in place: 8, not 16
    # A draft someone published (and took back) is theirs: it stays, and the rerun adds a new draft.
    touched = first["retiree"][0]
    assert json.loads(prism("editions", "publish", str(touched), "--json").stdout) == {
        "id": touched,
        "status": "published",
    }
    assert prism("editions", "unpublish", str(touched)).exit_code == 0
    assert prism(*brief).exit_code == 0
    again = drafts(sample)
    assert sorted(again.pop("retiree")) == [touched, max(max(ids) for ids in first.values()) + 1]
    assert again == {persona: ids for persona, ids in first.items() if persona != "retiree"}


def test_editions_show(sample: Engine, tmp_path: Path) -> None:
    built = prism("brief", "--persona", "retiree", "--date", DAY, "--window", "7d")
    assert built.exit_code == 0
    [edition_id] = drafts(sample)["retiree"]
    shown = prism("editions", "show", str(edition_id))
    assert shown.exit_code == 0 and shown.stdout == built.stdout  # the stored edition, as rendered then
    with sample.connect() as conn:
        stored = editions.get_edition(conn, edition_id=edition_id)
    assert stored is not None
    assert prism("editions", "show", str(edition_id), "-f", "md").stdout == render(stored.briefing, "md")
    record = json.loads(prism("editions", "show", str(edition_id), "--json").stdout)
    assert record["id"] == edition_id and record["status"] == "draft" and record["persona"] == "retiree"
    assert record["article_ids"] == list(stored.article_ids)
    assert record["briefing"] == json.loads(json.dumps(stored.briefing.as_dict()))
    missing = prism("editions", "show", "999999")
    assert missing.exit_code == 2 and missing.stderr == "error: no edition with id 999999\n"
    unknown = prism("editions", "show", str(edition_id), "-f", "docx")
    assert unknown.exit_code == 2 and "docx" in unknown.stderr and "Traceback" not in unknown.output


def test_editions_reader(sample: Engine, tmp_path: Path) -> None:
    """A reader's own edition: built now before the batch, then the stored one (the same text here)."""
    created = prism(
        "users",
        "create",
        "me@example.com",
        "--persona",
        "retiree",
        "--password-stdin",
        stdin="long enough pw\n",
    )
    assert created.exit_code == 0, created.output
    now = prism("editions", "reader", "ME@example.com", "--date", DAY)
    assert now.exit_code == 0 and "no stored edition of 2026-11-27: built now" in now.stderr, now.output
    assert "참고 뉴스" in now.stdout
    built = prism("editions", "build", "--readers", "all", "--date", DAY)
    assert built.exit_code == 0, built.output
    stored = prism("editions", "reader", "me@example.com", "--date", DAY)
    assert stored.exit_code == 0 and stored.stderr == "" and stored.stdout == now.stdout
    missing = prism("editions", "reader", "nobody@example.com", "--date", DAY)
    assert missing.exit_code == 2 and missing.stderr == "error: no reader with e-mail 'nobody@example.com'\n"


def test_reporting_commands_speak_json(sample: Engine, tmp_path: Path) -> None:
    enriched = prism("enrich", "--json")
    assert enriched.exit_code == 0
    first = json.loads(enriched.stdout)
    assert first["analysed"] > 0 and first["already"] == 0
    assert json.loads(prism("enrich", "--json").stdout) == {"analysed": 0, "already": first["analysed"]}
    created = prism(
        "users", "create", "editor@example.com", "--editor", "--password-stdin", "--json",
        stdin="correct horse battery\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    account = json.loads(created.stdout)
    assert account == {"id": account["id"], "email": "editor@example.com", "role": "editor", "persona": None}
    report = json.loads(prism("schedule", "--once", "--date", DAY, "--json").stdout)
    assert report["day"] == DAY and report["built"] == 8 and report["steps"] == ["enrich", "build", "readers"]
    assert report["reader_editions"] == 1  # the editor reads their own edition too
    listed = json.loads(prism("editions", "list", "--json").stdout)
    assert len(listed) == 8 and {row["status"] for row in listed} == {"draft"}
    misused = prism("schedule", "--json")
    assert misused.exit_code == 2 and misused.stderr == "error: --date and --json go with --once\n"
