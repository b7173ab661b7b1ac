"""Site-loss analysis (spec §4): the state of every component after each loss.

For every single site, every region and every ``site-loss`` / ``region-loss``
scenario, the analysis works out which components survive, how long they take
to recover, what data they lose and whether capacity covers load.

How it stays fast on large plans (20,000 components, 600+ losses): a degraded
component degrades everything that depends on it, so one loss can touch
thousands of components, and building a state object for each of them for
every loss is far too slow. Instead every loss is one bit of a Python integer:

1. *Own* outcome: for each component and each loss that takes one of its own
   sites (deployments, data copies), evaluate its deployments alone, once per
   subset of its sites that is lost (most losses touch a component the same
   way). Components with nothing lost are ``up`` on their own; the losses
   that take all of a component's sites are one mask (a service is down
   there; a store is lost, or restored where a backup site is spared).
2. *Propagation*: one pass in dependency order ORs the bit masks of the
   dependencies into each component: not-up, down-or-lost, and for each
   recovery time the losses where it is at least that long (a max over
   dependencies is an OR of these "at least" masks). Recovery times are only
   carried where L002 reads them (tiers that must survive some loss, and what
   they depend on); a data store's RPO comes from its own copies and is kept
   for the tiers that must survive some loss (L005 reads nothing else).
3. Capacity pooling is done per loss over the few services that are short in
   it; counts per tier and loss come from bit-sliced counters, built the first
   time a result's ``counts`` is read (``bcp validate`` never reads them).

The full :class:`ComponentState` of a component in a loss (cause chain
included) is computed on demand, and a :class:`LossResult`'s ``affected``
mapping builds its states the first time it is read; asking for one
component costs only its not-up dependencies.

Dependency cycles are errors reported by R003; here a dependency that comes
later in the topological order (which only happens inside a cycle) is
ignored, so every walk ends.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from ..model import DataStore, Service
from .graph import no_gc
from .results import STATE_ORDER, Analysis, ComponentState, Loss, LossResult

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Context
    from .graph import Graph

STATES = ("up", "degraded", "down", "lost")
#: a cause chain longer than this keeps its head and tail around an ellipsis
MAX_CAUSE = 64
ELLIPSIS = "…"


@dataclass(slots=True)
class Own:
    """A component's outcome from its own deployments / copies alone."""

    state: str
    recovery: int | None
    via: int | None = None
    rpo: int | None = None
    capacity: float | None = None
    load: float | None = None
    short: float = 0.0
    restored: bool = False
    lost_sites: tuple[str, ...] = ()


def bits(mask: int) -> Iterator[int]:
    """The indexes of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def at_least(ge: dict[int, int], value: int | None) -> int:
    """From a cumulative {value: mask of losses where it is >= value}, the mask where it is > ``value``."""
    if len(ge) == 1:  # the common case
        for v, m in ge.items():
            return m if value is None or v > value else 0
    if not ge:
        return 0
    best = None
    for v in ge:
        if (value is None or v > value) and (best is None or v < best):
            best = v
    return ge[best] if best is not None else 0


def value_at(ge: dict[int, int], i: int) -> int:
    """The value in loss ``i`` from a cumulative mask dict (0 when none applies)."""
    best = 0
    for v, m in ge.items():
        if v > best and (m >> i) & 1:
            best = v
    return best


def _cumulate(d: dict[int, int]) -> dict[int, int]:
    if len(d) == 1:
        return d
    acc = 0
    out = {}
    for v in sorted(d, reverse=True):
        acc |= d[v]
        out[v] = acc
    return out


def _add(slices: list[int], m: int) -> None:
    """Add a 0/1 vector (bits of ``m``) to a bit-sliced counter."""
    carry = m
    k = 0
    while carry:
        if k == len(slices):
            slices.append(carry)
            return
        s = slices[k]
        slices[k] = s ^ carry
        carry &= s
        k += 1


def _read(slices: list[int], i: int) -> int:
    return sum(((s >> i) & 1) << k for k, s in enumerate(slices))


class Engine:
    """The site-loss analysis of one plan: shared data, masks per component, and per-loss views."""

    def __init__(self, ctx: "Context") -> None:
        g: Graph = ctx.graph
        self.ctx = ctx
        self.g = g
        pol = ctx.plan.policy
        self.takeover = {"active": 0, "hot": int(pol.takeover.hot), "warm": int(pol.takeover.warm), "cold": int(pol.takeover.cold)}
        self.hot = int(pol.takeover.hot)
        self.cold = int(pol.takeover.cold)
        self._own_cache: dict[tuple, Own] = {}
        #: the sites whose loss can change a component's own outcome: its deployments or copies,
        #: and for a data store its backup sites (they matter once every copy is gone); filled
        #: by analyze() for every component, else on demand
        self.key_sites: dict[str, tuple[str, ...]] = {}
        comps = g.comps
        self.ops_by_cat: dict[str, list[str]] = {}
        for t in ctx.plan.ops_tools or []:
            if comps.get(t.id) is t:  # the first definition of its id
                self.ops_by_cat.setdefault(t.category, []).append(t.id)
        self.losses: list[Loss] = []
        self.results: list[LossResult] = []
        self.views: list[LossView] = []

    # --- what only states, counts and capacity pooling need: computed when first asked -------
    @cached_property
    def base_rpo(self) -> dict[str, int | None]:
        """Baseline RPO shown for a component that is up: 0 for data, and for a service that
        depends (directly or not) on a data store; None otherwise (ops tools, services without data)."""
        g = self.g
        base: dict[str, int | None] = {}
        pos = g.pos
        for cid in g.order:
            c = g.comps[cid]
            if c.kind == "data":
                base[cid] = 0
            elif c.kind == "service":
                base[cid] = 0 if any(pos[d] < pos[cid] and base.get(d) == 0 and g.comps[d].kind != "ops_tool" for d in g.deps[cid]) else None
            else:
                base[cid] = None
        return base

    @cached_property
    def spare(self) -> dict[str, float]:
        """The spare capacity each site offers: its capacity minus every deployment's placed there."""
        plan = self.ctx.plan
        placed: dict[str, float] = {}
        for c in [*plan.services, *plan.ops_tools]:
            for d in c.deployments or []:
                if d.capacity:
                    placed[d.site] = placed.get(d.site, 0) + d.capacity
        spare: dict[str, float] = {}
        for s in plan.sites:
            if s.id not in spare and s.capacity is not None:
                spare[s.id] = max(0.0, float(s.capacity) - placed.get(s.id, 0))
        return spare

    @cached_property
    def total_spare(self) -> float:
        return sum(self.spare.values())

    @cached_property
    def totals(self) -> dict[str, dict[str, int]]:
        """Per tier, the count of components in each state with every component up."""
        totals: dict[str, dict[str, int]] = {}
        for t in self.ctx.plan.policy.tiers:
            totals.setdefault(t.id, dict.fromkeys(STATES, 0))
        for c in self.g.comps.values():
            totals.setdefault(c.tier, dict.fromkeys(STATES, 0))["up"] += 1
        return totals

    @cached_property
    def counts(self) -> list[dict[str, dict[str, int]]]:
        """Per analysed loss, per tier: the count of components in each state (including "up")."""
        comps = self.g.comps
        DOWN, LOST = self.DOWN, self.LOST
        sl: dict[str, tuple[list[int], list[int], list[int]]] = {}
        for cid, nu in self.NU.items():
            t = sl.get(comps[cid].tier)
            if t is None:
                t = sl[comps[cid].tier] = ([], [], [])
            _add(t[0], nu)
            if cid in DOWN:
                _add(t[1], DOWN[cid])
            if cid in LOST:
                _add(t[2], LOST[cid])
        out = []
        for i in range(len(self.losses)):
            counts = {t: dict(v) for t, v in self.totals.items()}
            for tier, (snu, sdn, sls) in sl.items():
                n_nu, n_dn, n_ls = _read(snu, i), _read(sdn, i), _read(sls, i)
                ct = counts[tier]
                ct["up"] -= n_nu
                ct["down"] += n_dn
                ct["lost"] += n_ls
                ct["degraded"] += n_nu - n_dn - n_ls
            out.append(counts)
        return out

    def _key_sites(self, cid: str) -> tuple[str, ...]:
        ks = self.key_sites.get(cid)
        if ks is None:
            c = self.g.comps[cid]
            ks = tuple(_distinct(d.site for d in self.g.places[cid]))
            if c.kind == "data" and c.backups is not None:
                ks += tuple(s for s in _distinct(c.backups.sites or []) if s not in ks)
            self.key_sites[cid] = ks
        return ks

    # --- one component, its own deployments ----------------------------------------------
    def own(self, cid: str, lost: frozenset[str] | tuple[str, ...]) -> Own:
        """``lost``: the lost sites (a set), or exactly the component's own lost sites (a tuple)."""
        key_sites = lost if type(lost) is tuple else tuple(s for s in self._key_sites(cid) if s in lost)
        key = (cid, key_sites)
        o = self._own_cache.get(key)
        if o is None:
            o = self._own_cache[key] = self._own(cid, frozenset(key_sites))
        return o

    def _own(self, cid: str, lost: frozenset[str]) -> Own:
        c = self.g.comps[cid]
        if not lost:  # nothing of its own lost: it runs as before the loss
            o = Own("up", 0, rpo=self.base_rpo.get(cid))
            if isinstance(c, Service) and c.load is not None:
                caps = [d.capacity for d in c.deployments or [] if d.capacity is not None]
                if caps:
                    o.capacity, o.load = float(sum(caps)), float(c.load)
            return o
        if isinstance(c, DataStore):
            copies = c.copies or []
            o = Own("up", 0, rpo=0, lost_sites=tuple(_distinct(cp.site for cp in copies if cp.site in lost)))
            best: int | None = None
            rpo: int | None = None
            for k, cp in enumerate(copies):
                if cp.site in lost:
                    continue
                if cp.role == "primary":
                    t, r = 0, 0
                else:
                    t = int(cp.takeover) if cp.takeover is not None else self.hot
                    r = 0 if cp.replication == "sync" else int(cp.lag or 0)
                if best is None or t < best:
                    best, o.via = t, k
                if rpo is None or r < rpo:
                    rpo = r
            if best is not None:
                o.state = "up" if best == 0 else "degraded"
                o.recovery, o.rpo = best, rpo
            else:
                b = c.backups
                if b is not None and any(s not in lost for s in b.sites or []):
                    o.state = "degraded"
                    o.recovery = int(b.restore_time) if b.restore_time is not None else self.cold
                    o.rpo = int(b.every)
                    o.restored = True
                else:
                    o.state = "lost"
                    o.recovery = o.rpo = None
                    extra = [s for s in _distinct((b.sites or []) if b else []) if s not in o.lost_sites]
                    o.lost_sites += tuple(extra)
            return o
        deps_ = c.deployments or []
        o = Own("up", 0, lost_sites=tuple(_distinct(d.site for d in deps_ if d.site in lost)))
        best = None
        cap = 0.0
        has_cap = False
        for k, d in enumerate(deps_):
            if d.capacity is not None:
                has_cap = True
            if d.site in lost:
                continue
            t = 0 if d.mode == "active" else (int(d.takeover) if d.takeover is not None else self.takeover.get(d.mode, self.cold))
            if best is None or t < best:
                best, o.via = t, k
            if d.capacity:
                cap += d.capacity
        if best is None:
            o.state, o.recovery = "down", None
        else:
            o.state = "up" if best == 0 else "degraded"
            o.recovery = best
        if isinstance(c, Service):
            o.rpo = self.base_rpo.get(cid)
            if c.load is not None and has_cap:
                o.capacity, o.load = cap, float(c.load)
                if o.state != "down" and cap < c.load:
                    o.short = float(c.load) - cap
                    if o.state == "up":
                        o.state = "degraded"
        return o

    # --- one component, with its dependencies --------------------------------------------
    def evaluate(self, cid: str, lost: frozenset[str], done: Mapping[str, ComponentState]) -> ComponentState:
        """The state of ``cid``; ``done`` holds the states of its dependencies that are not up."""
        g = self.g
        c = g.comps[cid]
        o = self.own(cid, lost)
        st = ComponentState(
            id=cid, kind=c.kind, tier=c.tier, state="up", recovery=o.recovery, rto=g.rto[cid],
            rpo=o.rpo if c.kind != "ops_tool" else None, rpo_target=g.rpo[cid],
            capacity=o.capacity, load=o.load, short=o.short, restored_from_backup=o.restored, via=o.via,
        )
        if o.state in ("down", "lost"):
            st.state = o.state
            st.cause = _chain([cid, *o.lost_sites])
            st.rpo = None  # nothing runs: no recovery point to show (not "0s")
            return st
        worst_dep: ComponentState | None = None  # down / lost
        slow_dep: ComponentState | None = None  # not up, with the longest recovery
        rpo = st.rpo
        mypos = g.pos[cid]
        pos = g.pos
        is_service = c.kind == "service"
        for d in g.deps[cid]:
            if pos[d] >= mypos:
                continue  # only inside a dependency cycle (R003)
            ds = done.get(d)
            if ds is None:
                continue
            if ds.state in ("down", "lost"):
                worst_dep = ds
                break
            if slow_dep is None or (ds.recovery or 0) > (slow_dep.recovery or 0):
                slow_dep = ds
            if is_service and ds.kind != "ops_tool" and ds.rpo is not None:
                rpo = ds.rpo if rpo is None else max(rpo, ds.rpo)
        if worst_dep is not None:
            st.state = "down"
            st.recovery = st.rpo = None
            st.short = 0.0
            st.via = None
            st.cause = _chain([cid], worst_dep.cause)
            return st
        st.rpo = rpo
        if slow_dep is not None and (slow_dep.recovery or 0) > (st.recovery or 0):
            st.recovery = slow_dep.recovery
            st.state = "degraded"
            st.cause = _chain([cid], slow_dep.cause)
        elif o.state != "up":
            st.state = o.state
            st.cause = _chain([cid, *o.lost_sites])
        elif slow_dep is not None:
            st.state = "degraded"
            st.cause = _chain([cid], slow_dep.cause)
        return st

    # --- one arbitrary loss, directly ----------------------------------------------------------
    def run(self, loss: Loss) -> LossResult:
        """Walk one loss from the lost sites through the dependents that are not up."""
        g = self.g
        lost = loss.sites
        pos = g.pos
        heap: list[tuple[int, str]] = []
        queued: set[str] = set()
        for s in lost:
            # what runs there, and the stores whose backups are kept there (the analysis
            # counts a lost backup site too: a store that had only its backups left is lost)
            for cid in (*g.by_site.get(s, ()), *g.by_backup_site.get(s, ())):
                if cid not in queued:
                    queued.add(cid)
                    heap.append((pos[cid], cid))
        heapq.heapify(heap)
        affected: dict[str, ComponentState] = {}
        dependents = g.dependents
        while heap:
            _, cid = heapq.heappop(heap)
            st = self.evaluate(cid, lost, affected)
            if st.state == "up":
                continue
            affected[cid] = st
            for d in dependents[cid]:
                if d not in queued and pos[d] > pos[cid]:
                    queued.add(d)
                    heapq.heappush(heap, (pos[d], d))
        short = [(s.id, s.short) for s in affected.values() if s.short > 0]
        for cid, un in self._pool(short, lost).items():
            affected[cid].unabsorbed = un
        counts = {t: dict(v) for t, v in self.totals.items()}
        for s in affected.values():
            ct = counts[s.tier]
            ct["up"] -= 1
            ct[s.state] += 1
        ops_lost = [
            cat for cat in _distinct(self.ctx.plan.policy.required_ops or [])
            if (tools := self.ops_by_cat.get(cat)) and all(t in affected and affected[t].state in ("down", "lost") for t in tools)
        ]
        return LossResult(loss=loss, affected=affected, ops_lost=ops_lost, counts=counts)

    def _pool(self, short: list[tuple[str, float]], lost: frozenset[str]) -> dict[str, float]:
        """Hand the surviving sites' pooled spare capacity to the short services; what is left unabsorbed."""
        if not short:
            return {}
        g = self.g
        pool = self.total_spare - sum(self.spare.get(s, 0.0) for s in lost)
        out = {}
        for cid, amount in sorted(short, key=lambda x: (g.rank[x[0]], g.paths[x[0]])):
            take = min(pool, amount) if pool > 0 else 0.0
            pool -= take
            out[cid] = amount - take
        return out

    # --- every loss at once, as bit masks --------------------------------------------------------
    def analyze(self, losses: list[Loss]) -> Analysis:
        g = self.g
        self.losses = losses
        # 1. own outcomes
        site_mask: dict[str, int] = {}
        for i, loss in enumerate(losses):
            b = 1 << i
            for x in loss.sites:
                site_mask[x] = site_mask.get(x, 0) | b
        own, own_rec, own_rpo, shorts = self._own_masks(site_mask)
        # 2. propagation in dependency order. Recovery times are carried only where L002 reads
        # them: components of a tier that must survive some loss, and what they depend on
        tier_rank = self.ctx.tier_rank
        must_ranks = {tier_rank[t] for loss in losses for t in loss.must_survive if t in tier_rank}
        rank = g.rank
        need_rec = {cid for cid, r in rank.items() if r in must_ranks}
        deps = g.deps
        cyclic = g.cyclic
        pos = g.pos
        todo = list(need_rec)
        while todo:
            cid = todo.pop()
            for d in deps[cid]:
                # inside a cycle only what comes earlier in the order is merged (R003)
                if d not in need_rec and (not cyclic or cid not in cyclic or pos[d] < pos[cid]):
                    need_rec.add(d)
                    todo.append(d)
        NU: dict[str, int] = {}
        BAD: dict[str, int] = {}
        DOWN: dict[str, int] = {}
        LOST: dict[str, int] = {}
        REC: dict[str, dict[int, int]] = {}
        NU_get, own_get, REC_get = NU.get, own.get, REC.get
        for cid in g.order:
            o = own_get(cid)
            ds = deps[cid]
            if ds:
                if cid in cyclic:  # only dependencies earlier in the order (R003)
                    mypos = pos[cid]
                    ds = [d for d in ds if pos[d] < mypos]
                nu = bad = 0
                for d in ds:
                    m = NU_get(d)
                    if m:
                        nu |= m
                        bad |= BAD[d]
                if o is not None:
                    # a dependency down or lost takes it down, unless its own data is lost
                    nu |= o[0]
                    dn, ls = o[1] | bad, o[2]
                    if ls:
                        dn &= ~ls
                elif nu:
                    dn, ls = bad, 0
                else:
                    continue
            elif o is not None:
                nu, dn, ls = o
            else:
                continue
            # (not up includes down and lost: a dependency's not-up mask includes its own)
            NU[cid] = nu
            BAD[cid] = dn | ls
            if dn:
                DOWN[cid] = dn
            if ls:
                LOST[cid] = ls
            if cid in need_rec:
                rec = own_rec.get(cid)
                parts = [r for d in ds if (r := REC_get(d))]
                if rec is None and len(parts) == 1:
                    REC[cid] = parts[0]  # already cumulative: shared
                elif rec is not None or parts:
                    if rec is None:
                        rec = {}
                    for r in parts:
                        for v, mm in r.items():
                            rec[v] = rec.get(v, 0) | mm
                    REC[cid] = _cumulate(rec)
        # L005 reads the RPO of data stores, which comes from their own copies alone
        RPO = {cid: _cumulate(rp) for cid, rp in own_rpo.items() if rank[cid] in must_ranks}
        self.NU, self.BAD, self.DOWN, self.LOST, self.REC, self.RPO = NU, BAD, DOWN, LOST, REC, RPO
        # 3. capacity pooling, per loss, over the services short in it (and not down)
        self.unabsorbed: dict[tuple[str, int], float] = {}
        self.short: dict[tuple[str, int], float] = {}
        for i, sh in shorts.items():
            sh = [(cid, a) for cid, a in sh if not (BAD[cid] >> i) & 1]
            for cid, a in sh:
                self.short[(cid, i)] = a
            for cid, un in self._pool(sh, losses[i].sites).items():
                self.unabsorbed[(cid, i)] = un
        # 4. required ops categories with no surviving tool
        required = _distinct(self.ctx.plan.policy.required_ops or [])
        all_bits = (1 << len(losses)) - 1
        ops_gone: dict[str, int] = {}
        for cat in required:
            tools = self.ops_by_cat.get(cat)
            if not tools:
                continue
            m = all_bits
            for t in tools:
                m &= BAD.get(t, 0)
            if m:
                ops_gone[cat] = m
        self.ops_gone = ops_gone
        # 5. one result per loss; states and counts per tier are computed when first read
        results = []
        views = []
        for i, loss in enumerate(losses):
            view = LossView(self, i)
            views.append(view)
            ops_lost = [cat for cat in required if (ops_gone.get(cat, 0) >> i) & 1]
            results.append(LossResult(loss=loss, affected=_LazyAffected(view), ops_lost=ops_lost, counts=_LazyCounts(self, i)))  # type: ignore[arg-type]
        self.results, self.views = results, views
        return Analysis(results=results)

    def _own_masks(self, site_mask: dict[str, int]):
        """Step 1: each component's outcome from its own deployments / copies, as loss masks.

        The same outcome as :meth:`own` (the tests check it), computed without building
        ``Own`` objects. With A the losses that take all of a component's sites, a service
        is down in A, and a data store is restored from backups in the part of A that
        spares one of its backup sites, else lost. The other losses that touch its sites
        are grouped by the subset of them they take, and each group is evaluated once.

        Returns {id: (not up, down, lost)} for components not up in some loss, the
        recovery-time masks {id: {seconds: losses}}, the RPO masks of data stores, and
        {loss: [(service id, capacity short)]}.
        """
        g = self.g
        places = g.places
        takeover = self.takeover
        hot, cold = self.hot, self.cold
        get_mask = site_mask.get
        own: dict[str, tuple[int, int, int]] = {}
        own_rec: dict[str, dict[int, int]] = {}
        own_rpo: dict[str, dict[int, int]] = {}
        shorts: dict[int, list[tuple[str, float]]] = {}
        for cid, c in g.comps.items():
            pl = places[cid]
            is_data = c.kind == "data"
            bk = c.backups if is_data else None
            # the distinct sites of its deployments / copies, and the losses of each
            if len(pl) == 1:
                # one deployment or copy (the most common case): gone with its site
                m = get_mask(pl[0].site, 0)
                if bk is None or not bk.sites:
                    if m:
                        own[cid] = (m, 0, m) if is_data else (m, m, 0)
                    continue
                if not m and pl[0].role == "primary":
                    continue  # the primary survives every loss
                ss: tuple[str, ...] | list[str] = (pl[0].site,)
            else:
                ss = list(dict.fromkeys([d.site for d in pl]))
            masks = [get_mask(x, 0) for x in ss]
            if len(masks) == 1:
                touch = every = masks[0]
            elif masks:
                touch, every = masks[0], masks[0]
                for m in masks[1:]:
                    touch |= m
                    every &= m
            if bk is not None and bk.sites and (not masks or (pl[0].role != "primary" and not any(cp.role == "primary" for cp in pl))):
                # no copy, or no primary: losing only a backup site already counts (a replica
                # takes over), so every subset of its sites is evaluated
                self._own_groups(cid, site_mask, own, own_rec, own_rpo)
                continue
            if not masks:
                continue  # nothing to lose
            if not touch:
                continue  # none of its sites is ever lost
            nu = dn = ls = 0
            rec: dict[int, int] = {}
            rp: dict[int, int] = {}
            # losses that take every site: down, or for data lost unless a backup site survives
            if every:
                if not is_data:
                    dn = every
                else:
                    restored = 0
                    if bk is not None and bk.sites:
                        spared = 0  # losses that spare a backup site (not one of its copies' sites)
                        for x in dict.fromkeys(bk.sites):
                            if x not in ss:
                                spared |= ~get_mask(x, 0)
                        restored = every & spared
                    ls = every & ~restored
                    if restored:
                        nu = restored
                        r = int(bk.restore_time) if bk.restore_time is not None else cold
                        if r:
                            rec[r] = restored
                        r = int(bk.every)
                        if r:
                            rp[r] = restored
            # losses that take only some of its sites, grouped by the subset they take
            if touch != every:
                if len(ss) == 2:
                    m0, m1 = masks
                    groups = {(ss[0],): m0 & ~m1, (ss[1],): m1 & ~m0}
                else:
                    groups = _split_by_sites(touch & ~every, zip(ss, masks))
                if is_data:
                    # (site, promotion time, rpo) per copy
                    cl = [
                        (cp.site, 0, 0) if cp.role == "primary" else
                        (cp.site, int(cp.takeover) if cp.takeover is not None else hot, 0 if cp.replication == "sync" else int(cp.lag or 0))
                        for cp in pl
                    ]
                    for key, b in groups.items():
                        if not b:
                            continue
                        best = rpo = None
                        for x, t, r in cl:
                            if x in key:
                                continue
                            if best is None or t < best:
                                best = t
                            if rpo is None or r < rpo:
                                rpo = r
                        if not best:
                            continue  # up: the primary (or a copy that takes over at once) survives
                        nu |= b
                        rec[best] = rec.get(best, 0) | b
                        if rpo:
                            rp[rpo] = rp.get(rpo, 0) | b
                else:
                    # (site, takeover time, capacity) per deployment
                    dl = [
                        (d.site, 0 if d.mode == "active" else (int(d.takeover) if d.takeover is not None else takeover.get(d.mode, cold)), d.capacity)
                        for d in pl
                    ]
                    load = c.load if c.kind == "service" else None
                    if load is not None and not any(x[2] is not None for x in dl):
                        load = None  # no capacity figures: capacity is not checked
                    for key, b in groups.items():
                        if not b:
                            continue
                        best = None
                        cap = 0.0
                        for x, t, k in dl:
                            if x in key:
                                continue
                            if best is None or t < best:
                                best = t
                            if k:
                                cap += k
                        short = float(load) - cap if load is not None and cap < load else 0.0
                        if not best and not short:
                            continue  # up
                        nu |= b
                        if best:
                            rec[best] = rec.get(best, 0) | b
                        if short > 0:
                            for i in bits(b):
                                shorts.setdefault(i, []).append((cid, short))
            if nu or dn or ls:
                own[cid] = (nu | dn | ls, dn, ls)
                if rec:
                    own_rec[cid] = rec
                if rp:
                    own_rpo[cid] = rp
        return own, own_rec, own_rpo, shorts

    def _own_groups(self, cid, site_mask, own, own_rec, own_rpo) -> None:
        """Step 1 for a data store with backup sites but no copy or no primary (odd, but valid):
        every subset of its sites, copies and backups, through :meth:`own`."""
        ks = self._key_sites(cid)
        groups = _split_by_sites(-1, ((x, site_mask.get(x)) for x in ks))
        groups.pop((), None)
        nu = ls = 0
        rec: dict[int, int] = {}
        rp: dict[int, int] = {}
        for key, b in groups.items():
            o = self.own(cid, key)
            if o.state == "lost":
                ls |= b
            elif o.state != "up":
                nu |= b
                if o.recovery:
                    rec[o.recovery] = rec.get(o.recovery, 0) | b
                if o.rpo:
                    rp[o.rpo] = rp.get(o.rpo, 0) | b
        if nu or ls:
            own[cid] = (nu | ls, 0, ls)
            if rec:
                own_rec[cid] = rec
            if rp:
                own_rpo[cid] = rp

    # --- queries for rules --------------------------------------------------------------------
    def mask(self, tier_pred) -> int:
        """Mask of the losses for which ``tier_pred(loss)`` is true."""
        m = 0
        for i, loss in enumerate(self.losses):
            if tier_pred(loss):
                m |= 1 << i
        return m


class LossView:
    """The states of one analysed loss, computed on demand and kept."""

    def __init__(self, engine: Engine, i: int) -> None:
        self.e = engine
        self.i = i
        self.loss = engine.losses[i]
        self.memo: dict[str, ComponentState] = {}
        self.complete = False

    def not_up(self, cid: str) -> bool:
        return bool((self.e.NU.get(cid, 0) >> self.i) & 1)

    def _finish(self, st: ComponentState) -> ComponentState:
        key = (st.id, self.i)
        st.short = self.e.short.get(key, 0.0)
        st.unabsorbed = self.e.unabsorbed.get(key, 0.0)
        return st

    def get(self, cid: str) -> ComponentState | None:
        """The state of ``cid`` when it is not up, else None."""
        st = self.memo.get(cid)
        if st is not None or not self.not_up(cid):
            return st
        e, i, memo = self.e, self.i, self.memo
        NU, g = e.NU, e.g
        pos, deps = g.pos, g.deps
        lost = self.loss.sites
        stack = [cid]
        while stack:
            c = stack[-1]
            if c in memo:
                stack.pop()
                continue
            p = pos[c]
            missing = [d for d in deps[c] if pos[d] < p and d not in memo and (NU.get(d, 0) >> i) & 1]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            memo[c] = self._finish(e.evaluate(c, lost, memo))
        return memo[cid]

    def all(self) -> dict[str, ComponentState]:
        """Every component that is not up, in dependency order."""
        if not self.complete:
            i, NU = self.i, self.e.NU
            ids = [c for c in self.e.g.order if (NU.get(c, 0) >> i) & 1]
            for c in ids:
                self.get(c)
            self.memo = {c: self.memo[c] for c in ids}
            self.complete = True
        return self.memo


class _LazyCounts(Mapping):
    """``LossResult.counts`` for an analysed loss: per tier, the count of components in each
    state. ``bcp validate`` never reads them, so they are computed, for every loss at once,
    the first time one is read."""

    def __init__(self, engine: Engine, i: int) -> None:
        self._e = engine
        self._i = i

    def _counts(self) -> dict[str, dict[str, int]]:
        return self._e.counts[self._i]

    def __getitem__(self, tier: str) -> dict[str, int]:
        return self._counts()[tier]

    def __iter__(self):
        return iter(self._counts())

    def __len__(self) -> int:
        return len(self._counts())

    def __repr__(self) -> str:
        return repr(self._counts())


class _LazyAffected(Mapping):
    """``LossResult.affected`` for an analysed loss: states are built when read."""

    def __init__(self, view: LossView) -> None:
        self._view = view

    def __getitem__(self, cid: str) -> ComponentState:
        st = self._view.get(cid) if cid in self._view.e.g.comps else None
        if st is None:
            raise KeyError(cid)
        return st

    def __contains__(self, cid: object) -> bool:
        return isinstance(cid, str) and self._view.not_up(cid)

    def __iter__(self):
        return iter(self._view.all())

    def __len__(self) -> int:
        if self._view.complete:
            return len(self._view.memo)
        i = self._view.i
        return sum(1 for m in self._view.e.NU.values() if (m >> i) & 1)

    def __repr__(self) -> str:
        return f"<affected by {self._view.loss.key}: {len(self)} components>"


def _distinct(items) -> list:
    out: list = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def _chain(head: list[str], tail: list[str] | None = None) -> list[str]:
    out = head + tail if tail else list(head)
    if len(out) > MAX_CAUSE:
        half = MAX_CAUSE // 2
        out = out[: half - 1] + [ELLIPSIS] + out[-half:]
    return out


def engine(ctx: "Context") -> Engine:
    """The plan's analysis engine (its losses analysed: ``ctx.analysis`` is computed first)."""
    e = ctx.__dict__.get("_siteloss_engine")
    if e is None or not e.results:
        ctx.analysis  # noqa: B018 - computes and caches
        e = ctx.__dict__["_siteloss_engine"]
    return e


def _engine(ctx: "Context") -> Engine:
    e = ctx.__dict__.get("_siteloss_engine")
    if e is None:
        e = ctx.__dict__["_siteloss_engine"] = Engine(ctx)
    return e


def losses(ctx: "Context") -> list[Loss]:
    """Every loss the analysis covers, in the order of spec §4."""
    plan = ctx.plan
    tiers = plan.policy.tiers
    site_must = frozenset(t.id for t in tiers if t.min_sites >= 2)
    region_must = frozenset(t.id for t in tiers if t.min_regions >= 2)
    out: list[Loss] = []
    region_sites: dict[str, list[str]] = {}
    seen: set[str] = set()
    for s in plan.sites:
        if s.id in seen:
            continue
        seen.add(s.id)
        out.append(Loss(key=f"site:{s.id}", kind="site", label=s.id, sites=frozenset((s.id,)), must_survive=site_must))
        region_sites.setdefault(s.region, []).append(s.id)
    for r, ss in region_sites.items():
        out.append(Loss(key=f"region:{r}", kind="region", label=f"region {r}", sites=frozenset(ss), must_survive=region_must))
    seen_sc: set[str] = set()
    for sc in plan.scenarios:
        if sc.id in seen_sc:
            continue
        if sc.kind == "site-loss":
            sites = frozenset(sc.sites or [])
        elif sc.kind == "region-loss":
            sites = frozenset(s for r in sc.regions or [] for s in region_sites.get(r, ()))
        else:
            continue
        seen_sc.add(sc.id)
        out.append(Loss(key=f"scenario:{sc.id}", kind="scenario", label=sc.name, sites=sites, scenario=sc.id))
    return out


def analyze(ctx: "Context") -> Analysis:
    with no_gc():
        return _engine(ctx).analyze(losses(ctx))


def _split_by_sites(start: int, site_masks) -> dict[tuple[str, ...], int]:
    """Group the losses in ``start`` (a bit set) by the subset of sites they take.

    ``site_masks`` gives (site, losses that take it); the result maps each subset of those
    sites (in their order) to the losses that take exactly that subset."""
    groups: dict[tuple[str, ...], int] = {(): start}
    for x, m in site_masks:
        if not m:
            continue
        split: dict[tuple[str, ...], int] = {}
        for key, gm in groups.items():
            inside = gm & m
            if inside:
                split[(*key, x)] = inside
            outside = gm & ~m
            if outside:
                split[key] = outside
        groups = split
    return groups


def simulate(ctx: "Context", sites: frozenset[str], loss: Loss | None = None) -> LossResult:
    """The state after losing an arbitrary set of sites (``bcp simulate --lose a,b``)."""
    sites = frozenset(sites)
    if loss is None:
        label = ", ".join(sorted(sites))
        if len(sites) == 1:
            loss = Loss(key=f"site:{label}", kind="site", label=label, sites=sites)
        else:
            loss = Loss(key=f"sites:{','.join(sorted(sites))}", kind="scenario", label=label, sites=sites)
    return _engine(ctx).run(loss)


def up_state(ctx: "Context", cid: str) -> ComponentState:
    """The state of a component that is up (as before any loss)."""
    e = _engine(ctx)
    return e.evaluate(cid, frozenset(), {})


def state_of(ctx: "Context", result: LossResult, cid: str) -> ComponentState:
    """The full state of one component in a result, `up` ones included."""
    st = result.affected.get(cid)
    return st if st is not None else up_state(ctx, cid)


def loss_phrase(loss: Loss) -> str:
    """'site pangyo', 'region gyeonggi', 'scenario fire (pangyo, pangyo-2)'."""
    if loss.kind == "site":
        return f"site {loss.label}"
    if loss.kind == "region":
        return loss.label
    name = f"scenario {loss.scenario}" if loss.scenario else "sites"
    return f"{name} ({', '.join(sorted(loss.sites))})"


__all__ = ["analyze", "simulate", "losses", "state_of", "up_state", "loss_phrase", "engine", "bits", "at_least", "value_at", "STATE_ORDER"]
