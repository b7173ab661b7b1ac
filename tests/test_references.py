"""R001–R004: references resolve, ids are unique, dependencies do not loop, nothing dangles.

Each rule is tested twice: on plan dicts through its check function (path and target)
and on YAML text through the engine (line and column)."""

from __future__ import annotations

import pytest

from conftest import plan_dict, run_rule
from test_reader import BASE, found, pos, replace, validate


def svc(id_, depends_on=None, procedures=None, tier="tier0", owner="crisis", sites=("dc1", "dc2")):
    d = {
        "id": id_,
        "name": id_.title(),
        "owner": owner,
        "tier": tier,
        "deployments": [{"site": s, "mode": "active"} for s in sites],
    }
    if depends_on is not None:
        d["depends_on"] = list(depends_on)
    if procedures is not None:
        d["procedures"] = list(procedures)
    return d


PROC = {"id": "failover", "title": "Fail over", "owner": "crisis", "steps": [{"do": "switch", "role": "crisis"}]}


# --- R001 ---------------------------------------------------------------------------------------


def test_r001_passes_on_the_base_plan():
    assert run_rule("R001", plan_dict(services=[svc("login")])) == []


def test_r001_missing_role_with_did_you_mean():
    (f,) = run_rule("R001", plan_dict(services=[svc("login", owner="crisiss")]))
    assert f.path == ("services", 0, "owner")
    assert f.message == "'crisiss' is not defined: a role is expected here"
    assert f.hint == "did you mean 'crisis'?"


def test_r001_wrong_kind():
    # dc1 exists, but it is a site, not a role
    (f,) = run_rule("R001", plan_dict(services=[svc("login", owner="dc1")]))
    assert f.path == ("services", 0, "owner")
    assert f.message == "'dc1' is a site, but a role is expected here"
    assert f.hint is None  # no role is close to 'dc1'


def test_r001_wrong_kind_suggests_a_close_id_of_the_right_kind():
    roles = plan_dict()["roles"] + [{"id": "dc1-ops", "name": "DC 1 ops", "members": ["alice"]}]
    (f,) = run_rule("R001", plan_dict(roles=roles, services=[svc("login", owner="dc1")]))
    assert f.message == "'dc1' is a site, but a role is expected here"
    assert f.hint == "did you mean 'dc1-ops'?"


def test_r001_dependency_of_the_wrong_kind():
    (f,) = run_rule("R001", plan_dict(services=[svc("login", depends_on=["alice"])]))
    assert f.path == ("services", 0, "depends_on", 0)
    assert "'alice' is a person" in f.message and "service, data store or ops tool" in f.message


def test_r001_missing_site_in_deployment():
    (f,) = run_rule("R001", plan_dict(services=[svc("login", sites=("dc1", "dc3"))]))
    assert f.path == ("services", 0, "deployments", 1, "site")
    assert f.hint in ("did you mean 'dc1'?", "did you mean 'dc2'?")


def test_r001_missing_tier_and_procedure():
    fs = run_rule("R001", plan_dict(services=[svc("login", tier="tier9", procedures=["nope"])]))
    assert sorted(f.path for f in fs) == [("services", 0, "procedures", 0), ("services", 0, "tier")]


def test_r001_unknown_region_of_a_region_loss_scenario():
    sc = {"id": "s1", "name": "S", "kind": "region-loss", "regions": ["r3"], "lead": "crisis", "procedures": []}
    (f,) = run_rule("R001", plan_dict(scenarios=[sc]))
    assert f.path == ("scenarios", 0, "regions", 0)
    assert "r3" in f.message
    sc["regions"] = ["r1"]
    assert run_rule("R001", plan_dict(scenarios=[sc])) == []


def test_r001_measured_rto_key_points_at_the_key():
    ex = {"id": "ex1", "date": "2026-10-01", "kind": "failover", "result": "passed", "measured_rto": {"nope": "5m"}}
    (f,) = run_rule("R001", plan_dict(exercises=[ex]))
    assert f.path == ("exercises", 0, "measured_rto", "nope") and f.at_key


def test_r001_escalates_to_is_left_to_p004():
    roles = plan_dict()["roles"]
    roles[0]["escalates_to"] = "nobody"
    assert run_rule("R001", plan_dict(roles=roles)) == []


def test_r001_resolved_by_any_definition_of_the_right_kind():
    # 'dc2' is defined twice: as a site and as a service; a site reference resolves (R002 reports the twin)
    d = plan_dict(services=[svc("login"), svc("dc2", sites=("dc1",))])
    assert run_rule("R001", d) == []


def test_r001_position_in_yaml(tmp_path):
    text = replace("members: [alice, bob]", "members: [alice, bobb]")
    r = validate(tmp_path, text)
    assert ("R001", *pos(text, "bobb")) in found(r)
    f = next(f for f in r.findings if f.code == "R001")
    assert f.hint == "did you mean 'bob'?"


# --- R002 ---------------------------------------------------------------------------------------


def test_r002_passes_when_ids_are_unique():
    assert run_rule("R002", plan_dict(services=[svc("login")])) == []


def test_r002_at_the_second_definition_across_sections():
    (f,) = run_rule("R002", plan_dict(services=[svc("login"), svc("dc1", sites=("dc2",))]))
    assert f.path == ("services", 1, "id") and f.target == "dc1"
    assert "already defined (a site" in f.message


def test_r002_tier_ids_count_plan_id_does_not():
    d = plan_dict(services=[svc("tier1")])
    (f,) = run_rule("R002", d)
    assert f.path == ("services", 0, "id")
    d = plan_dict(services=[svc("test-plan")])  # the plan's own id is aside
    assert run_rule("R002", d) == []


def test_r002_three_definitions_give_two_findings():
    fs = run_rule("R002", plan_dict(services=[svc("x"), svc("x"), svc("x")]))
    assert [f.path for f in fs] == [("services", 1, "id"), ("services", 2, "id")]


def test_r002_position_names_the_first(tmp_path):
    text = BASE.replace("  - {id: dc2, name: DC 2,", "  - {id: dc1, name: DC 2,")
    r = validate(tmp_path, text)
    r002 = [f for f in r.findings if f.code == "R002"]
    assert [(f.location.line, f.location.column) for f in r002] == [pos(text, "dc1", nth=1)]
    assert f":{pos(text, 'dc1')[0]}:{pos(text, 'dc1')[1]}" in r002[0].message


# --- R003 ---------------------------------------------------------------------------------------


def test_r003_passes_on_a_dag():
    d = plan_dict(services=[svc("a", depends_on=["b", "c"]), svc("b", depends_on=["c"]), svc("c")])
    assert run_rule("R003", d) == []


def test_r003_three_cycle_names_the_whole_cycle():
    d = plan_dict(services=[svc("a", depends_on=["b"]), svc("b", depends_on=["c"]), svc("c", depends_on=["a"]), svc("d", depends_on=["a"])])
    (f,) = run_rule("R003", d)
    assert f.message == "dependency cycle: a → b → c → a"
    assert f.path == ("services", 0, "depends_on", 0) and f.target == "a"


def test_r003_cycle_through_data_and_ops_tools():
    data = [
        {
            "id": "db",
            "name": "DB",
            "owner": "crisis",
            "tier": "tier0",
            "depends_on": ["mon"],
            "copies": [{"site": "dc1", "role": "primary"}],
        }
    ]
    ops = [
        {
            "id": "mon",
            "name": "Mon",
            "owner": "crisis",
            "tier": "tier0",
            "category": "monitoring",
            "depends_on": ["api"],
            "deployments": [{"site": "dc1", "mode": "active"}],
        }
    ]
    d = plan_dict(services=[svc("api", depends_on=["db"])], data=data, ops_tools=ops)
    (f,) = run_rule("R003", d)
    assert f.message == "dependency cycle: api → db → mon → api"
    assert f.path == ("services", 0, "depends_on", 0)


def test_r003_self_dependency():
    (f,) = run_rule("R003", plan_dict(services=[svc("a", depends_on=["b", "a"]), svc("b")]))
    assert f.message == "dependency cycle: a → a"
    assert f.path == ("services", 0, "depends_on", 1)


def test_r003_two_separate_cycles():
    d = plan_dict(services=[svc("a", depends_on=["b"]), svc("b", depends_on=["a"]), svc("c", depends_on=["d"]), svc("d", depends_on=["c"])])
    fs = run_rule("R003", d)
    assert sorted(f.message for f in fs) == ["dependency cycle: a → b → a", "dependency cycle: c → d → c"]


def test_r003_ignores_dangling_dependencies():
    assert run_rule("R003", plan_dict(services=[svc("a", depends_on=["ghost"])])) == []


def test_r003_long_chain_is_not_recursive():
    n = 3000
    services = [svc(f"s{i}", depends_on=[f"s{i+1}"]) for i in range(n - 1)] + [svc(f"s{n-1}", depends_on=["s0"])]
    (f,) = run_rule("R003", plan_dict(services=services))
    assert f.message.startswith("dependency cycle: s0 → s1 → s2") and f.message.endswith(f"s{n-1} → s0")


def test_r003_position_in_yaml(tmp_path):
    text = BASE + (
        "services:\n"
        "  - {id: a, name: A, owner: crisis, tier: tier1, depends_on: [b], deployments: [{site: dc1, mode: active}]}\n"
        "  - {id: b, name: B, owner: crisis, tier: tier1, depends_on: [a], deployments: [{site: dc1, mode: active}]}\n"
    )
    r = validate(tmp_path, text)
    assert [x for x in found(r) if x[0] == "R003"] == [("R003", *pos(text, "depends_on: [b]", offset=len("depends_on: [")))]


# --- R004 ---------------------------------------------------------------------------------------


def test_r004_passes_when_everything_is_used():
    d = plan_dict(services=[svc("login", procedures=["failover"])], procedures=[PROC])
    assert run_rule("R004", d) == []


def test_r004_person_in_no_role_and_no_approval():
    people = plan_dict()["people"] + [{"id": "carol", "name": "Carol", "contacts": {"email": "c@x"}}]
    (f,) = run_rule("R004", plan_dict(people=people))
    assert f.path == ("people", 2, "id") and f.target == "carol"
    assert "carol" in f.message


def test_r004_person_only_in_an_approval_is_used():
    d = plan_dict()
    d["people"].append({"id": "carol", "name": "Carol", "contacts": {"email": "c@x"}})
    d["plan"]["approvals"].append({"person": "carol", "date": "2026-10-01"})
    assert run_rule("R004", d) == []


def test_r004_procedure_unused():
    (f,) = run_rule("R004", plan_dict(procedures=[PROC]))
    assert f.path == ("procedures", 0, "id") and f.target == "failover"


def test_r004_procedure_used_by_a_scenario():
    sc = {"id": "s1", "name": "S", "kind": "other", "lead": "crisis", "procedures": ["failover"]}
    assert run_rule("R004", plan_dict(procedures=[PROC], scenarios=[sc])) == []


def test_r004_is_a_warning_at_the_id(tmp_path):
    text = replace("    members: [alice, bob]", "    members: [alice]")
    r = validate(tmp_path, text)
    f = next(f for f in r.findings if f.code == "R004")
    assert (f.location.line, f.location.column) == pos(text, "bob")
    assert f.severity.value == "warning"
    assert not r.failed() and r.failed(strict=True)


def test_r003_names_only_real_edges_when_the_cycle_is_not_simple():
    # a → b, b → a, b → c, c → b: c does not depend on a
    d = plan_dict(services=[svc("a", depends_on=["b"]), svc("b", depends_on=["a", "c"]), svc("c", depends_on=["b"])])
    (f,) = run_rule("R003", d)
    assert f.message == "dependency cycle: a → b → a (and c)"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NODES = ["a", "b", "c", "d", "e", "f"]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(NODES), st.lists(st.sampled_from(NODES), max_size=3, unique=True), min_size=1))
def test_r003_every_named_step_is_a_dependency(graph):
    d = plan_dict(services=[svc(n, depends_on=deps) for n, deps in graph.items()])
    in_cycles = set()
    for f in run_rule("R003", d):
        chain = f.message.removeprefix("dependency cycle: ").split(" (and ")[0].split(" → ")
        assert chain[0] == chain[-1] == f.target
        for x, y in zip(chain, chain[1:]):
            assert y in graph[x], (f.message, graph)
        extra = f.message.split(" (and ")[1].rstrip(")").split(", ") if " (and " in f.message else []
        members = set(chain) | set(extra)
        assert not members & in_cycles
        in_cycles |= members
    # and every node on a cycle is named by some finding
    def reaches(src, dst):
        seen, todo = set(), [src]
        while todo:
            v = todo.pop()
            for w in graph.get(v, []):
                if w == dst:
                    return True
                if w in graph and w not in seen:
                    seen.add(w)
                    todo.append(w)
        return False

    assert in_cycles == {n for n in graph if reaches(n, n)}
