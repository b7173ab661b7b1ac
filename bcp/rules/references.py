"""R001–R004: references resolve, ids are unique, dependencies do not loop, nothing dangles."""

from __future__ import annotations

from typing import Iterator

from ..context import Context
from ..findings import Finding
from ..loader import did_you_mean

COMPONENT = ("service", "data", "ops_tool")

DOCS = {
    "R001": """What: a field that refers to another part of the plan (an owner role, a site, a
dependency, a procedure …) names an id that is not defined, or one of the wrong kind.
Why: a runbook that names a role nobody holds, or a dependency on a service that does
not exist, fails exactly when it is needed. References are how the site-loss analysis
follows a failure from a building to the services it takes down.
Example:
  services:
    - id: login
      owner: sre-oncal          # the role is `sre-oncall`
Fix: correct the id (the message suggests the closest one), or define what it names.""",
    "R002": """What: the same id is defined twice anywhere in the plan. Ids are unique across all
sections (tier ids included; plan.id aside).
Why: a reference must mean one thing. Two fragments that both define `pangyo` make every
finding and every runbook about it ambiguous.
Example:
  sites: [{id: pangyo, ...}]
  services: [{id: pangyo, ...}]
Fix: rename one of them and update its references.""",
    "R003": """What: components depend on each other in a loop (a → b → a).
Why: a loop has no recovery order: each waits for the other. NIST SP 800-34 §4.3
asks for a sequence of recovery activities; a cycle means there is none.
Example:
  services:
    - {id: api, depends_on: [auth], ...}
    - {id: auth, depends_on: [api], ...}
Fix: break the loop: usually one side only needs the other at run time, not to start.""",
    "R004": """What: a person who is in no role's members and no approval, or a procedure that no
scenario and no service lists.
Why: an unused runbook is not maintained and will not be found during an incident; a
person in no role will not be called.
Example:
  procedures:
    - id: old-failover        # listed by no scenario and no service
Fix: list it where it is used, or delete it.""",
}


def _refs(ctx: Context) -> Iterator[tuple[tuple, str, tuple[str, ...], str]]:
    """Every reference: (path, id, allowed kinds, description of what is expected)."""
    p = ctx.plan
    yield ("plan", "owner"), p.plan.owner, ("role",), "role"
    for i, a in enumerate(p.plan.approvals or []):
        yield ("plan", "approvals", i, "person"), a.person, ("person",), "person"
    for i, r in enumerate(p.roles):
        for j, m in enumerate(r.members):
            yield ("roles", i, "members", j), m, ("person",), "person"
        # escalates_to: reported by P004 only
    for section in ("services", "data", "ops_tools"):
        for i, c in enumerate(getattr(p, section)):
            yield (section, i, "owner"), c.owner, ("role",), "role"
            yield (section, i, "tier"), c.tier, ("tier",), "tier"
            for j, d in enumerate(c.depends_on or []):
                yield (section, i, "depends_on", j), d, COMPONENT, "service, data store or ops tool"
            for j, dep in enumerate(getattr(c, "deployments", None) or []):
                yield (section, i, "deployments", j, "site"), dep.site, ("site",), "site"
    for i, s in enumerate(p.services):
        for j, pr in enumerate(s.procedures or []):
            yield ("services", i, "procedures", j), pr, ("procedure",), "procedure"
    for i, d in enumerate(p.data):
        for j, c in enumerate(d.copies):
            yield ("data", i, "copies", j, "site"), c.site, ("site",), "site"
        if d.backups:
            for j, s in enumerate(d.backups.sites):
                yield ("data", i, "backups", "sites", j), s, ("site",), "site"
    for i, o in enumerate(p.ops_tools):
        for j, s in enumerate(o.serves or []):
            yield ("ops_tools", i, "serves", j), s, COMPONENT, "service, data store or ops tool"
    for i, sc in enumerate(p.scenarios):
        for j, s in enumerate(sc.sites or []):
            yield ("scenarios", i, "sites", j), s, ("site",), "site"
        yield ("scenarios", i, "lead"), sc.lead, ("role",), "role"
        for j, pr in enumerate(sc.procedures):
            yield ("scenarios", i, "procedures", j), pr, ("procedure",), "procedure"
        for j, cm in enumerate(sc.communications or []):
            yield ("scenarios", i, "communications", j), cm, ("communication",), "communication"
    for i, pr in enumerate(p.procedures):
        yield ("procedures", i, "owner"), pr.owner, ("role",), "role"
        for j, st in enumerate(pr.steps):
            yield ("procedures", i, "steps", j, "role"), st.role, ("role",), "role"
    for i, cm in enumerate(p.communications):
        yield ("communications", i, "owner"), cm.owner, ("role",), "role"
    for i, ex in enumerate(p.exercises):
        if ex.scenario is not None:
            yield ("exercises", i, "scenario"), ex.scenario, ("scenario",), "scenario"
        for j, c in enumerate(ex.covers or []):
            yield ("exercises", i, "covers", j), c, COMPONENT, "service, data store or ops tool"
        for k in ex.measured_rto or {}:
            yield ("exercises", i, "measured_rto", k), k, COMPONENT, "service, data store or ops tool"


_KIND_NAMES = {
    "tier": "tier",
    "site": "site",
    "person": "person",
    "role": "role",
    "service": "service",
    "data": "data store",
    "ops_tool": "ops tool",
    "scenario": "scenario",
    "procedure": "procedure",
    "communication": "communication",
    "exercise": "exercise",
}


def _a(noun: str) -> str:
    """'a site', 'an ops tool'."""
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def r001(ctx: Context) -> Iterator[Finding]:
    idx = ctx.index
    ids_by_kind: dict[str, list[str]] = {}
    for id_, defs in idx.defs.items():
        for d in defs:
            ids_by_kind.setdefault(d.kind, []).append(id_)
    allowed: dict[tuple[str, ...], set[str]] = {}
    for path, ref, kinds, what in _refs(ctx):
        ok = allowed.get(kinds)
        if ok is None:
            ok = allowed[kinds] = {i for k in kinds for i in ids_by_kind.get(k, ())}
        if ref in ok:
            continue
        other = idx.first(ref)
        if other is not None:
            msg = f"'{ref}' is {_a(_KIND_NAMES[other.kind])}, but {_a(what)} is expected here"
            hint = did_you_mean(ref, [i for k in kinds for i in ids_by_kind.get(k, ())])
        else:
            msg = f"'{ref}' is not defined: {_a(what)} is expected here"
            hint = did_you_mean(ref, [i for k in kinds for i in ids_by_kind.get(k, ())])
        yield Finding("R001", msg, path=path, hint=hint, at_key=len(path) > 1 and path[-2] == "measured_rto")
    # regions named by region-loss scenarios must be regions of some site
    regions = {s.region for s in ctx.plan.sites}
    for i, sc in enumerate(ctx.plan.scenarios):
        for j, r in enumerate(sc.regions or []):
            if r not in regions:
                yield Finding(
                    "R001",
                    f"no site is in region '{r}'",
                    path=("scenarios", i, "regions", j),
                    hint=did_you_mean(r, regions) or ("regions: " + ", ".join(sorted(regions)) if regions else None),
                )


def r002(ctx: Context) -> Iterator[Finding]:
    for id_, defs in ctx.index.defs.items():
        if len(defs) < 2:
            continue
        first = defs[0]
        loc = ctx.locate(first.path + ("id",))
        where = f" at {loc.file}:{loc.line}:{loc.column}" if loc else ""
        for d in defs[1:]:
            yield Finding(
                "R002",
                f"id '{id_}' is already defined ({_a(_KIND_NAMES[first.kind])}{where})",
                path=d.path + ("id",),
                target=id_,
            )


def r003(ctx: Context) -> Iterator[Finding]:
    """One finding per dependency cycle (a strongly connected group of the graph)."""
    g = ctx.graph
    if not g.cyclic:
        return
    deps, scc = g.deps, g.scc
    groups: dict[int, set[str]] = {}
    for cid in g.comps:  # plan order: each group is named from its first member
        if cid in g.cyclic:
            groups.setdefault(scc[cid], set()).add(cid)
    for members in groups.values():
        first = next(c for c in g.comps if c in members)
        # name the cycle by following edges from its first member
        cycle = [first]
        seen = {first}
        cur = first
        while True:
            nxt = next((d for d in deps[cur] if d in members and d not in seen), None)
            if nxt is None:
                break
            cycle.append(nxt)
            seen.add(nxt)
            cur = nxt
        if first not in deps[cur]:
            # the greedy walk ended away from `first` (a → b ⇄ c): name a real cycle
            # instead, the shortest one back to `first`; the rest are listed after it
            cycle = _shortest_cycle(first, deps, members)
            seen = set(cycle)
        chain = " → ".join(cycle + [first])
        section, i = g.paths[first]
        c = g.comps[first]
        j = next((k for k, d in enumerate(c.depends_on or []) if d in members), 0)
        yield Finding(
            "R003",
            f"dependency cycle: {chain}" + ("" if len(members) == len(cycle) else f" (and {', '.join(sorted(members - seen))})"),
            path=(section, i, "depends_on", j),
            target=first,
            hint="a cycle has no recovery order: remove one of its dependencies",
        )


def _shortest_cycle(first: str, deps: dict[str, list[str]], members: set[str]) -> list[str]:
    """The nodes of a shortest dependency path from ``first`` back to itself, inside one SCC."""
    prev: dict[str, str] = {}
    queue = [first]
    for v in queue:  # breadth first; the queue grows while it is walked
        for w in deps[v]:
            if w == first:
                path = [v]
                while path[-1] != first:
                    path.append(prev[path[-1]])
                return path[::-1]
            if w in members and w not in prev:
                prev[w] = v
                queue.append(w)
    return [first]  # not reached: every member of an SCC lies on a cycle through first


def r004(ctx: Context) -> Iterator[Finding]:
    p = ctx.plan
    used_people = {m for r in p.roles for m in r.members} | {a.person for a in p.plan.approvals or []}
    for i, person in enumerate(p.people):
        if person.id not in used_people:
            yield Finding(
                "R004",
                f"person '{person.id}' is in no role's members and no approval",
                path=("people", i, "id"),
                target=person.id,
                hint="add them to a role's members, or remove them",
            )
    used_procs = {x for sc in p.scenarios for x in sc.procedures} | {x for s in p.services for x in s.procedures or []}
    for i, pr in enumerate(p.procedures):
        if pr.id not in used_procs:
            yield Finding(
                "R004",
                f"procedure '{pr.id}' is listed by no scenario and no service",
                path=("procedures", i, "id"),
                target=pr.id,
                hint="list it in a scenario's or service's procedures, or remove it",
            )
