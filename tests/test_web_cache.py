"""The web app's shared values: computed once, refreshed once per change in the background while the previous
value is served, and caught up with once the refresh is done. Counts and order, never times."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine

from prism.web.cache import Latest, Refresher
from prism.web.personas import PersonaFiles
from prism.web.routes.search import _terms, query_terms


class Store:
    """A version the test moves on, and a count of the computations of each version."""

    def __init__(self) -> None:
        self.version = 1
        self.computed: list[int] = []
        self.gate = threading.Event()  # a computation waits for it
        self.gate.set()
        self.started = threading.Event()

    def read_version(self, _: Connection) -> int:
        return self.version

    def compute(self, _: Connection) -> str:
        version = self.version
        self.started.set()
        self.gate.wait()
        self.computed.append(version)
        return f"value {version}"


@pytest.fixture
def memory() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    yield engine
    engine.dispose()


@pytest.fixture
def refresher(memory: Engine) -> Iterator[Refresher]:
    refresher = Refresher(memory)
    yield refresher
    refresher.close()


def test_first_value_is_computed_once_by_the_request(memory: Engine, refresher: Refresher) -> None:
    store = Store()
    cache = Latest[str](refresher, keep=4, version=store.read_version)
    with memory.connect() as conn:
        assert cache.get(conn, "all", store.compute) == "value 1"
        assert cache.get(conn, "all", store.compute) == "value 1"
    assert store.computed == [1]


def test_requests_asking_for_a_first_value_at_once_share_one_computation(
    memory: Engine, refresher: Refresher
) -> None:
    store = Store()
    store.gate.clear()
    cache = Latest[str](refresher, keep=4, version=store.read_version)
    answers: list[str] = []

    def ask() -> None:
        with memory.connect() as conn:
            answers.append(cache.get(conn, "all", store.compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    store.started.wait()
    store.gate.set()
    for thread in threads:
        thread.join()
    assert answers == ["value 1"] * 8
    assert store.computed == [1]


def test_a_stale_value_is_served_while_one_refresh_runs_then_the_new_one(
    memory: Engine, refresher: Refresher
) -> None:
    store = Store()
    cache = Latest[str](refresher, keep=4, version=store.read_version)
    with memory.connect() as conn:
        assert cache.get(conn, "all", store.compute) == "value 1"
        store.version = 2
        store.gate.clear()
        store.started.clear()
        # Many requests notice the change while the refresh is held: each is served the previous value
        # at once, and one refresh is started, not one per request.
        answers = [cache.get(conn, "all", store.compute) for _ in range(20)]
        store.started.wait()
        answers += [cache.get(conn, "all", store.compute) for _ in range(20)]
        assert answers == ["value 1"] * 40
        store.gate.set()
        refresher.wait()
        assert cache.get(conn, "all", store.compute) == "value 2"
        assert cache.get(conn, "all", store.compute) == "value 2"
    assert store.computed == [1, 2]
    assert cache.computed == 2


def test_a_name_is_refreshed_at_most_once_a_pause(memory: Engine, refresher: Refresher) -> None:
    store = Store()
    now = [0.0]
    cache = Latest[str](refresher, keep=4, version=store.read_version, pause=10.0, clock=lambda: now[0])
    with memory.connect() as conn:
        assert cache.get(conn, "all", store.compute) == "value 1"
        store.version = 2
        now[0] = 9.0
        assert cache.get(conn, "all", store.compute) == "value 1"
        refresher.wait()
        assert cache.get(conn, "all", store.compute) == "value 1"  # no refresh within the pause
        assert store.computed == [1]
        now[0] = 10.0
        assert cache.get(conn, "all", store.compute) == "value 1"  # the pause is over: refreshed
        refresher.wait()
        assert cache.get(conn, "all", store.compute) == "value 2"
        store.version = 3
        now[0] = 15.0
        assert cache.get(conn, "all", store.compute) == "value 2"
        refresher.wait()
    assert store.computed == [1, 2]


def test_the_version_is_read_at_most_once_a_check(memory: Engine, refresher: Refresher) -> None:
    """Requests do not count the store's rows each time: within a name's pause the version is not read at
    all, and after it at most once every `check` seconds; a change is still picked up."""
    store = Store()
    reads = [0]

    def read_version(conn: Connection) -> int:
        reads[0] += 1
        return store.read_version(conn)

    now = [0.0]
    cache = Latest[str](refresher, keep=4, version=read_version, pause=10.0, check=1.0, clock=lambda: now[0])
    with memory.connect() as conn:
        assert cache.get(conn, "all", store.compute) == "value 1"
        assert reads[0] == 1
        for _ in range(50):  # within the pause
            cache.get(conn, "all", store.compute)
        assert reads[0] == 1
        now[0] = 10.0
        for _ in range(50):  # past the pause: one read a second
            cache.get(conn, "all", store.compute)
        assert reads[0] == 2
        store.version = 2
        now[0] = 10.5
        assert cache.get(conn, "all", store.compute) == "value 1" and reads[0] == 2  # checked 0.5 s ago
        now[0] = 11.0
        assert cache.get(conn, "all", store.compute) == "value 1"  # seen: refreshing
        refresher.wait()
        assert reads[0] == 4  # this request's read and the refresh's own
        assert cache.get(conn, "all", store.compute) == "value 2"
    assert store.computed == [1, 2]


def test_a_refresh_computes_the_store_as_it_is_when_it_runs(memory: Engine, refresher: Refresher) -> None:
    """The store moved on between the request that noticed and the refresh: the refresh computes (and
    records) the newer version, so the requests after it need no other refresh."""
    store = Store()
    cache = Latest[str](refresher, keep=4, version=store.read_version)
    blocker = threading.Event()
    refresher.submit(lambda _: blocker.wait())  # the refresher is busy with something else
    with memory.connect() as conn:
        assert cache.get(conn, "all", store.compute) == "value 1"
        store.version = 2
        assert cache.get(conn, "all", store.compute) == "value 1"  # the refresh waits its turn
        store.version = 3
        blocker.set()
        refresher.wait()
        assert cache.get(conn, "all", store.compute) == "value 3"
    refresher.wait()
    assert store.computed == [1, 3]


def test_a_failed_refresh_keeps_the_previous_value_and_the_next_change_tries_again(
    memory: Engine, refresher: Refresher
) -> None:
    store = Store()
    cache = Latest[str](refresher, keep=4, version=store.read_version)

    def failing(_: Connection) -> str:
        raise RuntimeError("the database went away")

    with memory.connect() as conn:
        assert cache.get(conn, "all", store.compute) == "value 1"
        store.version = 2
        assert cache.get(conn, "all", failing) == "value 1"
        refresher.wait()
        assert cache.get(conn, "all", store.compute) == "value 1"  # still stale: tries again
        refresher.wait()
        assert cache.get(conn, "all", store.compute) == "value 2"
    assert store.computed == [1, 2]


def test_names_apart_and_the_least_recently_used_go(memory: Engine, refresher: Refresher) -> None:
    store = Store()
    cache = Latest[str](refresher, keep=2, version=store.read_version)
    with memory.connect() as conn:
        for name in ("all", "24h", "all", "7d", "24h"):
            cache.get(conn, name, store.compute)
    # "all", "24h", "7d" computed; "24h" was dropped for "7d" (all was used after it) and computed again.
    assert cache.computed == 4


PERSONA = """key: {key}
name: 테스트 독자
interests: {{반도체: 3}}
"""


def test_persona_files_are_parsed_again_only_when_one_changes(tmp_path: Path) -> None:
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "mine.yaml").write_text(PERSONA.format(key="mine"), encoding="utf-8")
    files = PersonaFiles(tmp_path)
    first = files.get()
    assert "mine" in first
    assert files.get() is first
    assert files.loads == 1
    (folder / "other.yaml").write_text(PERSONA.format(key="other"), encoding="utf-8")
    assert "other" in files.get()
    mine = folder / "mine.yaml"
    mine.write_text(PERSONA.format(key="mine").replace("테스트 독자", "바뀐 이름"), encoding="utf-8")
    assert files.get()["mine"].name == "바뀐 이름"
    (folder / "other.yaml").unlink()
    assert "other" not in files.get()
    assert files.loads == 4


def test_a_query_is_read_by_kiwi_once() -> None:
    _terms.cache_clear()
    first = query_terms("반도체 수출이 늘었다")
    second = query_terms("반도체 수출이 늘었다")
    assert first == second and "반도체" in first
    second["반도체"] = 0.0  # the caller's copy: the cached terms stay as Kiwi read them
    assert query_terms("반도체 수출이 늘었다")["반도체"] == 1.0
    assert _terms.cache_info().misses == 1


def test_trend_series_are_computed_once_per_fitted_pool() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    from prism.pipeline import Fitted, fit
    from prism.web.routes.trends import TrendSeries
    from tests.pools import synthetic_pool

    def fitted() -> Fitted:
        pool = synthetic_pool()
        recommender = fit(pool, recommender="prism", now=None)
        return Fitted(day=date(2026, 11, 27), window="all", pool=pool, recommender=recommender, notices=())

    series = TrendSeries()
    zone = ZoneInfo("Asia/Seoul")
    first, second = fitted(), fitted()
    assert series.get(first, zone, 7) is series.get(first, zone, 7)
    assert series.computed == 1
    assert series.get(first, zone, 30)[0] != series.get(first, zone, 7)[0]  # by number of days
    assert series.computed == 2
    assert series.get(second, zone, 7) == series.get(second, zone, 7)  # a new pool: computed again, once
    assert series.computed == 3
