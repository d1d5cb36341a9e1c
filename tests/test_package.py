"""The wheel users install: pure Python, and every file the package reads is inside it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest

from prism import __version__

ROOT = Path(__file__).resolve().parents[1]


def tracked_files() -> list[str]:
    """Return the files git tracks in this checkout (what a clean clone holds)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    done = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("not a git checkout (an unpacked sdist?)")
    return [name for name in done.stdout.decode().split("\0") if name and (ROOT / name).is_file()]


def isolation_flags() -> list[str]:
    """Build with this interpreter's setuptools when it is new enough, else let pip fetch one."""
    try:
        major = int(installed_version("setuptools").split(".")[0])
    except (PackageNotFoundError, ValueError):
        major = 0
    return ["--no-build-isolation"] if major >= 77 else []


@pytest.mark.slow
def test_wheel_is_pure_and_carries_every_package_file(tmp_path: Path) -> None:
    files = tracked_files()
    # Build from a copy of the tracked files, as from a clean clone: untracked files in this checkout must
    # not hide a file the wheel would miss.
    source = tmp_path / "clone"
    for name in files:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    command = [sys.executable, "-m", "pip", "wheel", str(source), "-w", str(dist), "--no-deps", "-q"]
    done = subprocess.run(command + isolation_flags(), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr

    (wheel,) = dist.glob("*.whl")
    assert wheel.name == f"ai_prism-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"ai_prism-{__version__}.dist-info"
        tags = re.findall(r"^Tag: (.+)$", archive.read(f"{info}/WHEEL").decode(), flags=re.M)
        assert tags == ["py3-none-any"]
        assert archive.read(f"{info}/top_level.txt").decode().split() == ["prism"]
        assert "prism = prism.cli:main" in archive.read(f"{info}/entry_points.txt").decode()
    package_files = [name.removeprefix("src/") for name in files if name.startswith("src/prism/")]
    assert any(name.endswith(".html") for name in package_files)
    missing = [name for name in package_files if name not in names]
    assert not missing, f"the wheel lacks {missing}"
