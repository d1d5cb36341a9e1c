"""Examples shown at the end of each command's `--help`, by command path.

They live in one table so that a test can parse every one of them against the command it belongs to: an
example that names a removed option fails the build instead of misleading a reader. `#` starts a comment.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "ingest": (
        "prism ingest news.jsonl feeds/ page.html",
        "prism ingest https://news.example.com/rss.xml --fetch-pages",
        "prism ingest - --format csv --json < export.csv     # - reads standard input",
    ),
    "articles": ("prism articles list --limit 10", "prism articles show kn-1-1046"),
    "articles list": ("prism articles list --limit 10", "prism articles list --json"),
    "articles show": ("prism articles show kn-1-1046", "prism articles show 42 --json"),
    "demo": ("prism demo", "prism demo --home ./demo-home --out ./demo-pages"),
    "enrich": ("prism enrich --workers 2", 'prism enrich --json     # {"analysed": 60, "already": 0}'),
    "summarize": (
        "prism summarize articles.jsonl --sentences 4 -o summaries.jsonl",
        "prism summarize - < articles.jsonl     # - reads standard input",
    ),
    "personas": ("prism personas list", "prism personas show retail-investor"),
    "personas list": ("prism personas list", "prism personas list --json"),
    "personas show": ("prism personas show retail-investor", "prism personas show retiree --json"),
    "brief": (
        "prism brief --persona startup-founder",
        "prism brief --persona retiree --date 2026-11-27 --format html -o retiree.html",
        "prism brief --all --format md -o editions/     # again: replaces today's untouched drafts",
    ),
    "serve": ("prism serve", "prism serve --host 0.0.0.0 --port 8080 --schedule"),
    "users": ("prism users create editor@example.com --editor",),
    "users create": (
        "prism users create editor@example.com --editor",
        "prism users create reader@example.com --persona retiree --password-stdin --json < password.txt",
    ),
    "editions": ("prism editions list --status draft", "prism editions show 12", "prism editions publish 12"),
    "editions list": ("prism editions list", "prism editions list --status published --json"),
    "editions show": (
        "prism editions show 12",
        "prism editions show 12 --format html -o edition.html",
        "prism editions show 12 --json     # the stored record: status, inputs, briefing",
    ),
    "editions publish": ("prism editions publish 12", "prism editions publish 12 --json"),
    "editions unpublish": ("prism editions unpublish 12",),
    "editions build": (
        "prism editions build --readers all --date 2026-11-27",
        "prism editions build --readers all --date 2026-11-27 --executor ray --workers 2 --json",
    ),
    "editions reader": (
        "prism editions reader me@example.com --date 2026-11-27",
        "prism editions reader me@example.com --date 2026-11-27 --format html -o mine.html",
    ),
    "send": (
        "prism send --persona retiree --date 2026-11-27 --to a@example.com --to b@example.com",
        "prism send --persona retiree --date 2026-11-27 --subscribers --json",
    ),
    "schedule": (
        "prism schedule     # runs at PRISM_SCHEDULE_TIMES until stopped",
        "prism schedule --once --date 2026-11-27 --json",
    ),
    "verify": (
        "prism verify draft.jsonl -o verdicts.jsonl --articles articles.jsonl",
        "prism verify - < draft.jsonl     # - reads standard input",
    ),
    "eval": ("prism eval summaries summaries-ko-dev.jsonl --sentences 3",),
    "eval summaries": ("prism eval summaries summaries-ko-dev.jsonl --sentences 3 --json",),
    "eval personas": (
        "prism eval personas persona-judgments-dev.jsonl pool.jsonl --folds 5",
        "prism eval personas persona-judgments-dev.jsonl pool.jsonl --folds category --json",
    ),
    "eval editions": ("prism eval editions pool.jsonl --json",),
    "eval claims": ("prism eval claims claims-ko-dev.jsonl --folds 5 --json",),
    "plugins": ("prism plugins", "prism plugins --json"),
}


def with_examples(help_text: str | None, path: str) -> str | None:
    """Return a command's help with its examples appended (click keeps a paragraph after \\b as written)."""
    examples = EXAMPLES.get(path)
    if not examples:
        return help_text
    block = "\n".join(f"  {line}" for line in examples)
    return f"{help_text or ''}\n\n\b\nExamples:\n{block}"
