"""Properties: whatever the input — text, bytes, random YAML structures, valid plans with
keys dropped or values of the wrong type — `validate_source` gives findings, never an
exception, and every finding has a file, a line and a column (1-based)."""

from __future__ import annotations

import copy
import datetime as dt
import os
import tempfile

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import plan_dict
from bcp.engine import validate_source
from bcp.loader import PlanSource

AS_OF = dt.date(2026, 11, 24)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_DIR = tempfile.mkdtemp(prefix="bcp-props-")
_PATH = os.path.join(_DIR, "plan.yaml")


def check(data: bytes):
    with open(_PATH, "wb") as fh:
        fh.write(data)
    r = validate_source(PlanSource(_PATH, [_PATH]), AS_OF)
    for f in r.findings:
        assert f.location is not None, f
        assert f.location.file == _PATH, f
        assert f.location.line >= 1 and f.location.column >= 1, f
        assert f.code and f.message and f.severity is not None
    # a file with nothing wrong is impossible for random input unless it is a plan
    if r.plan is None:
        assert r.findings and r.failed()
    return r


# --- text and bytes ---------------------------------------------------------------------------


@SETTINGS
@given(st.text())
def test_arbitrary_text(s):
    check(s.encode("utf-8"))


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("bcp:1 \n-[]{},&*!|>'\"#?%@`~plan\t.0x")), max_size=200))
def test_yaml_punctuation_soup(s):
    check(("bcp: 1\n" + s).encode())


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(b):
    check(b)


# --- random YAML structures ----------------------------------------------------------------------

KEYS = [
    "bcp", "plan", "policy", "sites", "people", "roles", "services", "data", "ops_tools", "scenarios",
    "procedures", "communications", "exercises", "checks", "id", "name", "title", "tiers", "owner",
    "tier", "deployments", "site", "mode", "copies", "role", "depends_on", "members", "rto", "rpo",
    "ignore", "rule", "reason", "target", "version", "organization", "max_rto", "max_rpo", "kind",
    "region", "contacts", "steps", "do", "lead", "<<",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["1h", "30m", "1:30", "2026-02-30", "2026-10-01", "tier0", "dc1", "crisis", "active", "primary", "010", "yes", "P1D"]),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=10))
trees = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)),
    max_leaves=40,
)


@SETTINGS
@given(trees)
def test_random_structures(tree):
    check(yaml.safe_dump(tree, allow_unicode=True).encode())


@SETTINGS
@given(st.dictionaries(keys, trees, max_size=8))
def test_random_plans_with_version(d):
    d = {"bcp": 1, **d}
    check(yaml.safe_dump(d, allow_unicode=True, sort_keys=False).encode())


# --- mutated valid plans --------------------------------------------------------------------------


def rich_plan() -> dict:
    """A plan that exercises every section, so that mutations reach every rule."""
    d = plan_dict(
        services=[
            {
                "id": "login",
                "name": "Login",
                "owner": "crisis",
                "tier": "tier0",
                "rto": "30m",
                "load": 10,
                "depends_on": ["db", "mon"],
                "procedures": ["failover"],
                "deployments": [
                    {"site": "dc1", "mode": "active", "capacity": 10},
                    {"site": "dc2", "mode": "hot", "capacity": 5, "takeover": "10m"},
                ],
            },
            {
                "id": "batch",
                "name": "Batch",
                "owner": "crisis",
                "tier": "tier1",
                "depends_on": ["login"],
                "deployments": [{"site": "dc1", "mode": "cold"}],
            },
        ],
        data=[
            {
                "id": "db",
                "name": "DB",
                "owner": "crisis",
                "tier": "tier0",
                "copies": [
                    {"site": "dc1", "role": "primary"},
                    {"site": "dc2", "role": "replica", "replication": "async", "lag": "1m"},
                ],
                "backups": {"every": "1d", "retention": "30d", "sites": ["dc2"], "last_restore_test": "2026-06-01"},
            }
        ],
        ops_tools=[
            {
                "id": "mon",
                "name": "Monitoring",
                "owner": "crisis",
                "tier": "tier0",
                "category": "monitoring",
                "serves": ["login", "db"],
                "deployments": [{"site": "dc1", "mode": "active"}, {"site": "dc2", "mode": "active"}],
            }
        ],
        scenarios=[
            {"id": "lose-dc1", "name": "Lose DC 1", "kind": "site-loss", "sites": ["dc1"], "lead": "crisis", "procedures": ["failover"], "communications": ["notify"]},
            {"id": "lose-r2", "name": "Lose r2", "kind": "region-loss", "regions": ["r2"], "lead": "crisis", "procedures": ["failover"]},
        ],
        procedures=[
            {
                "id": "failover",
                "title": "Fail over",
                "owner": "crisis",
                "steps": [{"do": "Switch traffic", "role": "crisis", "expected": "10m", "verify": "dashboards"}],
            }
        ],
        communications=[{"id": "notify", "audience": "regulator", "channel": "email", "within": "1h", "owner": "crisis"}],
        exercises=[
            {"id": "ex1", "date": "2026-09-01", "kind": "failover", "scenario": "lose-dc1", "covers": ["login", "db"], "result": "passed", "measured_rto": {"login": "20m"}},
        ],
    )
    d["policy"]["required_ops"] = ["monitoring"]
    d["policy"]["tiers"][0].update({"min_sites": 2, "min_regions": 2, "min_data_copies": 2, "exercise_every": "1y"})
    d["checks"] = {"ignore": [{"rule": "C001", "target": "dc2", "reason": "covered by region loss"}]}
    return {"bcp": 1, **d}


RICH = rich_plan()


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(RICH) if p]

replacement = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.sampled_from(KEYS), scalars, max_size=3),
    st.sampled_from(["login", "db", "mon", "dc1", "dc2", "crisis", "alice", "tier0", "tier1", "failover", "lose-dc1", "notify", "batch"]),
)
mutation = st.tuples(st.sampled_from(["drop", "set", "dup"]), st.sampled_from(PATHS), replacement)


def _apply(d, op, path, value):
    parent = d
    for p in path[:-1]:
        try:
            parent = parent[p]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    try:
        if op == "drop":
            del parent[last]
        elif op == "set":
            parent[last] = value
        elif op == "dup" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        elif op == "dup" and isinstance(parent, dict):
            parent[last] = copy.deepcopy(parent.get(last))
    except (KeyError, IndexError, TypeError):
        pass


def test_rich_plan_is_read_without_schema_findings():
    r = check(yaml.safe_dump(RICH, sort_keys=False).encode())
    assert r.plan is not None
    assert [f for f in r.findings if f.code[0] in "YS"] == []


@SETTINGS
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutated_plans(mutations):
    d = copy.deepcopy(RICH)
    for op, path, value in mutations:
        _apply(d, op, path, value)
    check(yaml.safe_dump(d, allow_unicode=True, sort_keys=False).encode())


# id-preserving mutations: the plan still passes the schema, so every rule runs on it
ids = st.sampled_from(["login", "db", "mon", "dc1", "dc2", "crisis", "alice", "bob", "tier0", "tier1", "failover", "lose-dc1", "notify", "batch", "ghost"])
durations = st.sampled_from(["0s", "1s", "5m", "30m", "1h", "1d", "1y", "100y"])
ID_PATHS = [p for p in PATHS if isinstance(p[-1], int) and p[-2] in ("depends_on", "serves", "members", "procedures", "covers", "sites", "communications")]
ID_PATHS += [p for p in PATHS if p[-1] in ("site", "owner", "tier", "lead", "scenario", "person", "role", "target") and p[0] != "plan"]
DUR_PATHS = [p for p in PATHS if p[-1] in ("rto", "rpo", "lag", "every", "retention", "expected", "within", "takeover", "max_rto", "max_rpo", "exercise_every")]
MODE_PATHS = [p for p in PATHS if p[-1] == "mode"]


@SETTINGS
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("set"), st.sampled_from(ID_PATHS), ids),
            st.tuples(st.just("set"), st.sampled_from(DUR_PATHS), durations),
            st.tuples(st.just("set"), st.sampled_from(MODE_PATHS), st.sampled_from(["active", "hot", "warm", "cold"])),
            st.tuples(st.just("dup"), st.sampled_from([p for p in PATHS if isinstance(p[-1], int)]), st.none()),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_schema_valid_mutations_reach_every_rule(mutations):
    d = copy.deepcopy(RICH)
    for op, path, value in mutations:
        _apply(d, op, path, value)
    r = check(yaml.safe_dump(d, sort_keys=False).encode())
    # duplicate ids, dangling references, cycles: all reported, none raised
    assert r.plan is not None or any(f.code[0] in "YS" for f in r.findings)
    if r.ctx is not None:
        # what `bcp simulate` and `bcp build --draft` do with such a plan must not raise either
        from bcp.analysis.siteloss import simulate
        from bcp.render.view import build_view
        from bcp.simulate import format_table

        sites = [s.id for s in r.plan.sites] or ["nowhere"]
        format_table(r.ctx, simulate(r.ctx, frozenset(sites[:1])), "json")
        build_view(r, draft=True, git_log=[], logo_uri=None)


# --- fragments: splitting a plan across files changes no finding ------------------------------------

LISTS = ["sites", "people", "roles", "services", "data", "ops_tools", "scenarios", "procedures", "communications", "exercises"]


def _findings_of(paths):
    from bcp.loader import discover

    (src,) = discover(paths)
    r = validate_source(src, AS_OF)
    return r, sorted((f.code, f.message, f.path, f.accepted) for f in r.findings)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fragments_give_the_same_findings_as_one_file(data):
    import shutil

    d = tempfile.mkdtemp(prefix="bcp-frag-", dir=_DIR)
    try:
        whole = os.path.join(d, "whole")
        os.mkdir(whole)
        with open(os.path.join(whole, "plan.yaml"), "w") as fh:
            fh.write(yaml.safe_dump(RICH, sort_keys=False))
        _, expected = _findings_of([os.path.join(whole, "plan.yaml")])

        n = data.draw(st.integers(min_value=2, max_value=5), label="files")
        frags: list[dict] = [{"bcp": 1} for _ in range(n)]
        home = data.draw(st.integers(min_value=0, max_value=n - 1), label="plan file")
        frags[home].update({k: RICH[k] for k in ("plan", "policy", "checks")})
        owner: dict[tuple, int] = {}
        for sec in LISTS:
            # items keep their order: file i holds a contiguous run, files in name order
            cuts = sorted(data.draw(st.lists(st.integers(0, len(RICH[sec])), min_size=n - 1, max_size=n - 1), label=sec))
            bounds = [0, *cuts, len(RICH[sec])]
            for i in range(n):
                part = RICH[sec][bounds[i] : bounds[i + 1]]
                if part:
                    frags[i][sec] = part
                    for j in range(bounds[i], bounds[i + 1]):
                        owner[(sec, j)] = i
        folder = os.path.join(d, "frag")
        os.mkdir(folder)
        names = [os.path.join(folder, f"{i:02d}.yaml") for i in range(n)]
        for name, frag in zip(names, frags):
            with open(name, "w") as fh:
                fh.write(yaml.safe_dump(frag, sort_keys=False))
        r, got = _findings_of([names[0]])
        assert got == expected
        for f in r.findings:
            if len(f.path) >= 2 and (f.path[0], f.path[1]) in owner:
                assert f.location.file == names[owner[(f.path[0], f.path[1])]], f
    finally:
        shutil.rmtree(d, ignore_errors=True)
