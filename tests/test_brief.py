"""Editions end to end: the sample corpus in, an edition per reader type out, checked and rendered."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from prism.brief.render import as_json, render
from prism.cli import app
from prism.cli.demo import sample_corpus
from prism.config import Settings, get_settings
from prism.ingest import ingest
from prism.pipeline import build_editions
from prism.recommend.personas import load_personas
from prism.records import Briefing
from prism.store import editions as stored_editions
from prism.store import open_engine
from prism.store.schema import articles
from tests.editions import assert_edition
from tests.helpers import write_jsonl

DAY = date(2026, 11, 27)  # the sample corpus covers 11-21 … 11-27


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Settings]:
    home = tmp_path_factory.mktemp("brief-home")
    settings = get_settings(home=home, database_url=f"sqlite:///{home / 'prism.db'}")
    engine = open_engine(settings.resolved_database_url)
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    return engine, settings


@pytest.fixture(scope="module")
def editions(sample: tuple[Engine, Settings]) -> list[Briefing]:
    engine, settings = sample
    return build_editions(engine, settings, list(load_personas().values()), day=DAY, window="7d")


def bodies(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {row.id: row.body for row in conn.execute(select(articles.c.id, articles.c.body))}


def test_every_reader_type_gets_a_sound_edition(sample, editions) -> None:  # type: ignore[no-untyped-def]
    engine, _ = sample
    texts = bodies(engine)
    assert [b.persona for b in editions] == list(load_personas())
    for briefing in editions:
        assert_edition(briefing, texts)
        assert briefing.date == "2026-11-27" and briefing.window == "7d"


def test_editions_differ_by_reader_type(editions) -> None:  # type: ignore[no-untyped-def]
    first = {b.persona: b.picks[0].title for b in editions}
    assert len(set(first.values())) >= 5, first
    founder = next(b for b in editions if b.persona == "startup-founder")
    investor = next(b for b in editions if b.persona == "retail-investor")
    assert any(w in founder.picks[0].title for w in ("스타트업", "벤처", "펀드", "팁스", "창업"))
    assert {p.id for p in founder.interest} != {p.id for p in investor.interest}


def test_near_duplicates_are_never_two_picks(editions) -> None:  # type: ignore[no-untyped-def]
    for briefing in editions:
        ids = {p.id for p in briefing.picks}
        assert not {"prism-007", "prism-029"} <= ids
        assert not {"prism-045", "prism-060"} <= ids


def test_editions_are_stored_with_their_inputs(sample, editions) -> None:  # type: ignore[no-untyped-def]
    engine, _ = sample
    with engine.connect() as conn:
        row = stored_editions.latest_edition(conn, persona="retiree", edition_date="2026-11-27")
    assert row is not None
    briefing = next(b for b in editions if b.persona == "retiree")
    assert row.briefing == briefing
    assert row.article_ids == tuple(p.article_id for p in briefing.picks)
    assert row.settings_digest.startswith("sha256:") and row.status == "draft"


def test_text_follows_the_seed_layout(editions) -> None:  # type: ignore[no-untyped-def]
    founder = next(b for b in editions if b.persona == "startup-founder")
    lines = render(founder, "text").splitlines()
    assert lines[0] == "▲ AI 프리즘 맞춤형 경제 브리핑"
    assert lines[2].startswith("* 편집자 주 : ")
    assert sum(line.startswith("■ ") for line in lines) == 3
    interest = lines.index("[스타트업 창업자 관심 뉴스]")
    reference = lines.index("[스타트업 창업자 참고 뉴스]")
    keywords = lines.index("[키워드 TOP 5]")
    assert interest < reference < keywords
    numbered = [line for line in lines if line[:2] in {f"{n}." for n in range(1, 7)}]
    assert [line[:2] for line in numbered] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert sum(line.startswith("- 핵심 요약: ") for line in lines) == 6
    assert lines[keywords + 1].count(", ") == 4
    assert lines[-1] == "< 저작권자 ⓒ AI PRISM, 무단 전재 및 재배포 금지 >"


def test_json_has_the_documented_schema(editions) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render(editions[0], "json"))
    assert {"persona", "date", "title", "lead", "sections", "interest", "reference", "keywords"} <= set(data)
    assert len(data["interest"]) == 3 and len(data["reference"]) == 3 and len(data["keywords"]) == 5
    for pick in data["interest"] + data["reference"]:
        assert {"id", "title", "url", "summary", "sentences", "source_indices", "reasons"} <= set(pick)
        assert pick["id"].startswith("prism-")  # the id given at ingest
        assert pick["summary"] == " ".join(pick["sentences"])
        assert len(pick["sentences"]) == len(pick["source_indices"])
    for section in data["sections"]:
        assert {"heading", "text", "article_ids", "sources"} <= set(section)
        assert section["article_ids"][0] in {p["id"] for p in data["interest"]}
        shown = {p["id"] for p in data["interest"] + data["reference"]}
        assert {source["article_id"] for source in section["sources"]} <= set(section["article_ids"]) <= shown


def test_settings_brand_the_edition(sample) -> None:  # type: ignore[no-untyped-def]
    engine, settings = sample
    branded = get_settings(
        home=settings.home, database_url=settings.database_url, brand="한빛 프리즘", publisher="한빛일보"
    )
    [briefing] = build_editions(
        engine, branded, [load_personas()["retiree"]], day=DAY, window="7d", store=False
    )
    text = render(briefing, "text")
    assert text.startswith("▲ 한빛 프리즘 맞춤형 경제 브리핑")
    assert "< 저작권자 ⓒ 한빛일보, 무단 전재 및 재배포 금지 >" in text


def test_a_short_window_widens_and_says_so(sample) -> None:  # type: ignore[no-untyped-def]
    engine, settings = sample
    [briefing] = build_editions(
        engine, settings, [load_personas()["office-worker"]], day=date(2026, 11, 20), store=False
    )
    assert briefing.window == "all"
    assert briefing.notices == ("24시간 안의 기사가 6건보다 적어 범위를 전체 기간(으)로 넓혔습니다.",)
    assert len(briefing.picks) == 6


def run(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def test_brief_command_writes_each_format(home: Path, tmp_path: Path) -> None:
    corpus = [str(p) for p in sorted(sample_corpus().glob("*.jsonl"))]
    assert run("ingest", *corpus).exit_code == 0  # type: ignore[attr-defined]
    out = tmp_path / "founder.json"
    result = run(
        "brief",
        "--persona",
        "startup-founder",
        "--date",
        "2026-11-27",
        "--window",
        "7d",
        "-f",
        "json",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert json.loads(out.read_text(encoding="utf-8"))["persona"] == "startup-founder"
    printed = run("brief", "-p", "retiree", "--date", "2026-11-27", "--window", "7d")
    assert printed.exit_code == 0  # type: ignore[attr-defined]
    assert "[은퇴 준비자·시니어 관심 뉴스]" in printed.stdout  # type: ignore[attr-defined]
    folder = tmp_path / "all"
    every = run("brief", "--all", "--date", "2026-11-27", "--window", "7d", "-f", "html", "-o", str(folder))
    assert every.exit_code == 0  # type: ignore[attr-defined]
    assert len(list(folder.glob("2026-11-27-*.html"))) == 8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--persona", "astronaut"], "unknown persona 'astronaut'"),
        (["--persona", "retiree", "--date", "2026-13-01"], "date '2026-13-01' is not a date"),
        (["--persona", "retiree", "--window", "2w"], "window '2w' is not one of 24h, 3d, 7d, all"),
        (["--persona", "retiree", "--format", "pdf"], "format 'pdf' is not one of"),
        (["--persona", "retiree", "--all"], "give either --persona KEY or --all"),
        ([], "give either --persona KEY or --all"),
        (["--persona", "retiree"], "no analysed articles to brief from"),
    ],
)
def test_brief_command_errors_are_one_line(home: Path, args: list[str], message: str) -> None:
    result = run("brief", *args)
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert message in result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


def test_article_text_is_inert_in_html_and_markdown(home: Path, tmp_path: Path) -> None:
    hostile = {
        "id": "x-1",
        "title": '<script>alert("t")</script> 스타트업 투자 <img src=x onerror=alert(1)>',
        "body": "\n\n".join(
            [
                "스타트업 벤처 투자가 늘었다는 발표가 나왔다 <script>alert('b')</script> 고 밝혔다.",
                "벤처캐피털 업계는 초기 창업 기업 투자를 확대할 계획이라고 밝혔다.",
                "정부는 창업 지원 예산을 늘려 스타트업 성장을 돕겠다고 설명했다.",
                "업계 관계자는 [링크](javascript:alert(1)) 같은 문자열도 그대로 보여야 한다고 말했다.",
            ]
        ),
        "url": "https://example.com/x?a=1&b=<2>",
        "published": "2026-11-27 09:00",
    }
    data = write_jsonl(tmp_path / "x.jsonl", [hostile] + [_filler(n) for n in range(8)])
    assert run("ingest", str(data)).exit_code == 0  # type: ignore[attr-defined]
    html_out = tmp_path / "e.html"
    md_out = tmp_path / "e.md"
    for fmt, out in (("html", html_out), ("md", md_out)):
        result = run("brief", "-p", "startup-founder", "--date", "2026-11-27", "-f", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    page = html_out.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in page
    assert 'href="https://example.com/x?a=1&amp;b=%3C2%3E"' in page or "b=&lt;2&gt;" in page
    markdown = md_out.read_text(encoding="utf-8")
    assert "<script>" not in markdown and "[링크](javascript:" not in markdown
    assert "\\[링크\\](javascript:alert(1))" in markdown  # shown as text, not a link


def _filler(n: int) -> dict[str, object]:
    topics = ["금리", "반도체", "부동산", "연금", "최저임금", "배터리", "환율", "물가"]
    word = topics[n]
    return {
        "id": f"f-{n}",
        "title": f"{word} 관련 발표 {n}",
        "body": "\n\n".join(f"{word} 정책에 대해 정부가 {n + k}번째 발표를 했다고 밝혔다." for k in range(4)),
        "published": f"2026-11-27 1{n}:00",
    }


def test_renderers_match_the_golden_files(update_golden: bool) -> None:
    from tests.golden_briefing import GOLDEN, briefing

    made = briefing()
    for fmt, suffix in (("text", "txt"), ("md", "md"), ("html", "html"), ("json", "json")):
        path = GOLDEN / f"briefing.{suffix}"
        rendered = render(made, fmt)
        if update_golden:
            path.write_text(rendered, encoding="utf-8")
        assert rendered == path.read_text(encoding="utf-8"), f"{path} differs: rerun with --update-golden"
    assert as_json(made)["interest"][0]["id"] == "ext-1"


def test_editions_are_built_and_stored_on_both_databases(engine: Engine, settings: Settings) -> None:
    ingest([str(p) for p in sorted(sample_corpus().glob("*.jsonl"))], engine=engine, settings=settings)
    personas = load_personas()
    made = build_editions(
        engine, settings, [personas["small-business"], personas["executive"]], day=DAY, window="7d"
    )
    texts = bodies(engine)
    for briefing in made:
        assert_edition(briefing, texts)
        with engine.connect() as conn:
            row = stored_editions.latest_edition(conn, persona=briefing.persona, edition_date="2026-11-27")
        assert row is not None and row.briefing == briefing


def test_a_reader_type_with_nothing_to_read_today_is_told_so(sample) -> None:  # type: ignore[no-untyped-def]
    """A reader type the day's news says nothing about gets no 관심 picks and no unrelated filler: 참고 is
    the day's important economic news, labelled, and the edition says why."""
    from prism.recommend.personas import Persona
    from prism.recommend.reasons import FILLER_REASON

    engine, settings = sample
    space = Persona(
        key="space-engineer",
        name="우주항공 엔지니어",
        interests={"우주": 3, "위성": 3, "발사체": 3, "항공우주": 2},
        topics={"경제": 1.0},
    )
    [briefing] = build_editions(engine, settings, [space], day=DAY, window="7d", store=False)
    assert not briefing.interest and len(briefing.reference) == 6
    assert all(p.reasons[0] == FILLER_REASON for p in briefing.reference)
    assert all(p.topic == "경제" for p in briefing.reference)  # the economy section only
    first = "오늘은 우주항공 엔지니어 관심사에 맞는 기사가 없어, "
    notice = first + "참고 뉴스 6건은 오늘의 주요 경제 뉴스로 채웠습니다."
    assert notice in briefing.notices
    text = render(briefing, "text")
    assert "관심 뉴스]" not in text and "[우주항공 엔지니어 참고 뉴스]" in text and notice in text


@pytest.mark.parametrize(
    ("kinds", "stories", "expected"),
    [
        (["i"] * 6, 9, []),
        (
            ["i", "i", "f", "f", "f", "f"],
            9,
            ["오늘은 독자 관심사에 맞는 기사가 2건뿐이라, 참고 뉴스 4건은 오늘의 주요 경제 뉴스로 "
             "채웠습니다."],
        ),
        (["i", "i", "i"], 3, ["이야기가 3개뿐이라 추천 기사가 6개보다 적습니다."]),
        (
            ["i", "i"],
            40,
            ["오늘은 독자 관심사에 맞는 기사가 2건뿐이고 채울 경제 뉴스도 없어, 추천 기사가 2건입니다."],
        ),
        ([], 40, ["오늘은 독자 관심사에 맞는 기사가 없고 채울 경제 뉴스도 없어, 추천 기사가 없습니다."]),
        (
            ["i", "f"],
            40,
            ["오늘은 독자 관심사에 맞는 기사가 1건뿐이라 참고 뉴스 1건을 오늘의 주요 경제 뉴스로 채웠고, "
             "더 채울 경제 뉴스가 없어 추천 기사가 2건입니다."],
        ),
    ],
)  # fmt: skip
def test_a_short_edition_says_why(kinds: list[str], stories: int, expected: list[str]) -> None:
    """A pool of 40 stories with 2 about the reader's interests is not "이야기가 2개뿐": the notice names the
    floor, and whether economic news filled the rest."""
    import dataclasses

    from prism.pipeline import shortfall
    from prism.recommend.personas import Persona
    from prism.recommend.reasons import FILLER_REASON
    from prism.records import Pick

    base = Pick(
        index=0, article_id=1, score=1.0, relevance=1.0, kind="interest", story=0, story_size=1, topic="경제",
        matched=("연금",), reasons=("관심 키워드: 연금",),
    )  # fmt: skip
    picks = [
        dataclasses.replace(base, reasons=(FILLER_REASON,), kind="reference") if kind == "f" else base
        for kind in kinds
    ]
    reader = Persona(key="r", name="독자", interests={"연금": 3})
    assert shortfall(reader, picks, stories=stories) == expected
