"""Rules L001–L006: what the site-loss analysis (spec §4) finds after each loss a tier must survive.

A tier must survive the loss of any single site when its ``min_sites`` is 2 or more,
and the loss of any region when its ``min_regions`` is 2 or more. L001–L005 report a
component only for those losses; L006 checks every loss that tier 0 must survive.
Declared scenarios are analysed too, but only shown (``bcp simulate``, the document).

The checks read the analysis' bit masks (one bit per loss) and build full states, with
their cause chains, only for the losses that fail. A component that fails several
losses is reported once per rule, naming the first loss in full and the others after it.
"""

from __future__ import annotations

from typing import Iterator

from ..analysis.results import ComponentState, Loss
from ..analysis.siteloss import Engine, at_least, bits, engine
from ..context import Context
from ..findings import Finding, Path
from ..types import format_duration

#: how many further losses a message names before "and N more"
MORE = 3


def _after(loss: Loss) -> str:
    """'pangyo', 'region gyeonggi', 'scenario fire'."""
    if loss.kind == "site":
        return loss.label
    if loss.kind == "region":
        return loss.label
    return f"scenario {loss.scenario or loss.label}"


def _the_loss(loss: Loss) -> str:
    return f"site {loss.label}" if loss.kind == "site" else _after(loss)


def _also(e: Engine, rest: list[int]) -> str:
    if not rest:
        return ""
    names = [_after(e.losses[i]) for i in rest[:MORE]]
    more = len(rest) - MORE
    text = ", ".join(names)
    if more > 0:
        text += f" and {more} more"
    return f" (also after losing {text})"


def _num(x: float | None) -> str:
    if x is None:
        return "0"
    return f"{x:g}"


def _must_masks(e: Engine) -> dict[str, int]:
    """tier id -> mask of the losses that tier must survive."""
    out: dict[str, int] = {}
    for i, loss in enumerate(e.losses):
        for t in loss.must_survive:
            out[t] = out.get(t, 0) | (1 << i)
    return out


def _must_by_component(e: Engine) -> dict[str, int]:
    """component id -> mask of the losses its tier must survive, for every component whose tier
    must survive some loss (in plan order); computed once per analysis and shared by L001-L005."""
    out = e.__dict__.get("_must_by_component")
    if out is None:
        # by tier rank (the graph's; distinct tiers have distinct ranks), to read no model field
        rank = e.ctx.tier_rank
        by_rank = {rank[t]: m for t, m in _must_masks(e).items() if t in rank}
        out = {cid: by_rank[r] for cid, r in e.g.rank.items() if r in by_rank} if by_rank else {}
        e.__dict__["_must_by_component"] = out
    return out


def _component_path(e: Engine, cid: str) -> Path:
    return e.g.paths.get(cid, ())


def _cause_path(e: Engine, cid: str, st: ComponentState, loss: Loss) -> Path:
    """The depends_on entry that carried the cause, else the first deployment/copy on a lost site."""
    base = _component_path(e, cid)
    c = e.g.comps[cid]
    if len(st.cause) > 1:
        nxt = st.cause[1]
        j = e.g.dep_index.get(cid, {}).get(nxt)
        if j is not None:
            return (*base, "depends_on", j)
    places_key = "copies" if c.kind == "data" else "deployments"
    places = (c.copies if c.kind == "data" else c.deployments) or []
    for k, d in enumerate(places):
        if d.site in loss.sites:
            return (*base, places_key, k)
    return (*base, places_key)


def _chain(st: ComponentState) -> str:
    return " → ".join(st.cause)


def _per_component(ctx: Context, mask_of) -> Iterator[tuple[Engine, str, list[int]]]:
    """(engine, component id, failing loss indexes) for each component with a failing must-survive loss.

    ``mask_of(e)`` gives the mask of the losses that fail, by component id (a dict, or a
    function of the component id)."""
    e = engine(ctx)
    fail_of = mask_of(e)
    get = fail_of.get if isinstance(fail_of, dict) else fail_of
    for cid, m in _candidates(e).items():
        fail = get(cid, 0) & m
        if fail:
            yield e, cid, list(bits(fail))


def _candidates(e: Engine) -> dict[str, int]:
    """component id -> the must-survive losses in which it is not up (only those can fail L001-L005)."""
    out = e.__dict__.get("_candidates")
    if out is None:
        NU = e.NU
        out = {cid: x for cid, m in _must_by_component(e).items() if (x := NU.get(cid, 0) & m)}
        e.__dict__["_candidates"] = out
    return out


def _down(e: Engine) -> dict[str, int]:
    return e.DOWN


def l001(ctx: Context) -> Iterator[Finding]:
    for e, cid, fails in _per_component(ctx, _down):
        i = fails[0]
        loss = e.losses[i]
        st = e.views[i].get(cid)
        msg = f"{cid} does not survive the loss of {_the_loss(loss)}: {_chain(st)}{_also(e, fails[1:])}"
        yield ctx.finding(
            "L001", msg, _cause_path(e, cid, st, loss), target=cid,
            hint="run it on another site (or region) too, and make sure what it depends on does the same",
        )


def _late(e: Engine):
    """The losses in which each component recovers after its rto (and is not down)."""
    rto_of, REC, BAD = e.g.rto, e.REC, e.BAD

    def late(cid: str, default: int = 0) -> int:
        rto = rto_of.get(cid)
        rec = REC.get(cid)
        if rto is None or not rec:
            return 0
        return at_least(rec, rto) & ~BAD.get(cid, 0)

    return late


def l002(ctx: Context) -> Iterator[Finding]:
    for e, cid, fails in _per_component(ctx, _late):
        i = fails[0]
        loss = e.losses[i]
        st = e.views[i].get(cid)
        via_dep = len(st.cause) > 1 and st.cause[1] in e.g.dep_index.get(cid, {})
        how = "" if via_dep else _how(e, cid, st)
        chain = f" ({_chain(st)})" if via_dep else ""
        msg = (
            f"{cid} recovers in {format_duration(st.recovery)} after losing {_after(loss)}{how}; "
            f"rto is {format_duration(st.rto)}{chain}{_also(e, fails[1:])}"
        )
        if via_dep:
            path = _cause_path(e, cid, st, loss)
        else:
            c = e.g.comps[cid]
            path = (*_component_path(e, cid), "copies" if c.kind == "data" else "deployments")
            if st.via is not None:
                path = (*path, st.via)
        yield ctx.finding(
            "L002", msg, path, target=cid,
            hint="keep an active deployment (data: a sync replica) on another site, or shorten the takeover",
        )


def _how(e: Engine, cid: str, st: ComponentState) -> str:
    """' (warm standby at dc2)', ' (restore from backup)' …"""
    c = e.g.comps[cid]
    if st.restored_from_backup:
        return " (restore from backup)"
    if st.via is None:
        return ""
    if c.kind == "data":
        cp = (c.copies or [])[st.via]
        return f" (promoting the replica at {cp.site})"
    d = (c.deployments or [])[st.via]
    return f" ({d.mode} standby at {d.site})"


def l003(ctx: Context) -> Iterator[Finding]:
    yield from _capacity(ctx, "L003")


def l004(ctx: Context) -> Iterator[Finding]:
    yield from _capacity(ctx, "L004")


def _capacity(ctx: Context, code: str) -> Iterator[Finding]:
    e = engine(ctx)
    src = e.short if code == "L003" else e.unabsorbed
    by_cid: dict[str, int] = {}
    for (cid, i), amount in src.items():
        if amount > 0:
            by_cid[cid] = by_cid.get(cid, 0) | (1 << i)
    if not by_cid:
        return
    for e, cid, fails in _per_component(ctx, lambda e: by_cid):
        i = fails[0]
        loss = e.losses[i]
        st = e.views[i].get(cid)
        short = e.short.get((cid, i), 0.0)
        path = (*_component_path(e, cid), "deployments")
        if code == "L003":
            msg = (
                f"{cid} has capacity {_num(st.capacity)} for load {_num(st.load)} after losing {_after(loss)} "
                f"(short by {_num(short)}){_also(e, fails[1:])}"
            )
            hint = "give the surviving deployments (warm and cold ones included) enough capacity to carry the load"
        else:
            un = e.unabsorbed.get((cid, i), 0.0)
            msg = (
                f"{cid} is short {_num(short)} capacity units after losing {_after(loss)} and the surviving sites' "
                f"spare capacity leaves {_num(un)} of it unabsorbed{_also(e, fails[1:])}"
            )
            hint = "add capacity to the surviving deployments, or spare capacity (sites[].capacity) on other sites"
        yield ctx.finding(code, msg, path, target=cid, hint=hint)


def _data_bad(e: Engine):
    """The losses in which a data store is lost or breaks its rpo (only stores are in LOST and RPO)."""
    rpo_of, LOST, RPO, BAD = e.g.rpo, e.LOST, e.RPO, e.BAD

    def bad(cid: str, default: int = 0) -> int:
        m = LOST.get(cid, 0)
        rp = RPO.get(cid)
        if rp:
            target = rpo_of.get(cid)
            if target is not None:
                m |= at_least(rp, target) & ~BAD.get(cid, 0)
        return m

    return bad


def l005(ctx: Context) -> Iterator[Finding]:
    for e, cid, fails in _per_component(ctx, _data_bad):
        lost = e.LOST.get(cid, 0)
        first_lost = [i for i in fails if (lost >> i) & 1]
        i = first_lost[0] if first_lost else fails[0]
        rest = [j for j in fails if j != i]
        loss = e.losses[i]
        st = e.views[i].get(cid)
        c = e.g.comps[cid]
        base = _component_path(e, cid)
        if st.state == "lost":
            msg = f"{cid} is lost after losing {_after(loss)}: no copy and no backup site survives{_also(e, rest)}"
            path: Path = (*base, "copies")
            hint = "keep a replica or a backup site outside the site and region of the primary"
        else:
            if st.restored_from_backup:
                why = f"restored from backups taken every {format_duration(st.rpo)}"
                path = (*base, "backups", "every")
            else:
                why = "async lag"
                path = (*base, "copies")
                for k, cp in enumerate(c.copies or []):
                    if cp.site not in loss.sites and cp.replication == "async" and int(cp.lag or 0) == st.rpo:
                        path = (*base, "copies", k)
                        break
            msg = (
                f"{cid} loses data after losing {_after(loss)}: effective RPO {format_duration(st.rpo)} ({why}) "
                f"over rpo {format_duration(st.rpo_target)}{_also(e, rest)}"
            )
            hint = "add a sync replica (or an async one with less lag) on another site, or back up more often"
        yield ctx.finding("L005", msg, path, target=cid, hint=hint)


def l006(ctx: Context) -> Iterator[Finding]:
    e = engine(ctx)
    t0 = ctx.tier0
    if t0 is None:
        return
    m0 = _must_masks(e).get(t0.id, 0)
    if not m0:
        return
    for cat, gone in e.ops_gone.items():
        fails = list(bits(gone & m0))
        if not fails:
            continue
        loss = e.losses[fails[0]]
        tools = e.ops_by_cat.get(cat, [])
        names = ", ".join(tools[:MORE]) + (f" and {len(tools) - MORE} more" if len(tools) > MORE else "")
        msg = f"no {cat} tool survives the loss of {_the_loss(loss)} ({cat} tools: {names}){_also(e, fails[1:])}"
        path: Path = (*_component_path(e, tools[0]), "deployments") if tools else ("policy", "required_ops")
        yield ctx.finding(
            "L006", msg, path, target=cat,
            hint=f"run a {cat} tool on another site and region than the ones it watches",
        )


DOCS: dict[str, str] = {
    "L001": """\
What: a component does not survive the loss of a single site (tiers with min_sites >= 2)
  or of a region (tiers with min_regions >= 2): none of its deployments is left, or
  something it depends on is down or its data is lost. The message names the cause chain,
  e.g. messaging → auth-db → pangyo. (A data store with no copy and no backup left is L005.)
Why: in the 2022 Pangyo data-center fire, services that ran in several buildings still
  failed because something they needed (the login database) lived in one. ISO 22301 8.3,
  NIST SP 800-34 (alternate site, CP-7).
Example:
  policy: {tiers: [{id: tier0, name: Critical, max_rto: 1h, max_rpo: 5m, min_sites: 2}]}
  services:
    - {id: messaging, ..., tier: tier0, depends_on: [auth-db],
       deployments: [{site: pangyo, mode: active}, {site: ansan, mode: active}]}
  data:
    - {id: auth-db, ..., tier: tier0, copies: [{site: pangyo, role: primary}]}
Fix: give every link of the chain a deployment (data: a copy) on another site or region.""",
    "L002": """\
What: after a loss the component must survive, its recovery time (the fastest takeover
  among its surviving deployments: active and a primary copy 0, hot/warm/cold from
  deployments[].takeover or policy.takeover, replica promotion, backup restore; then the
  slowest of its dependencies) is longer than its rto (default: the tier's max_rto).
Why: an RTO is a promise; a warm standby that takes an hour cannot keep a 30-minute one.
  ISO 22301 8.2.2 and 8.3, NIST SP 800-34 (recovery time objectives).
Example:
  services:
    - {id: login, ..., rto: 30m, deployments: [{site: pangyo, mode: active},
                                              {site: ansan, mode: warm}]}
Fix: make the standby hot or active, shorten its takeover, or speed up the slow dependency.""",
    "L003": """\
What: after a loss the component must survive, the capacity of a service's surviving
  deployments (warm and cold ones included; a deployment without capacity counts 0) is
  below its load. The service runs degraded until it is scaled up.
Why: in 2022 Kakao had standby systems but not the capacity to carry the load elsewhere.
  ISO 22301 8.3 (resources), NIST SP 800-34 (alternate site capacity).
Example:
  services:
    - {id: login, ..., load: 200, deployments: [{site: pangyo, mode: active, capacity: 200},
                                                {site: ansan, mode: hot, capacity: 100}]}
Fix: give the other deployments enough capacity for the whole load.""",
    "L004": """\
What: what services are short after a loss is handed out from the surviving sites' spare
  capacity (sites[].capacity minus every deployment's capacity placed there; a site without
  capacity offers none), most critical tier first, then in the order of services. A
  service still short after that cannot be scaled up anywhere.
Why: scaling up after a disaster needs free capacity somewhere else; in 2022 there was
  none. ISO 22301 8.3, NIST SP 800-34 (alternate site capacity).
Example:
  sites: [{id: ansan, ..., capacity: 120}]
  services:
    - {id: login, ..., load: 200, deployments: [{site: pangyo, mode: active, capacity: 200},
                                                {site: ansan, mode: hot, capacity: 100}]}
Fix: add spare capacity to surviving sites, or capacity to the standby deployments.""",
    "L005": """\
What: after a loss the data store must survive, it has no surviving copy and no surviving
  backup site (data lost), or its effective RPO is over its rpo: 0 when the primary or a
  sync replica survives, else the smallest lag of the surviving async replicas, else
  backups.every when it is restored from a surviving backup site.
Why: a recovery point objective is how much data the business accepts to lose. ISO 22301
  8.2.2, NIST SP 800-34 (backup and recovery, CP-9).
Example:
  data:
    - {id: auth-db, ..., rpo: 5m, copies: [{site: pangyo, role: primary},
        {site: ansan, role: replica, replication: async, lag: 1h}]}
Fix: add a sync replica (or an async one with less lag) on another site, or back up more
  often to a site outside the primary's region.""",
    "L006": """\
What: a category of policy.required_ops (default monitoring, paging, deploy, console) keeps
  no surviving tool after a loss that tier 0 must survive (min_sites >= 2: any single
  site; min_regions >= 2: any region).
Why: in the 2022 Pangyo fire, the monitoring, deployment and admin consoles burned with
  the services, so the recovery could not be run. ISO 22301 8.4, NIST SP 800-34.
Example:
  ops_tools:
    - {id: grafana, ..., category: monitoring, deployments: [{site: pangyo, mode: active}]}
Fix: run each required ops tool on sites in another region than what it watches.""",
}
