"""Rules T001–T008: tier requirements on sites, regions, copies, objectives, dependencies."""

from __future__ import annotations

import copy

from conftest import BASE_PLAN, plan_dict, run_rule

SITES = [
    {"id": "dc1", "name": "DC 1", "kind": "owned", "region": "r1"},
    {"id": "dc2", "name": "DC 2", "kind": "owned", "region": "r1"},
    {"id": "dc3", "name": "DC 3", "kind": "cloud", "region": "r2"},
]


def policy(**tier0):
    p = copy.deepcopy(BASE_PLAN["policy"])
    p["tiers"][0].update(tier0)
    return p


def svc(id_, sites, tier="tier0", modes=None, **kw):
    modes = modes or ["active"] * len(sites)
    return {"id": id_, "name": id_, "owner": "crisis", "tier": tier,
            "deployments": [{"site": s, "mode": m} for s, m in zip(sites, modes)], **kw}


def store(id_, sites, tier="tier0", **kw):
    copies = [{"site": sites[0], "role": "primary"}] + [
        {"site": s, "role": "replica", "replication": "sync"} for s in sites[1:]
    ]
    return {"id": id_, "name": id_, "owner": "crisis", "tier": tier, "copies": copies, **kw}


def tool(id_, sites, category="monitoring", tier="tier0", **kw):
    return {"id": id_, "name": id_, "owner": "crisis", "tier": tier, "category": category,
            "deployments": [{"site": s, "mode": "active"} for s in sites], **kw}


def plan(**kw):
    kw.setdefault("sites", SITES)
    return plan_dict(**kw)


# --- T001 ---------------------------------------------------------------------------------------


def test_t001_service_on_too_few_sites():
    d = plan(policy=policy(min_sites=2), services=[svc("ok", ["dc1", "dc2"]), svc("chat", ["dc1", "dc1"])])
    (f,) = run_rule("T001", d)
    assert f.code == "T001" and f.target == "chat"
    assert f.path == ("services", 1, "deployments")
    assert "1 site (dc1)" in f.message and "min_sites 2" in f.message


def test_t001_ops_tool():
    d = plan(policy=policy(min_sites=2), ops_tools=[tool("mon", ["dc1"])])
    (f,) = run_rule("T001", d)
    assert f.path == ("ops_tools", 0, "deployments") and f.target == "mon"


def test_site_counts_leave_a_component_with_an_unknown_site_to_r001():
    """A mistyped site is R001; T001–T003 would repeat it with counts that change once it is fixed."""
    d = plan(policy=policy(min_sites=2, min_active_sites=2, min_regions=2), ops_tools=[tool("mon", ["dc1", "nowhere"])])
    for code in ("T001", "T002", "T003"):
        assert run_rule(code, d) == [], code
    assert [f.path for f in run_rule("R001", d)] == [("ops_tools", 0, "deployments", 1, "site")]


def test_t001_passes_and_ignores_data_and_unknown_tiers():
    d = plan(policy=policy(min_sites=2), services=[svc("chat", ["dc1", "dc2"]), svc("x", ["dc1"], tier="nope")],
             data=[store("db", ["dc1", "dc2"])])
    assert run_rule("T001", d) == []


# --- T002 ---------------------------------------------------------------------------------------


def test_t002_too_few_active_sites():
    d = plan(policy=policy(min_active_sites=2), services=[svc("chat", ["dc1", "dc2"], modes=["active", "hot"])])
    (f,) = run_rule("T002", d)
    assert f.path == ("services", 0, "deployments") and f.target == "chat"
    assert "active on 1 site (dc1)" in f.message


def test_t002_passes():
    d = plan(policy=policy(min_active_sites=2), services=[svc("chat", ["dc1", "dc2", "dc3"], modes=["active", "hot", "active"])])
    assert run_rule("T002", d) == []


# --- T003 ---------------------------------------------------------------------------------------


def test_t003_sites_in_one_region():
    d = plan(policy=policy(min_regions=2), services=[svc("chat", ["dc1", "dc2"])], data=[store("db", ["dc1", "dc2"])])
    fs = run_rule("T003", d)
    assert [(f.path, f.target) for f in fs] == [
        (("services", 0, "deployments"), "chat"),
        (("data", 0, "copies"), "db"),
    ]
    assert "1 region (r1)" in fs[0].message


def test_t003_passes_across_regions():
    d = plan(policy=policy(min_regions=2), services=[svc("chat", ["dc1", "dc3"])], data=[store("db", ["dc2", "dc3"])])
    assert run_rule("T003", d) == []


# --- T004 / T005 -------------------------------------------------------------------------------


def test_t004_rto_above_max():
    d = plan(services=[svc("chat", ["dc1"], rto="2h"), svc("ok", ["dc1"], rto="1h")],
             ops_tools=[tool("mon", ["dc1"], rto="90m")])
    fs = run_rule("T004", d)
    assert [(f.path, f.target) for f in fs] == [(("services", 0, "rto"), "chat"), (("ops_tools", 0, "rto"), "mon")]
    assert "rto 2h" in fs[0].message and "max_rto 1h" in fs[0].message


def test_t004_passes_without_own_rto():
    assert run_rule("T004", plan(services=[svc("chat", ["dc1"])])) == []


def test_t005_rpo_above_max():
    d = plan(data=[store("db", ["dc1"], rpo="10m")], services=[svc("chat", ["dc1"], rpo="5m")])
    (f,) = run_rule("T005", d)
    assert f.path == ("data", 0, "rpo") and f.target == "db"
    assert "rpo 10m" in f.message


# --- T006 ---------------------------------------------------------------------------------------


def test_t006_copies_on_one_site():
    d = plan(policy=policy(min_data_copies=2), data=[store("db", ["dc1", "dc1"]), store("ok", ["dc1", "dc2"])])
    (f,) = run_rule("T006", d)
    assert f.path == ("data", 0, "copies") and f.target == "db"
    assert "1 distinct site (dc1)" in f.message


def test_t006_passes():
    d = plan(policy=policy(min_data_copies=2), data=[store("db", ["dc1", "dc3"])])
    assert run_rule("T006", d) == []


# --- T007 / T008 ---------------------------------------------------------------------------------


def test_t007_depends_on_less_critical_tier():
    d = plan(services=[svc("chat", ["dc1"], depends_on=["db", "auth"]), svc("auth", ["dc1"])],
             data=[store("db", ["dc1"], tier="tier1")])
    (f,) = run_rule("T007", d)
    assert f.path == ("services", 0, "depends_on", 0) and f.target == "chat"
    assert "tier1" in f.message


def test_t007_passes_for_more_critical_dependency_and_dangling_ids():
    d = plan(services=[svc("batch", ["dc1"], tier="tier1", depends_on=["db", "ghost"])], data=[store("db", ["dc1"])])
    assert run_rule("T007", d) == []


def test_t008_rto_inversion_with_tier_default():
    # chat: own rto 30m; db: no rto, tier1 max_rto 1d
    d = plan(services=[svc("chat", ["dc1"], rto="30m", depends_on=["auth", "db"]), svc("auth", ["dc1"], rto="10m")],
             data=[store("db", ["dc1"], tier="tier1")])
    (f,) = run_rule("T008", d)
    assert f.path == ("services", 0, "depends_on", 1) and f.target == "chat"
    assert "30m" in f.message and "1d" in f.message


def test_t008_passes_when_dependency_is_faster():
    d = plan(services=[svc("chat", ["dc1"], depends_on=["db"])], data=[store("db", ["dc1"], rto="15m")])
    assert run_rule("T008", d) == []


def test_tier_rules_leave_cycles_duplicates_and_unknown_sites_to_the_r_rules():
    d = plan(policy=policy(min_sites=1),
             services=[svc("a", ["dc1"], depends_on=["b"]), svc("b", ["dc1"], depends_on=["a"]), svc("a", ["dc9"])])
    for code in ("T001", "T002", "T003", "T004", "T005", "T006", "T007", "T008"):
        assert run_rule(code, d) == [], code  # R002, R003 and R001 report these
    assert {f.code for c in ("R001", "R002", "R003") for f in run_rule(c, d)} == {"R001", "R002", "R003"}


def test_generated_clean_plan_passes_every_rule_of_these_families(shared_dir, tmp_path):
    """genplan.py writes a plan meant to pass every rule on its as-of date."""
    import subprocess
    import sys

    from bcp.context import Context
    from bcp.loader import discover, load
    from bcp.rules.registry import RULES
    from bcp.schema import check
    from conftest import AS_OF

    out = tmp_path / "gen.yaml"
    text = subprocess.run([sys.executable, str(shared_dir / "tools" / "genplan.py"), "--services", "300"],
                          capture_output=True, text=True, check=True).stdout
    out.write_text(text, encoding="utf-8")
    plan, schema_findings = check(load(discover([str(out)])[0]).root)
    assert schema_findings == []
    ctx = Context(plan, AS_OF)
    families = ("tiers", "ops", "people", "coverage", "exercises", "document")
    found = [f for r in RULES if r.module in families and r.check for f in r.check(ctx)]
    assert found == []


def test_all_families_are_quiet_on_broken_references():
    """Dangling ids, duplicates, empty lists and no tiers at all: other rules report them; these never raise."""
    from bcp.rules.registry import RULES

    comp = {"id": "x", "name": "x", "owner": "ghost", "tier": "nope", "rto": "1h", "depends_on": ["x", "ghost"],
            "deployments": [{"site": "nowhere", "mode": "active"}]}
    d = plan(
        services=[comp, dict(comp, procedures=["ghost", "p"])],
        data=[{"id": "x", "name": "x", "owner": "ghost", "tier": "tier0", "copies": [{"site": "nowhere", "role": "primary"}],
               "backups": {"every": "1d", "retention": "1d", "sites": ["nowhere"], "last_restore_test": "2999-01-01"}}],
        ops_tools=[dict(comp, id="t", category="monitoring", serves=["ghost", "x"]), dict(comp, id="t2", category="paging")],
        roles=[{"id": "crisis", "name": "c", "members": ["ghost"], "escalates_to": "x"},
               {"id": "crisis", "name": "c", "members": [], "escalates_to": "crisis"}],
        scenarios=[{"id": "s", "name": "s", "kind": "site-loss", "sites": ["nowhere"], "lead": "ghost",
                    "procedures": ["ghost"], "communications": ["ghost", "x"]}],
        procedures=[{"id": "p", "title": "p", "owner": "ghost", "steps": []}],
        exercises=[{"id": "e", "date": "2026-01-01", "kind": "restore-test", "result": "failed", "scenario": "ghost",
                    "covers": ["ghost", "x"]}],
    )
    d["policy"]["required_ops"] = ["monitoring", "dns"]
    for tiers in (d["policy"]["tiers"], []):
        d["policy"]["tiers"] = tiers
        for r in RULES:
            if r.module in ("tiers", "ops", "people", "coverage", "exercises", "document") and r.check:
                for f in run_rule(r.code, d):
                    assert f.code == r.code and f.path
