"""S001–S005: the plan against the format. Most are reported by the schema stage
(bcp.schema) and the loader; the conditional requirements that a field-by-field
schema cannot express are checked here, on the typed model."""

from __future__ import annotations

import functools
import os
from typing import Iterator

from ..context import Context
from ..findings import Finding
from ..loader import did_you_mean
from ..logo import logo_problem

DOCS = {
    "S001": """What: a required field is missing, or written with no value (`title:`).
Why: the document a regulator reads must not have holes: who owns a service, its
tier and where it runs are what the analysis and the runbooks stand on. Some fields
are required only in context: a site-loss scenario needs `sites`, a region-loss
scenario `regions`, a replica its `replication`, an async replica its `lag`.
Example:
  services:
    - id: login
      name: Login              # owner, tier and deployments are missing
Fix: add the field; `bcp schema` gives editors completion for every field.""",
    "S002": """What: a value of the wrong type or outside its allowed values: a bare number or
boolean where text, an id or a duration is expected (`version: 1.0`, `rto: 30`), a
value not in an enum, a negative count, a data store without exactly one primary
copy, a logo that is a URL, leaves the plan's folder or does not exist, an unknown
time zone, or a checks.ignore entry that names a rule that cannot be accepted.
Why: YAML guesses types: `1.0` is a number, `no` was a boolean in YAML 1.1. A plan
must mean exactly what its author wrote.
Example:
  plan:
    version: 1.0      # write "1.0"
  services:
    - rto: 30         # write "30m"
Fix: quote text, give durations a unit, use one of the listed values.""",
    "S003": """What: a key the format does not know, usually a typo.
Why: a misspelt optional field (`rpo` written `rp0`) would silently fall back to its
default — the plan would promise less than its author believes.
Example:
  services:
    - id: login
      tier: tier0
      rp0: 5m           # did you mean 'rpo'?
Fix: correct the key (the message suggests the closest known one).""",
    "S004": """What: a duration, date or id that is malformed: `1:30` or `90 minutes` as a
duration, `2026-02-30` or `01/09/2026` as a date, `Login DB` as an id.
Why: durations and dates drive the RTO, RPO, review and exercise checks; ids are how
the plan refers to itself. Guessing would hide mistakes.
Example:
  rto: 1:30            # write 1h30m
  effective: 2026-02-30
Fix: durations like 30m, 1h30m, 1d, 6mo, 1y or ISO 8601 PT1H30M; dates YYYY-MM-DD;
ids of a-z, 0-9, '.', '_', '-' (start with a letter or digit, at most 63).""",
    "S005": """What: a file without `bcp: 1` (or with another format version), an empty file, a
top level that is not a mapping, or a plan whose `plan`/`policy` section is missing
or given in two fragments (`checks` at most once).
Why: the format version is how plans kept in git for years stay readable: a future
release that changes the format knows what it reads.
Example:
  bcp: 2
Fix: start every file with `bcp: 1`; keep `plan` and `policy` in exactly one fragment.""",
}



def s001(ctx: Context) -> Iterator[Finding]:
    if ctx.plan.checks and ctx.plan.checks.ignore:
        for i, e in enumerate(ctx.plan.checks.ignore):
            if not e.reason.strip():
                # an accepted risk is signed off with its reason; "" is no reason
                yield Finding("S001", f"checks.ignore entry for {e.rule} needs a reason", path=("checks", "ignore", i, "reason"),
                              hint="say why the risk is accepted: the document prints it beside the finding")
    for i, sc in enumerate(ctx.plan.scenarios):
        if sc.kind == "site-loss" and not sc.sites:
            yield Finding("S001", f"site-loss scenario '{sc.id}' needs `sites`: the sites it loses", path=("scenarios", i), target=sc.id)
        if sc.kind == "region-loss" and not sc.regions:
            yield Finding("S001", f"region-loss scenario '{sc.id}' needs `regions`: the regions it loses", path=("scenarios", i), target=sc.id)
    for i, d in enumerate(ctx.plan.data):
        for j, c in enumerate(d.copies):
            if c.role == "replica" and c.replication is None:
                yield Finding("S001", f"replica of '{d.id}' on {c.site} needs `replication` (sync or async)", path=("data", i, "copies", j), target=d.id)
            if c.replication == "async" and c.lag is None:
                yield Finding("S001", f"async replica of '{d.id}' on {c.site} needs `lag`", path=("data", i, "copies", j), target=d.id)


@functools.lru_cache(maxsize=256)
def _known_timezone(name: str) -> bool:
    try:
        import zoneinfo

        zoneinfo.ZoneInfo(name)
        return True
    except Exception:
        return False


def s002(ctx: Context) -> Iterator[Finding]:
    from .registry import get

    p = ctx.plan
    for i, d in enumerate(p.data):
        primaries = [j for j, c in enumerate(d.copies) if c.role == "primary"]
        if len(primaries) != 1:
            yield Finding(
                "S002",
                f"data store '{d.id}' has {len(primaries)} primary copies: exactly one copy is the primary",
                path=("data", i, "copies"),
                target=d.id,
            )
    if p.plan.logo is not None:
        loc = ctx.locate(("plan", "logo"))
        if loc is not None:
            why = logo_problem(p.plan.logo, os.path.dirname(loc.file))
            if why:
                yield Finding("S002", why, path=("plan", "logo"))
    for i, person in enumerate(p.people):
        if person.timezone is not None and not _known_timezone(person.timezone):
            yield Finding("S002", f"unknown time zone '{person.timezone}'", path=("people", i, "timezone"), hint="use an IANA name such as Asia/Seoul")
    if p.checks and p.checks.ignore:
        from .registry import RULES

        for i, e in enumerate(p.checks.ignore):
            rule = get(e.rule)
            if rule is None:
                yield Finding("S002", f"unknown rule code '{e.rule}'", path=("checks", "ignore", i, "rule"), hint=did_you_mean(e.rule, [r.code for r in RULES]))
            elif not rule.acceptable:
                yield Finding(
                    "S002",
                    f"{rule.code} cannot be accepted: only findings of families T, L, O, P, C, X and D (not P004 or D003) can",
                    path=("checks", "ignore", i, "rule"),
                )
