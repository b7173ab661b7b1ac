"""The command line (spec §6): exit codes, options, rules, schema, init — never a traceback."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bcp import __version__
from bcp.cli import main
from bcp.rules.registry import RULES
from test_reader import BASE, billion_laughs, pos, replace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = ["--as-of", "2026-11-24"]
COMMANDS = ["validate", "build", "simulate", "rules", "schema", "init"]


def cli(*args, env=None):
    """Run `bcp` in-process. Returns (exit code, stdout, stderr)."""
    r = CliRunner().invoke(main, list(args), env=env, catch_exceptions=True)
    out, err = r.stdout, r.stderr
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in out and "Traceback" not in err
    return r.exit_code, out, err


def proc(*args, cwd=None, input=None, env=None):
    """Run `python -m bcp` as a real process."""
    e = dict(os.environ)
    e.pop("SOURCE_DATE_EPOCH", None)
    if env:
        e.update(env)
    p = subprocess.run([sys.executable, "-m", "bcp", *args], capture_output=True, text=True, cwd=cwd or ROOT, input=input, env=e, timeout=60)
    assert "Traceback" not in p.stdout and "Traceback" not in p.stderr, p.stderr
    return p.returncode, p.stdout, p.stderr


def write(tmp_path, text, name="plan.yaml"):
    p = tmp_path / name
    p.write_text(text) if isinstance(text, str) else p.write_bytes(text)
    return str(p)


# --- version and help -------------------------------------------------------------------------


def test_version():
    rc, out, _ = proc("--version")
    assert rc == 0 and out.strip() == f"bcp, version {__version__}"


def test_top_level_help():
    rc, out, _ = cli("--help")
    assert rc == 0
    for c in COMMANDS:
        assert c in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    rc, out, _ = cli(command, "--help")
    assert rc == 0 and out.startswith(f"Usage: main {command}") or out.startswith(f"Usage: bcp {command}")
    rc, out2, _ = cli(command, "-h")
    assert rc == 0 and out2 == out


def test_no_command_shows_usage():
    rc, out, err = cli()
    assert rc in (0, 2) and "Usage" in out + err


# --- validate: exit codes ---------------------------------------------------------------------


def test_clean_plan_exits_0_and_prints_nothing_on_stdout(tmp_path):
    # checks.ignore accepts the two C001 warnings: nothing left to print
    text = BASE + 'checks:\n  ignore:\n    - {rule: C001, reason: "no scenarios in this test plan"}\n'
    rc, out, err = cli("validate", write(tmp_path, text), *AS_OF)
    assert rc == 0 and out == ""
    rc, out, err = cli("validate", write(tmp_path, text), *AS_OF, "--strict")
    assert rc == 0 and out == ""


def test_warnings_pass_unless_strict(tmp_path):
    path = write(tmp_path, BASE)
    rc, out, err = cli("validate", path, *AS_OF)
    assert rc == 0
    assert f"{path}:{pos(BASE, '{id: dc1')[0]}:{pos(BASE, '{id: dc1')[1]}: C001 " in out
    assert "0 errors, 2 warnings" in err
    rc, out, err = cli("validate", path, *AS_OF, "--strict")
    assert rc == 1


def test_errors_exit_1(tmp_path):
    text = replace("owner: crisis", "owner: crsis")
    path = write(tmp_path, text)
    rc, out, err = cli("validate", path, *AS_OF)
    assert rc == 1
    line, col = pos(text, "crsis")
    assert f"{path}:{line}:{col}: R001 'crsis' is not defined: a role is expected here (did you mean 'crisis'?)" in out.splitlines()


def test_one_failing_plan_of_two_fails(tmp_path):
    (tmp_path / "g").mkdir()
    (tmp_path / "b").mkdir()
    good = write(tmp_path / "g", BASE, "good.yaml")
    bad = write(tmp_path / "b", "bcp: 1\nx: [", "bad.yaml")
    assert cli("validate", good, *AS_OF)[0] == 0
    rc, out, _ = cli("validate", good, bad, *AS_OF)
    assert rc == 1 and f"{bad}:3:1: Y001 " in out  # the end of the file: where ']' was expected


def test_text_output_is_sorted_across_plans(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    b = write(tmp_path / "b", replace("owner: crisis", "owner: crsis"))
    a = write(tmp_path / "a", replace("members: [alice, bob]", "members: [alice, bobb]"))
    rc, out, _ = cli("validate", b, a, *AS_OF)
    files = [line.split(":")[0] for line in out.splitlines()]
    assert files == sorted(files) and files[0] == a


@pytest.mark.parametrize(
    "args, words",
    [
        (["validate", "/definitely/not/here.yaml"], "no such file"),
        (["validate"], "Missing argument"),
        (["validate", "--bogus", "x.yaml"], "No such option"),
        (["validate", "PLAN", "--as-of", "2026-13-01"], "--as-of"),
        (["validate", "PLAN", "--as-of", "tomorrow"], "--as-of"),
        (["validate", "PLAN", "--format", "xml"], "--format"),
        (["rules", "Z999"], "unknown rule"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, words):
    path = write(tmp_path, BASE)
    args = [path if a == "PLAN" else a for a in args]
    rc, out, err = cli(*args)
    assert rc == 2
    assert words in out + err


def test_empty_folder_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    rc, out, err = cli("validate", str(tmp_path / "empty"))
    assert rc == 2 and "no *.yaml" in err


def test_bad_source_date_epoch_is_a_usage_error(tmp_path):
    rc, out, err = cli("validate", write(tmp_path, BASE), env={"SOURCE_DATE_EPOCH": "soon"})
    assert rc == 2 and "SOURCE_DATE_EPOCH" in out + err


def test_source_date_epoch_sets_the_as_of_date(tmp_path):
    # review.last 2026-10-01 + 1y: overdue on 2027-10-02, not on 2027-10-01
    path = write(tmp_path, BASE)
    for day, overdue in (("2027-10-01", False), ("2027-10-03", True)):
        import datetime as dt

        epoch = int(dt.datetime.fromisoformat(day + "T12:00:00+00:00").timestamp())
        rc, out, _ = cli("validate", path, "--format", "json", env={"SOURCE_DATE_EPOCH": str(epoch)})
        codes = [f["code"] for f in json.loads(out)["findings"]]
        assert ("D001" in codes) is overdue, (day, codes)


# --- validate: formats ---------------------------------------------------------------------


def test_json_format(tmp_path):
    text = replace("owner: crisis", "owner: crsis")
    path = write(tmp_path, text)
    rc, out, err = cli("validate", path, *AS_OF, "--format", "json")
    assert rc == 1
    doc = json.loads(out)
    r001 = [f for f in doc["findings"] if f["code"] == "R001"]
    line, col = pos(text, "crsis")
    assert r001 == [
        {
            "code": "R001",
            "severity": "error",
            "message": "'crsis' is not defined: a role is expected here",
            "file": path,
            "line": line,
            "column": col,
            "path": "plan.owner",
            "hint": "did you mean 'crisis'?",
        }
    ]
    assert doc["summary"]["errors"] == 1
    assert err == ""  # machine formats keep stderr quiet


def test_json_format_excludes_accepted_findings(tmp_path):
    text = BASE + 'checks:\n  ignore:\n    - {rule: C001, target: dc1, reason: "lab"}\n'
    rc, out, _ = cli("validate", write(tmp_path, text), *AS_OF, "--format", "json")
    doc = json.loads(out)
    c001 = [f for f in doc["findings"] if f["code"] == "C001"]
    assert rc == 0 and len(c001) == 1 and "dc2" in c001[0]["message"]


def test_github_format(tmp_path):
    text = replace("owner: crisis", "owner: crsis")
    path = write(tmp_path, text)
    rc, out, _ = cli("validate", path, *AS_OF, "--format", "github")
    line, col = pos(text, "crsis")
    assert rc == 1 and f"::error file={path},line={line},col={col},title=R001::R001 " in out


def test_sarif_format_validates(tmp_path, shared_dir):
    import jsonschema

    schema = json.loads((shared_dir / "testdata" / "sarif-schema-2.1.0.json").read_text())
    path = write(tmp_path, replace("owner: crisis", "owner: crsis"), "my plan.yaml")
    rc, out, _ = cli("validate", path, *AS_OF, "--format", "sarif")
    assert rc == 1
    jsonschema.validators.validator_for(schema)(schema).validate(json.loads(out))


# --- inputs that must never turn into a traceback --------------------------------------------------


@pytest.mark.parametrize(
    "content, code",
    [
        (b"bcp: 1\nx: [", "Y001"),
        (BASE.encode("utf-16"), "Y004"),
        (b"\x00\x01\x02", "Y004"),
        (BASE.replace("Alice", "Alic\xe9").encode("latin-1"), "Y004"),
        (billion_laughs().encode(), "Y005"),
        (("bcp: 1\nx: " + "[" * 1000 + "]" * 1000 + "\n").encode(), "Y005"),
        (BASE.replace('version: "1.0"', "version: " + "9" * 5000).encode(), "S002"),
        (b"", "S005"),
        (b"- a\n- b\n", "S005"),
        (BASE.replace("bcp: 1", "bcp: 2").encode(), "S005"),
    ],
)
def test_hostile_input_gives_a_finding_and_exit_1(tmp_path, content, code):
    path = write(tmp_path, content)
    rc, out, err = cli("validate", path, *AS_OF)
    assert rc == 1
    assert f": {code} " in out


def test_real_process_on_hostile_inputs(tmp_path):
    bomb = write(tmp_path, billion_laughs(), "bomb.yaml")
    rc, out, err = proc("validate", bomb, *AS_OF)
    assert rc == 1 and ": Y005 " in out
    rc, out, err = proc("validate", write(tmp_path, b"\xff\xfe\x00\x00", "bin.yaml"), *AS_OF)
    assert rc == 1 and ": Y004 " in out


def test_directory_plan_and_fragment(tmp_path):
    d = tmp_path / "frag"
    d.mkdir()
    plan_part, rest = BASE.split("sites:\n")
    (d / "a.yaml").write_text(plan_part)
    (d / "b.yaml").write_text("bcp: 1\nsites:\n" + rest.replace("kind: owned, region: r2", "kind: owend, region: r2"))
    rc, out, _ = cli("validate", str(d / "a.yaml"), *AS_OF)
    b = (d / "b.yaml").read_text()
    line, col = pos(b, "owend")
    assert rc == 1 and out.startswith(f"{d / 'b.yaml'}:{line}:{col}: S002 ")
    assert len(out.splitlines()) == 1


# --- rules ------------------------------------------------------------------------------------------


def test_rules_lists_every_code():
    rc, out, _ = cli("rules")
    assert rc == 0
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert listed == [r.code for r in RULES]
    assert len(listed) >= 46


def test_rules_json():
    rc, out, _ = cli("rules", "--format", "json")
    assert rc == 0 and [r["code"] for r in json.loads(out)] == [r.code for r in RULES]


@pytest.mark.parametrize("code", ["L006", "Y005", "S002", "R003", "D003"])
def test_rules_explains_one(code):
    rule = next(r for r in RULES if r.code == code)
    if importlib.util.find_spec(f"bcp.rules.{rule.module}") is None:
        pytest.skip(f"bcp.rules.{rule.module} is not written yet")
    rc, out, _ = cli("rules", code)
    assert rc == 0
    assert out.startswith(f"{code} ({rule.severity.value}): {rule.title}")
    for part in ("What:", "Why:", "Example:", "Fix:"):
        assert part in out, (code, part)


def test_rules_lowercase_code():
    rc, out, _ = cli("rules", "r001")
    assert rc == 0 and out.startswith("R001")


# --- schema --------------------------------------------------------------------------------------------


def test_schema_is_a_valid_json_schema_and_a_plan_validates(tmp_path):
    import jsonschema
    import yaml

    rc, out, _ = cli("schema")
    assert rc == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    plan = yaml.safe_load(BASE)
    # PyYAML reads dates as dates; the schema (like bcp) wants text
    plan = json.loads(json.dumps(plan, default=str))
    errors = list(v.iter_errors(plan))
    assert errors == [], [e.message for e in errors]
    # and it refuses what bcp refuses
    bad = json.loads(json.dumps(plan))
    bad["plan"]["titel"] = "x"
    assert list(v.iter_errors(bad))
    bad = json.loads(json.dumps(plan))
    bad["bcp"] = 2
    assert list(v.iter_errors(bad))


# --- init ---------------------------------------------------------------------------------------------


def test_init_then_validate(tmp_path):
    if importlib.util.find_spec("bcp.scaffold") is None:
        pytest.skip("bcp.scaffold is not written yet")
    d = tmp_path / "new"
    rc, out, _ = cli("init", str(d))
    assert rc == 0 and (d / "plan.yaml").is_file()
    rc, out, err = cli("validate", str(d / "plan.yaml"), *AS_OF)
    assert rc == 0, out
    rc, out, err = proc("validate", str(d / "plan.yaml"))
    assert rc == 0, out


def test_init_does_not_overwrite(tmp_path):
    if importlib.util.find_spec("bcp.scaffold") is None:
        pytest.skip("bcp.scaffold is not written yet")
    d = tmp_path / "new"
    assert cli("init", str(d))[0] == 0
    (d / "plan.yaml").write_text("mine")
    rc, out, err = cli("init", str(d))
    assert rc == 2 and (d / "plan.yaml").read_text() == "mine"


# --- a bug is one line and exit 3 ------------------------------------------------------------------


def test_internal_error_is_one_line_and_exit_3(tmp_path, monkeypatch):
    import bcp.engine

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(bcp.engine, "validate_source", boom)
    rc, out, err = cli("validate", write(tmp_path, BASE), *AS_OF)
    assert rc == 3
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "internal error" in lines[0] and "simulated bug" in lines[0]
