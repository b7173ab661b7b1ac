"""The official YAML test suite's 402 inputs (../shared/testdata/yaml-test-suite): none is
a plan, so every one must give findings with a line and a column, and fail — never an
exception, never a hang."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
import time

import pytest

from conftest import SHARED
from bcp.engine import validate_source
from bcp.loader import PlanSource

SUITE = SHARED / "testdata" / "yaml-test-suite"
AS_OF = dt.date(2026, 11, 24)
READ_CODES = {"Y001", "Y002", "Y004", "Y005"}

# Invalid YAML that libyaml (the parser under PyYAML's C extension) accepts: known
# conformance gaps of libyaml itself. bcp still refuses each of them (S005: no `bcp: 1`
# mapping), so they fail all the same, only not as Y001.
LIBYAML_ACCEPTS = {
    "9C9N",
    "9JBA",
    "CVW2",
    "DK95-01",
    "G5U8",
    "MUS6-00",
    "QB6E",
    "S98Z",
    "SU5Z",
    "X4QW",
    "Y79Y-003",
    "YJV2",
}


def _cases() -> list[tuple[str, bool]]:
    if not SUITE.is_dir():
        return []
    with open(SUITE / "cases.tsv", newline="") as fh:
        errors = {row["id"]: row["error"] == "1" for row in csv.DictReader(fh, delimiter="\t")}
    return [(p.name, errors.get(p.stem, False)) for p in sorted(SUITE.glob("*.yaml"))]


CASES = _cases()


def test_the_suite_is_all_there(shared_dir):
    assert len(CASES) == 402
    assert sum(err for _, err in CASES) == 94


@pytest.mark.parametrize("name, invalid", CASES or [pytest.param("none", False, marks=pytest.mark.skip("../shared is not present"))], ids=[c[0] for c in CASES] or ["absent"])
def test_suite_case_fails_with_located_findings(shared_dir, name, invalid):
    path = str(SUITE / name)
    t = time.perf_counter()
    r = validate_source(PlanSource(path, [path]), AS_OF)
    assert time.perf_counter() - t < 2.0
    assert r.findings, name
    for f in r.findings:
        assert f.location is not None and f.location.file == path
        assert f.location.line >= 1 and f.location.column >= 1, (f.code, f.location)
        assert f.message
    assert r.failed()
    codes = {f.code for f in r.findings}
    if invalid and name[:-5] not in LIBYAML_ACCEPTS:
        assert codes & READ_CODES, (name, codes)
    if codes & {"Y001", "Y004", "Y005"}:
        # a refused file adds nothing else of its own
        assert len(r.findings) == 1, [(f.code, f.message) for f in r.findings]


def test_known_libyaml_gaps_are_still_gaps(shared_dir):
    """When libyaml learns to refuse one of these, it moves out of the list."""
    for cid in sorted(LIBYAML_ACCEPTS):
        path = str(SUITE / f"{cid}.yaml")
        r = validate_source(PlanSource(path, [path]), AS_OF)
        assert not {f.code for f in r.findings} & READ_CODES, cid


def _cli(*args, cwd):
    p = subprocess.run([sys.executable, "-m", "bcp", "validate", *args, "--as-of", "2026-11-24"], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert "Traceback" not in p.stdout + p.stderr, p.stderr
    return p


SAMPLE = ["236B.yaml", "229Q.yaml", "2G84-00.yaml", "27NA.yaml", "9C9N.yaml", "SU5Z.yaml"]


def test_a_sample_through_the_real_cli(shared_dir, tmp_path):
    # each in a folder of its own: in the suite's folder a file stands for all 402 (fragments)
    args = []
    for name in SAMPLE:
        d = tmp_path / name[:-5]
        d.mkdir()
        shutil.copy(SUITE / name, d / name)
        args.append(str(d / name))
    p = _cli(*args, cwd=tmp_path)
    assert p.returncode == 1
    lines = p.stdout.splitlines()
    for name in SAMPLE:
        assert any(line.startswith(str(tmp_path / name[:-5] / name) + ":") for line in lines), name
    for line in lines:
        file, line_no, col, rest = line.split(":", 3)
        assert int(line_no) >= 1 and int(col) >= 1 and rest.startswith(" ")


def test_the_whole_suite_folder_as_one_plan_of_fragments(shared_dir, tmp_path):
    t = time.perf_counter()
    p = _cli(str(SUITE), "--format", "json", cwd=tmp_path)
    assert time.perf_counter() - t < 30
    assert p.returncode == 1
    import json

    doc = json.loads(p.stdout)
    assert doc["summary"]["errors"] >= 94
    files = {f["file"] for f in doc["findings"]}
    assert len(files) > 300
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in doc["findings"])
