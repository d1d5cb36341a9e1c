"""The `prism` command: output, exit codes, and one-line errors instead of tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prism.cli import app
from tests.helpers import korean_article, write_jsonl

runner = CliRunner()


def prism(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def test_ingest_json_report(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "n.jsonl", [korean_article(1), korean_article(2)])
    result = prism("ingest", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ingested": 2, "duplicates": 0, "near_duplicates": 0, "rejected": []}
    again = prism("ingest", str(path), "--json")
    assert json.loads(again.stdout)["duplicates"] == 2


def test_mixed_file_exit_zero_and_rows_named(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps(korean_article(1), ensure_ascii=False) + "\n{broken\n" + '{"title": "제목만"}\n',
        encoding="utf-8",
    )
    result = prism("ingest", str(path), "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["ingested"] == 1
    assert [r["where"] for r in report["rejected"]] == [f"{path}:2", f"{path}:3"]
    human = prism("ingest", str(path))
    assert (
        "rejected 2" in human.stdout and "mixed.jsonl:2" in human.stdout and "malformed JSON" in human.stdout
    )


def test_all_rejected_exits_one(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{nope\n[1]\n", encoding="utf-8")
    result = prism("ingest", str(path), "--json")
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)["rejected"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "/nonexistent/news.jsonl"], "no such file or folder"),
        (["ingest", "x.jsonl", "--format", "docx"], "docx"),
        (["articles", "list", "--limit", "0"], "--limit"),
    ],
)
def test_usage_errors_exit_two(args: list[str], message: str) -> None:
    result = prism(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_articles_list_and_show(tmp_path: Path) -> None:
    prism("ingest", str(write_jsonl(tmp_path / "n.jsonl", [korean_article(n) for n in range(3)])))
    listed = prism("articles", "list", "--json", "--limit", "2")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 2 and all(row["id"].startswith("t-") for row in rows)
    table = prism("articles", "list")
    assert "3 of 3 articles" in table.stdout
    shown = prism("articles", "show", "t-0001", "--json")
    data = json.loads(shown.stdout)
    assert data["id"] == "t-0001" and data["body"].startswith(korean_article(1)["body"][:10])  # type: ignore[index]
    by_internal = prism("articles", "show", str(data["internal_id"]))
    assert korean_article(1)["title"] in by_internal.stdout


def test_unknown_article_is_one_line(tmp_path: Path) -> None:
    result = prism("articles", "show", "no-such-id")
    assert result.exit_code == 2  # asked for something that is not there: a usage error
    assert result.stderr.strip() == "error: no article with id 'no-such-id'"


def test_bad_settings_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRISM_MAX_BODY_CHARS", "lots")
    result = prism("articles", "list")
    assert result.exit_code == 1
    assert "PRISM_MAX_BODY_CHARS" in result.stderr and "Traceback" not in result.output


def test_bad_database_url_is_one_line() -> None:
    result = prism("articles", "list", "--database", "oracle://scott@tiger/db")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: database") and "only SQLite and PostgreSQL" in result.stderr


def test_database_option_and_home(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "n.jsonl", [korean_article(5)])
    db = tmp_path / "elsewhere.db"
    assert prism("ingest", str(path), "-d", f"sqlite:///{db}").exit_code == 0
    assert db.exists()
    assert prism("ingest", str(path), "--home", str(tmp_path / "other-home")).exit_code == 0
    assert (tmp_path / "other-home" / "prism.db").exists()


def test_demo(tmp_path: Path) -> None:
    home = tmp_path / "demo-home"
    out = tmp_path / "pages"
    result = prism("demo", "--home", str(home), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Stored 60 articles (2 near duplicates linked)" in result.stdout
    assert "near duplicate of prism-007" in result.stdout
    # The 스타트업 창업자 edition, printed in the seed's layout.
    for line in (
        "▲ AI 프리즘 맞춤형 경제 브리핑",
        "[스타트업 창업자 관심 뉴스]",
        "[스타트업 창업자 참고 뉴스]",
    ):
        assert line in result.stdout
    assert result.stdout.count("- 핵심 요약: ") == 6 and "[키워드 TOP 5]" in result.stdout
    pages = sorted(p.name for p in out.glob("*.html"))
    assert len(pages) == 9 and "index.html" in pages
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in pages if name != "index.html")
    assert "serve --home" in result.stdout  # how to open the web app on the demo data
    again = prism("demo", "--home", str(home), "--out", str(out))  # a demo home is emptied and refilled
    assert "Stored 60 articles" in again.stdout


def test_demo_refuses_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = prism("demo", "--home", str(tmp_path / "mine"))
    assert result.exit_code == 2
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_real_process_has_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, as a user runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "prism", "ingest", str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {tmp_path / 'missing.csv'}: no such file or folder"


def test_markup_like_text_is_printed_verbatim(tmp_path: Path) -> None:
    row = {
        "id": "[bold]x[/bold]",
        "title": "[종합] 코스피 [red]급락[/red]",
        "body": "[사진=연합뉴스] 본문 [/] 이다.",
    }
    prism("ingest", str(write_jsonl(tmp_path / "n.jsonl", [row])))
    listed = prism("articles", "list")
    assert listed.exit_code == 0 and "[종합] 코스피 [red]급락[/red]" in listed.stdout
    shown = prism("articles", "show", "[bold]x[/bold]")
    assert shown.exit_code == 0 and "[사진=연합뉴스] 본문 [/] 이다." in shown.stdout


def test_progress_bar_on_long_inputs_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from prism.cli import ingest as ingest_cli

    screen = io.StringIO()
    monkeypatch.setattr(ingest_cli, "err_console", Console(file=screen, force_terminal=True, width=100))
    big = write_jsonl(tmp_path / "big.jsonl", [korean_article(n, words=64) for n in range(1500)])
    assert big.stat().st_size > 512 * 1024
    assert prism("ingest", str(big)).exit_code == 0
    assert "ingesting" in screen.getvalue()
    screen.truncate(0)
    assert prism("ingest", str(big), "--json").exit_code == 0  # never in --json mode
    small = write_jsonl(tmp_path / "small.jsonl", [korean_article(1)])
    assert prism("ingest", str(small)).exit_code == 0  # nor for short inputs
    assert "ingesting" not in screen.getvalue()


def test_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata
    import tomllib

    from prism import __version__
    from prism.cli import version

    result = prism("--version")
    assert result.exit_code == 0
    assert result.stdout == f"prism {version()}\n"
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert __version__ == pyproject["project"]["version"]

    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert version() == __version__  # a source tree that was never installed


def test_listing_shows_every_command_without_loading_it() -> None:
    from prism.cli import COMMANDS, LazyCommand, load_command

    result = prism("--help")
    assert result.exit_code == 0
    for name, (target, help_line) in COMMANDS.items():
        assert name in result.stdout and help_line in result.stdout
        command = load_command(name, target)
        assert command.name == name and not isinstance(command, LazyCommand)
        assert command.help, f"`prism {name}` has no help of its own"


# What `prism --help` must not import: the database, NLP, web and template stacks.
HEAVY = ("sqlalchemy", "fastapi", "uvicorn", "kiwipiepy", "numpy", "trafilatura", "jinja2", "yaml", "httpx")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["serve", "--help"]])
def test_help_imports_nothing_heavy(args: list[str]) -> None:
    code = (
        "import sys\nfrom prism.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    loaded = {name.partition(".")[0] for name in done.stderr.split()}
    assert not loaded.intersection(HEAVY)
    assert "Usage" in done.stdout or done.stdout.startswith("prism ")
