"""Each test gets its own PRISM_HOME; store tests run on SQLite and on a real PostgreSQL when one is given."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from prism.config import Settings, get_settings
from prism.scale.executor import Executor
from prism.store import open_engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NEWS_8CLASS = SHARED / "data" / "news-ko-8class.jsonl"
PG_ENV = "PRISM_TEST_DATABASE_URL"
RAY_ENV = "PRISM_TEST_RAY_ADDRESS"


def pytest_report_header() -> list[str]:
    import importlib.util

    if importlib.util.find_spec("psycopg") is None:
        return ["PostgreSQL tier: off (psycopg not installed)", "Ray tier: off"]
    ray = "off (ray not installed)" if importlib.util.find_spec("ray") is None else "on"
    if os.environ.get(RAY_ENV) is None and importlib.util.find_spec("ray") is not None:
        ray = f"off ({RAY_ENV} not set)"
    return [
        f"PostgreSQL tier: {'on' if os.environ.get(PG_ENV) else f'off ({PG_ENV} not set)'}",
        f"Ray tier: {ray}",
    ]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point PRISM_HOME at a fresh folder and drop other PRISM_* settings, so no test touches real state."""
    for name in list(os.environ):
        if name.startswith("PRISM_") and name not in (PG_ENV, RAY_ENV):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("PRISM_HOME", str(home))
    return home


@pytest.fixture
def home(_isolated_home: Path) -> Path:
    return _isolated_home


@pytest.fixture
def settings(home: Path) -> Settings:
    return get_settings()


def _pg_admin_url() -> str:
    try:
        import psycopg  # noqa: F401
    except ImportError:  # the core-only run (`make test-core`) installs no database drivers
        pytest.skip("PostgreSQL tier skipped: psycopg is not installed (ai-prism[postgres])")
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_ENV} is not set in CI: .ci/run must start PostgreSQL")
        pytest.skip(f"PostgreSQL tier skipped: set {PG_ENV} (as .ci/run does) to run it")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """Yield the URL of a fresh, empty PostgreSQL database, dropped afterwards."""
    admin_url = make_url(_pg_admin_url()).set(drivername="postgresql+psycopg")
    name = f"prism_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def ray_executor() -> Iterator[Executor]:
    """Yield a Ray executor on the cluster at PRISM_TEST_RAY_ADDRESS (.ci/run starts one), this module's
    tests connected to it and disconnected after them."""
    ray = pytest.importorskip("ray", reason="Ray tier skipped: ray is not installed (ai-prism[ray])")
    address = os.environ.get(RAY_ENV)
    if not address:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{RAY_ENV} is not set in CI: .ci/run must start a Ray cluster")
        pytest.skip(f"Ray tier skipped: set {RAY_ENV} (as .ci/run does) to run it")
    import tests.scale
    from prism.scale.ray import RayExecutor

    # The cluster's workers cannot import the tests package: its task helpers travel by value.
    ray.cloudpickle.register_pickle_by_value(tests.scale)
    try:
        yield RayExecutor(address)
    finally:
        ray.cloudpickle.unregister_pickle_by_value(tests.scale)
        ray.shutdown()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database of each kind: the same store tests run on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(settings: Settings) -> Iterator[Engine]:
    engine = open_engine(settings.resolved_database_url)
    yield engine
    engine.dispose()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots", default=None, help="browser tests save their screenshots in this folder"
    )
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files under tests/golden with what the code renders now",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
