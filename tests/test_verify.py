"""The claim checker on an article we wrote, `prism verify`, and `prism eval claims` on the shared claims."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prism.cli import app
from prism.verify import check_text
from prism.verify.checker import SETTINGS, korean_number, quantities
from tests.conftest import SHARED

CLAIMS = SHARED / "data" / "claims-ko-dev.jsonl"
TITLE = "한빛전자, 1분기 영업이익 1조2000억원…반도체 호조"
BODY = """한빛전자가 올해 1분기 영업이익 1조2000억원을 기록했다고 24일 밝혔다.
이는 지난해 같은 기간보다 35.2% 증가한 규모다.
매출은 12조4000억원으로 8.1% 늘었다.
회사는 고대역폭메모리(HBM) 판매가 늘어난 덕분에 이익이 크게 개선됐다고 설명했다.
반면 스마트폰 사업부의 영업이익은 3200억원으로 12% 감소했다.
박정민 최고재무책임자(CFO)는 "하반기에도 서버용 메모리 수요가 견조할 것"이라고 말했다.
한편 경쟁사 대성반도체는 같은 날 1분기 영업손실 2400억원을 냈다고 공시했다.
대성반도체 김현우 대표는 "재고 조정이 끝나는 3분기부터 흑자 전환을 기대한다"고 밝혔다.
한빛전자는 다음 달 15일 경기 평택 공장에 새 생산라인 착공식을 연다."""


@pytest.mark.parametrize(
    ("written", "value", "unit"),
    [
        ("1조2000억원", 1.2e12, "원"),
        ("1.2조 원", 1.2e12, "원"),
        ("1조 2,000억 원", 1.2e12, "원"),
        ("4만6천368건", 46368, "건"),
        ("3.5퍼센트", 3.5, "%"),
        ("3.5%", 3.5, "%"),
        ("1천593.8원", 1593.8, "원"),
    ],
)
def test_numbers_are_normalized(written: str, value: float, unit: str) -> None:
    (quantity,) = quantities(written)
    assert quantity.value == pytest.approx(value) and quantity.unit == unit


def test_korean_place_words() -> None:
    assert korean_number("3조9천억") == pytest.approx(3.9e12)
    assert korean_number("2686만8000") == 26_868_000


@pytest.mark.parametrize(
    "claim",
    [
        "한빛전자의 1분기 영업이익은 1.2조 원으로 1년 전보다 35.2% 늘었다.",  # restated numbers
        "한빛전자 1분기 매출은 약 12.4조 원으로 8.1% 증가했다.",  # rounded as written
        "한빛전자는 HBM 판매 증가 덕분에 1분기 이익이 크게 개선됐다고 밝혔다.",  # 회사는: the company
        "한빛전자 1분기 영업이익은 지난해 같은 기간보다 35.2% 증가한 1조2000억원이었고, "
        "매출은 8.1% 늘어난 12조4000억원이었다.",  # two sentences fused
    ],
)
def test_honest_paraphrase_passes(claim: str) -> None:
    verdict = check_text(claim, TITLE, BODY)
    assert verdict.supported, verdict.reason
    assert verdict.evidence  # the source sentences it rests on


@pytest.mark.parametrize(
    ("claim", "error"),
    [
        ("한빛전자의 1분기 영업이익은 1조4000억원이었다.", "number"),
        ("한빛전자 매출은 12조4000억원으로 18.1% 늘었다.", "number"),
        ("한빛전자는 다음 달 25일 평택 공장에서 새 생산라인 착공식을 연다.", "date"),
        ("한빛전자는 다음 달 15일 경기 용인 공장에 새 생산라인 착공식을 연다.", "entity"),
        ("스마트폰 사업부의 영업이익은 3200억원으로 12% 증가했다.", "polarity"),
        ("김현우 대표는 하반기에도 서버용 메모리 수요가 견조할 것이라고 말했다.", "attribution"),
        ("한빛전자의 이익이 개선된 것은 스마트폰 사업부의 부진 때문이다.", None),  # a cause it never gives
        ("한빛전자는 하반기에 평택 공장 투자를 두 배로 늘릴 계획이다.", "addition"),
        ("지금 한빛전자 주식을 사라.", "opinion"),  # a command: never published, not even as commentary
        ("한빛전자의 1분기 실적은 훌륭하다.", "opinion"),  # a judgement the article does not make
    ],
)
def test_each_kind_of_error_is_caught(claim: str, error: str | None) -> None:
    verdict = check_text(claim, TITLE, BODY)
    assert not verdict.supported, claim
    assert verdict.reason
    if error:
        assert verdict.error == error, verdict.reason


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_verify_command_reads_and_writes_json_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "claim": "한빛전자의 1분기 영업이익은 1.2조 원이었다.", "title": TITLE, "body": BODY},
        {"id": "b", "claim": "한빛전자의 1분기 영업이익은 1조4000억원이었다.", "title": TITLE, "body": BODY},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, _ = run("verify", str(source), "-o", str(out))
    assert code == 0
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["verdict"]) for r in results] == [("a", "supported"), ("b", "unsupported")]
    assert results[1]["error"] == "number" and "1조2000억원" in results[1]["reason"]
    assert all(isinstance(i, int) for r in results for i in r["evidence"]) and results[0]["evidence"]


def test_verify_command_with_articles_and_stdin(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        json.dumps({"id": 7, "title": TITLE, "body": BODY}, ensure_ascii=False), encoding="utf-8"
    )
    stdin = "\n".join(
        [
            json.dumps(
                {"id": 1, "claim": "매출은 12조4000억원으로 8.1% 늘었다.", "article_id": 7},
                ensure_ascii=False,
            ),
            json.dumps({"id": 2, "claim": "매출이 늘었다.", "article_id": 99}),  # no such article
            "{not json",
            json.dumps({"id": 3, "article_id": 7}),  # no claim
        ]
    )
    code, out, err = run("verify", "-", "--articles", str(articles), stdin=stdin)
    assert code == 0
    (only,) = [json.loads(line) for line in out.splitlines()]
    assert only["id"] == 1 and only["verdict"] == "supported"
    assert "stdin:2: article 99 is not in --articles" in err
    assert "stdin:3: malformed JSON" in err and "stdin:4: missing claim" in err
    assert "Traceback" not in err


def test_verify_command_errors_are_one_line(tmp_path: Path) -> None:
    code, out, err = run("verify", str(tmp_path / "nowhere.jsonl"))
    assert code != 0 and "no such file" in out + err and "Traceback" not in out + err
    only_bad = tmp_path / "bad.jsonl"
    only_bad.write_text('{"id": 1}\n', encoding="utf-8")
    code, _, err = run("verify", str(only_bad))
    assert code == 1 and "missing claim" in err


def test_eval_claims_rejects_bad_rows(tmp_path: Path) -> None:
    data = tmp_path / "claims.jsonl"
    good = {
        "id": "x",
        "article_id": "a",
        "claim": "매출은 8.1% 늘었다.",
        "label": "supported",
        "title": TITLE,
    }
    data.write_text(
        "\n".join(
            [
                json.dumps(good | {"body": BODY}, ensure_ascii=False),
                json.dumps(good | {"body": BODY, "label": "maybe"}, ensure_ascii=False),
                json.dumps({"claim": "본문이 없다", "label": "supported"}, ensure_ascii=False),
                "[1, 2]",
            ]
        ),
        encoding="utf-8",
    )
    code, out, err = run("eval", "claims", str(data), "--folds", "0", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["held_out"]["supported"] == 1
    reasons = [r["reason"] for r in report["rejected"]]
    assert any("not supported/unsupported" in r for r in reasons)
    assert any("missing body" in r for r in reasons) and any("expected a JSON object" in r for r in reasons)


@pytest.mark.skipif(not CLAIMS.exists(), reason=f"{CLAIMS} is absent (../shared not here)")
def test_held_out_folds_meet_the_bar() -> None:
    """Issue 14's bar on held-out folds split by article: at least 0.80 of unsupported claims caught
    with 0.85 of supported ones accepted, every error type at least 0.6, well above containment; and
    the shipped thresholds are the ones tuning on every claim chooses."""
    code, out, err = run("eval", "claims", str(CLAIMS), "--folds", "5", "--json")
    assert code == 0, err
    report = json.loads(out)
    held = report["held_out"]
    assert held["unsupported"] == 120 and held["supported"] == 120
    assert held["catch"] >= 0.80 and held["acceptance"] >= 0.85, held
    for error, counts in held["by_error"].items():
        assert counts["catch"] >= 0.6, (error, counts)
    assert held["catch"] >= report["baseline"]["catch"] + 0.3
    assert report["shipped"] == dataclasses.asdict(SETTINGS)


def _sample_articles(limit: int) -> list[tuple[str, str]]:
    from prism.cli.demo import sample_corpus

    rows = []
    for path in sorted(sample_corpus().glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.append((row["title"], row["body"]))
    return rows[:limit]


def test_an_articles_own_sentences_pass_and_changed_numbers_do_not() -> None:
    """On articles the checker was not written from (our sample corpus): every full sentence of an
    article passes as a claim about it (so an extractive fallback always passes), and the same
    sentence with its first number changed is caught."""
    from prism.nlp.korean import analyze
    from prism.summarize.extractive import is_summary_worthy
    from prism.verify import check

    passed = total = caught = changed = 0
    for title, body in _sample_articles(20):
        analysis = analyze(title, body)
        for sentence in analysis.sentences:
            if not is_summary_worthy(sentence):
                continue
            total += 1
            passed += check(sentence.text, [analysis]).supported
            numbers = [q for q in quantities(sentence.text) if not q.is_date and q.value >= 2]
            if numbers:
                q = numbers[0]
                digits = sentence.text[q.start : q.end].split(",")[0].rstrip("조억만천백여 ")
                if digits.isdigit():
                    wrong = (
                        sentence.text[: q.start]
                        + str(int(digits) + 7)
                        + sentence.text[q.start + len(digits) :]
                    )
                    changed += 1
                    caught += not check(wrong, [analysis]).supported
    assert total > 100 and passed == total
    assert changed > 30 and caught >= 0.9 * changed, (caught, changed)
