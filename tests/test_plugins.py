"""Plugins: a package built and installed here adds a renderer and a summarizer through the entry-point
group `prism`; `prism plugins --json` lists them and `prism brief` uses them by name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prism.errors import ConfigError, UsageError
from prism.registry import POINTS, Registry, registries

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "prism" / "data" / "sample"

PLUGIN = '''
"""A tiny AI PRISM plugin: a renderer that lists the picks' titles, and a one-sentence summarizer."""

from prism.brief.render import renderer
from prism.summarize.base import Summary, from_indices, summarizers


@renderer("titles", suffix="titles.txt", media_type="text/plain; charset=utf-8")
def titles(briefing):
    return "".join(f"* {pick.title}\\n" for pick in briefing.picks)


@summarizers.register("first-sentence")
class FirstSentence:
    def summarize(self, analysis, *, sentences=4, max_chars=None, exclude=()):
        kept = [s.index for s in analysis.sentences if s.index not in exclude]
        return from_indices(analysis, kept[:1])
'''


def build_plugin(folder: Path, name: str, module_text: str) -> Path:
    """Write a plugin project under `folder` and install it (not editable) into `folder/site`."""
    project = folder / name
    package = project / name.replace("-", "_")
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(module_text), encoding="utf-8")
    (project / "pyproject.toml").write_text(
        textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{name}"
        version = "0.3.0"

        [project.entry-points.prism]
        {name} = "{name.replace("-", "_")}"
        """),
        encoding="utf-8",
    )
    site = folder / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(project)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return site


def prism(site: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "PRISM_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "prism", *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plugins")
    build_plugin(folder, "prism-titles", PLUGIN)
    return build_plugin(folder, "prism-broken", "import a_module_that_is_not_there\n")


@pytest.mark.slow
def test_plugin_adds_a_renderer_and_a_summarizer(plugin_site: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    listed = prism(plugin_site, home, "plugins", "--json")
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    plugin = next(p for p in found["plugins"] if p["name"] == "prism-titles")
    assert plugin["distribution"] == "prism-titles" and plugin["version"] == "0.3.0"
    assert plugin["registers"] == {"summarizers": ["first-sentence"], "renderers": ["titles"]}
    assert {"name": "titles", "origin": "prism-titles"} in found["points"]["renderers"]
    # A plugin that fails to import is reported, and stops nothing.
    assert [f["name"] for f in found["failed"]] == ["prism-broken"]
    assert "a_module_that_is_not_there" in found["failed"][0]["error"]

    ingested = prism(plugin_site, home, "ingest", str(SAMPLE))
    assert ingested.returncode == 0, ingested.stderr
    shown = prism(
        plugin_site, home, "brief", "-p", "startup-founder", "--window", "all", "--format", "titles"
    )
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert len(lines) == 6 and all(line.startswith("* ") for line in lines)

    def summaries(*extra: str) -> list[list[str]]:
        done = prism(
            plugin_site, home, "brief", "-p", "startup-founder", "--window", "all", "-f", "json", *extra
        )
        assert done.returncode == 0, done.stderr
        edition = json.loads(done.stdout)
        return [pick["sentences"] for pick in edition["interest"] + edition["reference"]]

    ours, theirs = summaries(), summaries("--summarizer", "first-sentence")
    assert any(len(sentences) > 1 for sentences in ours)
    assert all(len(sentences) == 1 for sentences in theirs)

    unknown = prism(plugin_site, home, "brief", "-p", "startup-founder", "--summarizer", "nope")
    assert unknown.returncode == 2
    assert "summarizer 'nope' is not one of" in unknown.stderr and "first-sentence" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_every_extension_point_has_its_builtins() -> None:
    names = {point: registry.names() for point, registry in registries().items()}
    assert set(POINTS) == set(names)
    assert names["readers"] == ["jsonl", "csv", "txt", "rss", "html"]
    assert names["renderers"] == ["text", "md", "html", "json"]
    assert {"extractive", "lead", "textrank"} <= set(names["summarizers"])
    assert names["writers"] == ["extractive", "openai"]
    assert names["recommenders"] == ["prism", "bm25", "random"]


def test_a_name_is_taken_once() -> None:
    registry: Registry[object] = Registry("widget", "things for a test")
    first = object()
    registry.add("one", first)
    registry.add("one", first)  # the same object again: a module imported twice
    with pytest.raises(ConfigError, match="'one'"):
        registry.add("one", object())
    with pytest.raises(ConfigError, match="letters, digits"):
        registry.add("two words", object())
    with pytest.raises(UsageError, match="widget 'three' is not one of one"):
        registry.get("three")


def test_the_settings_digest_records_the_stages(home: Path) -> None:
    from prism.config import get_settings
    from prism.pipeline import settings_digest
    from prism.recommend.personas import load_personas

    persona = load_personas(home)["startup-founder"]
    digests = {
        settings_digest(get_settings(**choice), persona)
        for choice in ({}, {"summarizer": "lead"}, {"writer": "other"}, {"recommender": "bm25"})
    }
    assert len(digests) == 4
