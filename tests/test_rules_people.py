"""Rules P001–P004: role members, contact channels, critical-role load, escalation chains."""

from __future__ import annotations

import copy

from conftest import BASE_PLAN, plan_dict, run_rule

PEOPLE = [
    {"id": p, "name": p.title(), "contacts": {"mobile": "1", "email": f"{p}@x"}}
    for p in ("alice", "bob", "carol")
]


def role(id_, members, **kw):
    return {"id": id_, "name": id_, "members": members, **kw}


def svc(id_, owner, tier="tier0"):
    return {"id": id_, "name": id_, "owner": owner, "tier": tier, "deployments": [{"site": "dc1", "mode": "active"}]}


def policy(**kw):
    p = copy.deepcopy(BASE_PLAN["policy"])
    p["tiers"][0]["min_role_members"] = 2
    p.update(kw)
    return p


def scenario(id_, lead):
    return {"id": id_, "name": id_, "kind": "other", "lead": lead, "procedures": []}


# --- P001 ---------------------------------------------------------------------------------------


def test_p001_role_without_members():
    d = plan_dict(people=PEOPLE, roles=[role("crisis", ["alice", "bob"]), role("empty", [])])
    (f,) = run_rule("P001", d)
    assert f.code == "P001" and f.target == "empty" and f.path == ("roles", 1, "members")


def test_p001_fewer_members_than_the_owned_tier_needs():
    d = plan_dict(people=PEOPLE, policy=policy(),
                  roles=[role("crisis", ["alice", "bob"]), role("dba", ["carol", "carol"]), role("batch", ["bob"])],
                  services=[svc("chat", "dba"), svc("report", "batch", tier="tier1")])
    (f,) = run_rule("P001", d)
    assert f.target == "dba" and f.path == ("roles", 1, "members")
    assert "1 member (carol)" in f.message and "min_role_members 2" in f.message


def test_p001_passes():
    d = plan_dict(people=PEOPLE, policy=policy(), roles=[role("crisis", ["alice", "bob"]), role("dba", ["carol", "bob"])],
                  services=[svc("chat", "dba")])
    assert run_rule("P001", d) == []


# --- P002 ---------------------------------------------------------------------------------------


def test_p002_one_contact_channel():
    people = copy.deepcopy(PEOPLE)
    people[1]["contacts"] = {"chat": "@bob"}
    (f,) = run_rule("P002", plan_dict(people=people))
    assert f.target == "bob" and f.path == ("people", 1, "contacts")
    assert "only chat" in f.message


def test_p002_passes():
    assert run_rule("P002", plan_dict(people=PEOPLE)) == []


# --- P003 ---------------------------------------------------------------------------------------


def test_p003_too_many_critical_roles():
    # crisis: critical: true; owner: owns a tier-0 service; lead: leads a scenario; plain: not critical
    d = plan_dict(
        people=PEOPLE,
        policy=policy(max_critical_roles_per_person=2),
        roles=[role("crisis", ["alice", "bob"], critical=True), role("owner", ["alice"]),
               role("lead", ["alice", "carol"]), role("plain", ["bob", "carol"])],
        services=[svc("chat", "owner")],
        scenarios=[scenario("fire", "lead")],
    )
    (f,) = run_rule("P003", d)
    assert f.target == "alice" and f.path == ("people", 0)
    assert "3 critical roles (crisis, owner, lead)" in f.message


def test_p003_passes_within_the_limit():
    d = plan_dict(people=PEOPLE, roles=[role("crisis", ["alice", "bob"], critical=True), role("owner", ["alice"]),
                                        role("plain", ["alice"])],
                  services=[svc("chat", "owner"), svc("batch", "plain", tier="tier1")])
    assert run_rule("P003", d) == []


# --- P004 ---------------------------------------------------------------------------------------


def test_p004_loop_reports_each_role_on_it_once():
    d = plan_dict(people=PEOPLE, roles=[
        role("crisis", ["alice"]),
        role("oncall", ["bob"], escalates_to="lead"),
        role("lead", ["carol"], escalates_to="boss"),
        role("boss", ["alice"], escalates_to="oncall"),
        role("junior", ["bob"], escalates_to="oncall"),  # leads into the loop, not on it
    ])
    fs = run_rule("P004", d)
    assert sorted((f.target, f.path) for f in fs) == [
        ("boss", ("roles", 3, "escalates_to")),
        ("lead", ("roles", 2, "escalates_to")),
        ("oncall", ("roles", 1, "escalates_to")),
    ]
    assert "oncall → lead → boss → oncall" in fs[0].message


def test_p004_self_loop_and_missing_role():
    d = plan_dict(people=PEOPLE, roles=[role("crisis", ["alice"], escalates_to="crisis"),
                                        role("oncall", ["bob"], escalates_to="ghost"),
                                        role("ops", ["bob"], escalates_to="alice")])
    fs = run_rule("P004", d)
    assert sorted((f.target, f.path) for f in fs) == [
        ("crisis", ("roles", 0, "escalates_to")),
        ("oncall", ("roles", 1, "escalates_to")),
        ("ops", ("roles", 2, "escalates_to")),
    ]
    msgs = {f.target: f.message for f in fs}
    assert "does not exist" in msgs["oncall"] and "person" in msgs["ops"]


def test_p004_passes_on_a_chain():
    d = plan_dict(people=PEOPLE, roles=[role("crisis", ["alice"]), role("ic", ["bob"], escalates_to="crisis"),
                                        role("oncall", ["carol"], escalates_to="ic")])
    assert run_rule("P004", d) == []
