"""Facets widen a reader type's interests with the synonyms and related terms of economic news."""

from __future__ import annotations

from prism.recommend import facets
from prism.recommend.personas import Persona, parse_persona
from prism.recommend.pool import build_pool
from prism.recommend.reasons import FILLER_REASON
from prism.recommend.recommender import PrismRecommender
from prism.recommend.score import described, expanded_interests
from tests.pools import NOW, PENSIONS, STOCKS, row


def test_every_facet_is_a_list_of_distinct_terms() -> None:
    found = facets.facets()
    assert len(found) >= 40
    for name, terms in found.items():
        assert terms and all(term.strip() == term and term for term in terms), name
        assert len(set(terms)) == len(terms), name


def test_a_term_switches_on_its_facets_at_a_fraction_of_its_weight() -> None:
    terms = facets.widened({"기준금리": 2.0, "연준": 3.0}, negative=["한은"])
    assert terms["기준금리"] == 2.0 and terms["연준"] == 3.0  # named terms keep their own weight
    assert terms["금통위"] == 3.0 * facets.FACET_WEIGHT  # the strongest switching term of the facet
    assert "한은" not in terms  # a negative term is never added
    assert "코스피" not in terms  # a facet nothing switched on


def test_the_description_switches_facets_on() -> None:
    nouns = described("은퇴했다. 연금과 의료비에 관심이 많다.")
    assert {"연금", "의료비"} <= set(nouns)
    terms = facets.widened({"노후": 1.0}, described=nouns)
    assert terms["국민연금"] == facets.DESCRIPTION_WEIGHT * facets.FACET_WEIGHT
    assert terms["건강보험료"] == facets.DESCRIPTION_WEIGHT * facets.FACET_WEIGHT
    assert "연금" not in terms or terms["연금"] < facets.DESCRIPTION_WEIGHT  # switches, is not an interest


def test_a_persona_can_turn_facets_off() -> None:
    on = Persona(key="r", name="r", interests={"연금": 3}, expand=False)
    off = on.model_copy(update={"facets": False})
    assert expanded_interests(off) == {"연금": 3}
    assert expanded_interests(on)["퇴직연금"] == 3 * facets.FACET_WEIGHT


def test_a_reader_type_written_from_its_description_reads_the_news_words() -> None:
    """연금 in a one-line description finds the 국민연금 and 퇴직연금 stories; and they are 참고, not 관심:
    the reader type's own words are not in them."""
    rows = [
        row(10 + i, [PENSIONS[i], PENSIONS[i + 1]], text=f"p{i}") for i in range(3)
    ]  # 국민연금, 퇴직연금…
    rows += [row(20, ["날씨", "기온"], text="w")]
    pool = build_pool(rows)
    reader = Persona(
        key="r", name="r", description="연금에 관심이 많다.", interests={"의료비": 3}, topics={"경제": 1.0}
    )
    picks = PrismRecommender().fit(pool, now=NOW.timestamp()).recommend(reader)
    assert {p.article_id for p in picks} >= {10, 11}
    assert 20 not in {p.article_id for p in picks if p.reasons and "날씨" in p.reasons[0]}
    assert all(p.kind == "reference" for p in picks)
    blind = reader.model_copy(update={"facets": False})
    assert not any(
        p.article_id in (10, 11) and p.matched for p in PrismRecommender().fit(pool).recommend(blind)
    )


def test_own_interests_are_interest_news_even_when_a_facet_story_scores_higher() -> None:
    """관심 = about the reader type's own interests; a story only its facets reach is 참고."""
    rows = [
        row(0, ["퇴직연금", "개인연금"], text="a", hours=0.1),
        row(1, ["국민연금", "노후"], text="b", hours=20),
    ]
    reader = Persona(key="r", name="r", interests={"국민연금": 3}, topics={"경제": 1.0}, expand=False)
    picks = PrismRecommender().fit(build_pool(rows), now=NOW.timestamp()).recommend(reader)
    kinds = {p.article_id: p.kind for p in picks}
    assert kinds[1] == "interest"
    assert kinds[0] == "reference"  # by rank alone both would be 관심 (the first three are)


def test_a_reader_type_with_only_a_description_gets_its_stories_as_interest_news() -> None:
    """A file with no interests: the description's nouns are core interests, so the stories about them
    are 관심 뉴스, and the others are at most labelled economic filler."""
    pool = build_pool(
        [
            row(10 + i, [STOCKS[i + 1], STOCKS[i + 2]]) for i in range(3)
        ]  # 주가 배당, 배당 공모주, 공모주 시가총액
        + [row(20 + i, [PENSIONS[i], PENSIONS[i + 1]]) for i in range(3)]
        + [row(30, ["날씨", "기온"])]
    )
    investor = parse_persona(
        "key: investor\nname: 투자자\ndescription: 배당과 공모주, 시가총액의 동향에 관심이 많다.\n",
        "investor.yaml",
    )
    assert set(investor.interests) == {"배당", "공모주", "시가총액"}
    picks = PrismRecommender().fit(pool, now=NOW.timestamp()).recommend(investor)
    assert {p.article_id for p in picks if p.kind == "interest"} == {10, 11, 12}
    assert all(p.reasons[0] == FILLER_REASON for p in picks if p.article_id not in (10, 11, 12))
