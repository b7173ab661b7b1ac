"""Loading plans from paths (spec §1): files vs folders of fragments, merging, S005/S003."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from bcp.engine import validate_source
from bcp.loader import PlanSource, UsageError, discover, load, locate

AS_OF = dt.date(2026, 11, 24)

PLAN = """\
bcp: 1
plan:
  id: test-plan
  title: Test plan
  organization: Example
  version: "1.0"
  owner: crisis
  review: {last: 2026-10-01, every: 1y}
  approvals:
    - {person: alice, title: CEO, date: 2026-10-01}
policy:
  tiers:
    - {id: tier0, name: Critical, max_rto: 1h, max_rpo: 5m}
  required_ops: []
"""

SITES = """\
bcp: 1
sites:
  - {id: dc1, name: DC 1, kind: owned, region: r1}
"""

MORE_SITES = """\
bcp: 1
sites:
  - {id: dc2, name: DC 2, kind: owned, region: r2}
"""

PEOPLE = """\
bcp: 1
people:
  - id: alice
    name: Alice
    contacts: {mobile: "1", email: a@x}
  - id: bob
    name: Bob
    contacts: {mobile: "2", email: b@x}
roles:
  - id: crisis
    name: Crisis lead
    members: [alice, bob]
    critical: true
"""

WHOLE = PLAN + SITES.split("\n", 1)[1] + MORE_SITES.split("\n", 2)[2] + PEOPLE.split("\n", 1)[1]

FOUNDATION = "YSR"


def pos(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def write(folder, files: dict[str, str]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return folder


def run(paths):
    return [validate_source(s, AS_OF) for s in discover([str(p) for p in paths])]


def found(result, families=FOUNDATION):
    return [
        (f.code, os.path.basename(f.location.file), f.location.line, f.location.column)
        for f in result.findings
        if f.code[0] in families
    ]


def fragments(tmp_path, **over):
    files = {"a-plan.yaml": PLAN, "b-sites.yaml": SITES, "c-sites.yaml": MORE_SITES, "d-people.yaml": PEOPLE}
    files.update(over)
    return write(tmp_path / "plan", {k: v for k, v in files.items() if v is not None})


# --- discovering plans ---------------------------------------------------------------------


def test_folder_of_fragments_is_one_plan(tmp_path):
    d = fragments(tmp_path)
    (src,) = discover([str(d)])
    assert src.is_folder and src.name == str(d)
    assert [os.path.basename(f) for f in src.files] == ["a-plan.yaml", "b-sites.yaml", "c-sites.yaml", "d-people.yaml"]
    (r,) = run([d])
    assert found(r) == []
    assert r.plan is not None


def test_list_sections_are_concatenated_in_file_name_order(tmp_path):
    # z-sites sorts after c-sites though it is written first
    d = fragments(tmp_path, **{"z-sites.yaml": SITES.replace("dc1", "dc0").replace("DC 1", "DC 0")})
    (r,) = run([d])
    assert found(r) == []
    assert [s.id for s in r.plan.sites] == ["dc1", "dc2", "dc0"]


def test_findings_point_at_the_fragment_that_wrote_the_item(tmp_path):
    bad = MORE_SITES.replace("kind: owned", "kind: owend")
    d = fragments(tmp_path, **{"c-sites.yaml": bad})
    (r,) = run([d])
    assert found(r) == [("S002", "c-sites.yaml", *pos(bad, "owend"))]
    f = r.findings[0]
    assert f.path == ("sites", 1, "kind")


def test_reference_findings_point_at_the_right_fragment(tmp_path):
    bad = PEOPLE.replace("members: [alice, bob]", "members: [alice, carol]")
    d = fragments(tmp_path, **{"d-people.yaml": bad})
    (r,) = run([d])
    # bob is now in no role: R004 at his id, in the same fragment
    assert found(r) == [("R004", "d-people.yaml", *pos(bad, "bob")), ("R001", "d-people.yaml", *pos(bad, "carol"))]


def test_locate_walks_merged_lists_into_their_files(tmp_path):
    d = fragments(tmp_path)
    lp = load(discover([str(d)])[0])
    loc = locate(lp.root, ("sites", 1, "region"))
    assert (os.path.basename(loc.file), loc.line, loc.column) == ("c-sites.yaml", *pos(MORE_SITES, "r2"))
    loc = locate(lp.root, ("sites", 0))
    assert (os.path.basename(loc.file), loc.line, loc.column) == ("b-sites.yaml", *pos(SITES, "{id: dc1"))
    loc = locate(lp.root, ("policy", "tiers", 0, "max_rto"))
    assert (os.path.basename(loc.file), loc.line, loc.column) == ("a-plan.yaml", *pos(PLAN, "1h"))
    # a path that goes past what was written: the nearest written place
    loc = locate(lp.root, ("sites", 7, "id"))
    assert (os.path.basename(loc.file), loc.line, loc.column) == ("b-sites.yaml", *pos(SITES, "sites:"))
    loc = locate(lp.root, ("services", 0))
    assert (os.path.basename(loc.file), loc.line, loc.column) == ("a-plan.yaml", 1, 1)


def test_locate_at_key(tmp_path):
    d = fragments(tmp_path)
    lp = load(discover([str(d)])[0])
    loc = locate(lp.root, ("plan", "owner"), at_key=True)
    assert (loc.line, loc.column) == pos(PLAN, "owner:")
    loc = locate(lp.root, ("plan", "owner"))
    assert (loc.line, loc.column) == pos(PLAN, "crisis")


def test_plan_given_twice_is_s005_at_the_second(tmp_path):
    second = "bcp: 1\nplan:\n  id: other\n"
    d = fragments(tmp_path, **{"e-extra.yaml": SITES.replace("dc1", "dc5"), "b-sites.yaml": SITES + "\n" + second.split("\n", 1)[1]})
    (r,) = run([d])
    text = SITES + "\n" + second.split("\n", 1)[1]
    assert found(r) == [("S005", "b-sites.yaml", *pos(text, "plan:"))]
    assert "twice" in r.findings[0].message and "a-plan.yaml:2:1" in r.findings[0].message


def test_policy_given_twice_is_s005_at_the_second(tmp_path):
    extra = MORE_SITES + "policy:\n  tiers: []\n"
    d = fragments(tmp_path, **{"c-sites.yaml": extra})
    (r,) = run([d])
    assert found(r) == [("S005", "c-sites.yaml", *pos(extra, "policy:"))]


def test_checks_given_twice_is_s005(tmp_path):
    a = SITES + "checks:\n  ignore: []\n"
    b = MORE_SITES + "checks:\n  ignore: []\n"
    d = fragments(tmp_path, **{"b-sites.yaml": a, "c-sites.yaml": b})
    (r,) = run([d])
    assert ("S005", "c-sites.yaml", *pos(b, "checks:")) in found(r)
    assert ("S005", "b-sites.yaml", *pos(a, "checks:")) not in found(r)


def test_missing_plan_is_s005_at_line_1_of_the_first_file(tmp_path):
    d = fragments(tmp_path, **{"a-plan.yaml": None})
    (r,) = run([d])
    assert found(r) == [("S005", "b-sites.yaml", 1, 1), ("S005", "b-sites.yaml", 1, 1)]
    msgs = sorted(f.message for f in r.findings)
    assert "`plan`" in msgs[0] + msgs[1] and "`policy`" in msgs[0] + msgs[1]


def test_missing_policy_in_a_single_file(tmp_path):
    text = PLAN.split("policy:")[0]
    write(tmp_path, {"p.yaml": text})
    (r,) = run([tmp_path / "p.yaml"])
    assert found(r) == [("S005", "p.yaml", 1, 1)]
    assert "`policy`" in r.findings[0].message


def test_unreadable_plan_fragment_adds_no_missing_section_finding(tmp_path):
    # the only fragment with `plan`/`policy` has a syntax error: Y001 only, no "plan missing"
    broken = PLAN + "x: [\n"
    d = fragments(tmp_path, **{"a-plan.yaml": broken})
    (r,) = run([d])
    assert [f.code for f in r.findings] == ["Y001"]
    assert os.path.basename(r.findings[0].location.file) == "a-plan.yaml"


def test_fragment_on_the_command_line_stands_for_its_folder(tmp_path):
    d = fragments(tmp_path)
    srcs = discover([str(d / "c-sites.yaml")])
    assert len(srcs) == 1 and srcs[0].is_folder and srcs[0].name == str(d)
    assert len(srcs[0].files) == 4


def test_folder_checked_once_for_two_of_its_fragments(tmp_path):
    d = fragments(tmp_path)
    srcs = discover([str(d / "b-sites.yaml"), str(d / "d-people.yaml"), str(d)])
    assert len(srcs) == 1
    (r,) = run([d / "b-sites.yaml", d / "c-sites.yaml"])
    assert found(r) == []


def test_folder_where_every_file_has_plan_is_many_plans(tmp_path):
    d = write(tmp_path / "many", {"one.yaml": WHOLE, "two.yml": WHOLE.replace("test-plan", "other-plan")})
    srcs = discover([str(d)])
    assert [os.path.basename(s.name) for s in srcs] == ["one.yaml", "two.yml"]
    assert not any(s.is_folder for s in srcs)
    # naming one file checks only that file
    assert [os.path.basename(s.name) for s in discover([str(d / "two.yml")])] == ["two.yml"]
    rs = run([d])
    assert [found(r) for r in rs] == [[], []]
    assert [r.plan.plan.id for r in rs] == ["test-plan", "other-plan"]


def test_single_file_in_a_folder_is_its_own_plan(tmp_path):
    d = write(tmp_path / "one", {"plan.yaml": WHOLE})
    (src,) = discover([str(d)])
    assert not src.is_folder and src.files == [str(d / "plan.yaml")]


def test_hidden_files_and_subfolders_are_ignored(tmp_path):
    d = fragments(
        tmp_path,
        **{
            ".hidden.yaml": "this: [is broken",
            "sub/nested.yaml": "neither: [is this",
            "notes.txt": "not yaml at all: [",
            "README.md": "# hi",
        },
    )
    (src,) = discover([str(d)])
    assert [os.path.basename(f) for f in src.files] == ["a-plan.yaml", "b-sites.yaml", "c-sites.yaml", "d-people.yaml"]
    (r,) = run([d])
    assert found(r, "YSRTLOPCXD") == [f for f in found(r, "YSRTLOPCXD") if f[0][0] not in "YSR"]


def test_a_file_outside_any_fragment_folder_is_its_own_plan(tmp_path):
    write(tmp_path, {"plan.yaml": WHOLE})
    (src,) = discover([str(tmp_path / "plan.yaml")])
    assert src.name == str(tmp_path / "plan.yaml") and src.files == [src.name]


def test_a_non_yaml_file_is_read_as_a_plan_of_its_own(tmp_path):
    write(tmp_path, {"plan.txt": WHOLE})
    (r,) = run([tmp_path / "plan.txt"])
    assert found(r) == []


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        discover([str(tmp_path / "nope.yaml")])


def test_folder_without_yaml_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no \\*.yaml"):
        discover([str(tmp_path / "empty")])


# --- top-level checks ----------------------------------------------------------------------------


def test_unknown_section_is_s003_with_did_you_mean(tmp_path):
    text = WHOLE + "servces: []\n"
    write(tmp_path, {"p.yaml": text})
    (r,) = run([tmp_path / "p.yaml"])
    assert found(r) == [("S003", "p.yaml", *pos(text, "servces:"))]
    assert "servces" in r.findings[0].message or any("servces" in f.message for f in r.findings)
    f = next(f for f in r.findings if f.code == "S003")
    assert f.hint == "did you mean 'services'?"


def test_unknown_section_far_from_any_lists_the_sections(tmp_path):
    text = WHOLE + "zzzzzz: 1\n"
    write(tmp_path, {"p.yaml": text})
    (r,) = run([tmp_path / "p.yaml"])
    f = next(f for f in r.findings if f.code == "S003")
    assert (f.location.line, f.location.column) == pos(text, "zzzzzz")
    assert "services" in f.hint and "ops_tools" in f.hint


@pytest.mark.parametrize("version", ["2", "0", "1.5", "1.0", "!!float 1", '"1"', "true", "~"])
def test_unsupported_version_is_s005_only(tmp_path, version):
    text = WHOLE.replace("bcp: 1", f"bcp: {version}", 1)
    write(tmp_path, {"p.yaml": text})
    (r,) = run([tmp_path / "p.yaml"])
    # the plan section is written: the version is the one problem, not "plan missing"
    assert found(r, "YSRTLOPCXD") == [("S005", "p.yaml", 1, 6)]
    assert "version" in r.findings[0].message and "1" in r.findings[0].message


def test_missing_bcp_key_is_s005(tmp_path):
    text = WHOLE.replace("bcp: 1\n", "# no version\n", 1)
    write(tmp_path, {"p.yaml": text})
    (r,) = run([tmp_path / "p.yaml"])
    assert found(r, "YSRTLOPCXD") == [("S005", "p.yaml", 2, 1)]
    assert "bcp: 1" in r.findings[0].message


def test_fragment_without_bcp_key_is_s005_at_that_fragment(tmp_path):
    frag = MORE_SITES.replace("bcp: 1\n", "")
    d = fragments(tmp_path, **{"c-sites.yaml": frag})
    (r,) = run([d])
    assert found(r, "YSRTLOPCXD") == [("S005", "c-sites.yaml", 1, 1)]


def test_list_section_that_is_not_a_list(tmp_path):
    text = WHOLE + "services: {id: x}\n"
    write(tmp_path, {"p.yaml": text})
    (r,) = run([tmp_path / "p.yaml"])
    assert ("S002", "p.yaml", *pos(text, "{id: x}")) in found(r)


def test_empty_list_section_is_fine(tmp_path):
    text = WHOLE + "services:\n"
    write(tmp_path, {"p.yaml": text})
    (r,) = run([tmp_path / "p.yaml"])
    assert found(r) == []


def test_load_without_any_readable_file(tmp_path):
    write(tmp_path, {"p.yaml": "x: ["})
    lp = load(PlanSource(str(tmp_path / "p.yaml"), [str(tmp_path / "p.yaml")]))
    assert lp.root is None and [f.code for f in lp.findings] == ["Y001"]


def test_plan_section_on_the_first_line_after_a_bom(tmp_path):
    # both files are whole plans (one starts with a BOM and `plan:`): two plans, not fragments
    one = "\ufeff" + WHOLE.split("\n", 1)[1] + "bcp: 1\n"
    d = write(tmp_path / "many", {"one.yaml": one, "two.yaml": WHOLE})
    srcs = discover([str(d)])
    assert [os.path.basename(s.name) for s in srcs] == ["one.yaml", "two.yaml"]
    assert [found(r) for r in run([d])] == [[], []]
