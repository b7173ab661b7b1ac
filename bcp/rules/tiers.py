"""Rules T001–T008: what each redundancy tier of ``policy.tiers`` requires of a component.

These rules read the plan as written (sites, regions, copies, objectives, dependencies);
what a loss actually takes down is the L family's business. Ids that do not resolve
(an unknown site, tier or dependency) are skipped here: R001 reports them.

All per-component checks of the families T and X001, and the per-component facts the O
and P families need, are computed in one pass over the components (:func:`facts`),
shared through the Context, so that a plan of 10,000 services is checked in a few
hundredths of a second. The check functions only turn what the pass flagged into
findings.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, TypeVar

from ..context import Context
from ..findings import Finding
from ..model import Component
from ..types import format_duration

T = TypeVar("T")

KIND_LABEL = {"service": "service", "data": "data store", "ops_tool": "ops tool"}
SECTIONS = ("services", "data", "ops_tools")


def label(c: Component) -> str:
    """``service messaging``, ``data store chat-db`` …"""
    return f"{KIND_LABEL.get(c.kind, c.kind)} {c.id}"


# --- shared, computed once per Context -----------------------------------------------------------

_MEMO: dict[int, dict[str, Any]] = {}


def memo(ctx: Context, key: str, build: Callable[[Context], T]) -> T:
    """``build(ctx)``, computed once per Context and shared by the rules of these families."""
    cache = _MEMO.get(id(ctx))
    if cache is None:
        cache = _MEMO[id(ctx)] = {}
        weakref.finalize(ctx, _MEMO.pop, id(ctx), None)
    if key not in cache:
        cache[key] = build(ctx)
    return cache[key]


def site_map(ctx: Context) -> dict:
    """site id -> Site (the first definition of each id)."""

    def build(ctx: Context) -> dict:
        out: dict = {}
        for s in ctx.plan.sites:
            out.setdefault(s.id, s)
        return out

    return memo(ctx, "sites", build)


def components_by_id(ctx: Context) -> dict[str, Component]:
    """component id -> its first definition (services, then data, then ops tools): the graph's."""
    return ctx.graph.comps


def effective_rto(ctx: Context, c: Component) -> int | None:
    """The component's own ``rto``, else its tier's ``max_rto``; None when neither is known."""
    if c.rto is not None:
        return int(c.rto)
    t = ctx.tiers.get(c.tier)
    return int(t.max_rto) if t is not None else None


def rto_text(ctx: Context, c: Component) -> str:
    if c.rto is not None:
        return str(c.rto)
    t = ctx.tiers.get(c.tier)
    return f"{t.max_rto} (max_rto of {t.id})" if t is not None else "?"


def cutoff(as_of: dt.date, every: int) -> dt.date:
    """The earliest date still within ``every`` (seconds) before ``as_of``."""
    try:
        return as_of - dt.timedelta(seconds=int(every))
    except OverflowError:
        return dt.date.min


def latest_passed(ctx: Context, kinds: tuple[str, ...] | None = None) -> dict[str, tuple[dt.date, str]]:
    """Component id -> (date, exercise id) of the latest passed exercise covering it,
    dated on or before the as-of date (later ones have not happened yet as of that date)."""
    out: dict[str, tuple[dt.date, str]] = {}
    as_of = ctx.as_of
    for e in ctx.plan.exercises:
        if e.result != "passed" or e.date > as_of or (kinds and e.kind not in kinds):
            continue
        d = e.date
        for cid in e.covers or ():
            cur = out.get(cid)
            if cur is None or d > cur[0]:
                out[cid] = (d, e.id)
    return out


@dataclass
class Facts:
    """What one pass over the components finds."""

    #: section -> per item, its distinct known sites (deployments, data: copies) in order
    used: dict[str, list[list[str]]] = field(default_factory=dict)
    #: code -> flagged (section, index) or (section, index, depends_on index)
    hits: dict[str, list[tuple]] = field(default_factory=dict)
    #: role id -> rank of the most critical tier among the components it owns
    owner_rank: dict[str, int] = field(default_factory=dict)
    #: roles owning a tier-0 component -> the first such component id
    tier0_owners: dict[str, str] = field(default_factory=dict)
    #: the most critical tier rank that has components (None: no component has a known tier)
    best_rank: int | None = None
    #: component id -> (date, exercise id) of its latest passed exercise (X001)
    exercised: dict[str, tuple[dt.date, str]] = field(default_factory=dict)


def facts(ctx: Context) -> Facts:
    return memo(ctx, "facts", _build_facts)


def _build_facts(ctx: Context) -> Facts:
    plan = ctx.plan
    sites = site_map(ctx)
    region = {sid: s.region for sid, s in sites.items()}
    g = ctx.graph
    rank = ctx.tier_rank
    tiers = ctx.tiers
    as_of = ctx.as_of
    t0 = ctx.tier0.id if ctx.tier0 is not None else None
    f = Facts()
    f.exercised = exercised = latest_passed(ctx) if any(t.exercise_every is not None for t in tiers.values()) else {}
    # per tier: rank, min_sites, min_active_sites, min_regions, min_data_copies, max_rto, max_rpo, X001 cutoff
    spec = {
        tid: (
            rank[tid], t.min_sites, t.min_active_sites, t.min_regions, t.min_data_copies,
            int(t.max_rto), int(t.max_rpo),
            cutoff(as_of, t.exercise_every) if t.exercise_every is not None else None,
        )
        for tid, t in tiers.items()
    }
    max_rto = {tid: v[5] for tid, v in spec.items()}
    hits = f.hits = {c: [] for c in ("T001", "T002", "T003", "T004", "T005", "T006", "T007", "T008", "X001")}
    h1, h2, h3, h4, h5, h6, h7, h8, hx = (hits[c] for c in ("T001", "T002", "T003", "T004", "T005", "T006", "T007", "T008", "X001"))
    # a dependency's tier rank and effective rto (of its first definition) come from the graph;
    # there an unknown tier ranks after every known one, here it is skipped
    dep_rank, dep_rto = g.rank, g.rto
    unknown_rank = len(plan.policy.tiers)
    owner_rank = f.owner_rank
    tier0_owners = f.tier0_owners
    best = None

    for section in SECTIONS:
        is_data = section == "data"
        rows = f.used[section] = []
        for i, c in enumerate(getattr(plan, section)):
            # distinct known sites (and, for deployments, distinct active sites)
            na = 0
            pl = c.copies if is_data else c.deployments
            unknown = False  # a place names a site that does not exist: R001 says so, and the
            # counts below would only repeat it (and be wrong once the typo is fixed)
            if len(pl) == 1:  # the common case, without the bookkeeping
                p = pl[0]
                u = [p.site] if p.site in sites else []
                unknown = not u
                if u and not is_data and p.mode == "active":
                    na = 1
            else:
                u = []
                act: list[str] = []
                for p in pl:
                    s = p.site
                    if s in sites:
                        if s not in u:
                            u.append(s)
                        if not is_data and p.mode == "active" and s not in act:
                            act.append(s)
                    else:
                        unknown = True
                na = len(act)
            rows.append(u)

            tid = c.tier
            sp = spec.get(tid)
            if sp is not None:
                r, min_sites, min_active, min_regions, min_copies, mrto, mrpo, cut = sp
                o = c.owner
                if r < owner_rank.get(o, r + 1):
                    owner_rank[o] = r
                if tid == t0:
                    tier0_owners.setdefault(o, c.id)
                if best is None or r < best:
                    best = r
                n = len(u)
                if unknown:
                    pass
                elif is_data:
                    if n < min_copies:
                        h6.append((section, i))
                else:
                    if n < min_sites:
                        h1.append((section, i))
                    if na < min_active:
                        h2.append((section, i))
                if not unknown and (n < min_regions or (min_regions > 1 and len({region[s] for s in u}) < min_regions)):
                    h3.append((section, i))
                rto = c.rto
                if rto is not None and rto > mrto:
                    h4.append((section, i))
                if section != "ops_tools":
                    rpo = c.rpo
                    if rpo is not None and rpo > mrpo:
                        h5.append((section, i))
                if cut is not None:
                    last = exercised.get(c.id)
                    if last is None or last[0] < cut:
                        hx.append((section, i))
            else:
                r = None
                rto = c.rto

            deps = c.depends_on
            if deps:
                own = rto if rto is not None else max_rto.get(tid)
                for j, dep_id in enumerate(deps):
                    rd = dep_rank.get(dep_id)
                    if rd is None:
                        continue  # not a component (R001)
                    if r is not None and rd != unknown_rank and rd > r:
                        h7.append((section, i, j))
                    theirs = dep_rto[dep_id]
                    if own is not None and theirs is not None and theirs > own:
                        h8.append((section, i, j))
    f.best_rank = best
    return f


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _names(ids: list[str]) -> str:
    return f" ({', '.join(ids)})" if ids else ""


def _flagged(ctx: Context, code: str) -> Iterator[tuple[tuple, Component, Any]]:
    """(hit, component, its tier) for each component the pass flagged for ``code``."""
    plan = ctx.plan
    tiers = ctx.tiers
    for hit in facts(ctx).hits[code]:
        c = getattr(plan, hit[0])[hit[1]]
        yield hit, c, tiers.get(c.tier)


# --- T001 / T002 / T003: sites, active sites, regions ------------------------------------------


def t001(ctx: Context) -> Iterator[Finding]:
    used = facts(ctx).used
    for (section, i), c, tier in _flagged(ctx, "T001"):
        u = used[section][i]
        yield ctx.finding(
            "T001",
            f"{label(c)} runs on {_plural(len(u), 'site')}{_names(u)}; "
            f"tier {tier.id} requires min_sites {tier.min_sites}",
            (section, i, "deployments"),
            target=c.id,
            hint="add deployments on other sites, so that losing one building does not take it down",
        )


def t002(ctx: Context) -> Iterator[Finding]:
    sites = site_map(ctx)
    for (section, i), c, tier in _flagged(ctx, "T002"):
        act = list(dict.fromkeys(d.site for d in c.deployments if d.mode == "active" and d.site in sites))
        yield ctx.finding(
            "T002",
            f"{label(c)} is active on {_plural(len(act), 'site')}{_names(act)}; "
            f"tier {tier.id} requires min_active_sites {tier.min_active_sites}",
            (section, i, "deployments"),
            target=c.id,
            hint="make a standby deployment on another site active (mode: active)",
        )


def t003(ctx: Context) -> Iterator[Finding]:
    sites = site_map(ctx)
    used = facts(ctx).used
    for (section, i), c, tier in _flagged(ctx, "T003"):
        rs = list(dict.fromkeys(sites[s].region for s in used[section][i]))
        data = section == "data"
        yield ctx.finding(
            "T003",
            f"{label(c)} {'keeps its copies in' if data else 'runs in'} {_plural(len(rs), 'region')}{_names(rs)}; "
            f"tier {tier.id} requires min_regions {tier.min_regions}",
            (section, i, "copies" if data else "deployments"),
            target=c.id,
            hint="add a replica on a site in another region" if data else "deploy it on a site in another region",
        )


# --- T004 / T005: objectives within the tier ----------------------------------------------------


def t004(ctx: Context) -> Iterator[Finding]:
    for (section, i), c, tier in _flagged(ctx, "T004"):
        yield ctx.finding(
            "T004",
            f"{label(c)} has rto {c.rto}, above max_rto {tier.max_rto} of tier {tier.id}",
            (section, i, "rto"),
            target=c.id,
            hint=f"lower rto to {tier.max_rto} or less, or move it to a less critical tier",
        )


def t005(ctx: Context) -> Iterator[Finding]:
    for (section, i), c, tier in _flagged(ctx, "T005"):
        yield ctx.finding(
            "T005",
            f"{label(c)} has rpo {c.rpo}, above max_rpo {tier.max_rpo} of tier {tier.id}",
            (section, i, "rpo"),
            target=c.id,
            hint=f"lower rpo to {tier.max_rpo} or less, or move it to a less critical tier",
        )


# --- T006: data copies -------------------------------------------------------------------------


def t006(ctx: Context) -> Iterator[Finding]:
    used = facts(ctx).used
    for (section, i), c, tier in _flagged(ctx, "T006"):
        u = used[section][i]
        yield ctx.finding(
            "T006",
            f"{label(c)} has copies on {_plural(len(u), 'distinct site')}{_names(u)}; "
            f"tier {tier.id} requires min_data_copies {tier.min_data_copies}",
            ("data", i, "copies"),
            target=c.id,
            hint="add replicas on other sites (two copies in one building are one copy in a fire)",
        )


# --- T007 / T008: dependencies -----------------------------------------------------------------


def t007(ctx: Context) -> Iterator[Finding]:
    comps = components_by_id(ctx)
    for (section, i, j), c, _tier in _flagged(ctx, "T007"):
        dep = comps[c.depends_on[j]]
        yield ctx.finding(
            "T007",
            f"{label(c)} (tier {c.tier}) depends on {label(dep)} of the less critical tier {dep.tier}",
            (section, i, "depends_on", j),
            target=c.id,
            hint=f"move {dep.id} to tier {c.tier}, or remove the dependency",
        )


def t008(ctx: Context) -> Iterator[Finding]:
    comps = components_by_id(ctx)
    for (section, i, j), c, _tier in _flagged(ctx, "T008"):
        dep = comps[c.depends_on[j]]
        own = effective_rto(ctx, c)
        yield ctx.finding(
            "T008",
            f"{label(c)} has rto {rto_text(ctx, c)} but depends on {label(dep)} "
            f"whose rto is {rto_text(ctx, dep)}: it cannot recover before its dependency",
            (section, i, "depends_on", j),
            target=c.id,
            hint=f"give {dep.id} an rto of {format_duration(own)} or less, or relax the rto of {c.id}",
        )


# --- documentation -----------------------------------------------------------------------------

DOCS: dict[str, str] = {
    "T001": """\
What: a service or ops tool runs on fewer distinct sites (deployments[].site) than its
  tier's min_sites. Data stores are measured on their copies by T006 instead.
Why: the 2022 Pangyo data-center fire took Kakao down for days because systems were
  redundant only inside one building. ISO 22301 8.3 (strategies and solutions), NIST SP
  800-34 alternate processing site (CP-7).
Example:
  policy: {tiers: [{id: tier0, name: Critical, max_rto: 1h, max_rpo: 5m, min_sites: 2}]}
  services:
    - {id: chat, name: Chat, owner: sre, tier: tier0,
       deployments: [{site: pangyo, mode: active}]}
Fix: add a deployment on another site, or move the component to a tier that needs fewer.""",
    "T002": """\
What: a service or ops tool is active (mode: active) on fewer distinct sites than its
  tier's min_active_sites.
Why: a standby that has never carried load is slow to take over and often fails to;
  tiers that cannot afford a takeover need load served from several sites at once
  (ISO 22301 8.3.2, NIST SP 800-34 concurrent processing).
Example:
  policy: {tiers: [{id: tier0, ..., min_active_sites: 2}]}
  services:
    - {id: chat, ..., tier: tier0, deployments: [{site: dc1, mode: active},
                                                 {site: dc2, mode: hot}]}
Fix: make another deployment active, or lower min_active_sites for the tier.""",
    "T003": """\
What: the sites of a component's deployments (data stores: of its copies) lie in fewer
  distinct regions (sites[].region) than its tier's min_regions.
Why: sites in one region share regional hazards (power grid, earthquake, flood); a tier
  with min_regions >= 2 must survive the loss of a whole region (spec section 4).
  NIST SP 800-34 asks for an alternate site not exposed to the same threats.
Example:
  sites: [{id: dc1, ..., region: seoul}, {id: dc2, ..., region: seoul}]
  policy: {tiers: [{id: tier0, ..., min_regions: 2}]}
  services: [{id: chat, ..., tier: tier0, deployments: [{site: dc1, mode: active},
                                                        {site: dc2, mode: active}]}]
Fix: deploy (or replicate) the component on a site in another region.""",
    "T004": """\
What: a component's own rto is longer than its tier's max_rto.
Why: the tier is the business's promise for everything in it (ISO 22301 8.2.2 e,
  prioritised resumption time); a component that claims a longer recovery quietly
  breaks that promise.
Example:
  policy: {tiers: [{id: tier0, name: Critical, max_rto: 1h, max_rpo: 5m}]}
  services: [{id: chat, ..., tier: tier0, rto: 4h, deployments: [...]}]
Fix: lower the rto to the tier's max_rto or less, or move the component to a less
  critical tier.""",
    "T005": """\
What: a service's or data store's own rpo is larger than its tier's max_rpo.
Why: the tier's max_rpo is the data loss the business accepts for that tier
  (ISO 22301 8.2.2, NIST SP 800-34 recovery point objective).
Example:
  policy: {tiers: [{id: tier0, name: Critical, max_rto: 1h, max_rpo: 5m}]}
  data: [{id: chat-db, ..., tier: tier0, rpo: 1h, copies: [...]}]
Fix: lower the rpo (synchronous or faster replication), or move the store to a less
  critical tier.""",
    "T006": """\
What: a data store has copies on fewer distinct sites than its tier's min_data_copies.
  Two copies on one site count as one.
Why: a replica in the same building burns with the primary, as in the 2022 Pangyo fire.
  NIST SP 800-34 alternate storage site (CP-6), ISO 22301 8.3.
Example:
  policy: {tiers: [{id: tier0, ..., min_data_copies: 2}]}
  data:
    - {id: chat-db, ..., tier: tier0, copies: [{site: dc1, role: primary},
       {site: dc1, role: replica, replication: sync}]}
Fix: place a replica on another site.""",
    "T007": """\
What: a component depends on (depends_on) a component of a less critical tier (a tier
  later in policy.tiers).
Why: a component recovers no sooner and is no more available than what it depends on;
  a tier-0 service resting on a tier-2 store is really a tier-2 service (ISO 22301
  8.2.2 h, dependencies).
Example:
  services:
    - {id: pay, ..., tier: tier0, depends_on: [ledger], deployments: [...]}
  data:
    - {id: ledger, ..., tier: tier2, copies: [...]}
Fix: move the dependency to the dependent's tier (and meet that tier's requirements), or
  remove the dependency.""",
    "T008": """\
What: RTO inversion: a dependency's effective rto (its own rto, else its tier's max_rto)
  is longer than the effective rto of the component that depends on it.
Why: the dependent cannot be back before its dependency is, so its rto is not achievable
  as planned (ISO 22301 8.3.3, NIST SP 800-34 recovery sequence by dependency).
Example:
  services:
    - {id: pay, ..., tier: tier0, rto: 30m, depends_on: [ledger], deployments: [...]}
  data:
    - {id: ledger, ..., tier: tier0, rto: 2h, copies: [...]}
Fix: shorten the dependency's rto to the dependent's or less, or relax the dependent's
  rto.""",
}
