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
from functools import cached_property
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
    #: dependencies before dependents; members of a cycle are adjacent, in no particular order
    order: list[str] = field(default_factory=list)
    #: position of each component in ``order``
    pos: dict[str, int] = field(default_factory=dict)
    #: components that are part of a dependency cycle (including depending on themselves)
    cyclic: set[str] = field(default_factory=set)
    #: effective RTO in seconds: own rto, else the tier's max_rto; None when neither is known
    rto: dict[str, int | None] = field(default_factory=dict)
    #: effective RPO target: own rpo, else the tier's max_rpo (services and data); None otherwise
    rpo: dict[str, int | None] = field(default_factory=dict)
    #: tier rank, 0 = most critical; unknown tiers rank after every known tier
    rank: dict[str, int] = field(default_factory=dict)
    #: each component's deployments (data: copies) as written, for the site-loss analysis
    places: dict[str, list] = field(default_factory=dict)
    #: strongly connected groups, when the plan has a cycle (else every component is its own group)
    _scc: dict[str, int] | None = None

    @classmethod
    def build(cls, ctx: "Context") -> "Graph":
        with no_gc():
            return cls._build(ctx)

    @classmethod
    def _build(cls, ctx: "Context") -> "Graph":
        g = cls()
        plan = ctx.plan
        tier_rank = ctx.tier_rank
        unknown = (len(plan.policy.tiers), None, None)
        # per tier: (rank, max_rto, max_rpo) as plain ints
        per_tier = {tid: (tier_rank[tid], int(t.max_rto), int(t.max_rpo)) for tid, t in ctx.tiers.items()}
        comps = g.comps
        paths = g.paths
        for section in SECTIONS:
            for i, c in enumerate(getattr(plan, section) or []):
                if c.id not in comps:
                    comps[c.id] = c
                    paths[c.id] = (section, i)

        # one pass over the components, reading each model field once (local names: this runs
        # 20,000 times on a large plan)
        rank, rto, rpo, places, deps = g.rank, g.rto, g.rpo, g.places, g.deps
        for cid, c in comps.items():
            r, max_rto, max_rpo = per_tier.get(c.tier, unknown)
            rank[cid] = r
            x = c.rto
            rto[cid] = int(x) if x is not None else max_rto
            kind = c.kind
            if kind == "data":
                x = c.rpo
                rpo[cid] = int(x) if x is not None else max_rpo
                pl = c.copies or []
            else:
                if kind == "service":
                    x = c.rpo
                    rpo[cid] = int(x) if x is not None else max_rpo
                else:
                    rpo[cid] = None
                pl = c.deployments or []
            places[cid] = pl
            dl = c.depends_on
            if dl:
                deps[cid] = [d for d in (dict.fromkeys(dl) if len(dl) > 1 else dl) if d in comps]
            else:
                deps[cid] = []
        g._order()
        return g

    # --- derived on demand: only simulate, messages and cycles need these ---------------------
    @cached_property
    def dep_index(self) -> dict[str, dict[str, int]]:
        """For each resolved dependency, its index in the component's ``depends_on`` list."""
        out: dict[str, dict[str, int]] = {}
        for cid, ds in self.deps.items():
            di: dict[str, int] = {}
            if ds:
                for j, d in enumerate(self.comps[cid].depends_on):
                    if d not in di:
                        di[d] = j
                di = {d: di[d] for d in ds}
            out[cid] = di
        return out

    @cached_property
    def dependents(self) -> dict[str, list[str]]:
        """Reverse edges: who depends on each component."""
        out: dict[str, list[str]] = {cid: [] for cid in self.comps}
        for cid, ds in self.deps.items():
            for d in ds:
                out[d].append(cid)
        return out

    @cached_property
    def sites_of(self) -> dict[str, list[str]]:
        """Sites of each component's deployments (data: copies), distinct, in plan order."""
        out: dict[str, list[str]] = {}
        for cid, pl in self.places.items():
            ss = [d.site for d in pl]
            out[cid] = list(dict.fromkeys(ss)) if len(ss) > 1 else ss
        return out

    @cached_property
    def by_backup_site(self) -> dict[str, list[str]]:
        """Data stores with a backup on each site."""
        out: dict[str, list[str]] = {}
        for cid, c in self.comps.items():
            b = getattr(c, "backups", None)
            if b is not None:
                for s in dict.fromkeys(b.sites):
                    out.setdefault(s, []).append(cid)
        return out

    @cached_property
    def by_site(self) -> dict[str, list[str]]:
        """Components with a deployment or copy on each site."""
        out: dict[str, list[str]] = {}
        for cid, ss in self.sites_of.items():
            for s in ss:
                out.setdefault(s, []).append(cid)
        return out

    @property
    def scc(self) -> dict[str, int]:
        """Strongly connected group of each component (same number = same cycle)."""
        return self._scc if self._scc is not None else dict(self.pos)

    def _order(self) -> None:
        """Dependencies before dependents (a depth-first post-order over ``comps``).

        Without cycles that order is exactly the one Tarjan's algorithm emits, and is found
        without its bookkeeping; a back edge means a cycle, and then Tarjan runs.
        """
        deps = self.deps
        order = self.order
        pos = self.pos  # doubles as the set of components already placed
        open_: set[str] = set()  # on the current walk
        for root in self.comps:
            if root in pos:
                continue
            ds = deps[root]
            if not ds:
                pos[root] = len(order)
                order.append(root)
                continue
            open_.add(root)
            walk, its = [root], [iter(ds)]
            while walk:
                for w in its[-1]:
                    if w in pos:
                        continue
                    if w in open_:  # a cycle: fall back to Tarjan
                        order.clear()
                        pos.clear()
                        self._tarjan()
                        return
                    dw = deps[w]
                    if not dw:  # a leaf: placed at once
                        pos[w] = len(order)
                        order.append(w)
                        continue
                    open_.add(w)
                    walk.append(w)
                    its.append(iter(dw))
                    break
                else:
                    its.pop()
                    v = walk.pop()
                    open_.discard(v)
                    pos[v] = len(order)
                    order.append(v)

    def _tarjan(self) -> None:
        """Iterative Tarjan: strongly connected groups, emitted dependencies first."""
        deps = self.deps
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        order = self.order
        scc = self._scc = {}
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
                        scc[w] = n_scc
                        order.append(w)
                    if len(members) > 1:
                        self.cyclic.update(members)
                    elif v in deps[v]:
                        self.cyclic.add(v)
                    n_scc += 1
        self.pos = {v: i for i, v in enumerate(order)}
