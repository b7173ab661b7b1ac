"""The example plans users copy, and the `bcp init` scaffold, validate as documented.

- plans/kakao-messenger (the Korean flagship, a folder of fragments) and
  plans/small-en.yaml are clean: no findings at all, now and for most of a year.
- plans/pangyo-2022.yaml reproduces the 2022 Pangyo set-up and must show the
  findings it is kept for (L001, L006, O002, O003).
- the scaffold written by `bcp init` is clean on the day it is written.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import AS_OF, ROOT

from bcp.engine import validate_source
from bcp.loader import discover
from bcp.scaffold import PLAN_FILE, scaffold_text, write_scaffold

PLANS = ROOT / "plans"
FLAGSHIP = PLANS / "kakao-messenger"
SMALL = PLANS / "small-en.yaml"
PANGYO = PLANS / "pangyo-2022.yaml"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
READ_FAMILIES = ("Y", "S", "R")


def validate(path, as_of: dt.date = AS_OF):
    sources = discover([str(path)])
    assert len(sources) == 1, [s.name for s in sources]
    return validate_source(sources[0], as_of)


def describe(findings) -> list[str]:
    return [f"{f.code} {f.path_str}: {f.message}" for f in findings]


def all_example_sources():
    return discover([str(PLANS)]) + discover([str(FLAGSHIP)])


def test_every_example_plan_is_found():
    names = sorted(s.name for s in all_example_sources())
    assert names == sorted([str(FLAGSHIP), str(PANGYO), str(SMALL)])
    flagship = discover([str(FLAGSHIP)])[0]
    assert flagship.is_folder and len(flagship.files) >= 5


@pytest.mark.parametrize("source", all_example_sources(), ids=lambda s: s.name.rsplit("/", 1)[-1])
def test_every_example_plan_loads_and_reads_cleanly(source):
    r = validate_source(source, AS_OF)
    assert r.plan is not None, describe(r.findings)
    bad = [f for f in r.findings if f.code.startswith(READ_FAMILIES)]
    assert bad == [], describe(bad)


def test_every_flagship_fragment_starts_with_the_format_version():
    for f in sorted(FLAGSHIP.glob("*.yaml")):
        lines = [ln for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
        assert lines[0] == "bcp: 1", f.name


# 2027-09-20: ten months on, the exercises, restore tests and review are still in date.
@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2027, 9, 20)], ids=str)
@pytest.mark.parametrize("path", [FLAGSHIP, SMALL], ids=lambda p: p.name)
def test_clean_examples_have_no_findings(path, as_of):
    r = validate(path, as_of)
    assert r.plan is not None
    assert r.findings == [], describe(r.findings)


def test_flagship_goes_stale_when_its_drills_do():
    # The clean result is earned, not vacuous: two years on, X001/X003/D001 appear.
    r = validate(FLAGSHIP, dt.date(2028, 11, 24))
    codes = {f.code for f in r.findings}
    assert {"X001", "X003", "D001"} <= codes, describe(r.findings)


def test_flagship_is_korean_and_shaped_as_documented():
    plan = validate(FLAGSHIP).plan
    assert plan.plan.language == "ko"
    assert HANGUL.search(plan.plan.title)
    assert all(HANGUL.search(x.name) for x in [*plan.sites, *plan.people, *plan.roles, *plan.components, *plan.scenarios])
    assert all(HANGUL.search(p.title) and all(HANGUL.search(s.do) for s in p.steps) for p in plan.procedures)
    assert set(plan.plan.standards) == {"iso-22301", "nist-800-34", "kr-disaster-plan"}
    assert 5 <= len(plan.sites) <= 6 and 10 <= len(plan.people) <= 14
    assert 8 <= len(plan.services) <= 15 and 4 <= len(plan.data) <= 8 and 5 <= len(plan.ops_tools) <= 7

    regions = {s.region for s in plan.sites}
    assert len(regions) >= 2
    lost_sites = {x for s in plan.scenarios if s.kind == "site-loss" for x in s.sites}
    lost_regions = {x for s in plan.scenarios if s.kind == "region-loss" for x in s.regions}
    assert lost_sites == {s.id for s in plan.sites}
    assert lost_regions == regions

    roles = {r.id: r for r in plan.roles}
    assert all(len(r.members) >= 2 for r in plan.roles)
    assert any("재난관리책임자" in r.name for r in plan.roles)
    assert all(all(s.expected is not None and s.verify for s in p.steps) for p in plan.procedures)

    # the tier-0 ops tools run on three sites in two regions
    site_region = {s.id: s.region for s in plan.sites}
    for tool in plan.ops_tools:
        if tool.category in plan.policy.required_ops:
            sites = {d.site for d in tool.deployments}
            assert len(sites) >= 3 and len({site_region[s] for s in sites}) >= 2, tool.id

    # the regulator hears within 10 minutes (kr-38-threshold), customers are told too
    regulator = [c for c in plan.communications if c.audience == "regulator"]
    assert regulator and min(c.within for c in regulator) <= 600
    assert "과학기술정보통신부" in regulator[0].channel and roles[regulator[0].owner]
    assert any(c.audience == "customers" for c in plan.communications)

    # recent passed failover drills cover every tier-0 component; a restore test passed
    tier0 = plan.policy.tiers[0].id
    covered = {
        c for e in plan.exercises if e.kind == "failover" and e.result == "passed" for c in e.covers or []
    }
    assert {c.id for c in plan.components if c.tier == tier0} <= covered
    assert any(e.kind == "restore-test" and e.result == "passed" for e in plan.exercises)
    assert all(dt.timedelta(days=30) <= AS_OF - e.date <= dt.timedelta(days=160) for e in plan.exercises)


def test_small_plan_shape():
    plan = validate(SMALL).plan
    assert plan.plan.language == "en"
    assert len(plan.sites) == 3 and len({s.region for s in plan.sites}) == 2
    assert 3 <= len(plan.services) <= 4 and len(plan.data) == 2 and len(plan.ops_tools) == 4


def test_pangyo_2022_shows_the_2022_findings():
    assert PANGYO.read_text(encoding="utf-8").startswith("#")
    r = validate(PANGYO)
    by_code: dict[str, list] = {}
    for f in r.findings:
        by_code.setdefault(f.code, []).append(f)
    assert {"L001", "L006", "O002", "O003", "L004"} <= set(by_code), describe(r.findings)
    # ops tools only in pangyo: every required category is lost with it, each tool is on 1 site
    assert {f.target for f in by_code["L006"]} == {"monitoring", "paging", "deploy", "console"}
    assert all("pangyo" in f.message for f in by_code["L006"])
    assert {f.target for f in by_code["O002"]} == {"monitoring", "paging", "deploy", "console"}
    assert [f.target for f in by_code["O003"]] == ["monitoring"]
    # the authentication store only in pangyo takes login and everything on it down
    l001 = {f.target: f for f in by_code["L001"]}
    assert {"messaging", "login", "media"} <= set(l001)
    assert "auth-db" in l001["messaging"].message and "pangyo" in l001["messaging"].message
    # no spare capacity at the second site
    assert [f.target for f in by_code["L004"]] == ["push"]
    assert r.errors > 0


def test_scaffold_is_clean(tmp_path):
    written = write_scaffold(str(tmp_path / "new"), today=AS_OF)
    assert written == [str(tmp_path / "new" / PLAN_FILE)]
    text = (tmp_path / "new" / PLAN_FILE).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "bcp schema > bcp.schema.json" in text
    r = validate(tmp_path / "new" / PLAN_FILE, AS_OF)
    assert r.plan is not None
    assert r.findings == [], describe(r.findings)
    assert r.plan.plan.review.last == AS_OF


def test_scaffold_stays_clean_for_a_year_then_asks_for_review(tmp_path):
    write_scaffold(str(tmp_path), today=AS_OF)
    assert validate(tmp_path / PLAN_FILE, AS_OF + dt.timedelta(days=365)).findings == []
    later = validate(tmp_path / PLAN_FILE, AS_OF + dt.timedelta(days=400))
    assert [f.code for f in later.findings] == ["D001"]


def test_scaffold_refuses_to_overwrite(tmp_path):
    (tmp_path / PLAN_FILE).write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError) as e:
        write_scaffold(str(tmp_path))
    assert e.value.filename == str(tmp_path / PLAN_FILE)
    assert (tmp_path / PLAN_FILE).read_text(encoding="utf-8") == "mine"


def test_scaffold_uses_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert "last: 2026-01-01" in scaffold_text()
