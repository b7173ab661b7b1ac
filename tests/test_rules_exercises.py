"""Rules X001–X003: exercise coverage, failed exercises, backup restore tests (as-of date only)."""

from __future__ import annotations

import copy
import datetime as dt

from conftest import BASE_PLAN, plan_dict, run_rule

AS_OF = dt.date(2026, 11, 24)


def policy(every="6mo", **kw):
    p = copy.deepcopy(BASE_PLAN["policy"])
    p["tiers"][0]["exercise_every"] = every
    p.update(kw)
    return p


def svc(id_, tier="tier0"):
    return {"id": id_, "name": id_, "owner": "crisis", "tier": tier, "deployments": [{"site": "dc1", "mode": "active"}]}


def store(id_, backups=None, tier="tier1"):
    d = {"id": id_, "name": id_, "owner": "crisis", "tier": tier, "copies": [{"site": "dc1", "role": "primary"}]}
    if backups is not None:
        d["backups"] = {"every": "1d", "retention": "30d", "sites": ["dc2"], **backups}
    return d


def ex(id_, date, covers=None, result="passed", kind="failover", scenario=None):
    d = {"id": id_, "date": date, "kind": kind, "result": result}
    if covers is not None:
        d["covers"] = covers
    if scenario:
        d["scenario"] = scenario
    return d


SCEN = [{"id": "fire", "name": "Fire", "kind": "other", "lead": "crisis", "procedures": []},
        {"id": "flood", "name": "Flood", "kind": "other", "lead": "crisis", "procedures": []}]


# --- X001 ---------------------------------------------------------------------------------------


def test_x001_not_exercised_or_too_long_ago():
    d = plan_dict(policy=policy("6mo"), services=[svc("chat"), svc("login"), svc("fresh"), svc("batch", tier="tier1")],
                  exercises=[ex("old", "2025-01-10", ["login"]),
                             ex("bad", "2026-11-01", ["chat"], result="failed"),
                             ex("new", "2026-10-01", ["fresh", "batch"])])
    fs = run_rule("X001", d, AS_OF)
    assert [(f.code, f.target, f.path) for f in fs] == [
        ("X001", "chat", ("services", 0)),
        ("X001", "login", ("services", 1)),
    ]
    assert "no passed exercise" in fs[0].message
    assert "old on 2025-01-10" in fs[1].message


def test_x001_window_is_measured_from_as_of_and_future_exercises_do_not_count():
    d = plan_dict(policy=policy("30d"), services=[svc("chat")], exercises=[ex("e", "2026-10-25", ["chat"])])
    assert run_rule("X001", d, AS_OF) == []  # exactly 30 days before
    assert len(run_rule("X001", d, AS_OF + dt.timedelta(days=1))) == 1
    assert len(run_rule("X001", d, dt.date(2026, 10, 24))) == 1  # held after that as-of date


def test_x001_passes_for_data_and_ops_tools_covered():
    d = plan_dict(policy=policy("1y"), data=[store("db", tier="tier0")],
                  ops_tools=[{**svc("mon"), "category": "monitoring"}],
                  exercises=[ex("e", "2026-06-01", ["db", "mon"])])
    assert run_rule("X001", d, AS_OF) == []


# --- X002 ---------------------------------------------------------------------------------------


def test_x002_latest_exercise_failed():
    d = plan_dict(scenarios=SCEN, exercises=[
        ex("f1", "2026-01-01", scenario="fire"),
        ex("f2", "2026-05-01", scenario="fire", result="failed"),
        ex("w1", "2026-02-01", scenario="flood", result="failed"),
        ex("w2", "2026-03-01", scenario="flood", result="partial"),
    ])
    (f,) = run_rule("X002", d, AS_OF)
    assert f.code == "X002" and f.target == "fire" and f.path == ("exercises", 1, "result")
    assert "f2" in f.message


def test_x002_tie_goes_to_the_later_in_the_file():
    fail_last = [ex("a", "2026-05-01", scenario="fire"), ex("b", "2026-05-01", scenario="fire", result="failed")]
    (f,) = run_rule("X002", plan_dict(scenarios=SCEN, exercises=fail_last), AS_OF)
    assert f.path == ("exercises", 1, "result")
    assert run_rule("X002", plan_dict(scenarios=SCEN, exercises=fail_last[::-1]), AS_OF) == []


def test_x002_passes_when_a_later_exercise_passed():
    d = plan_dict(scenarios=SCEN, exercises=[ex("a", "2026-01-01", scenario="fire", result="failed"),
                                             ex("b", "2026-02-01", scenario="fire")])
    assert run_rule("X002", d, AS_OF) == []


# --- X003 ---------------------------------------------------------------------------------------


def test_x003_restore_test_missing_or_old():
    d = plan_dict(data=[store("never", {}), store("old", {"last_restore_test": "2025-06-01"}),
                        store("ok", {"last_restore_test": "2026-06-01"}), store("nobackup")])
    fs = run_rule("X003", d, AS_OF)
    assert [(f.target, f.path) for f in fs] == [
        ("never", ("data", 0, "backups")),
        ("old", ("data", 1, "backups", "last_restore_test")),
    ]
    assert "never" in fs[0].message and "2025-06-01" in fs[1].message


def test_x003_a_passed_restore_test_exercise_counts():
    d = plan_dict(data=[store("db", {"last_restore_test": "2024-01-01"})],
                  exercises=[ex("r", "2026-03-01", ["db"], kind="restore-test")])
    assert run_rule("X003", d, AS_OF) == []
    d["exercises"][0]["kind"] = "failover"  # only a restore test counts
    (f,) = run_rule("X003", d, AS_OF)
    assert f.target == "db"


def test_x003_uses_backup_restore_test_every():
    d = plan_dict(policy=policy(backup_restore_test_every="90d"), data=[store("db", {"last_restore_test": "2026-06-01"})])
    (f,) = run_rule("X003", d, AS_OF)
    assert f.target == "db" and "90d" in f.message
