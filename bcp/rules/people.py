"""Rules P001–P004: the people and roles who run the response.

A plan is carried out by people: a role nobody holds, a person nobody can reach, one
person holding every critical role, or an escalation that goes in circles stops the
recovery as surely as a lost site.
"""

from __future__ import annotations

from typing import Iterator

from ..context import Context
from ..findings import Finding
from .tiers import facts


def _persons(ctx: Context) -> set[str]:
    return {p.id for p in ctx.plan.people}


def p001(ctx: Context) -> Iterator[Finding]:
    tiers = ctx.plan.policy.tiers
    # role id -> most critical tier rank among the components it owns
    owned = facts(ctx).owner_rank
    persons = _persons(ctx)
    for i, role in enumerate(ctx.plan.roles):
        path = ("roles", i, "members")
        if not role.members:
            yield ctx.finding(
                "P001", f"role {role.id} has no members", path, target=role.id,
                hint="name at least one person, and a deputy, in members",
            )
            continue
        r = owned.get(role.id)
        if r is None:
            continue
        tier = tiers[r]
        members = [m for m in dict.fromkeys(role.members) if m in persons]
        if len(members) < tier.min_role_members:
            yield ctx.finding(
                "P001",
                f"role {role.id} has {len(members)} member{'s' if len(members) != 1 else ''}"
                f"{' (' + ', '.join(members) + ')' if members else ''}; it owns components of tier {tier.id}, "
                f"which requires min_role_members {tier.min_role_members}",
                path,
                target=role.id,
                hint="add members, so that someone can answer when the first person cannot",
            )


def p002(ctx: Context) -> Iterator[Finding]:
    for i, p in enumerate(ctx.plan.people):
        ch = p.contacts.channels()
        if len(ch) < 2:
            have = f"only {ch[0][0]}" if ch else "none"
            yield ctx.finding(
                "P002",
                f"person {p.id} has fewer than two contact channels ({have})",
                ("people", i, "contacts"),
                target=p.id,
                hint="add a second channel (mobile, email, chat, pager, phone) that does not depend on the first",
            )


def critical_roles(ctx: Context) -> dict[str, str]:
    """Role id -> why it is critical (spec section 4): critical: true, owns a tier-0
    component, or leads a scenario."""
    out: dict[str, str] = {}
    for r in ctx.plan.roles:
        if r.critical:
            out.setdefault(r.id, "critical: true")
    for role_id, cid in facts(ctx).tier0_owners.items():
        out.setdefault(role_id, f"owns tier-0 {cid}")
    for s in ctx.plan.scenarios:
        out.setdefault(s.lead, f"leads scenario {s.id}")
    return out


def p003(ctx: Context) -> Iterator[Finding]:
    limit = ctx.plan.policy.max_critical_roles_per_person
    crit = critical_roles(ctx)
    held: dict[str, list[str]] = {}
    seen_roles: set[str] = set()
    for r in ctx.plan.roles:
        if r.id in seen_roles or r.id not in crit:
            continue
        seen_roles.add(r.id)
        for m in dict.fromkeys(r.members):
            held.setdefault(m, []).append(r.id)
    for i, p in enumerate(ctx.plan.people):
        roles = held.get(p.id, ())
        if len(roles) > limit:
            yield ctx.finding(
                "P003",
                f"person {p.id} is a member of {len(roles)} critical roles ({', '.join(roles)}); "
                f"max_critical_roles_per_person is {limit}",
                ("people", i),
                target=p.id,
                hint="spread the critical roles over more people: in a crisis one person cannot do all of them",
            )


def p004(ctx: Context) -> Iterator[Finding]:
    first: dict[str, tuple[int, object]] = {}
    for i, r in enumerate(ctx.plan.roles):
        first.setdefault(r.id, (i, r))
    # missing targets: a role's escalates_to that is not a role
    for rid, (i, r) in first.items():
        nxt = r.escalates_to
        if nxt is not None and nxt not in first:
            kind = ctx.index.kind(nxt)
            what = f"is a {kind}, not a role" if kind else "does not exist"
            yield ctx.finding(
                "P004",
                f"role {rid} escalates to {nxt}, which {what}",
                ("roles", i, "escalates_to"),
                target=rid,
                hint="escalate to an existing role id",
            )
    # loops: the escalation graph has out-degree <= 1, so colour-walk each chain once
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    for start in first:
        if start in state:
            continue
        walk: list[str] = []
        cur: str | None = start
        while cur is not None and cur in first and cur not in state:
            state[cur] = 1
            walk.append(cur)
            cur = first[cur][1].escalates_to  # type: ignore[attr-defined]
        if cur is not None and state.get(cur) == 1:
            cycle = walk[walk.index(cur):]
            chain = " → ".join([*cycle, cycle[0]])
            for rid in cycle:
                i = first[rid][0]
                yield ctx.finding(
                    "P004",
                    f"escalation from role {rid} loops: {chain}",
                    ("roles", i, "escalates_to"),
                    target=rid,
                    hint="end every escalation chain at a role that escalates no further",
                )
        for rid in walk:
            state[rid] = 2


DOCS: dict[str, str] = {
    "P001": """\
What: a role has no members, or fewer distinct members than min_role_members of the
  most critical tier among the components it owns (components' owner).
Why: a role with one person has nobody when that person is asleep, ill or on a plane.
  ISO 22301 8.4.2 asks for named personnel and alternates; NIST SP 800-34 asks for
  primary and alternate points of contact.
Example:
  policy: {tiers: [{id: tier0, ..., min_role_members: 2}]}
  roles: [{id: dba, name: DBA on call, members: [kim]}]
  data: [{id: ledger, ..., owner: dba, tier: tier0, copies: [...]}]
Fix: add members (in rotation order) to the role.""",
    "P002": """\
What: a person has fewer than two contact channels (phone, mobile, email, chat, pager).
Why: in the 2022 Pangyo fire the chat service itself went down; one channel is one
  single point of failure for reaching a responder (NIST SP 800-34 notification /
  call tree).
Example:
  people: [{id: kim, name: Kim, contacts: {chat: "@kim"}}]
Fix: add a second, independent channel, e.g. a mobile number beside chat.""",
    "P003": """\
What: a person is a member of more critical roles than
  policy.max_critical_roles_per_person (default 2). A role is critical when it says
  critical: true, owns a tier-0 component, or leads a scenario.
Why: in a crisis every critical role is busy at once; one person holding several of them
  is a bottleneck and a single point of failure (ISO 22301 8.4.2 response structure).
Example:
  policy: {tiers: [...], max_critical_roles_per_person: 1}
  roles:
    - {id: crisis, name: Crisis lead, members: [kim], critical: true}
    - {id: dba, name: DBA, members: [kim], critical: true}
Fix: give the roles different people, or raise the limit deliberately.""",
    "P004": """\
What: an escalation chain (roles[].escalates_to) loops back on itself, or points at an id
  that is not a role. Every role on the loop, and every role pointing at a missing role,
  is reported once. (Reported as P004 only, not also R001; it cannot be accepted in
  checks.ignore.)
Why: an escalation that goes in a circle never reaches anyone with more authority
  (ISO 22301 5.3 roles and authorities, 8.4.2 response structure).
Example:
  roles:
    - {id: oncall, name: On call, members: [kim], escalates_to: lead}
    - {id: lead, name: Lead, members: [lee], escalates_to: oncall}
Fix: end every chain at a role with no escalates_to (e.g. the crisis lead), and spell the
  role ids correctly.""",
}
