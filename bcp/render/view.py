"""The document's content, computed from a validated plan: plain data for the template.

Everything the template shows is prepared here — sorted, translated, counted — so
the template only lays it out. Plan text stays text: it is handed to the template as
plain strings and escaped there (autoescape). Nothing here reads the clock; the
document date is ``result.as_of``. The site-loss analysis is read from
``ctx.analysis`` (computed once by the engine), never recomputed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ..analysis.results import cause_text
from ..findings import Severity
from ..types import format_duration
from .i18n import date_long, date_short, labels
from .standards_data import STANDARDS

#: more components than this: the redundancy matrix groups identical placements
MATRIX_GROUP_OVER = 60
#: sites per redundancy-matrix table before it is split into several tables
MATRIX_MAX_SITES = 14
#: more rows than this in a loss's table: what goes down in tiers that need not survive it is listed compactly
IMPACT_TABLE_MAX = 40
#: components named per tier among those that recover within their targets (the rest are counted)
WITHIN_NAMED = 8
#: more components than this: the BIA chapter summarises per tier and the full register is an appendix
BIA_INLINE_MAX = 120
#: git log entries shown in document control
GIT_MAX = 30

MODE_LETTER = {"active": "A", "hot": "H", "warm": "W", "cold": "C"}
STATE_ORDER = {"up": 0, "degraded": 1, "down": 2, "lost": 3}
CATEGORIES = ("monitoring", "paging", "deploy", "console", "logging", "dns", "iam", "secrets", "communication", "other")

#: chapters of the document, in order: (id, heading label key); numbers are given in this order
CHAPTERS = (
    ("control", "h.control"),
    ("summary", "h.summary"),
    ("bia", "h.bia"),
    ("sites", "h.sites"),
    ("impact", "h.impact"),
    ("roles", "h.roles"),
    ("scenarios", "h.scenarios"),
    ("procedures", "h.procedures"),
    ("reconstitution", "h.reconstitution"),
    ("exercises", "h.exercises"),
    ("data", "h.data"),
    ("ops", "h.ops"),
)
#: chapters that start on a new page in print; the others follow on
NEW_PAGE = frozenset(("control", "summary", "bia", "impact", "roles", "scenarios", "procedures", "exercises",
                      "contacts", "findings", "standards", "register"))


def dur(v: Any) -> str:
    if v is None:
        return "—"
    t = getattr(v, "text", None)
    return t if t is not None else format_duration(int(v))


def num(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, float):
        return f"{v:,.1f}"
    return f"{v:,}"


@dataclass
class Doc:
    L: dict[str, str]
    lang: str
    draft: bool
    meta: dict[str, Any]
    chapters: list[dict[str, Any]]
    data: dict[str, Any] = field(default_factory=dict)


def build_view(result: Any, *, draft: bool, git_log: list[dict] | None, logo_uri: str | None) -> Doc:
    plan = result.plan
    ctx = result.ctx
    info = plan.plan
    lang = info.language if info.language in ("en", "ko") else "en"
    L = labels(lang)

    def ds(d):
        return date_short(d, lang)

    roles = {r.id: r for r in reversed(plan.roles)}  # first definition wins
    people = {p.id: p for p in reversed(plan.people)}
    sites = {s.id: s for s in reversed(plan.sites)}
    tier_rank = ctx.tier_rank
    tiers = ctx.tiers

    def role_name(rid):
        r = roles.get(rid)
        return r.name if r else rid

    def person_name(pid):
        p = people.get(pid)
        return p.name if p else pid

    def comp_rto(c):
        t = tiers.get(c.tier)
        return c.rto if c.rto is not None else (t.max_rto if t else None)

    def comp_rpo(c):
        if c.kind == "ops_tool":
            return None
        t = tiers.get(c.tier)
        return c.rpo if c.rpo is not None else (t.max_rpo if t else None)

    components = plan.components
    order = {c.id: i for i, c in reversed(list(enumerate(components)))}

    def comp_sort(c):
        return (tier_rank.get(c.tier, 10**6), order.get(c.id, 0))

    # --- meta / cover ----------------------------------------------------------------------
    meta = {
        "id": info.id,
        "title": info.title,
        "organization": info.organization,
        "version": info.version,
        "classification": L[f"classification.{info.classification}"],
        "classification_key": info.classification,
        "effective": date_long(info.effective, lang) if info.effective else None,
        "as_of": date_long(result.as_of, lang),
        "owner": role_name(info.owner),
        "scope": info.scope,
        "assumptions": list(info.assumptions or []),
        "logo": logo_uri,
    }

    # --- document control -----------------------------------------------------------------
    approvals = []
    for a in info.approvals or []:
        p = people.get(a.person)
        approvals.append({"name": p.name if p else a.person, "title": a.title or (p.title if p and p.title else ""), "date": ds(a.date)})
    review = None
    if info.review:
        nxt = info.review.last + dt.timedelta(seconds=int(info.review.every))
        review = {"last": ds(info.review.last), "every": dur(info.review.every), "next": ds(nxt), "overdue": nxt < result.as_of}
    changes = [
        {"date": ds(c.date), "version": c.version, "summary": c.summary, "author": c.author or ""}
        for c in sorted(info.changes or [], key=lambda c: c.date, reverse=True)
    ]
    git_rows = [dict(g, date=ds(g["date"]) if isinstance(g.get("date"), dt.date) else g.get("date", "")) for g in (git_log or [])]
    control = {
        "approvals": approvals,
        "review": review,
        "distribution": list(info.distribution or []),
        "changes": changes,
        "git": git_rows[:GIT_MAX],
        "git_more": len(git_rows) > GIT_MAX,
    }

    # --- findings ----------------------------------------------------------------------------
    counts = {"error": 0, "warning": 0, "info": 0, "accepted": 0}
    frows, accepted = [], []
    for f in result.findings:
        loc = f.location
        where = f"{loc.file}:{loc.line}:{loc.column}" if loc else (f.path_str if hasattr(f, "path_str") else "")
        sev = f.severity.value if isinstance(f.severity, Severity) else str(f.severity)
        row = {"where": where, "code": f.code, "severity": sev, "sev_label": L.get(f"severity.{sev}", sev),
               "message": f.message, "hint": f.hint or "", "reason": f.accepted}
        if f.accepted is not None:
            counts["accepted"] += 1
            accepted.append(row)
        else:
            counts[sev] = counts.get(sev, 0) + 1
            frows.append(row)

    # --- tiers --------------------------------------------------------------------------------
    per_tier: dict[str, int] = {}
    for c in components:
        per_tier[c.tier] = per_tier.get(c.tier, 0) + 1
    tier_rows = [
        {"id": t.id, "name": t.name, "max_rto": dur(t.max_rto), "max_rpo": dur(t.max_rpo), "min_sites": t.min_sites,
         "min_active": t.min_active_sites, "min_regions": t.min_regions, "min_copies": t.min_data_copies,
         "count": per_tier.get(t.id, 0), "exercise_every": dur(t.exercise_every) if t.exercise_every else None}
        for t in plan.policy.tiers
    ]
    tier_name = {t.id: t.name for t in reversed(plan.policy.tiers)}

    # --- BIA ----------------------------------------------------------------------------------
    def placement(c) -> str:
        if c.kind == "data":
            parts = [f"{cp.site} {'P' if cp.role == 'primary' else ('S' if cp.replication == 'sync' else 'R')}"
                     for cp in c.copies or []]
            if c.backups:
                parts += [f"{s} B" for s in c.backups.sites or []]
        else:
            parts = [f"{d.site} {MODE_LETTER.get(d.mode, '?')}" for d in c.deployments or []]
        return ", ".join(parts)

    bia = []
    large = len(components) > BIA_INLINE_MAX
    for c in sorted(components, key=comp_sort):
        row = {"id": c.id, "name": c.name, "kind": L[f"kind.{c.kind}"], "tier": c.tier, "owner": role_name(c.owner),
               "rto": dur(comp_rto(c)), "rpo": dur(comp_rpo(c)), "deps": ", ".join(c.depends_on or [])}
        if large:
            row["owner"] = c.owner
            row["kind"] = L[f"kind_short.{c.kind}"]
            row["placement"] = placement(c)
        bia.append(row)
    # per tier: how many of each kind, and the RTO/RPO spread the components commit to
    bia_tiers = []
    for t in plan.policy.tiers:
        comps = [c for c in components if c.tier == t.id]
        rtos = [int(v) for v in (comp_rto(c) for c in comps) if v is not None]
        rpos = [int(v) for v in (comp_rpo(c) for c in comps) if v is not None]

        def spread(vals):
            if not vals:
                return "—"
            lo, hi = min(vals), max(vals)
            return format_duration(lo) if lo == hi else f"{format_duration(lo)} – {format_duration(hi)}"

        bia_tiers.append({"id": t.id, "name": t.name, "services": sum(1 for c in comps if c.kind == "service"),
                          "data": sum(1 for c in comps if c.kind == "data"),
                          "ops": sum(1 for c in comps if c.kind == "ops_tool"), "rto": spread(rtos), "rpo": spread(rpos),
                          "max_rto": dur(t.max_rto), "max_rpo": dur(t.max_rpo)})

    # --- sites and redundancy matrix ---------------------------------------------------------
    site_ids = [s.id for s in plan.sites if sites.get(s.id) is s]
    site_rows = [{"id": s.id, "name": s.name, "kind": L[f"site.{s.kind}"], "region": s.region, "operator": s.operator or "",
                  "capacity": num(s.capacity) if s.capacity is not None else "—", "hazards": ", ".join(s.hazards or [])}
                 for s in plan.sites]

    def cells_of(c) -> dict[str, list[tuple[str, str]]]:
        cells: dict[str, list[tuple[str, str]]] = {}
        if c.kind == "data":
            for cp in c.copies or []:
                if cp.role == "primary":
                    cls, letter = "m-active", "P"
                elif cp.replication == "sync":
                    cls, letter = "m-hot", "S"
                else:
                    cls, letter = "m-warm", "R"
                cells.setdefault(cp.site, []).append((letter, cls))
            if c.backups:
                for s in c.backups.sites or []:
                    cells.setdefault(s, []).append(("B", "m-cold"))
        else:
            for d in c.deployments or []:
                cells.setdefault(d.site, []).append((MODE_LETTER.get(d.mode, "?"), f"m-{d.mode}"))
        return cells

    matrix_rows = []
    grouped = len(components) > MATRIX_GROUP_OVER
    groups: dict[tuple, dict] = {}
    for c in sorted(components, key=comp_sort):
        cells = cells_of(c)
        if large:
            # one row per tier and kind; a cell counts the components placed there in each mode
            key = (c.tier, c.kind)
            g = groups.get(key)
            if g is None:
                g = groups[key] = {"ids": [], "tier": c.tier, "kind": L[f"kind.{c.kind}"], "cells": {}, "tally": {}}
                matrix_rows.append(g)
            g["ids"].append(c.id)
            for site, marks in cells.items():
                t = g["tally"].setdefault(site, {})
                for letter, cls in dict.fromkeys(marks):
                    t[(letter, cls)] = t.get((letter, cls), 0) + 1
        elif grouped:
            key = (c.tier, c.kind, tuple(sorted((s, tuple(v)) for s, v in cells.items())))
            g = groups.get(key)
            if g is None:
                g = groups[key] = {"ids": [], "tier": c.tier, "kind": L[f"kind.{c.kind}"], "cells": cells}
                matrix_rows.append(g)
            g["ids"].append(c.id)
        else:
            matrix_rows.append({"ids": [c.id], "name": c.name, "tier": c.tier, "kind": L[f"kind.{c.kind}"], "cells": cells})
    if large:
        order_l = {"A": 0, "P": 1, "H": 2, "S": 3, "W": 4, "R": 5, "C": 6, "B": 7}
        for g in matrix_rows:
            g["cells"] = {site: [(f"{letter} {n:,}", cls) for (letter, cls), n in sorted(t.items(), key=lambda kv: order_l.get(kv[0][0], 9))]
                          for site, t in g.pop("tally").items()}
    # sites that components use but are not defined (dangling references) still get a column
    extra = []
    for r in matrix_rows:
        for s in r["cells"]:
            if s not in sites and s not in extra:
                extra.append(s)
    all_sites = site_ids + extra
    matrix_chunks = [all_sites[i:i + MATRIX_MAX_SITES] for i in range(0, len(all_sites), MATRIX_MAX_SITES)] or [[]]

    # --- impact --------------------------------------------------------------------------------
    impact = _impact(ctx, plan, L, tiers, tier_rank, order)

    # --- roles ---------------------------------------------------------------------------------
    critical = _critical_roles(plan, ctx)
    role_rows = []
    for r in plan.roles:
        chain, seen, cur = [], {r.id}, r.escalates_to
        while cur and cur not in seen and len(chain) < 20:
            chain.append(role_name(cur))
            seen.add(cur)
            cur = roles[cur].escalates_to if cur in roles else None
        role_rows.append({"id": r.id, "name": r.name, "duties": list(r.duties or []),
                          "members": [person_name(m) for m in r.members], "chain": chain,
                          "critical": r.critical or r.id in critical})
    calltree = _call_tree(plan, roles, people, L)

    # --- scenarios, procedures ------------------------------------------------------------------
    procs = {p.id: p for p in reversed(plan.procedures)}
    comms = {c.id: c for c in reversed(plan.communications)}
    scen_rows = []
    proc_order: list[str] = []
    for s in plan.scenarios:
        lost = list(s.sites or []) + [f"{L['t.region']} {r}" for r in (s.regions or [])]
        crows = []
        for cid in s.communications or []:
            c = comms.get(cid)
            crows.append({"id": cid, "audience": L[f"audience.{c.audience}"] if c else cid,
                          "within": dur(c.within) if c else "—", "anchor": _anchor("comm", cid) if c else None})
        runbooks = []
        for pid in s.procedures or []:
            p = procs.get(pid)
            runbooks.append({"id": pid, "title": p.title if p else pid, "phase": L[f"phase.{p.phase}"] if p else "",
                             "anchor": _anchor("proc", pid) if p else None})
            if p and pid not in proc_order:
                proc_order.append(pid)
        lead = roles.get(s.lead)
        scen_rows.append({"id": s.id, "name": s.name, "kind": L[f"scenario.{s.kind}"], "lost": ", ".join(lost),
                          "lead": role_name(s.lead), "lead_members": [person_name(m) for m in (lead.members if lead else [])][:3],
                          "activation": s.activation or "", "comms": crows, "runbooks": runbooks,
                          "anchor": _anchor("scen", s.id)})
    comm_rows = [{"id": c.id, "audience": L[f"audience.{c.audience}"], "channel": c.channel, "within": dur(c.within),
                  "owner": role_name(c.owner), "message": c.message or "", "anchor": _anchor("comm", c.id)}
                 for c in sorted(plan.communications, key=lambda c: int(c.within)) if comms.get(c.id) is c]
    for svc in plan.services:
        for pid in svc.procedures or []:
            if pid in procs and pid not in proc_order:
                proc_order.append(pid)
    listed_by_scenario = {pid for s in plan.scenarios for pid in (s.procedures or [])}
    for p in plan.procedures:
        if p.id not in proc_order:
            proc_order.append(p.id)

    def proc_view(p):
        steps = []
        total = 0
        for i, st in enumerate(p.steps, 1):
            total += int(st.expected or 0)
            steps.append({"n": i, "do": st.do, "role": role_name(st.role), "expected": dur(st.expected) if st.expected is not None else "",
                          "verify": st.verify or ""})
        return {"id": p.id, "title": p.title, "owner": role_name(p.owner), "phase": L[f"phase.{p.phase}"], "steps": steps,
                "total": format_duration(total) if total else "", "anchor": _anchor("proc", p.id),
                "unlisted": p.id not in listed_by_scenario}

    response_procs = [proc_view(procs[pid]) for pid in proc_order if procs[pid].phase != "reconstitution"]
    recon_procs = [proc_view(procs[pid]) for pid in proc_order if procs[pid].phase == "reconstitution"]

    # --- exercises --------------------------------------------------------------------------------
    ex_rows = []
    for e in sorted(plan.exercises, key=lambda e: e.date, reverse=True):
        ex_rows.append({"date": ds(e.date), "kind": L[f"exercise.{e.kind}"], "scenario": e.scenario or "",
                        "result": e.result, "result_label": L[f"result.{e.result}"], "covers": ", ".join(e.covers or []),
                        "measured": ", ".join(f"{k} {dur(v)}" for k, v in (e.measured_rto or {}).items()),
                        "findings": list(e.findings or [])})
    due = _exercise_due(plan, result.as_of, ds, L)

    # --- data stores --------------------------------------------------------------------------------
    data_rows = []
    for d in sorted(plan.data, key=comp_sort):
        copies = []
        for cp in d.copies or []:
            if cp.role == "primary":
                copies.append(f"{cp.site} P")
            else:
                copies.append(f"{cp.site} {'S' if cp.replication == 'sync' else 'R'}" + (f" {dur(cp.lag)}" if cp.lag is not None else ""))
        b = d.backups
        data_rows.append({
            "id": d.id, "name": d.name, "tier": d.tier, "engine": d.engine or "", "rpo": dur(comp_rpo(d)), "copies": copies,
            "backups": (f"{dur(b.every)} / {dur(b.retention)} @ {', '.join(b.sites or [])}" if b else L["t.backup_none"]),
            "restore": dur(b.restore_time if b and b.restore_time is not None else plan.policy.takeover.cold) if b else "—",
            "restore_test": ds(b.last_restore_test) if b and b.last_restore_test else ("—" if not b else L["t.never"]),
        })

    # --- ops tools -------------------------------------------------------------------------------------
    required = list(plan.policy.required_ops or [])
    cats = [c for c in CATEGORIES if c in required or any(t.category == c for t in plan.ops_tools)]
    ops_sites = list(site_ids)
    for t in plan.ops_tools:
        for d in t.deployments or []:
            if d.site not in ops_sites:
                ops_sites.append(d.site)
    ops_matrix = []
    for cat in cats:
        tools = [t for t in plan.ops_tools if t.category == cat]
        cells = {}
        for t in tools:
            for d in t.deployments or []:
                lst = cells.setdefault(d.site, [])
                label = f"{t.id} ({MODE_LETTER.get(d.mode, '?')})"
                if label not in lst:
                    lst.append(label)
        ops_matrix.append({"category": L[f"category.{cat}"], "required": cat in required, "cells": cells, "empty": not tools})
    ops_sites_used = [s for s in ops_sites if any(s in r["cells"] for r in ops_matrix)]
    ops_rows = [{"id": t.id, "name": t.name, "category": L[f"category.{t.category}"], "tier": t.tier,
                 "sites": ", ".join(f"{d.site} {MODE_LETTER.get(d.mode, '?')}" for d in t.deployments or []),
                 "serves": ", ".join(t.serves) if t.serves else L["t.everything"]}
                for t in plan.ops_tools]

    # --- contacts --------------------------------------------------------------------------------------
    member_of: dict[str, list[str]] = {}
    for r in plan.roles:
        for m in r.members:
            if r.name not in member_of.setdefault(m, []):
                member_of[m].append(r.name)
    contacts = [{"id": p.id, "name": p.name, "title": p.title or "", "timezone": p.timezone or "",
                 "roles": ", ".join(member_of.get(p.id, [])),
                 "channels": [(L[f"contact.{k}"], v) for k, v in p.contacts.channels()]}
                for p in plan.people]

    # --- chapters and standards -------------------------------------------------------------------------
    chapters = []
    n = 0
    for cid, key in CHAPTERS:
        if cid == "reconstitution" and not recon_procs:
            continue
        n += 1
        chapters.append({"id": cid, "n": str(n), "title": L[key]})
    appendices = [{"id": "contacts", "n": "A", "title": L["h.contacts"]},
                  {"id": "findings", "n": "B", "title": L["h.findings"]}]
    std = _standards(plan, info.standards or [], L, {c["id"]: c for c in chapters + appendices}, result,
                     lang=lang)
    if std:
        appendices.append({"id": "standards", "n": "C", "title": L["h.standards"]})
    if large:
        letter = chr(ord("A") + len(appendices))
        appendices.append({"id": "register", "n": letter, "title": L["h.register"].replace("{n}", letter)})
    chap_by_id = {c["id"]: c for c in chapters + appendices}

    doc = Doc(L=L, lang=lang, draft=draft, meta=meta, chapters=chapters + appendices)
    doc.data = {
        "ch": chap_by_id,
        "control": control,
        "counts": counts,
        "has_errors": counts["error"] > 0,
        "tiers": tier_rows,
        "tier_name": tier_name,
        "bia": bia,
        "bia_tiers": bia_tiers,
        "large": large,
        "sites": site_rows,
        "matrix": {"rows": matrix_rows, "chunks": matrix_chunks, "grouped": grouped,
                   "aggregated": large},
        "impact": impact,
        "roles": role_rows,
        "calltree": calltree,
        "scenarios": scen_rows,
        "communications": comm_rows,
        "procedures": response_procs,
        "reconstitution": recon_procs,
        "exercises": ex_rows,
        "exercise_due": due,
        "data_stores": data_rows,
        "ops": {"matrix": ops_matrix, "sites": ops_sites_used, "tools": ops_rows},
        "contacts": contacts,
        "findings": frows,
        "accepted": accepted,
        "standards": std,
    }
    return doc


def _anchor(prefix: str, id_: str) -> str:
    return f"{prefix}-{id_}"


def _critical_roles(plan, ctx) -> set[str]:
    out = set()
    t0 = ctx.tier0.id if ctx.tier0 else None
    for c in plan.components:
        if c.tier == t0:
            out.add(c.owner)
    for s in plan.scenarios:
        out.add(s.lead)
    return out


def _call_tree(plan, roles, people, L) -> list[dict]:
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    for r in plan.roles:
        if roles.get(r.id) is not r:
            continue
        if r.escalates_to and r.escalates_to in roles and r.escalates_to != r.id:
            children.setdefault(r.escalates_to, []).append(r.id)
        else:
            roots.append(r.id)
    placed: set[str] = set()

    def node(rid: str, depth: int) -> dict:
        placed.add(rid)
        r = roles[rid]
        mem = []
        for m in r.members:
            p = people.get(m)
            ch = p.contacts.channels() if p else []
            first = ch[0] if ch else None
            mem.append({"name": p.name if p else m, "contact": f"{L['contact.' + first[0]]} {first[1]}" if first else ""})
        kids = [node(k, depth + 1) for k in children.get(rid, []) if k not in placed and depth < 12]
        return {"name": r.name, "members": mem, "children": kids}

    tree = [node(r, 0) for r in roots]
    # roles in an escalation loop are reachable from no root: start from the first of each loop
    for r in plan.roles:
        if r.id in roles and r.id not in placed:
            tree.append(node(r.id, 0))
    return tree


def _failing(cs, loss) -> bool:
    if cs.tier not in loss.must_survive:
        return False
    if cs.state in ("down", "lost"):
        return True
    if cs.recovery is not None and cs.rto is not None and cs.recovery > cs.rto:
        return True
    if cs.rpo is not None and cs.rpo_target is not None and cs.rpo > cs.rpo_target:
        return True
    return bool(cs.unabsorbed)


def _impact(ctx, plan, L, tiers, tier_rank, order) -> dict:
    results = list(ctx.analysis.results)
    names = {c.id: c.name for c in reversed(plan.components)}
    site_names = {s.id: s.name for s in reversed(plan.sites)}
    tier_ids = [t.id for t in plan.policy.tiers]
    losses = []
    seen_sites: dict[frozenset, dict] = {}
    for r in results:
        loss = r.loss
        rows = []
        same_as = seen_sites.get(loss.sites) if loss.kind == "scenario" else None
        # one pass over the affected states (iterating builds them; membership and counts are cheap)
        for cid, cs in (() if same_as else r.affected.items()):
            if cs.state == "up":
                continue
            misses = (cs.state in ("down", "lost") or (cs.recovery is not None and cs.rto is not None and cs.recovery > cs.rto)
                      or (cs.rpo is not None and cs.rpo_target is not None and cs.rpo > cs.rpo_target)
                      or bool(cs.short) or bool(cs.unabsorbed))
            failing = _failing(cs, loss)
            rows.append((tier_rank.get(cs.tier, 10**6), -STATE_ORDER.get(cs.state, 0), order.get(cid, 0), cid, cs,
                         misses, failing))
        rows.sort(key=lambda t: t[:3])
        detail, compact, within = [], [], []
        n_detail = sum(1 for t in rows if t[5] or t[6])
        for _, _, _, cid, cs, misses, failing in rows:
            if misses or failing:
                big = n_detail > IMPACT_TABLE_MAX
                if big and not failing and cs.state in ("down", "lost") and not cs.short:
                    # a long list of what goes down in tiers that need not survive: one compact entry each
                    compact.append({"id": cid, "tier": cs.tier, "state": cs.state,
                                    "via": " → ".join(x for x in cs.cause[1:] if x not in loss.sites)})
                    continue
                rec = f"{format_duration(cs.recovery) if cs.recovery is not None else '—'} / {format_duration(cs.rto)}"
                rpo = ""
                if cs.rpo_target is not None:
                    rpo = f"{format_duration(cs.rpo) if cs.rpo is not None else '—'} / {format_duration(cs.rpo_target)}"
                detail.append({"id": cid, "name": names.get(cid, cid), "tier": cs.tier, "state": cs.state, "misses": misses,
                               "state_label": L[f"state.{cs.state}"], "recovery": rec, "rpo": rpo,
                               "cause": cause_text(cs.cause, loss.sites), "failing": failing,
                               "short": num(cs.short) if cs.short else ""})
            else:
                within.append({"id": cid, "tier": cs.tier,
                               "rec_short": format_duration(cs.recovery) if cs.recovery is not None else "—"})
        # down or lost beyond the table, grouped by tier and state
        compact_groups: list[dict] = []
        for x in compact:
            if not compact_groups or (compact_groups[-1]["tier"], compact_groups[-1]["state"]) != (x["tier"], x["state"]):
                compact_groups.append({"tier": x["tier"], "state": x["state"], "state_label": L[f"state.{x['state']}"],
                                       "entries": []})
            compact_groups[-1]["entries"].append(x)
        # recovered within targets: counted per tier, the first few named
        within_groups: list[dict] = []
        for x in within:
            if not within_groups or within_groups[-1]["tier"] != x["tier"]:
                within_groups.append({"tier": x["tier"], "count": 0, "first": []})
            g = within_groups[-1]
            g["count"] += 1
            if len(g["first"]) < WITHIN_NAMED:
                g["first"].append(x)
        for g in within_groups:
            g["more"] = g["count"] - len(g["first"])
        counts = []
        for t in tier_ids:
            c = r.counts.get(t, {})
            counts.append({"tier": t, "up": c.get("up", 0), "degraded": c.get("degraded", 0), "down": c.get("down", 0), "lost": c.get("lost", 0)})
        kind_label = {"site": L["t.site"], "region": L["t.region"], "scenario": L["t.scenario_loss"]}[loss.kind]
        label = loss.label
        if loss.kind in ("site", "region") and ":" in loss.key:
            label = loss.key.split(":", 1)[1]
            if loss.kind == "site" and label in site_names and site_names[label] != label:
                label = f"{label} ({site_names[label]})"
        downs = sum(c["down"] + c["lost"] for c in counts)
        seen_sites.setdefault(loss.sites, {"anchor": f"loss-{len(losses) + 1}",
                                           "label": f"{kind_label} {label}"})
        losses.append({
            "key": loss.key, "kind": loss.kind, "kind_label": kind_label, "label": label,
            "sites": ", ".join(sorted(loss.sites)), "must_survive": [t for t in tier_ids if t in loss.must_survive],
            "rows": bool(rows) or bool(same_as and len(r.affected)), "detail": detail, "compact": compact_groups, "n_compact": len(compact),
            "within": within_groups, "n_within": len(within), "same_as": same_as, "counts": counts, "ops_lost": [L[f"category.{c}"] for c in r.ops_lost],
            "not_up": len(r.affected) if same_as else len(rows), "down": downs, "failing": sum(1 for t in rows if t[6]),
            "anchor": f"loss-{len(losses) + 1}",
        })

    def badness(x):
        return (x["failing"] + len(x["ops_lost"]), x["down"], x["not_up"])

    worst = []
    for kind in ("site", "region"):
        cands = [x for x in losses if x["kind"] == kind and x["not_up"]]
        if cands:
            worst.append(max(cands, key=badness))
    return {"losses": losses, "worst": worst, "tier_ids": tier_ids}


def _exercise_due(plan, as_of, ds, L) -> list[dict]:
    last: dict[str, dt.date] = {}
    for e in plan.exercises:
        if e.result != "passed" or e.date > as_of:
            continue
        for cid in e.covers or []:
            if cid not in last or e.date > last[cid]:
                last[cid] = e.date
    out = []
    for t in plan.policy.tiers:
        comps = [c for c in plan.components if c.tier == t.id]
        if not comps:
            continue
        if not t.exercise_every:
            out.append({"tier": t.id, "every": L["t.no_exercise_every"], "current": "—", "overdue": [], "next": "—"})
            continue
        every = dt.timedelta(seconds=int(t.exercise_every))
        current, overdue, nexts = 0, [], []
        for c in comps:
            d = last.get(c.id)
            if d is None or d + every < as_of:
                overdue.append(c.id)
            else:
                current += 1
                nexts.append(d + every)
        out.append({"tier": t.id, "every": dur(t.exercise_every), "current": f"{current} / {len(comps)}", "overdue": overdue,
                    "next": ds(min(nexts)) if nexts else "—"})
    return out


# --- standards cross-reference ---------------------------------------------------------------------

#: a field's first name → the chapters that show it
FIELD_CHAPTERS = {
    "plan.id": ["control"], "plan.title": ["control"], "plan.version": ["control"], "plan.organization": ["control"],
    "plan.effective": ["control"], "plan.language": ["control"], "plan.classification": ["control"],
    "plan.approvals": ["control"], "plan.review": ["control"], "plan.distribution": ["control"],
    "plan.changes": ["control"], "plan.owner": ["summary", "roles"], "plan.scope": ["summary"],
    "plan.assumptions": ["summary"], "plan.organization only": ["control"],
    "policy": ["summary"], "services": ["bia", "sites"], "data": ["bia", "data"], "ops_tools": ["bia", "ops"],
    "sites": ["sites"], "deployments": ["sites"], "depends_on": ["bia"], "roles": ["roles"], "people": ["contacts"],
    "scenarios": ["scenarios"], "communications": ["scenarios"], "procedures": ["procedures"], "steps": ["procedures"],
    "exercises": ["exercises"], "checks": ["findings"], "copies": ["data"], "backups": ["data"],
    "phase": ["procedures"], "audience": ["scenarios"], "within": ["scenarios"], "message": ["scenarios"],
    "exercise_every": ["exercises"], "min_role_members": ["roles"],
}
#: a bare field name → the sections that carry it
FIELD_OWNER = {
    "deployments": ("services", "ops_tools"), "depends_on": ("services", "data", "ops_tools"), "steps": ("procedures",),
    "copies": ("data",), "backups": ("data",), "within": ("communications",), "message": ("communications",),
    "exercise_every": ("policy.tiers",), "min_role_members": ("policy.tiers",),
}
_TOKEN = re.compile(r"`([^`]+)`")


def _present(tree: Any, parts: list[str]) -> bool:
    """Does any item along ``parts`` (list items are searched) hold a non-empty value?"""
    if not parts:
        return tree not in (None, "", [], {})
    if isinstance(tree, list):
        return any(_present(x, parts) for x in tree)
    if isinstance(tree, dict):
        head = parts[0]
        if head not in tree:
            return False
        return _present(tree[head], parts[1:])
    return False


def _check_token(tok: str, tree: dict) -> tuple[str, list[str], bool] | None:
    """(label, chapter ids, present) for one backticked field of the spec, or None when it names no field."""
    tok = tok.strip()
    m = re.match(r"(phase|audience|kind|category): *([a-z/-]+)$", tok)
    if m:
        key, vals = m.group(1), m.group(2).split("/")
        sec = {"phase": "procedures", "audience": "communications", "kind": "exercises", "category": "ops_tools"}[key]
        items = tree.get(sec) or []
        ok = any(isinstance(x, dict) and x.get(key) in vals for x in items)
        chapters = ["reconstitution"] if vals == ["reconstitution"] else FIELD_CHAPTERS.get(key, FIELD_CHAPTERS.get(sec, []))
        return tok, chapters, ok
    base = re.split(r"[ {:]", tok, maxsplit=1)[0]
    if not re.match(r"^[a-z_]+(\[\])?(\.[a-z_/]+(\[\])?)*$", base):
        return None
    segs = [s.replace("[]", "") for s in base.split(".")]
    first = segs[0]
    if first in ("plan", "policy", "checks", "sites", "people", "roles", "services", "data", "ops_tools", "scenarios",
                 "procedures", "communications", "exercises"):
        roots = [[first]]
        rest = segs[1:]
    elif first in FIELD_OWNER:
        roots = [o.split(".") + [first] for o in FIELD_OWNER[first]]
        rest = segs[1:]
    else:
        return None
    chap_key = ".".join(segs[:2]) if first == "plan" and len(segs) > 1 else first
    chapters = FIELD_CHAPTERS.get(chap_key) or FIELD_CHAPTERS.get(first, [])
    alts = rest[-1].split("/") if rest else [None]
    ok = False
    for root in roots:
        for alt in alts:
            path = root + rest[:-1] + ([alt] if alt else [])
            if _present(tree, path):
                ok = True
    return base, chapters, ok


def _standards(plan, keys, L, chapters, result, lang: str = "en") -> list[dict]:
    if not keys:
        return []
    # the row text shown in the document: English, or the row's *_ko text in a Korean document
    sfx = "_ko" if lang == "ko" else ""
    tree = plan.model_dump(mode="python", exclude_none=True)
    out = []
    for key in dict.fromkeys(keys):
        rows = []
        for row in STANDARDS.get(key, []):
            answered, missing = [], []
            for tok in _TOKEN.findall(row["fields"]):
                chk = _check_token(tok, tree)
                if chk is None:
                    continue
                label, chaps, ok = chk
                if ok:
                    for c in chaps:
                        ch = chapters.get(c)
                        if ch and f"{ch['n']}" not in answered:
                            answered.append(ch["n"])
                elif label not in missing:
                    missing.append(label)
            if row["coverage"] in ("none", "n/a"):
                answered, missing = [], []  # the format has no field that answers it: nothing to point at
            gap = row["gap" + sfx].replace("`", "")
            if row["coverage"] == "none" and gap in ("", "none"):
                gap = L["t.no_field"]
            answered.sort(key=lambda n: (not n.isdigit(), int(n) if n.isdigit() else 0, n))
            rows.append({"key": row["key"], "clause": row["clause" + sfx], "title": row["title" + sfx],
                         "what": row["what" + sfx], "fields": row["fields" + sfx].replace("`", ""),
                         "coverage": row["coverage"],
                         "coverage_label": L.get(f"coverage.{row['coverage']}", row["coverage"]),
                         "answered": answered, "missing": missing, "gap": gap})
        out.append({"key": key, "title": L.get(f"standard.{key}", key), "rows": rows})
    return out
