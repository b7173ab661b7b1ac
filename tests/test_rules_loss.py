"""Rules L001–L006: findings after the losses a tier must survive."""

from __future__ import annotations

from conftest import plan_dict, run_rule

SITES = [
    {"id": "dc1", "name": "DC 1", "kind": "owned", "region": "r1"},
    {"id": "dc2", "name": "DC 2", "kind": "owned", "region": "r2"},
    {"id": "dc3", "name": "DC 3", "kind": "owned", "region": "r1"},
]


def policy(min_sites=2, min_regions=1, required_ops=()):
    return {
        "tiers": [
            {"id": "tier0", "name": "Critical", "max_rto": "30m", "max_rpo": "5m", "min_sites": min_sites, "min_regions": min_regions},
            {"id": "tier1", "name": "Standard", "max_rto": "1d", "max_rpo": "1h"},
        ],
        "required_ops": list(required_ops),
    }


def svc(id_, deployments, tier="tier0", **kw):
    return {"id": id_, "name": id_, "owner": "crisis", "tier": tier, "deployments": deployments, **kw}


def db(id_, copies, tier="tier0", **kw):
    return {"id": id_, "name": id_, "owner": "crisis", "tier": tier, "copies": copies, **kw}


def dep(site, mode="active", **kw):
    return {"site": site, "mode": mode, **kw}


def plan(pol=None, sites=SITES, **sections):
    return plan_dict(policy=pol or policy(), sites=sites, **sections)


def one(code, d):
    fs = run_rule(code, d)
    assert len(fs) == 1, [f.message for f in fs]
    return fs[0]


# --- L001 -----------------------------------------------------------------------------------


def test_l001_dependency_chain_to_the_lost_site():
    d = plan(
        services=[svc("messaging", [dep("dc1"), dep("dc2")], depends_on=["auth", "auth-db"]), svc("auth", [dep("dc1"), dep("dc2")])],
        data=[db("auth-db", [{"site": "dc1", "role": "primary"}])],
    )
    fs = run_rule("L001", d)
    f = next(f for f in fs if f.target == "messaging")
    assert f.code == "L001"
    assert f.message.startswith("messaging does not survive the loss of site dc1: messaging → auth-db → dc1")
    assert f.path == ("services", 0, "depends_on", 1)
    assert [f.target for f in fs] == ["messaging"]  # the lost store itself is L005


def test_l001_own_deployments():
    f = one("L001", plan(services=[svc("a", [dep("dc1")])]))
    assert (f.target, f.path) == ("a", ("services", 0, "deployments", 0))
    assert "a → dc1" in f.message


def test_l001_passes_when_every_link_has_two_sites():
    d = plan(
        services=[svc("messaging", [dep("dc1"), dep("dc2")], depends_on=["auth-db"])],
        data=[db("auth-db", [{"site": "dc1", "role": "primary"}, {"site": "dc2", "role": "replica", "replication": "sync"}])],
    )
    assert run_rule("L001", d) == []


def test_l001_only_for_losses_the_tier_must_survive():
    d = plan(pol=policy(min_sites=1), services=[svc("a", [dep("dc1")])])
    assert run_rule("L001", d) == []
    d = plan(services=[svc("a", [dep("dc1")], tier="tier1")])
    assert run_rule("L001", d) == []
    # scenarios are informational
    d = plan(
        pol=policy(min_sites=1),
        services=[svc("a", [dep("dc1"), dep("dc2")])],
        scenarios=[{"id": "both", "name": "Both", "kind": "site-loss", "sites": ["dc1", "dc2"], "lead": "crisis", "procedures": []}],
    )
    assert run_rule("L001", d) == []


def test_l001_region_loss_and_bounded_message():
    sites = [{"id": f"s{i}", "name": "S", "kind": "owned", "region": "r1"} for i in range(8)]
    d = plan(pol=policy(min_sites=1, min_regions=2), sites=sites, services=[svc("a", [dep(f"s{i}") for i in range(8)])])
    f = one("L001", d)
    assert f.message.startswith("a does not survive the loss of region r1: a → s0 → s1")
    deps = [svc(f"b{i}", [dep(f"s{i}")], tier="tier1") for i in range(1, 6)]
    d = plan(pol=policy(min_sites=2, min_regions=2), sites=sites, services=[svc("a", [dep("s0"), dep("s6"), dep("s7")], depends_on=[f"b{i}" for i in range(1, 6)]), *deps])
    f = one("L001", d)  # the tier1 stores need not survive
    assert f.message == "a does not survive the loss of site s1: a → b1 → s1 (also after losing s2, s3, s4 and 2 more)"
    assert f.path == ("services", 0, "depends_on", 0)


# --- L002 -----------------------------------------------------------------------------------


def test_l002_warm_standby_slower_than_rto():
    d = plan(services=[svc("login", [dep("dc1"), dep("dc2", "warm")], rto="30m")])
    f = one("L002", d)
    assert f.message == "login recovers in 1h after losing dc1 (warm standby at dc2); rto is 30m"
    assert (f.target, f.path) == ("login", ("services", 0, "deployments", 1))


def test_l002_through_a_dependency():
    d = plan(
        services=[svc("login", [dep("dc1"), dep("dc2")], depends_on=["auth-db"])],
        data=[db("auth-db", [{"site": "dc1", "role": "primary"}, {"site": "dc2", "role": "replica", "replication": "sync", "takeover": "45m"}], rto="1h")],
    )
    f = one("L002", d)
    assert f.message == "login recovers in 45m after losing dc1; rto is 30m (login → auth-db → dc1)"
    assert (f.target, f.path) == ("login", ("services", 0, "depends_on", 0))


def test_l002_passes_with_a_hot_standby_or_takeover_within_rto():
    assert run_rule("L002", plan(services=[svc("login", [dep("dc1"), dep("dc2", "hot")], rto="30m")])) == []
    assert run_rule("L002", plan(services=[svc("login", [dep("dc1"), dep("dc2", "warm", takeover="20m")], rto="30m")])) == []


# --- L003 / L004 -------------------------------------------------------------------------------


def cap(spare):
    sites = [dict(s) for s in SITES]
    if spare is not None:
        sites[1]["capacity"] = spare
    return plan(sites=sites, services=[svc("login", [dep("dc1", capacity=200), dep("dc2", "hot", capacity=100)], load=200)])


def test_l003_short_of_capacity():
    f = one("L003", cap(500))
    assert f.message == "login has capacity 100 for load 200 after losing dc1 (short by 100)"
    assert (f.target, f.path) == ("login", ("services", 0, "deployments"))


def test_l003_passes_when_survivors_cover_load():
    d = plan(services=[svc("login", [dep("dc1", capacity=200), dep("dc2", "hot", capacity=200)], load=200)])
    assert run_rule("L003", d) == []
    d = plan(services=[svc("login", [dep("dc1"), dep("dc2", "hot")], load=200)])  # no capacity figures
    assert run_rule("L003", d) == []


def test_l004_spare_does_not_absorb():
    f = one("L004", cap(160))  # 160 - 100 placed = 60 spare: 40 left
    assert f.message == "login is short 100 capacity units after losing dc1 and the surviving sites' spare capacity leaves 40 of it unabsorbed"
    assert (f.target, f.path) == ("login", ("services", 0, "deployments"))
    f = one("L004", cap(None))  # a site without capacity offers none
    assert "leaves 100 of it unabsorbed" in f.message


def test_l004_passes_when_spare_absorbs():
    assert run_rule("L004", cap(200)) == []


def test_l004_most_critical_tier_first():
    sites = [dict(s) for s in SITES]
    sites[1]["capacity"] = 250  # 250 - 150 placed = 100 spare
    pol = policy()
    pol["tiers"][1]["min_sites"] = 2
    d = plan(
        pol=pol,
        sites=sites,
        services=[
            svc("batch", [dep("dc1", capacity=100), dep("dc2", "cold", capacity=50)], tier="tier1", load=100),
            svc("login", [dep("dc1", capacity=200), dep("dc2", "hot", capacity=100)], load=200),
        ],
    )
    fs = run_rule("L004", d)
    assert [(f.target, f.path) for f in fs] == [("batch", ("services", 0, "deployments"))]


# --- L005 ------------------------------------------------------------------------------------


def test_l005_async_lag_over_rpo():
    d = plan(data=[db("auth-db", [{"site": "dc1", "role": "primary"}, {"site": "dc2", "role": "replica", "replication": "async", "lag": "1h"}])])
    f = one("L005", d)
    assert f.message == "auth-db loses data after losing dc1: effective RPO 1h (async lag) over rpo 5m"
    assert (f.target, f.path) == ("auth-db", ("data", 0, "copies", 1))


def test_l005_backup_restore_over_rpo():
    d = plan(data=[db("auth-db", [{"site": "dc1", "role": "primary"}], backups={"every": "1h", "retention": "7d", "sites": ["dc2"]})])
    f = one("L005", d)
    assert "effective RPO 1h (restored from backups taken every 1h) over rpo 5m" in f.message
    assert f.path == ("data", 0, "backups", "every")


def test_l005_data_lost():
    d = plan(data=[db("auth-db", [{"site": "dc1", "role": "primary"}])])
    f = one("L005", d)
    assert f.message == "auth-db is lost after losing dc1: no copy and no backup site survives"
    assert (f.target, f.path) == ("auth-db", ("data", 0, "copies"))


def test_l005_passes():
    d = plan(data=[db("auth-db", [{"site": "dc1", "role": "primary"}, {"site": "dc2", "role": "replica", "replication": "async", "lag": "1m"}])])
    assert run_rule("L005", d) == []
    d = plan(data=[db("auth-db", [{"site": "dc1", "role": "primary"}, {"site": "dc2", "role": "replica", "replication": "sync"}])])
    assert run_rule("L005", d) == []


# --- L006 ------------------------------------------------------------------------------------


def ops_plan(pol, tools):
    return plan(pol=pol, services=[svc("a", [dep("dc1"), dep("dc2")])], ops_tools=tools)


def test_l006_required_category_without_a_surviving_tool():
    tools = [svc("grafana", [dep("dc1")], category="monitoring"), svc("pager", [dep("dc1"), dep("dc2")], category="paging")]
    f = one("L006", ops_plan(policy(required_ops=["monitoring", "paging"]), tools))
    assert f.message == "no monitoring tool survives the loss of site dc1 (monitoring tools: grafana)"
    assert (f.target, f.path) == ("monitoring", ("ops_tools", 0, "deployments"))


def test_l006_region_loss_when_tier0_must_survive_regions():
    tools = [svc("grafana", [dep("dc1"), dep("dc3")], category="monitoring")]
    f = one("L006", ops_plan(policy(min_sites=1, min_regions=2, required_ops=["monitoring"]), tools))
    assert f.message == "no monitoring tool survives the loss of region r1 (monitoring tools: grafana)"


def test_l006_passes():
    tools = [svc("grafana", [dep("dc1")], category="monitoring"), svc("prom", [dep("dc2")], category="monitoring")]
    assert run_rule("L006", ops_plan(policy(required_ops=["monitoring"]), tools)) == []
    # tier 0 must survive no loss: nothing is checked
    tools = [svc("grafana", [dep("dc1")], category="monitoring")]
    assert run_rule("L006", ops_plan(policy(min_sites=1, required_ops=["monitoring"]), tools)) == []
    # a category with no tool at all is O001's, not L006's
    assert run_rule("L006", ops_plan(policy(required_ops=["deploy"]), tools)) == []


# --- robustness ------------------------------------------------------------------------------


def test_rules_quiet_on_dangling_references_and_cycles():
    d = plan(
        services=[
            svc("a", [dep("nowhere"), dep("dc2")], depends_on=["ghost", "b"], tier="nope"),
            svc("b", [dep("dc1"), dep("dc2")], depends_on=["a"]),
        ],
        data=[db("x", [])],
    )
    found = {code: run_rule(code, d) for code in ("L001", "L002", "L003", "L004", "L005", "L006")}
    # no rule raises; the unknown tier and the dangling ids are R001's, so no L finding names them
    assert all(f.target not in ("ghost", "nowhere") for fs in found.values() for f in fs)


def test_docs_cover_every_rule():
    from bcp.rules.loss import DOCS

    for code in ("L001", "L002", "L003", "L004", "L005", "L006"):
        text = DOCS[code]
        assert text.startswith("What:") and "\nWhy:" in text and "\nExample:" in text and "\nFix:" in text
