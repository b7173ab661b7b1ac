"""Reporters (spec §6): text like ruff/flake8, the JSON shape, GitHub annotations, SARIF 2.1.0."""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest

from bcp.findings import Finding, Location, Severity
from bcp.reporters import as_json, github, render, sarif, summary_line, text
from bcp.rules.registry import RULES
from test_reader import pos, replace, validate

TEXT_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) (?P<msg>.+)$")

@pytest.fixture
def findings(tmp_path):
    # S-findings stop the rules; use two plans: one with schema errors, one with rule findings
    r1 = validate(tmp_path, replace("  title: Test plan\n", "  title: Test plan\n  titel: x\n", replace('version: "1.0"', "version: 1.0")), "a.yaml")
    r2 = validate(tmp_path, replace("members: [alice, bob]", "members: [alice, bobb]"), "b.yaml")
    fs = sorted(r1.reported + r2.reported, key=lambda f: f.sort_key())
    assert {f.code for f in fs} >= {"S002", "S003", "R001", "R004"}
    return fs


def synthetic() -> list[Finding]:
    return [
        Finding("R001", "'x' is not defined", path=("services", 3, "deployments", 0, "site"), hint="did you mean 'y'?", location=Location("plans/a.yaml", 12, 7), severity=Severity.ERROR),
        Finding("C001", "no site-loss scenario names site dc1", path=("sites", 0), location=Location("plans/b.yaml", 3, 5), severity=Severity.WARNING),
        Finding("D002", "100% odd: a, b\nnext line", path=("plan",), location=Location("plans/b.yaml", 2, 1), severity=Severity.INFO),
    ]


# --- text ---------------------------------------------------------------------------------------


def test_text_lines_are_file_line_col_code_message_sorted(findings, tmp_path):
    out = text(findings)
    lines = out.splitlines()
    assert len(lines) == len(findings) and out.endswith("\n")
    keys = []
    for line in lines:
        m = TEXT_LINE.match(line)
        assert m, line
        keys.append((m["file"], int(m["line"]), int(m["col"])))
    assert keys == sorted(keys)
    # one exact line
    b = replace("members: [alice, bob]", "members: [alice, bobb]")
    line, col = pos(b, "bobb")
    assert f"{tmp_path / 'b.yaml'}:{line}:{col}: R001 'bobb' is not defined: a person is expected here (did you mean 'bob'?)" in lines


def test_text_of_nothing_is_empty():
    assert text([]) == ""


def test_summary_line():
    fs = synthetic()
    assert summary_line(fs, 2) == "2 plans checked: 1 error, 1 warning"
    assert summary_line([], 1) == "1 plan checked: no findings"


# --- json ---------------------------------------------------------------------------------------


def test_json_has_exactly_the_spec_shape(findings):
    doc = json.loads(as_json(findings))
    assert set(doc) == {"findings", "summary"}
    assert set(doc["summary"]) == {"errors", "warnings", "infos"}
    assert len(doc["findings"]) == len(findings)
    for item, f in zip(doc["findings"], findings):
        assert list(item) == ["code", "severity", "message", "file", "line", "column", "path", "hint"]
        assert item["code"] == f.code and item["message"] == f.message
        assert item["severity"] in ("error", "warning", "info")
        assert isinstance(item["line"], int) and item["line"] >= 1
        assert isinstance(item["column"], int) and item["column"] >= 1
        assert isinstance(item["path"], str)
        assert item["hint"] is None or isinstance(item["hint"], str)
    s = doc["summary"]
    assert s["errors"] == sum(f.severity is Severity.ERROR for f in findings)
    assert s["warnings"] == sum(f.severity is Severity.WARNING for f in findings)


def test_json_values():
    doc = json.loads(as_json(synthetic()))
    assert doc["findings"][0] == {
        "code": "R001",
        "severity": "error",
        "message": "'x' is not defined",
        "file": "plans/a.yaml",
        "line": 12,
        "column": 7,
        "path": "services[3].deployments[0].site",
        "hint": "did you mean 'y'?",
    }
    assert doc["findings"][2]["severity"] == "info" and doc["findings"][2]["hint"] is None
    assert doc["summary"] == {"errors": 1, "warnings": 1, "infos": 1}


def test_json_of_nothing():
    assert json.loads(as_json([])) == {"findings": [], "summary": {"errors": 0, "warnings": 0, "infos": 0}}


def test_json_keeps_non_ascii():
    f = Finding("S002", "'서울' is not one of: a, b", path=("sites", 0, "kind"), location=Location("계획.yaml", 1, 1))
    out = as_json([f])
    assert "서울" in out and json.loads(out)["findings"][0]["file"] == "계획.yaml"


# --- github ---------------------------------------------------------------------------------------


def test_github_annotations():
    lines = github(synthetic()).splitlines()
    assert lines[0] == "::error file=plans/a.yaml,line=12,col=7,title=R001::R001 'x' is not defined (did you mean 'y'?)"
    assert lines[1] == "::warning file=plans/b.yaml,line=3,col=5,title=C001::C001 no site-loss scenario names site dc1"
    # an annotation is one line: newlines and % escaped in the message
    assert lines[2] == "::notice file=plans/b.yaml,line=2,col=1,title=D002::D002 100%25 odd: a, b%0Anext line"
    assert len(lines) == 3


def test_github_escapes_properties():
    f = Finding("S002", "m", location=Location("dir,with:odd%name.yaml", 1, 2))
    (line,) = github([f]).splitlines()
    assert line.startswith("::error file=dir%2Cwith%3Aodd%25name.yaml,line=1,col=2,title=S002::")


def test_github_for_real_findings(findings):
    lines = github(findings).splitlines()
    assert len(lines) == len(findings)
    for line, f in zip(lines, findings):
        level = {"error": "error", "warning": "warning", "info": "notice"}[f.severity.value]
        assert line.startswith(f"::{level} file=") and f",line={f.location.line},col={f.location.column},title={f.code}::" in line


# --- sarif ---------------------------------------------------------------------------------------


def sarif_validator(shared_dir):
    import jsonschema

    schema = json.loads((shared_dir / "testdata" / "sarif-schema-2.1.0.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


_URI_REF = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


def test_sarif_validates_against_the_schema(findings, shared_dir):
    doc = json.loads(sarif(findings))
    sarif_validator(shared_dir).validate(doc)
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "bcp"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.code for r in RULES]
    assert len(run["results"]) == len(findings)
    for res, f in zip(run["results"], findings):
        assert res["ruleId"] == f.code
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == f.code
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[f.severity.value]
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region == {"startLine": f.location.line, "startColumn": f.location.column}
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert _URI_REF.match(uri), uri


def test_sarif_of_nothing_validates(shared_dir):
    doc = json.loads(sarif([]))
    sarif_validator(shared_dir).validate(doc)
    assert doc["runs"][0]["results"] == []


def test_sarif_uris_are_percent_encoded(shared_dir):
    fs = [
        Finding("S002", "m", location=Location("my plans/100% plan.yaml", 1, 1)),
        Finding("S002", "m", location=Location("/abs/계획 파일.yaml", 2, 3)),
        Finding("S002", "m", location=Location("./rel.yaml", 2, 3)),
    ]
    doc = json.loads(sarif(fs))
    sarif_validator(shared_dir).validate(doc)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]]
    assert uris[0] == "my%20plans/100%25%20plan.yaml"
    assert uris[1].startswith("file:///abs/") and urllib.parse.unquote(uris[1]) == "file:///abs/계획 파일.yaml"
    assert uris[2] == "rel.yaml"
    for u in uris:
        assert _URI_REF.match(u), u


def test_sarif_logical_location_is_the_plan_path():
    doc = json.loads(sarif(synthetic()))
    res = doc["runs"][0]["results"][0]
    assert res["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "services[3].deployments[0].site", "kind": "member"}]
    assert res["message"]["text"] == "'x' is not defined (did you mean 'y'?)"


def test_render_dispatches():
    fs = synthetic()
    assert render(fs, "text") == text(fs)
    assert render(fs, "json") == as_json(fs)
    assert render(fs, "github") == github(fs)
    assert render(fs, "sarif") == sarif(fs)
