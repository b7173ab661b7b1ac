"""Rules O001–O003: the ops tools that run a recovery (monitoring, paging, deploy, consoles).

The 2022 Pangyo lesson: the tools needed to see and fix the outage lived in the building
that burned. These rules read the plan as written; L006 checks what survives each loss.
"""

from __future__ import annotations

from typing import Iterator

from ..context import Context
from ..findings import Finding
from .tiers import components_by_id, facts, site_map


def _required(ctx: Context) -> list[str]:
    return list(dict.fromkeys(ctx.plan.policy.required_ops or ()))


def o001(ctx: Context) -> Iterator[Finding]:
    policy = ctx.plan.policy
    have = {t.category for t in ctx.plan.ops_tools}
    written = "required_ops" in policy.model_fields_set
    path = ("policy", "required_ops") if written else ("policy",)
    for cat in _required(ctx):
        if cat in have:
            continue
        where = "policy.required_ops" if written else "policy.required_ops (default)"
        yield ctx.finding(
            "O001",
            f"no ops tool of category {cat} at all, but {where} requires one",
            path,
            target=cat,
            at_key=True,
            hint=f"add an ops_tools entry with category: {cat}, or remove {cat} from required_ops",
        )


def o002(ctx: Context) -> Iterator[Finding]:
    required = set(_required(ctx))
    if not required:
        return
    f = facts(ctx)
    rows = f.used["ops_tools"]
    rank = ctx.tier_rank
    tiers = ctx.plan.policy.tiers
    comps = components_by_id(ctx)
    # serves omitted: every tier that has components
    all_rank = f.best_rank
    for i, tool in enumerate(ctx.plan.ops_tools):
        if tool.category not in required:
            continue
        if tool.serves is None:
            best = all_rank
        else:
            best = None
            for sid in tool.serves:
                c = comps.get(sid)
                r = rank.get(c.tier) if c is not None else None
                if r is not None and (best is None or r < best):
                    best = r
        if best is None:
            continue
        tier = tiers[best]
        used = rows[i]
        if len(used) < tier.ops_tools_min_sites:
            what = "everything" if tool.serves is None else "components"
            yield ctx.finding(
                "O002",
                f"{tool.category} tool {tool.id} runs on {len(used)} site{'s' if len(used) != 1 else ''}"
                f"{' (' + ', '.join(used) + ')' if used else ''}; it serves {what} of tier {tier.id}, "
                f"which requires ops_tools_min_sites {tier.ops_tools_min_sites}",
                ("ops_tools", i, "deployments"),
                target=tool.category,
                hint="deploy the tool on more sites, away from what it is needed to recover",
            )


def o003(ctx: Context) -> Iterator[Finding]:
    monitors = [(i, t) for i, t in enumerate(ctx.plan.ops_tools) if t.category == "monitoring"]
    if not monitors:
        return
    sites = site_map(ctx)
    places = facts(ctx).used
    # every site some component runs on (what a tool that serves everything watches)
    everywhere: set[str] = set()
    for section in ("services", "data", "ops_tools"):
        everywhere = everywhere.union(*places[section])
    comp_sites: dict[str, list[str]] | None = None

    # site -> the monitoring tools that watch some component on it
    watchers: dict[str, list[int]] = {}
    for k, (i, t) in enumerate(monitors):
        if t.serves is None:
            watched = everywhere
        else:
            if comp_sites is None:  # the sites of each component id (its first definition)
                comp_sites = {}
                for section in ("services", "data", "ops_tools"):
                    for c, used in zip(getattr(ctx.plan, section), places[section]):
                        comp_sites.setdefault(c.id, used)
            watched = set()
            for sid in t.serves:
                watched.update(comp_sites.get(sid, ()))
        for s in watched:
            watchers.setdefault(s, []).append(k)

    own_sites = [places["ops_tools"][i] for i, _ in monitors]
    for s in sites:  # plan order of sites
        ks = watchers.get(s)
        if not ks or not all(own_sites[k] == [s] for k in ks):
            continue
        for k in ks:
            i, t = monitors[k]
            others = "" if len(ks) == 1 else f" (as do {', '.join(monitors[o][1].id for o in ks if o != k)})"
            yield ctx.finding(
                "O003",
                f"monitoring tool {t.id} runs only on site {s}{others}, and no monitoring tool "
                f"watching the components on {s} runs anywhere else: losing {s} blinds their monitoring",
                ("ops_tools", i, "deployments"),
                target=t.id,
                hint=f"run a monitoring tool that watches {s}'s components on another site",
            )


DOCS: dict[str, str] = {
    "O001": """\
What: a category listed in policy.required_ops (default: monitoring, paging, deploy,
  console) has no ops tool at all.
Why: in the 2022 Pangyo fire Kakao lost the monitoring, paging and admin consoles needed
  to run the recovery. A recovery needs these tools before it needs anything else
  (ISO 22301 8.4.3 c, availability of communication means; NIST SP 800-34 recovery).
Example:
  policy: {tiers: [...], required_ops: [monitoring, paging]}
  ops_tools:
    - {id: prom, name: Prometheus, category: monitoring, owner: sre, tier: tier0,
       deployments: [{site: dc1, mode: active}, {site: dc2, mode: active}]}
  # no paging tool
Fix: list the tool of that category in ops_tools (a SaaS pager is a site of kind cloud),
  or remove the category from required_ops.""",
    "O002": """\
What: a tool of a required_ops category runs on fewer distinct sites than
  ops_tools_min_sites of the most critical tier among the components it serves
  (serves omitted: it serves everything, so the most critical tier with components).
Why: the tool that pages the on-call and deploys the fix must outlive the site it is
  needed for (2022 Pangyo fire; ISO 22301 8.3.4 resources; NIST SP 800-34 CP-7).
Example:
  policy: {tiers: [{id: tier0, ..., ops_tools_min_sites: 2}]}
  ops_tools:
    - {id: pager, name: Pager, category: paging, owner: sre, tier: tier0,
       deployments: [{site: dc1, mode: active}]}
Fix: deploy the tool on more sites (or use a hosted one), or narrow its serves.""",
    "O003": """\
What: for some site, every monitoring tool that watches (serves) a component deployed
  there runs only on that very site. Reported once per such monitoring tool.
Why: monitoring in the burning building: when the site goes, so does the only view of
  what went with it. This is exactly what happened at Pangyo in 2022.
Example:
  ops_tools:
    - {id: mon, name: Monitoring, category: monitoring, owner: sre, tier: tier0,
       serves: [chat], deployments: [{site: pangyo, mode: active}]}
  services:
    - {id: chat, ..., deployments: [{site: pangyo, mode: active}, {site: dc2, mode: hot}]}
Fix: run the monitoring tool (or a second one watching the same components) on another
  site as well.""",
}
