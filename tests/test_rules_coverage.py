"""Rules C001–C005: scenarios, procedures and communications cover the plan."""

from __future__ import annotations

from conftest import plan_dict, run_rule


def svc(id_, tier="tier0", **kw):
    return {"id": id_, "name": id_, "owner": "crisis", "tier": tier,
            "deployments": [{"site": "dc1", "mode": "active"}], **kw}


def scen(id_, kind="site-loss", procedures=("recover",), **kw):
    d = {"id": id_, "name": id_, "kind": kind, "lead": "crisis", "procedures": list(procedures), **kw}
    if kind == "site-loss":
        d.setdefault("sites", ["dc1"])
    if kind == "region-loss":
        d.setdefault("regions", ["r1"])
    return d


def proc(id_, *expected):
    return {"id": id_, "title": id_, "owner": "crisis",
            "steps": [{"do": "step", "role": "crisis", **({"expected": e} if e else {})} for e in expected]}


COMMS = [
    {"id": "staff", "audience": "staff", "channel": "sms", "within": "15m", "owner": "crisis"},
    {"id": "users", "audience": "customers", "channel": "status page", "within": "1h", "owner": "crisis"},
    {"id": "reg", "audience": "regulator", "channel": "hotline", "within": "1h", "owner": "crisis"},
]


# --- C001 ---------------------------------------------------------------------------------------


def test_c001_site_without_site_loss_scenario():
    d = plan_dict(scenarios=[scen("lose-dc1", sites=["dc1"]), scen("lose-r2", kind="region-loss", regions=["r2"])],
                  procedures=[proc("recover")])
    (f,) = run_rule("C001", d)
    assert f.code == "C001" and f.target == "dc2" and f.path == ("sites", 1)


def test_c001_passes():
    d = plan_dict(scenarios=[scen("lose-both", sites=["dc1", "dc2"])], procedures=[proc("recover")])
    assert run_rule("C001", d) == []


# --- C002 ---------------------------------------------------------------------------------------


def test_c002_scenario_without_procedures():
    d = plan_dict(scenarios=[scen("ok"), scen("empty", kind="cyberattack", procedures=())], procedures=[proc("recover")])
    (f,) = run_rule("C002", d)
    assert f.target == "empty" and f.path == ("scenarios", 1, "procedures")


def test_c002_passes():
    assert run_rule("C002", plan_dict(scenarios=[scen("ok")], procedures=[proc("recover")])) == []


# --- C003 ---------------------------------------------------------------------------------------


def test_c003_tier0_service_without_scenario_procedure():
    d = plan_dict(services=[svc("chat", procedures=["recover-chat"]), svc("login"), svc("ok", procedures=["recover"]),
                            svc("batch", tier="tier1")],
                  scenarios=[scen("fire")], procedures=[proc("recover"), proc("recover-chat")])
    fs = run_rule("C003", d)
    assert [(f.target, f.path) for f in fs] == [
        ("chat", ("services", 0, "procedures")),
        ("login", ("services", 1)),
    ]
    assert "no scenario lists" in fs[0].message and "no procedures" in fs[1].message


def test_c003_passes():
    d = plan_dict(services=[svc("chat", procedures=["other", "recover"])], scenarios=[scen("fire")],
                  procedures=[proc("recover"), proc("other")])
    assert run_rule("C003", d) == []


# --- C004 ---------------------------------------------------------------------------------------


def test_c004_procedure_slower_than_the_service_rto():
    # chat: tier0 max_rto 1h (no own rto); slow: 45m + 30m + a step without expected
    d = plan_dict(services=[svc("chat", procedures=["fast", "slow"]), svc("batch", tier="tier1", procedures=["slow"])],
                  procedures=[proc("fast", "10m"), proc("slow", "45m", "30m", None)])
    (f,) = run_rule("C004", d)
    assert f.target == "chat" and f.path == ("services", 0, "procedures", 1)
    assert "1h15m" in f.message and "1h" in f.message


def test_c004_uses_the_service_own_rto():
    d = plan_dict(services=[svc("chat", rto="15m", procedures=["fast"])], procedures=[proc("fast", "10m", "10m")])
    (f,) = run_rule("C004", d)
    assert f.target == "chat" and "rto is 15m" in f.message


def test_c004_passes():
    d = plan_dict(services=[svc("chat", procedures=["fast", "ghost"])], procedures=[proc("fast", "30m", "PT30M")])
    assert run_rule("C004", d) == []


# --- C005 ---------------------------------------------------------------------------------------


def test_c005_loss_scenario_without_regulator_or_customers():
    d = plan_dict(communications=COMMS, procedures=[proc("recover")], scenarios=[
        scen("fire", communications=["staff"]),
        scen("quake", kind="region-loss"),
        scen("hack", kind="cyberattack"),
    ])
    fs = run_rule("C005", d)
    assert [(f.target, f.path) for f in fs] == [
        ("fire", ("scenarios", 0, "communications")),
        ("quake", ("scenarios", 1)),
    ]


def test_c005_passes_with_either_audience():
    d = plan_dict(communications=COMMS, procedures=[proc("recover")], scenarios=[
        scen("fire", communications=["staff", "reg"]),
        scen("quake", kind="region-loss", communications=["users"]),
    ])
    assert run_rule("C005", d) == []
