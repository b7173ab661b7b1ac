"""The dependency graph of a plan's components (services, data stores, ops tools).

Built once per plan (``ctx.graph``) and shared by the tier rules and the site-loss
analysis. It is robust to whatever passed the schema: the first definition of an
id wins, dependencies on unknown ids are ignored, and dependency cycles (reported
by R003) are collapsed into strongly connected groups so that every walk ends.
All algorithms are iterative: a chain 10,000 components deep is fine.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..findings import Path
from ..model import Component

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Context

SECTIONS = ("services", "data", "ops_tools")


@contextmanager
def no_gc():
    """Pause the cyclic garbage collector while building large acyclic structures.

    A big plan holds millions of objects; building the graph and the masks allocates
    enough to trigger full collections over all of them again and again, which costs
    more than the work itself. Nothing built here forms reference cycles.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass
class Graph:
    #: components by id, first definition wins, in plan order (services, data, ops_tools)
    comps: dict[str, Component] = field(default_factory=dict)
    #: the path of each component's definition, e.g. ("services", 3)
    paths: dict[str, Path] = field(default_factory=dict)
    #: resolved dependencies (known component ids, no duplicates, in depends_on order)
    deps: dict[str, list[str]] = field(default_factory=dict)
    #: for each resolved dependency, its index in the component's ``depends_on`` list
    dep_index: dict[str, dict[str, int]] = field(default_factory=dict)
    #: reverse edges: who depends on each component
    dependents: dict[str, list[str]] = field(default_factory=dict)
    #: dependencies before dependents; members of a cycle are adjacent, in no particular order
    order: list[str] = field(default_factory=list)
    #: position of each component in ``order``
    pos: dict[str, int] = field(default_factory=dict)
    #: strongly connected group of each component (same number = same cycle)
    scc: dict[str, int] = field(default_factory=dict)
    #: components that are part of a dependency cycle (including depending on themselves)
    cyclic: set[str] = field(default_factory=set)
    #: effective RTO in seconds: own rto, else the tier's max_rto; None when neither is known
    rto: dict[str, int | None] = field(default_factory=dict)
    #: effective RPO target: own rpo, else the tier's max_rpo (services and data); None otherwise
    rpo: dict[str, int | None] = field(default_factory=dict)
    #: tier rank, 0 = most critical; unknown tiers rank after every known tier
    rank: dict[str, int] = field(default_factory=dict)
    #: sites of each component's deployments (data: copies), distinct, in plan order
    sites_of: dict[str, list[str]] = field(default_factory=dict)
    #: components with a deployment or copy on each site
    by_site: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, ctx: "Context") -> "Graph":
        with no_gc():
            return cls._build(ctx)

    @classmethod
    def _build(cls, ctx: "Context") -> "Graph":
        g = cls()
        plan = ctx.plan
        tiers = ctx.tiers
        tier_rank = ctx.tier_rank
        unknown_rank = len(plan.policy.tiers)
        comps = g.comps
        for section in SECTIONS:
            for i, c in enumerate(getattr(plan, section) or []):
                if c.id not in comps:
                    comps[c.id] = c
                    g.paths[c.id] = (section, i)

        for cid, c in comps.items():
            t = tiers.get(c.tier)
            g.rank[cid] = tier_rank.get(c.tier, unknown_rank)
            rto = c.rto if c.rto is not None else (t.max_rto if t is not None else None)
            g.rto[cid] = int(rto) if rto is not None else None
            kind = c.kind
            if kind in ("service", "data"):
                rpo = c.rpo
                rpo = rpo if rpo is not None else (t.max_rpo if t is not None else None)
                g.rpo[cid] = int(rpo) if rpo is not None else None
            else:
                g.rpo[cid] = None
            places = c.copies if kind == "data" else c.deployments
            seen: list[str] = []
            for d in places or []:
                if d.site not in seen:
                    seen.append(d.site)
            g.sites_of[cid] = seen
            for s in seen:
                g.by_site.setdefault(s, []).append(cid)
            ds: list[str] = []
            di: dict[str, int] = {}
            for j, d in enumerate(c.depends_on or []):
                if d in comps and d not in di:
                    di[d] = j
                    ds.append(d)
            g.deps[cid] = ds
            g.dep_index[cid] = di
            g.dependents.setdefault(cid, [])
        for cid, ds in g.deps.items():
            for d in ds:
                g.dependents[d].append(cid)
        g._order()
        return g

    def _order(self) -> None:
        """Iterative Tarjan: strongly connected groups, emitted dependencies first."""
        deps = self.deps
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        order = self.order
        counter = 0
        n_scc = 0
        for root in self.comps:
            if root in index:
                continue
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            work = [(root, iter(deps[root]))]
            while work:
                v, it = work[-1]
                advanced = False
                for w in it:
                    if w not in index:
                        index[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        on_stack.add(w)
                        work.append((w, iter(deps[w])))
                        advanced = True
                        break
                    if w in on_stack and index[w] < low[v]:
                        low[v] = index[w]
                if advanced:
                    continue
                work.pop()
                if work:
                    u = work[-1][0]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == index[v]:
                    members = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        members.append(w)
                        if w == v:
                            break
                    members.reverse()
                    for w in members:
                        self.scc[w] = n_scc
                        self.pos[w] = len(order)
                        order.append(w)
                    if len(members) > 1:
                        self.cyclic.update(members)
                    elif v in deps[v]:
                        self.cyclic.add(v)
                    n_scc += 1

    # --- helpers ----------------------------------------------------------------------------
    def path(self, cid: str) -> Path | None:
        return self.paths.get(cid)

    def transitive_deps(self, cid: str) -> list[str]:
        """Every component ``cid`` depends on, directly or not (not ``cid`` itself unless in a cycle)."""
        seen: set[str] = set()
        out: list[str] = []
        todo = list(self.deps.get(cid, ()))
        while todo:
            d = todo.pop()
            if d in seen:
                continue
            seen.add(d)
            out.append(d)
            todo.extend(self.deps[d])
        return out

    def transitive_dependents(self, cid: str) -> list[str]:
        """Every component that depends on ``cid``, directly or not."""
        seen: set[str] = set()
        out: list[str] = []
        todo = list(self.dependents.get(cid, ()))
        while todo:
            d = todo.pop()
            if d in seen:
                continue
            seen.add(d)
            out.append(d)
            todo.extend(self.dependents[d])
        return out
