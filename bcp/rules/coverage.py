"""Rules C001–C005: does the response side of the plan cover what can happen?

Sites without a loss scenario, scenarios without procedures, critical services without
a runbook any scenario uses, runbooks slower than the rto they serve, and losses that
nobody tells the regulator or the customers about.
"""

from __future__ import annotations

from typing import Iterator

from ..context import Context
from ..findings import Finding
from ..types import format_duration
from .tiers import effective_rto, rto_text


def c001(ctx: Context) -> Iterator[Finding]:
    named: set[str] = set()
    for s in ctx.plan.scenarios:
        if s.kind == "site-loss":
            named.update(s.sites or ())
    seen: set[str] = set()
    for i, site in enumerate(ctx.plan.sites):
        if site.id in seen:
            continue
        seen.add(site.id)
        if site.id not in named:
            yield ctx.finding(
                "C001",
                f"no site-loss scenario names site {site.id}",
                ("sites", i),
                target=site.id,
                hint=f"add a scenario of kind site-loss with sites: [{site.id}] and its procedures",
            )


def c002(ctx: Context) -> Iterator[Finding]:
    for i, s in enumerate(ctx.plan.scenarios):
        if not s.procedures:
            yield ctx.finding(
                "C002",
                f"scenario {s.id} lists no procedures",
                ("scenarios", i, "procedures"),
                target=s.id,
                hint="list the procedures (runbooks) that respond to it",
            )


def c003(ctx: Context) -> Iterator[Finding]:
    t0 = ctx.tier0
    if t0 is None:
        return
    used: set[str] = set()
    for s in ctx.plan.scenarios:
        used.update(s.procedures or ())
    for i, svc in enumerate(ctx.plan.services):
        if svc.tier != t0.id:
            continue
        procs = svc.procedures or []
        if any(p in used for p in procs):
            continue
        if procs:
            msg = (f"tier-0 service {svc.id} has procedures ({', '.join(procs)}), "
                   "but no scenario lists any of them")
            path = ("services", i, "procedures")
        else:
            msg = f"tier-0 service {svc.id} has no procedures"
            path = ("services", i)
        yield ctx.finding(
            "C003", msg, path, target=svc.id,
            hint="write a recovery procedure for it and list it in the procedures of the scenarios that hit it",
        )


def c004(ctx: Context) -> Iterator[Finding]:
    total: dict[str, tuple[int, str]] = {}
    for p in ctx.plan.procedures:
        if p.id not in total:
            total[p.id] = (sum(int(st.expected or 0) for st in p.steps), p.id)
    for i, svc in enumerate(ctx.plan.services):
        if not svc.procedures:
            continue
        rto = effective_rto(ctx, svc)
        if rto is None:
            continue
        for j, pid in enumerate(svc.procedures):
            t = total.get(pid)
            if t is None or t[0] <= rto:
                continue
            yield ctx.finding(
                "C004",
                f"procedure {pid} expects {format_duration(t[0])} in its steps; "
                f"service {svc.id} lists it, and its rto is {rto_text(ctx, svc)}",
                ("services", i, "procedures", j),
                target=svc.id,
                hint="shorten or parallelise the steps, automate them, or revisit the rto",
            )


def c005(ctx: Context) -> Iterator[Finding]:
    audience: dict[str, str] = {}
    for c in ctx.plan.communications:
        audience.setdefault(c.id, c.audience)
    for i, s in enumerate(ctx.plan.scenarios):
        if s.kind not in ("site-loss", "region-loss"):
            continue
        if any(audience.get(cid) in ("regulator", "customers") for cid in s.communications or ()):
            continue
        path = ("scenarios", i, "communications") if s.communications is not None else ("scenarios", i)
        yield ctx.finding(
            "C005",
            f"{s.kind} scenario {s.id} has neither a regulator nor a customers communication",
            path,
            target=s.id,
            hint="list a communication with audience regulator or customers in its communications",
        )


DOCS: dict[str, str] = {
    "C001": """\
What: a site that no scenario of kind site-loss names in its sites. Region-loss scenarios
  do not count: losing one building is the likelier event and needs its own response.
Why: the 2022 Pangyo fire was the loss of one building that had no rehearsed response.
  ISO 22301 8.2.3 (risk assessment), NIST SP 800-34 (plan for the loss of each facility).
Example:
  sites: [{id: pangyo, name: Pangyo DC, kind: colocation, region: gyeonggi}]
  scenarios: []      # nothing says what happens when pangyo burns
Fix: add a site-loss scenario naming the site, with its lead and procedures.""",
    "C002": """\
What: a scenario whose procedures list is empty.
Why: a scenario without procedures names a risk but gives nobody anything to do
  (ISO 22301 8.4.1 / 8.4.4, NIST SP 800-34 recovery procedures).
Example:
  scenarios:
    - {id: lose-pangyo, name: Loss of Pangyo, kind: site-loss, sites: [pangyo],
       lead: crisis, procedures: []}
Fix: list the procedures (runbooks) that respond to the scenario.""",
    "C003": """\
What: a tier-0 service (tier 0 = the first tier in policy.tiers) none of whose procedures
  is listed by any scenario, including a tier-0 service with no procedures at all.
Why: the most critical services need a runbook that the response to a disaster actually
  reaches (ISO 22301 8.4.4, NIST SP 800-34 recovery phase).
Example:
  services: [{id: chat, ..., tier: tier0, procedures: [recover-chat], deployments: [...]}]
  scenarios: [{id: lose-dc1, ..., procedures: [rebuild-site]}]   # recover-chat unused
Fix: list the service's recovery procedure in the scenarios that affect it (and give the
  service one in procedures).""",
    "C004": """\
What: the sum of a procedure's step expected times (a step without one counts 0) exceeds
  the rto of a service that lists the procedure in its procedures (its own rto, else its
  tier's max_rto).
Why: if the runbook alone takes longer than the rto, the rto cannot be met by following
  it (ISO 22301 8.3.3, NIST SP 800-34 recovery time).
Example:
  services: [{id: chat, ..., rto: 30m, procedures: [recover-chat], deployments: [...]}]
  procedures:
    - {id: recover-chat, title: Recover chat, owner: sre,
       steps: [{do: Fail over the database, role: dba, expected: 45m}]}
Fix: shorten, automate or parallelise the steps, or revisit the rto.""",
    "C005": """\
What: a site-loss or region-loss scenario whose communications include neither an
  audience regulator nor an audience customers communication.
Why: after the 2022 Pangyo fire, Korea's Framework Act on Broadcasting and Communications
  Development (art. 38) and the Telecommunications Business Act (art. 33) require reporting
  to the regulator and telling users. ISO 22301 8.4.3 a.
Example:
  scenarios:
    - {id: lose-pangyo, ..., kind: site-loss, sites: [pangyo],
       communications: [notify-staff]}     # staff only
Fix: add a communication with audience regulator and/or customers to the scenario.""",
}
