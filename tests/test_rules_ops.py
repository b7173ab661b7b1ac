"""Rules O001–O003: required ops tools, their sites, and monitoring in the burning building."""

from __future__ import annotations

import copy

from conftest import BASE_PLAN, plan_dict, run_rule


def policy(required=None, **tier0):
    p = copy.deepcopy(BASE_PLAN["policy"])
    p["tiers"][0].update(tier0)
    if required is None:
        del p["required_ops"]
    else:
        p["required_ops"] = required
    return p


def svc(id_, sites, tier="tier0"):
    return {"id": id_, "name": id_, "owner": "crisis", "tier": tier,
            "deployments": [{"site": s, "mode": "active"} for s in sites]}


def tool(id_, category, sites, **kw):
    return {"id": id_, "name": id_, "owner": "crisis", "tier": "tier0", "category": category,
            "deployments": [{"site": s, "mode": "active"} for s in sites], **kw}


# --- O001 ---------------------------------------------------------------------------------------


def test_o001_missing_category_in_written_required_ops():
    d = plan_dict(policy=policy(["monitoring", "paging"]), ops_tools=[tool("mon", "monitoring", ["dc1"])])
    (f,) = run_rule("O001", d)
    assert f.code == "O001" and f.target == "paging"
    assert f.path == ("policy", "required_ops") and f.at_key


def test_o001_default_required_ops_points_at_policy():
    d = plan_dict(policy=policy(None), ops_tools=[tool("mon", "monitoring", ["dc1"]), tool("dep", "deploy", ["dc1"])])
    fs = run_rule("O001", d)
    assert sorted(f.target for f in fs) == ["console", "paging"]
    # ("policy",) once the model tells a default required_ops from a written one; the
    # locator resolves the absent key to `policy:` either way
    assert all(f.path in (("policy",), ("policy", "required_ops")) and f.at_key for f in fs)


def test_o001_passes():
    d = plan_dict(policy=policy(["monitoring"]), ops_tools=[tool("mon", "monitoring", ["dc1"])])
    assert run_rule("O001", d) == []
    assert run_rule("O001", plan_dict()) == []  # required_ops: [] asks for nothing


# --- O002 ---------------------------------------------------------------------------------------


def test_o002_tool_serving_everything_on_too_few_sites():
    d = plan_dict(policy=policy(["paging"], ops_tools_min_sites=2),
                  services=[svc("chat", ["dc1", "dc2"])],
                  ops_tools=[tool("pager", "paging", ["dc1"]), tool("logs", "logging", ["dc1"])])
    (f,) = run_rule("O002", d)
    assert f.path == ("ops_tools", 0, "deployments") and f.target == "paging"
    assert "ops_tools_min_sites 2" in f.message and "tier0" in f.message


def test_o002_serves_only_a_less_critical_tier():
    d = plan_dict(policy=policy(["paging"], ops_tools_min_sites=2),
                  services=[svc("chat", ["dc1"]), svc("batch", ["dc1"], tier="tier1")],
                  ops_tools=[tool("pager", "paging", ["dc1"], serves=["batch"])])
    assert run_rule("O002", d) == []
    d["ops_tools"][0]["serves"] = ["batch", "chat"]
    (f,) = run_rule("O002", d)
    assert f.target == "paging" and f.path == ("ops_tools", 0, "deployments")


def test_o002_passes_on_enough_sites():
    d = plan_dict(policy=policy(["paging"], ops_tools_min_sites=2), services=[svc("chat", ["dc1"])],
                  ops_tools=[tool("pager", "paging", ["dc1", "dc2"])])
    assert run_rule("O002", d) == []


# --- O003 ---------------------------------------------------------------------------------------


def test_o003_only_monitoring_in_the_burning_building():
    d = plan_dict(services=[svc("chat", ["dc1", "dc2"])],
                  ops_tools=[tool("mon", "monitoring", ["dc1"], serves=["chat"])])
    (f,) = run_rule("O003", d)
    assert f.path == ("ops_tools", 0, "deployments") and f.target == "mon"
    assert "dc1" in f.message


def test_o003_serves_omitted_and_two_tools_both_on_the_site():
    d = plan_dict(services=[svc("chat", ["dc1", "dc2"])],
                  ops_tools=[tool("mon", "monitoring", ["dc1"]), tool("mon2", "monitoring", ["dc1"])])
    fs = run_rule("O003", d)
    assert [(f.target, f.path) for f in fs] == [
        ("mon", ("ops_tools", 0, "deployments")), ("mon2", ("ops_tools", 1, "deployments"))]


def test_o003_passes_when_another_watcher_runs_elsewhere():
    d = plan_dict(services=[svc("chat", ["dc1", "dc2"])],
                  ops_tools=[tool("mon", "monitoring", ["dc1"], serves=["chat"]),
                             tool("mon-b", "monitoring", ["dc2"], serves=["chat"])])
    assert run_rule("O003", d) == []


def test_o003_passes_for_a_tool_on_two_sites_and_non_monitoring_tools():
    d = plan_dict(services=[svc("chat", ["dc1"])],
                  ops_tools=[tool("mon", "monitoring", ["dc1", "dc2"]), tool("logs", "logging", ["dc1"])])
    assert run_rule("O003", d) == []
