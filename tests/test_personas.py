"""Personas: the packaged eight, readers' own files, and clear errors for bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from prism.cli import app
from prism.errors import ConfigError, NotFoundError
from prism.recommend.personas import DESCRIBED, get_persona, load_personas, parse_persona

KEYS = {
    "startup-founder": "스타트업 창업자",
    "job-seeker": "대학생·취업준비생",
    "new-employee": "신입 직장인",
    "office-worker": "직장인",
    "retail-investor": "개인 투자자",
    "small-business": "자영업자·소상공인",
    "executive": "기업 경영자·임원",
    "retiree": "은퇴 준비자·시니어",
}

GOOD = """
key: shipbuilder
name: 조선업 종사자
interests:
  조선: 3
  수주: 2
  LNG선: 2.5
topics:
  경제: 1.0
  스포츠: 0
"""


def test_the_eight_reader_types_ship_with_their_names() -> None:
    personas = load_personas()
    assert {key: p.name for key, p in personas.items()} == KEYS
    for persona in personas.values():
        assert len(persona.interests) >= 30
        assert persona.topic_weight("경제") >= 0.9  # an economic briefing
        assert persona.topic_weight("스포츠") < 0.1


def test_a_home_persona_is_added_and_can_replace_a_packaged_one(home: Path) -> None:
    folder = home / "personas"
    folder.mkdir(parents=True)
    (folder / "ship.yaml").write_text(GOOD, encoding="utf-8")
    (folder / "retiree.yaml").write_text(
        "key: retiree\nname: 은퇴자\ninterests: {연금: 3}\n", encoding="utf-8"
    )
    personas = load_personas()
    assert personas["shipbuilder"].interests["LNG선"] == 2.5
    assert personas["retiree"].name == "은퇴자"
    assert len(personas) == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key: [unclosed", "not valid YAML"),
        ("- a list\n- not a mapping", "expected a mapping"),
        ("name: 이름\ninterests: {a: 1}", "field 'key': Field required"),
        ("key: Bad Key\nname: 이름\ninterests: {금리: 1}", "field 'key'"),
        ("key: k\nname: 이름\ninterests: {}", "give interests, or a description to take them from"),
        ("key: k\nname: 이름\ndescription: 관심이 많다.", "the description names no interest"),
        ("key: k\nname: 이름\ndescription: '   '", "give interests, or a description"),
        ("key: k\nname: 이름\ndescription: 금리 동향\nnegative: 3", "field 'negative'"),
        ("key: k\nname: 이름\ninterests: {금리: 9}", "field 'interests.금리'"),
        ("key: k\nname: 이름\ninterests: {금리: 1}\ntopics: {연예: 1}", "unknown topic 연예"),
        ("key: k\nname: 이름\ninterests: {금리: 1}\ntopics: {경제: 2}", "field 'topics.경제'"),
        ("key: k\nname: 이름\ninterests: {금리: 1}\nhobbies: [등산]", "field 'hobbies'"),
    ],
)
def test_bad_persona_files_name_the_file_and_field(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"mine\.yaml") as caught:
        parse_persona(text, "mine.yaml")
    assert message in str(caught.value)


def test_a_bad_file_in_the_home_is_reported_by_the_cli(home: Path) -> None:
    (home / "personas").mkdir(parents=True)
    (home / "personas" / "broken.yaml").write_text("key: x\nname: 이름\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["personas", "list"])
    assert result.exit_code == 1
    assert "broken.yaml: give interests, or a description to take them from" in result.stderr
    assert "Traceback" not in result.output


def test_a_reader_type_written_from_its_description_alone_takes_its_nouns_as_core_interests(
    home: Path,
) -> None:
    (home / "personas").mkdir(parents=True)
    (home / "personas" / "farmer.yaml").write_text(
        "key: farmer\nname: 농업인\ndescription: 농산물 가격과 스마트팜 지원 동향에 관심이 많다.\n"
        "negative: {스마트팜: 1}\n",
        encoding="utf-8",
    )
    farmer = load_personas()["farmer"]
    assert farmer.interests == dict.fromkeys(["농산물", "농산물 가격", "스마트팜 지원"], DESCRIBED)
    # Not the description's frame (동향, 관심), nor a generic word alone (가격), nor a negative term.
    assert DESCRIBED == 3.0  # a core interest: what its writer names is what the reader type reads for
    # Given interests are kept as written: the description only switches facets on for them.
    written = parse_persona("key: k\nname: 이름\ndescription: 농산물 가격\ninterests: {쌀: 2}", "k.yaml")
    assert written.interests == {"쌀": 2}


def test_two_files_with_one_key_are_refused(home: Path) -> None:
    (home / "personas").mkdir(parents=True)
    for name in ("a.yaml", "b.yaml"):
        (home / "personas" / name).write_text(GOOD, encoding="utf-8")
    with pytest.raises(ConfigError, match="also defined in"):
        load_personas()


def test_unknown_persona_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match=r"unknown persona 'astronaut'.*startup-founder"):
        get_persona("astronaut")


def test_personas_commands() -> None:
    listed = CliRunner().invoke(app, ["personas", "list"])
    assert listed.exit_code == 0
    assert "스타트업 창업자" in listed.stdout and "retiree" in listed.stdout
    shown = CliRunner().invoke(app, ["personas", "show", "retail-investor", "--json"])
    assert shown.exit_code == 0
    assert '"name": "개인 투자자"' in shown.stdout
    missing = CliRunner().invoke(app, ["personas", "show", "astronaut"])
    assert missing.exit_code == 2
    assert "unknown persona 'astronaut'" in missing.stderr
