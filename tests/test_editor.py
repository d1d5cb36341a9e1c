"""Editor review on a real server: only editors reach /editor; edits are diffed; readers see publishing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from prism.accounts import sign_up
from prism.brief.review import EDITED, apply_edits
from prism.cli import app
from prism.cli.demo import sample_corpus
from prism.config import Settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.records import Briefing
from prism.store import editions
from prism.web.app import create_app
from tests.editions import assert_no_repeats
from tests.helpers import serving

PASSWORD = "correct horse battery"


@pytest.fixture
def draft(engine: Engine, settings: Settings) -> Briefing:
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    [briefing] = build_editions(
        engine, settings, [load_personas()["retiree"]], day=date(2026, 11, 27), window="7d"
    )
    return briefing


@pytest.fixture
def site(engine: Engine, settings: Settings, draft: Briefing) -> Iterator[httpx.Client]:
    sign_up(engine, email="editor@example.com", password=PASSWORD, role="editor")
    sign_up(engine, email="reader@example.com", password=PASSWORD, persona="retiree")
    with serving(create_app(settings, engine)) as client:
        yield client


def log_in(client: httpx.Client, email: str) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    assert (
        client.post("/login", data={"csrf": token.group(1), "email": email, "password": PASSWORD}).status_code
        == 303
    )


def test_a_reader_cannot_reach_the_editor(site: httpx.Client) -> None:
    assert site.get("/editor").status_code == 303  # not signed in: to the log-in page
    log_in(site, "reader@example.com")
    assert site.get("/editor").status_code == 403
    assert (
        site.post("/editor/editions/1/publish", data={"csrf": site.cookies["prism_csrf"]}).status_code == 403
    )


def test_editor_edits_and_publishes_and_readers_see_the_edit(site: httpx.Client, engine: Engine) -> None:
    assert site.get("/briefings/retiree/2026-11-27").status_code == 404  # a draft
    log_in(site, "editor@example.com")
    queue = site.get("/editor")
    assert queue.status_code == 200 and "초안" in queue.text
    edition_id = int(re.search(r'href="/editor/editions/(\d+)"', queue.text).group(1))  # type: ignore[union-attr]
    form = site.get(f"/editor/editions/{edition_id}").text
    fields = dict(re.findall(r'<input name="(heading-\d+)" value="([^"]*)"', form))
    data = {"csrf": site.cookies["prism_csrf"], **fields, "heading-0": "편집자가 고친 제목"}
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = text
    data["lead-0"] = "편집자가 다시 쓴 리드 문단입니다."
    saved = site.post(f"/editor/editions/{edition_id}", data=data)
    assert saved.status_code == 303
    log = site.get(f"/editor/editions/{edition_id}").text
    assert "sections[0].heading" in log and "+편집자가 고친 제목" in log and "lead[0]" in log
    assert (
        site.post(
            f"/editor/editions/{edition_id}/publish", data={"csrf": site.cookies["prism_csrf"]}
        ).status_code
        == 303
    )
    reader = site.get("/briefings/retiree/2026-11-27")
    assert reader.status_code == 200
    assert "편집자가 고친 제목" in reader.text and "편집자가 다시 쓴 리드 문단입니다." in reader.text
    with engine.connect() as conn:
        kinds = [e.field for e in editions.edits(conn, edition_id=edition_id)]
    assert "status" in kinds


def test_apply_edits_marks_edited_text_and_drops_picks(draft: Briefing) -> None:
    first = draft.picks[0]
    edited, changes = apply_edits(
        draft, summaries={first.article_id: "새 요약입니다."}, drop={draft.picks[-1].article_id}
    )
    assert edited.picks[0].summary[0].index == EDITED and edited.picks[0].summary_text == "새 요약입니다."
    assert len(edited.picks) == 5
    assert {name for name, _ in changes} == {f"picks[{first.id}].summary", f"picks[{draft.picks[-1].id}]"}
    untouched, none = apply_edits(draft, summaries={p.article_id: p.summary_text for p in draft.picks})
    assert untouched == draft and none == []


def test_cli_users_and_editions(engine: Engine, settings: Settings, draft: Briefing) -> None:
    runner = CliRunner()
    db = ["-d", engine.url.render_as_string(hide_password=False)]
    created = runner.invoke(
        app, ["users", "create", "ed@example.com", "--editor", "--password-stdin", *db], input=PASSWORD + "\n"
    )
    assert created.exit_code == 0, created.output
    again = runner.invoke(
        app, ["users", "create", "ed@example.com", "--password-stdin", *db], input=PASSWORD + "\n"
    )
    assert again.exit_code == 2 and "이미 가입된 이메일" in again.stderr
    listed = runner.invoke(app, ["editions", "list", "--json", *db])
    [row] = __import__("json").loads(listed.stdout)
    assert row["status"] == "draft"
    assert runner.invoke(app, ["editions", "publish", str(row["id"]), *db]).exit_code == 0
    with engine.connect() as conn:
        assert editions.published_edition(conn, persona="retiree", edition_date="2026-11-27") is not None
    missing = runner.invoke(app, ["editions", "publish", "999", *db])
    assert missing.exit_code == 2 and "no edition with id 999" in missing.stderr


def test_editor_swaps_a_pick_for_a_candidate(site: httpx.Client, engine: Engine) -> None:
    log_in(site, "editor@example.com")
    queue = site.get("/editor").text
    edition_id = int(re.search(r'href="/editor/editions/(\d+)"', queue).group(1))  # type: ignore[union-attr]
    form = site.get(f"/editor/editions/{edition_id}").text
    picks = [int(i) for i in re.findall(r'name="swap-(\d+)"', form)]
    candidates = re.findall(r'<option value="(\d+)">', form)
    assert len(picks) == 6 and candidates
    old, new = picks[0], int(candidates[0])
    assert new not in picks
    saved = site.post(
        f"/editor/editions/{edition_id}", data={"csrf": site.cookies["prism_csrf"], f"swap-{old}": str(new)}
    )
    assert saved.status_code == 303
    with engine.connect() as conn:
        row = editions.get_edition(conn, edition_id=edition_id)
    assert row is not None
    swapped = row.briefing
    ids = [p.article_id for p in swapped.picks]
    assert new in ids and old not in ids and len(ids) == 6
    assert swapped.picks[0].reasons[0] == "편집자가 고른 기사"
    assert_no_repeats(swapped)  # still no sentence twice
    assert any(s.article_ids[0] == new for s in swapped.sections)  # a 관심 pick brings its own section
    assert "picks[" in site.get(f"/editor/editions/{edition_id}").text


def test_unsupported_editor_sentences_are_flagged_and_publishing_records_them(
    site: httpx.Client, engine: Engine, draft: Briefing
) -> None:
    log_in(site, "editor@example.com")
    queue = site.get("/editor")
    edition_id = int(re.search(r'href="/editor/editions/(\d+)"', queue.text).group(1))  # type: ignore[union-attr]
    form = site.get(f"/editor/editions/{edition_id}").text
    assert "기사로 확인되지 않는 문장" not in form  # the articles' own sentences are not flagged
    data = {"csrf": site.cookies["prism_csrf"]}
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = text
    first = draft.picks[0]
    invented = "정부는 내년부터 이 제도를 전국 모든 은행으로 확대 시행할 계획이다."
    data[f"summary-{first.article_id}"] = f"{first.summary[0].text} {invented}"
    assert site.post(f"/editor/editions/{edition_id}", data=data).status_code == 303
    review = site.get(f"/editor/editions/{edition_id}").text
    assert "기사로 확인되지 않는 문장 1개" in review and invented in review
    assert first.summary[0].text not in re.search(r'<section class="flags".*?</section>', review, re.S).group(
        0
    )  # type: ignore[union-attr]
    published = site.post(f"/editor/editions/{edition_id}/publish", data={"csrf": site.cookies["prism_csrf"]})
    assert published.status_code == 303  # the editor's call: allowed
    with engine.connect() as conn:
        notes = [e.diff for e in editions.edits(conn, edition_id=edition_id) if e.field == "status"]
    assert notes and notes[-1].startswith("publish with 1 unsupported sentence") and invented in notes[-1]
