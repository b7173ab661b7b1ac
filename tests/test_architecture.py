"""Boundaries that keep bcp easy to change (and `validate` fast enough for a pre-commit hook)."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

from conftest import ROOT

PKG = ROOT / "bcp"


def _imports(path: pathlib.Path) -> set[str]:
    mods = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", line)
        if m:
            mods.add((m.group(1) or m.group(2)).split(".")[0])
    return mods


def test_only_the_cli_imports_click():
    offenders = [p.relative_to(ROOT) for p in PKG.rglob("*.py") if p.name != "cli.py" and "click" in _imports(p)]
    assert offenders == []


def test_only_the_renderer_imports_jinja2_and_weasyprint():
    offenders = [
        p.relative_to(ROOT)
        for p in PKG.rglob("*.py")
        if "render" not in p.relative_to(PKG).parts and _imports(p) & {"jinja2", "weasyprint"}
    ]
    assert offenders == []


def test_reading_model_analysis_and_rules_never_import_the_renderer():
    for p in PKG.rglob("*.py"):
        rel = p.relative_to(PKG)
        if rel.parts[0] in ("render",) or rel.name == "cli.py":
            continue
        text = p.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(bcp\.render|\.render|\.\.render)\b", text, re.M), rel


def test_validate_does_not_load_the_renderer(tmp_path):
    plan = ROOT / "plans" / "kakao-messenger"
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bcp", "validate", "--as-of", "2026-11-24", str(plan)],
        capture_output=True,
        text=True,
    )
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert "bcp" in loaded  # importtime worked
    assert not loaded & {"weasyprint", "jinja2", "pydyf", "fontTools"}
