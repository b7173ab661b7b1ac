"""Packaging: the wheel carries the document templates, and a regular (non-editable) install
of it builds a document from outside the repository — proof that the installed package finds
`bcp/templates` by itself and does not lean on the checkout's `templates/` folder.

Needs hatchling (the build backend) to build offline; skipped cleanly without it.
The whole module takes well under a minute (one wheel, one venv, one PDF).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL = os.path.join(ROOT, "plans", "small-en.yaml")
TEMPLATES = ("document.html.j2", "document.css", "print.css", "screen.css")
SDE = "1795521600"  # 2026-11-24 12:00 UTC

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("hatchling") is None,
                       reason="hatchling is not installed: cannot build the wheel offline (pip install hatchling)"),
    pytest.mark.skipif(importlib.util.find_spec("pip") is None, reason="pip is not installed"),
]


def sh(*cmd, cwd, timeout=60, env=None):
    e = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", SOURCE_DATE_EPOCH=SDE)
    e.pop("PYTHONPATH", None)
    if env:
        e.update(env)
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=str(cwd), timeout=timeout, env=e)
    assert p.returncode == 0, f"{cmd} failed ({p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"
    return p


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from a copy of the project's tracked sources (no stray output, caches or venvs)."""
    work = tmp_path_factory.mktemp("pkg")
    src = work / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("bcp", "templates"):
        shutil.copytree(os.path.join(ROOT, name), src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if os.path.exists(os.path.join(ROOT, name)):
            shutil.copy(os.path.join(ROOT, name), src / name)
    dist = work / "dist"
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", dist, ".", cwd=src)
    wheels = sorted(dist.glob("bcp-*.whl"))
    assert len(wheels) == 1, list(dist.iterdir())
    return wheels[0]


def test_wheel_contains_the_package_and_its_templates(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for t in TEMPLATES:
            assert f"bcp/templates/{t}" in names, t
            with open(os.path.join(ROOT, "templates", t), "rb") as fh:
                assert z.read(f"bcp/templates/{t}") == fh.read(), t
        for mod in ("bcp/__init__.py", "bcp/__main__.py", "bcp/cli.py", "bcp/render/build.py", "bcp/rules/registry.py"):
            assert mod in names, mod
        assert not any(n.startswith(("tests/", "plans/", "output/")) or "__pycache__" in n for n in names)
        ep = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        entry_points = z.read(ep).decode()
        assert "bcp = bcp.cli:entry" in entry_points


def test_installed_wheel_builds_a_document_outside_the_repository(wheel, tmp_path):
    venv = tmp_path / "venv"
    # --system-site-packages: the dependencies (weasyprint, pydantic, …) and pip come from the
    # running Python, so nothing is downloaded; --without-pip keeps it quick.
    sh(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv, cwd=tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / ("python.exe" if os.name == "nt" else "python")
    # --ignore-installed: the development install of bcp seen through the system site-packages
    # must not count as "already satisfied"; the venv gets its own copy from the wheel.
    sh(py, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "-q", wheel, cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = sh(py, "-c", "import bcp, bcp.render.build as b; print(bcp.__file__); print(b.templates_dir())", cwd=elsewhere).stdout.split("\n")
    site = os.path.realpath(venv)
    assert os.path.realpath(where[0]).startswith(site + os.sep), f"bcp imported from {where[0]}, not from the venv"
    assert os.path.realpath(where[1]).startswith(site + os.sep), f"templates found at {where[1]}, not in the installed package"
    assert os.path.realpath(where[1]).endswith(os.path.join("bcp", "templates"))

    bcp = bindir / ("bcp.exe" if os.name == "nt" else "bcp")
    assert bcp.exists(), "the wheel's console script was not installed"
    out = elsewhere / "out"
    p = sh(bcp, "build", SMALL, "-o", out, "-f", "pdf", cwd=elsewhere)
    pdf = out / "northwind-shop-bcp.pdf"
    assert p.stdout.splitlines() == [str(pdf)]
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 10_000
    assert sorted(os.listdir(out)) == ["northwind-shop-bcp.pdf"]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8")
        assert "Northwind" in text
