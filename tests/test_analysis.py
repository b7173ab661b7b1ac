"""The dependency graph and the site-loss analysis (spec §4), and `bcp simulate`'s table."""

from __future__ import annotations

import json
import random

import pytest
from conftest import make_context, plan_dict

from bcp.analysis import siteloss
from bcp.analysis.graph import Graph
from bcp.analysis.siteloss import analyze, simulate
from bcp.simulate import format_table

M, H = 60, 3600


def svc(id_, deployments, tier="tier0", **kw):
    return {"id": id_, "name": id_.title(), "owner": "crisis", "tier": tier, "deployments": deployments, **kw}


def dep(site, mode="active", **kw):
    return {"site": site, "mode": mode, **kw}


def db(id_, copies, tier="tier0", **kw):
    return {"id": id_, "name": id_.title(), "owner": "crisis", "tier": tier, "copies": copies, **kw}


def primary(site):
    return {"site": site, "role": "primary"}


def replica(site, replication="sync", **kw):
    return {"site": site, "role": "replica", "replication": replication, **kw}


SITES3 = [
    {"id": "dc1", "name": "DC 1", "kind": "owned", "region": "r1"},
    {"id": "dc2", "name": "DC 2", "kind": "owned", "region": "r2"},
    {"id": "dc3", "name": "DC 3", "kind": "owned", "region": "r1"},
]


def lose(d, *sites):
    ctx = make_context(d)
    return ctx, simulate(ctx, frozenset(sites))


def full(ctx, result, cid):
    return siteloss.state_of(ctx, result, cid)


# --- state, recovery time and cause chain, table-driven -----------------------------------

CASES = [
    # (name, sections, lost sites, component, state, recovery, cause)
    (
        "chain through a degraded store",
        dict(
            services=[
                svc("a", [dep("dc1"), dep("dc2")], depends_on=["b"]),
                svc("b", [dep("dc1"), dep("dc2")], depends_on=["c"]),
            ],
            data=[db("c", [primary("dc1"), replica("dc2")])],
        ),
        ("dc1",),
        [("c", "degraded", 5 * M, ["c", "dc1"]), ("b", "degraded", 5 * M, ["b", "c", "dc1"]), ("a", "degraded", 5 * M, ["a", "b", "c", "dc1"])],
    ),
    (
        "chain down to a single-site service",
        dict(services=[svc("a", [dep("dc1"), dep("dc2")], depends_on=["b"]), svc("b", [dep("dc2")], depends_on=["c"]), svc("c", [dep("dc1")])]),
        ("dc1",),
        [("c", "down", None, ["c", "dc1"]), ("b", "down", None, ["b", "c", "dc1"]), ("a", "down", None, ["a", "b", "c", "dc1"])],
    ),
    (
        "the other site: all up",
        dict(services=[svc("a", [dep("dc1"), dep("dc2")], depends_on=["b"]), svc("b", [dep("dc1"), dep("dc2")])]),
        ("dc2",),
        [("a", "up", 0, []), ("b", "up", 0, [])],
    ),
    (
        "hot standby: policy hot",
        dict(services=[svc("a", [dep("dc1"), dep("dc2", "hot")])]),
        ("dc1",),
        [("a", "degraded", 5 * M, ["a", "dc1"])],
    ),
    (
        "warm standby: policy warm",
        dict(services=[svc("a", [dep("dc1"), dep("dc2", "warm")])]),
        ("dc1",),
        [("a", "degraded", 1 * H, ["a", "dc1"])],
    ),
    (
        "cold standby with its own takeover",
        dict(services=[svc("a", [dep("dc1"), dep("dc2", "cold", takeover="2h")])]),
        ("dc1",),
        [("a", "degraded", 2 * H, ["a", "dc1"])],
    ),
    (
        "fastest surviving standby wins",
        dict(services=[svc("a", [dep("dc1"), dep("dc2", "cold"), dep("dc3", "warm")])]),
        ("dc1",),
        [("a", "degraded", 1 * H, ["a", "dc1"])],
    ),
    (
        "recovery is the max with dependencies",
        dict(
            services=[svc("a", [dep("dc1"), dep("dc2", "hot")], depends_on=["b"]), svc("b", [dep("dc1"), dep("dc2", "warm")])],
        ),
        ("dc1",),
        [("a", "degraded", 1 * H, ["a", "b", "dc1"]), ("b", "degraded", 1 * H, ["b", "dc1"])],
    ),
    (
        "own takeover slower than a dependency's",
        dict(services=[svc("a", [dep("dc1"), dep("dc2", "cold")], depends_on=["b"]), svc("b", [dep("dc1"), dep("dc2", "hot")])]),
        ("dc1",),
        [("a", "degraded", 24 * H, ["a", "dc1"])],
    ),
    (
        "replica promotion uses the copy's takeover",
        dict(data=[db("c", [primary("dc1"), replica("dc2", takeover="20m")])]),
        ("dc1",),
        [("c", "degraded", 20 * M, ["c", "dc1"])],
    ),
    (
        "backup only: restore_time",
        dict(data=[db("c", [primary("dc1")], backups={"every": "1h", "retention": "30d", "sites": ["dc2"], "restore_time": "3h"})]),
        ("dc1",),
        [("c", "degraded", 3 * H, ["c", "dc1"])],
    ),
    (
        "backup only: policy cold by default",
        dict(data=[db("c", [primary("dc1")], backups={"every": "1h", "retention": "30d", "sites": ["dc2"]})]),
        ("dc1",),
        [("c", "degraded", 24 * H, ["c", "dc1"])],
    ),
    (
        "data lost, and what depends on it is down",
        dict(
            services=[svc("a", [dep("dc1"), dep("dc2")], depends_on=["c"])],
            data=[db("c", [primary("dc1")], backups={"every": "1h", "retention": "30d", "sites": ["dc3"]})],
        ),
        ("dc1", "dc3"),
        [("c", "lost", None, ["c", "dc1", "dc3"]), ("a", "down", None, ["a", "c", "dc1", "dc3"])],
    ),
    (
        "a dependency on an unknown id is ignored",
        dict(services=[svc("a", [dep("dc1"), dep("dc2")], depends_on=["nope"])]),
        ("dc1",),
        [("a", "up", 0, [])],
    ),
]


@pytest.mark.parametrize("name,sections,lost,expected", CASES, ids=[c[0] for c in CASES])
def test_state_recovery_cause(name, sections, lost, expected):
    d = plan_dict(sites=SITES3, **sections)
    ctx, r = lose(d, *lost)
    for cid, state, recovery, cause in expected:
        st = full(ctx, r, cid)
        assert (st.state, st.recovery, st.cause) == (state, recovery, cause), cid
        assert r.state_of(cid) == state
        assert (cid in r.affected) == (state != "up")


def test_policy_takeover_defaults_can_be_changed():
    pol = plan_dict()["policy"]
    pol["takeover"] = {"hot": "2m", "warm": "30m", "cold": "4h"}
    d = plan_dict(sites=SITES3, policy=pol, services=[svc("a", [dep("dc1"), dep("dc2", "hot")]), svc("b", [dep("dc1"), dep("dc2", "cold")])])
    ctx, r = lose(d, "dc1")
    assert r.affected["a"].recovery == 2 * M
    assert r.affected["b"].recovery == 4 * H


# --- data: effective RPO ----------------------------------------------------------------------

RPO_CASES = [
    ("sync replica survives", [primary("dc1"), replica("dc2", "sync")], None, "degraded", 0, False),
    ("async lag", [primary("dc1"), replica("dc2", "async", lag="1h")], None, "degraded", H, False),
    ("smallest lag of surviving async replicas", [primary("dc1"), replica("dc2", "async", lag="1h"), replica("dc3", "async", lag="10m")], None, "degraded", 10 * M, False),
    ("a sync replica beats async ones", [primary("dc1"), replica("dc2", "async", lag="1h"), replica("dc3", "sync")], None, "degraded", 0, False),
    ("primary survives", [primary("dc2"), replica("dc1", "async", lag="1h")], None, "up", 0, False),
    ("restored from backup", [primary("dc1")], {"every": "6h", "retention": "30d", "sites": ["dc2"]}, "degraded", 6 * H, True),
    ("lost", [primary("dc1")], {"every": "6h", "retention": "30d", "sites": ["dc1"]}, "lost", None, False),
    ("lost without backups", [primary("dc1")], None, "lost", None, False),
]


@pytest.mark.parametrize("name,copies,backups,state,rpo,restored", RPO_CASES, ids=[c[0] for c in RPO_CASES])
def test_effective_rpo(name, copies, backups, state, rpo, restored):
    extra = {"backups": backups} if backups else {}
    d = plan_dict(sites=SITES3, data=[db("c", copies, **extra)])
    ctx, r = lose(d, "dc1")
    st = full(ctx, r, "c")
    assert (st.state, st.rpo, st.restored_from_backup) == (state, rpo, restored)
    assert st.rpo_target == 5 * M


def test_service_shows_worst_rpo_of_its_stores_transitively():
    d = plan_dict(
        sites=SITES3,
        services=[svc("a", [dep("dc1"), dep("dc2")], depends_on=["b", "s"]), svc("b", [dep("dc1"), dep("dc2")], depends_on=["y"])],
        data=[db("s", [primary("dc1"), replica("dc2", "async", lag="2m")]), db("y", [primary("dc1"), replica("dc2", "async", lag="30m")])],
    )
    ctx, r = lose(d, "dc1")
    assert r.affected["b"].rpo == 30 * M
    assert r.affected["a"].rpo == 30 * M
    ctx, r = lose(d, "dc2")
    assert full(ctx, r, "a").rpo == 0


# --- capacity ---------------------------------------------------------------------------------


def cap_plan(spare_dc2, spare_dc3=None, load_b=None):
    sites = [dict(s) for s in SITES3]
    sites[1]["capacity"] = spare_dc2
    if spare_dc3 is not None:
        sites[2]["capacity"] = spare_dc3
    services = [svc("a", [dep("dc1", capacity=100), dep("dc2", "hot", capacity=50)], load=100)]
    if load_b is not None:
        services.insert(0, svc("b", [dep("dc1", capacity=load_b), dep("dc2", "hot", capacity=0)], tier="tier1", load=load_b))
    return plan_dict(sites=sites, services=services)


@pytest.mark.parametrize(
    "spare_dc2,spare_dc3,load_b,short_a,unabsorbed_a,unabsorbed_b",
    [
        (250, None, None, 50, 0, None),  # dc2 offers 250 - 50 placed = 200 spare: absorbed
        (60, None, None, 50, 40, None),  # 10 spare: 40 left
        (50, None, None, 50, 50, None),  # no spare at all
        (60, 30, None, 50, 10, None),  # dc3 pools its 30 with dc2's 10
        (100, None, 30, 50, 0, 30),  # tier0 'a' first (50 spare), though 'b' comes first in services
        (80, None, 30, 50, 20, 30),
    ],
)
def test_capacity_shortfall_and_pooled_spare(spare_dc2, spare_dc3, load_b, short_a, unabsorbed_a, unabsorbed_b):
    ctx, r = lose(cap_plan(spare_dc2, spare_dc3, load_b), "dc1")
    a = r.affected["a"]
    assert (a.state, a.capacity, a.load, a.short, a.unabsorbed) == ("degraded", 50, 100, short_a, unabsorbed_a)
    if unabsorbed_b is not None:
        assert r.affected["b"].unabsorbed == unabsorbed_b


def test_capacity_covering_load_is_up_and_a_lost_site_offers_no_spare():
    sites = [dict(s, capacity=1000) for s in SITES3]
    d = plan_dict(sites=sites, services=[svc("a", [dep("dc1", capacity=100), dep("dc2", capacity=100)], load=100)])
    ctx, r = lose(d, "dc1")
    assert "a" not in r.affected
    d = plan_dict(sites=sites, services=[svc("a", [dep("dc1", capacity=100), dep("dc2", capacity=50)], load=100)])
    ctx, r = lose(d, "dc1", "dc3")
    assert r.affected["a"].unabsorbed == 0  # dc2's 950 spare is left
    ctx, r = lose(d, "dc1")
    assert r.affected["a"].state == "degraded"


# --- analyze(): losses, must_survive, counts, ops -----------------------------------------------


def test_losses_order_must_survive_counts_and_ops():
    pol = plan_dict()["policy"]
    pol["tiers"][0].update(min_sites=2, min_regions=2)
    pol["required_ops"] = ["monitoring", "paging"]
    d = plan_dict(
        sites=SITES3,
        policy=pol,
        services=[svc("a", [dep("dc1"), dep("dc2")]), svc("b", [dep("dc1")], tier="tier1")],
        ops_tools=[
            svc("mon", [dep("dc1"), dep("dc3")], category="monitoring"),
            svc("pager", [dep("dc2")], category="paging"),
        ],
        scenarios=[
            {"id": "fire", "name": "Fire", "kind": "site-loss", "sites": ["dc1", "dc3"], "lead": "crisis", "procedures": []},
            {"id": "quake", "name": "Quake", "kind": "region-loss", "regions": ["r2"], "lead": "crisis", "procedures": []},
            {"id": "hack", "name": "Hack", "kind": "cyberattack", "lead": "crisis", "procedures": []},
        ],
    )
    ctx = make_context(d)
    a = ctx.analysis
    keys = [r.loss.key for r in a.results]
    assert keys == ["site:dc1", "site:dc2", "site:dc3", "region:r1", "region:r2", "scenario:fire", "scenario:quake"]
    assert a.by_key("site:dc1").loss.must_survive == {"tier0"}
    assert a.by_key("region:r1").loss.must_survive == {"tier0"}
    assert a.by_key("region:r1").loss.sites == {"dc1", "dc3"}
    assert a.by_key("scenario:fire").loss.must_survive == frozenset()
    assert a.by_key("scenario:quake").loss.sites == {"dc2"}
    r1 = a.by_key("site:dc1")
    assert r1.counts["tier0"] == {"up": 3, "degraded": 0, "down": 0, "lost": 0}
    assert r1.counts["tier1"] == {"up": 0, "degraded": 0, "down": 1, "lost": 0}
    assert r1.ops_lost == []
    assert a.by_key("site:dc2").ops_lost == ["paging"]
    assert a.by_key("region:r1").ops_lost == ["monitoring"]
    assert a.by_key("region:r1").counts["tier0"] == {"up": 2, "degraded": 0, "down": 1, "lost": 0}
    assert a.by_key("scenario:fire").ops_lost == ["monitoring"]
    # the lazy 'affected' mapping behaves like a dict
    assert dict(a.by_key("site:dc1").affected).keys() == {"b"}
    assert len(a.by_key("region:r1").affected) == 2
    assert a.by_key("site:dc1").affected.get("a") is None


def test_must_survive_from_min_sites_and_min_regions():
    pol = plan_dict()["policy"]
    pol["tiers"][1].update(min_sites=2)
    ctx = make_context(plan_dict(policy=pol))
    a = ctx.analysis
    assert a.by_key("site:dc1").loss.must_survive == {"tier1"}
    assert a.by_key("region:r1").loss.must_survive == frozenset()


# --- robustness -------------------------------------------------------------------------------


def test_cycles_and_duplicates_do_not_hang():
    d = plan_dict(
        services=[
            svc("a", [dep("dc1"), dep("dc2")], depends_on=["b"]),
            svc("b", [dep("dc1")], depends_on=["a", "b"]),
            svc("a", [dep("dc2")]),  # duplicate id: the first definition wins
        ]
    )
    ctx = make_context(d)
    g = ctx.graph
    assert g.cyclic == {"a", "b"}
    assert g.paths["a"] == ("services", 0)
    r = ctx.analysis.by_key("site:dc1")
    assert r.state_of("b") == "down"
    assert r.state_of("a") in ("up", "down")


def test_deep_chain_is_iterative():
    n = 10_000
    services = [svc(f"s{i}", [dep("dc1"), dep("dc2")], depends_on=[f"s{i + 1}"]) for i in range(n - 1)]
    services.append(svc(f"s{n - 1}", [dep("dc1"), dep("dc2", "hot")]))
    ctx = make_context(plan_dict(services=services))
    g = ctx.graph
    assert g.pos["s9999"] < g.pos["s0"]
    r = ctx.analysis.by_key("site:dc1")
    assert r.counts["tier0"]["degraded"] == n
    st = r.affected["s0"]
    assert st.recovery == 5 * M
    assert st.cause[0] == "s0" and st.cause[-2:] == ["s9999", "dc1"] and len(st.cause) <= siteloss.MAX_CAUSE


def test_graph_effective_rto_and_rank():
    d = plan_dict(services=[svc("a", [dep("dc1")], rto="10m"), svc("b", [dep("dc1")], tier="tier1"), svc("c", [dep("dc1")], tier="nope")])
    g = Graph.build(make_context(d))
    assert g.rto == {"a": 600, "b": 86400, "c": None}
    assert g.rank == {"a": 0, "b": 1, "c": 2}
    assert g.rpo["a"] == 300


def random_plan(seed):
    rnd = random.Random(seed)
    sites = [{"id": f"dc{i}", "name": f"DC {i}", "kind": "owned", "region": f"r{i % 3}", **({"capacity": rnd.randint(0, 300)} if rnd.random() < 0.7 else {})} for i in range(6)]
    ids = [f"c{i}" for i in range(40)]
    services, data = [], []
    for i, cid in enumerate(ids):
        deps = rnd.sample(ids, rnd.randint(0, 3)) if rnd.random() < 0.9 else []
        deps = [x for x in deps if rnd.random() < 0.9 or x > cid]  # mostly acyclic, some cycles
        tier = rnd.choice(["tier0", "tier1"])
        if i % 3 == 0:
            copies = [primary(rnd.choice(sites)["id"])]
            for s in rnd.sample(sites, rnd.randint(0, 2)):
                copies.append(replica(s["id"], "sync") if rnd.random() < 0.4 else replica(s["id"], "async", lag=f"{rnd.randint(1, 90)}m"))
            extra = {"backups": {"every": "1h", "retention": "1d", "sites": [rnd.choice(sites)["id"]]}} if rnd.random() < 0.5 else {}
            data.append(db(cid, copies, tier=tier, depends_on=deps, **extra))
        else:
            ds = [dep(s["id"], rnd.choice(["active", "hot", "warm", "cold"]), **({"capacity": rnd.randint(0, 100)} if rnd.random() < 0.8 else {})) for s in rnd.sample(sites, rnd.randint(1, 3))]
            services.append(svc(cid, ds, tier=tier, depends_on=deps, **({"load": rnd.randint(10, 150)} if rnd.random() < 0.7 else {})))
    scen = [{"id": f"sc{k}", "name": "S", "kind": "site-loss", "sites": [s["id"] for s in rnd.sample(sites, 3)], "lead": "crisis", "procedures": []} for k in range(3)]
    return plan_dict(sites=sites, services=services, data=data, scenarios=scen)


@pytest.mark.parametrize("seed", range(12))
def test_bitmask_analysis_matches_a_direct_walk(seed):
    """analyze() (bit masks, states on demand) agrees with walking each loss directly."""
    ctx = make_context(random_plan(seed))
    e = siteloss.engine(ctx)
    for r in ctx.analysis.results:
        direct = e.run(r.loss)
        # ask for a few states on demand before the whole set is built
        for cid in list(direct.affected)[-3:]:
            assert r.affected[cid].state == direct.affected[cid].state
        assert set(r.affected) == set(direct.affected), r.loss.key
        for cid, s in r.affected.items():
            dd = direct.affected[cid]
            assert (s.state, s.recovery, s.rpo, s.cause, s.short, s.unabsorbed) == (dd.state, dd.recovery, dd.rpo, dd.cause, dd.short, dd.unabsorbed), (r.loss.key, cid)
        assert r.counts == direct.counts
        assert r.ops_lost == direct.ops_lost


def test_analyze_function_and_empty_plan():
    ctx = make_context(plan_dict())
    a = analyze(ctx)
    assert [r.loss.key for r in a.results] == ["site:dc1", "site:dc2", "region:r1", "region:r2"]
    assert all(not r.affected for r in a.results)


# --- bcp simulate's table -------------------------------------------------------------------------


def sim_plan():
    return plan_dict(
        sites=SITES3,
        services=[
            svc("web", [dep("dc1"), dep("dc2", "warm")], tier="tier1", depends_on=["auth"], rto="2h"),
            svc("auth", [dep("dc1"), dep("dc2", "hot")], rto="30m", depends_on=["auth-db"]),
            svc("batch", [dep("dc1")], tier="tier1"),
            svc("api", [dep("dc2"), dep("dc3")]),
        ],
        data=[db("auth-db", [primary("dc1"), replica("dc2", "async", lag="1m")])],
    )


def test_format_table_text_rows_and_order():
    ctx, r = lose(sim_plan(), "dc1")
    out = format_table(ctx, r, "text").splitlines()
    assert out[0].split()[:4] == ["id", "name", "tier", "state"]
    ids = [line.split()[0] for line in out[1:]]
    # tier0 first (degraded before up), then tier1 (down before degraded), ids within a state
    assert ids == ["auth", "auth-db", "api", "batch", "web"]
    auth = next(line for line in out if line.startswith("auth "))
    assert "5m / 30m" in auth and "1m / 5m" in auth and "auth → dc1" in auth  # own takeover wins a tie
    batch = next(line for line in out if line.startswith("batch "))
    assert "down" in batch and "— / 1d" in batch and "batch → dc1" in batch
    web = next(line for line in out if line.startswith("web "))
    assert "1h / 2h" in web
    # aligned: the state column starts at the same place on every row
    col = out[0].index("state")
    assert all(line[col:].split()[0] in ("state", "up", "degraded", "down", "lost") for line in out)


def test_format_table_json():
    ctx, r = lose(sim_plan(), "dc1", "dc2")
    doc = json.loads(format_table(ctx, r, "json"))
    assert doc["lost"] == ["dc1", "dc2"]
    rows = {c["id"]: c for c in doc["components"]}
    assert rows["auth-db"] == {
        "id": "auth-db", "name": "Auth-Db", "tier": "tier0", "state": "lost", "recovery": None,
        "rto": "1h", "rpo": None, "rpo_target": "5m", "cause": ["auth-db", "dc1", "dc2"],
    }
    assert rows["api"]["state"] == "up" and rows["api"]["recovery"] == "0s" and rows["api"]["cause"] == []
    assert rows["web"]["cause"] == ["web", "dc1", "dc2"]
    assert rows["auth"]["cause"] == ["auth", "dc1", "dc2"]
    assert [c["id"] for c in doc["components"]][0] == "auth-db"


def test_format_table_rejects_unknown_format():
    ctx, r = lose(sim_plan(), "dc1")
    with pytest.raises(ValueError):
        format_table(ctx, r, "xml")


def test_odd_stores_agree_with_evaluating_every_component():
    """Stores without a primary, without copies, with backups beside their only copy: the
    mask shortcuts of analyze() give the states of evaluating every component in order."""
    backups = {"every": "1h", "retention": "1d", "sites": ["dc3"]}
    d = plan_dict(
        sites=SITES3,
        services=[svc("a", [dep("dc1"), dep("dc2", "warm")], depends_on=["r", "n", "s"]), svc("solo", [dep("dc2")])],
        data=[
            db("r", [replica("dc1"), replica("dc2", "async", lag="2m")], backups=backups),  # no primary
            db("n", [], backups=backups),  # no copy at all
            db("s", [primary("dc1")], backups={**backups, "sites": ["dc1"]}),  # backups beside the only copy
            db("b", [primary("dc2")], backups=backups),
        ],
    )
    ctx = make_context(d)
    e = siteloss.engine(ctx)
    for r in ctx.analysis.results:
        walked = {}
        for cid in ctx.graph.order:
            st = e.evaluate(cid, r.loss.sites, walked)
            if st.state != "up":
                walked[cid] = st
        assert set(r.affected) == set(walked), r.loss.key
        for cid, st in r.affected.items():
            w = walked[cid]
            assert (st.state, st.recovery, st.rpo, st.cause) == (w.state, w.recovery, w.rpo, w.cause), (r.loss.key, cid)
    a = ctx.analysis
    assert a.by_key("site:dc1").state_of("s") == "lost" and a.by_key("site:dc1").state_of("a") == "down"
    assert a.by_key("site:dc2").state_of("solo") == "down"
    assert a.by_key("site:dc3").state_of("b") == "up"
    b = a.by_key("region:r2").affected["b"]  # its only copy is gone, its backup site is not
    assert (b.state, b.restored_from_backup, b.recovery, b.rpo) == ("degraded", True, 24 * H, H)


def test_simulate_agrees_with_the_analysis_when_only_a_backup_site_is_lost():
    """A store whose copies are all gone but whose backup site survives is restorable; losing
    that backup site too makes it lost — `bcp simulate` must see the backup site as the analysis does."""
    from bcp.analysis.siteloss import simulate

    d = plan_dict(
        sites=[
            {"id": "dc1", "name": "DC 1", "kind": "owned", "region": "r1"},
            {"id": "dc2", "name": "DC 2", "kind": "owned", "region": "r2"},
            {"id": "vault", "name": "Vault", "kind": "owned", "region": "r3"},
        ],
        data=[
            {
                "id": "db", "name": "DB", "owner": "crisis", "tier": "tier1",
                "copies": [{"site": "dc1", "role": "primary"}],
                "backups": {"every": "1h", "retention": "30d", "sites": ["vault"]},
            }
        ],
    )
    ctx = make_context(d)
    both = simulate(ctx, frozenset({"dc1", "vault"}))
    assert both.state_of("db") == "lost"
    only_copy = simulate(ctx, frozenset({"dc1"}))
    assert only_copy.state_of("db") == "degraded"
    assert only_copy.affected["db"].restored_from_backup
    # and as a declared loss, the analysis says the same
    analysed = {r.loss.key: r for r in ctx.analysis.results}
    assert analysed["site:dc1"].state_of("db") == "degraded"


def test_simulate_and_analysis_agree_on_every_single_site_loss_for_odd_stores():
    """Stores with no primary or no copy (S002 reports them) still get one answer from both
    paths: the loss of a backup site alone is seen by `bcp simulate` too."""
    from bcp.analysis.siteloss import simulate

    sites = [{"id": f"dc{i}", "name": f"DC {i}", "kind": "owned", "region": f"r{i}"} for i in (1, 2, 3)]
    d = plan_dict(
        sites=sites,
        data=[
            {"id": "replicas-only", "name": "R", "owner": "crisis", "tier": "tier1",
             "copies": [{"site": "dc1", "role": "replica", "replication": "sync"}],
             "backups": {"every": "1h", "retention": "30d", "sites": ["dc3"]}},
            {"id": "no-copy", "name": "N", "owner": "crisis", "tier": "tier1", "copies": [],
             "backups": {"every": "1h", "retention": "30d", "sites": ["dc3"]}},
        ],
    )
    ctx = make_context(d)
    for r in ctx.analysis.results:
        if r.loss.kind != "site":
            continue
        sim = simulate(ctx, r.loss.sites)
        for cid in ("replicas-only", "no-copy"):
            assert sim.state_of(cid) == r.state_of(cid), (r.loss.key, cid)
