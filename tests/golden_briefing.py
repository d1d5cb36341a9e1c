"""A hand-made briefing for the renderers' golden files: no NLP, so only rendering can change them."""

from __future__ import annotations

from pathlib import Path

from prism.records import Briefing, BriefPick, Quote, Section

GOLDEN = Path(__file__).with_name("golden")


def _pick(n: int, kind: str, title: str, sentences: list[str], url: str | None) -> BriefPick:
    return BriefPick(
        id=f"ext-{n}",
        article_id=100 + n,
        kind=kind,
        title=title,
        url=url,
        source="프리즘일보",
        summary=tuple(Quote(text, 100 + n, i) for i, text in enumerate(sentences)),
        reasons=(f"관심 키워드: 키워드{n}", "분야: 경제"),
        score=round(10.0 - n, 4),
        topic="경제",
        story=n,
        story_size=1 + n % 2,
    )


def briefing() -> Briefing:
    picks = [
        _pick(
            1,
            "interest",
            "AI 스타트업, 시리즈B 620억 유치",
            ["첫 문장이다.", "둘째 문장이다."],
            "https://example.com/1",
        ),
        _pick(2, "interest", "벤처투자 3.4조 원 <회복>", ["투자가 늘었다.", "초기 기업은 줄었다."], None),
        _pick(3, "interest", "팁스 700곳 & 확대", ["예산이 늘었다."], "https://example.com/3?a=1&b=2"),
        _pick(4, "reference", "카카오 AI 쇼핑", ["서비스를 시작한다."], "javascript:alert(1)"),
        _pick(5, "reference", "중소기업 AI 전환", ["3,200억 원을 투입한다."], "https://example.com/5"),
        _pick(6, "reference", '반도체 수출 "호조"', ["수출이 12.3% 늘었다."], "https://example.com/6"),
    ]
    return Briefing(
        persona="startup-founder",
        persona_name="스타트업 창업자",
        date="2026-11-27",
        window="24h",
        brand="AI 프리즘",
        title="AI 프리즘 맞춤형 경제 브리핑",
        editor_note="독자 유형별 맞춤 뉴스 6개를 선별해 제공합니다.",
        publisher="AI PRISM",
        copyright="< 저작권자 ⓒ AI PRISM, 무단 전재 및 재배포 금지 >",
        lead=(
            (Quote("리드 첫 문단이다.", 101, 5),),
            (Quote("리드 둘째 문단이다.", 102, 6), Quote("이어진다.", 103, 2)),
        ),
        sections=(
            Section(
                "AI 추론칩 시장",
                (Quote("섹션 하나.", 101, 7), Quote("섹션 둘.", 101, 8), Quote("섹션 셋.", 104, 2)),
                (101, 104),
            ),
            Section("벤처투자", (Quote("섹션 넷.", 102, 7), Quote("섹션 다섯.", 102, 8)), (102,)),
            Section("딥테크 팁스", (Quote("섹션 여섯.", 103, 4), Quote("섹션 일곱.", 103, 5)), (103,)),
        ),
        picks=tuple(picks),
        keywords=("AI 추론칩", "벤처투자", "딥테크 팁스", "모태펀드", "시리즈B"),
        notices=(),
    )
