"""Rules X001–X003: is the plan exercised, and do the exercises pass?

Dates are measured against the as-of date only (``--as-of``; never the clock). Evidence
dated after the as-of date (an exercise or restore test that has not happened yet as of
that date) does not count, so a build for a past date repeats.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..context import Context
from ..findings import Finding
from .tiers import cutoff, facts, label, latest_passed


def x001(ctx: Context) -> Iterator[Finding]:
    f = facts(ctx)
    tiers = ctx.tiers
    for section, i in f.hits["X001"]:
        c = getattr(ctx.plan, section)[i]
        every = tiers[c.tier].exercise_every
        last = f.exercised.get(c.id)
        if last is None:
            msg = (f"no passed exercise on or before {ctx.as_of.isoformat()} covers {label(c)}; "
                   f"tier {c.tier} asks for one every {every}")
        else:
            msg = (f"the last passed exercise covering {label(c)} is {last[1]} on {last[0].isoformat()}, "
                   f"more than {every} (exercise_every of tier {c.tier}) before {ctx.as_of.isoformat()}")
        yield ctx.finding(
            "X001", msg, (section, i), target=c.id,
            hint=f"hold an exercise whose covers lists {c.id}, and record it with result: passed",
        )


def x002(ctx: Context) -> Iterator[Finding]:
    latest: dict[str, tuple[dt.date, int]] = {}
    as_of = ctx.as_of
    for k, e in enumerate(ctx.plan.exercises):
        if e.scenario is None or e.date > as_of:
            continue
        cur = latest.get(e.scenario)
        if cur is None or e.date >= cur[0]:  # a tie goes to the later one in the file
            latest[e.scenario] = (e.date, k)
    seen: set[str] = set()
    for s in ctx.plan.scenarios:
        if s.id in seen or s.id not in latest:
            continue
        seen.add(s.id)
        k = latest[s.id][1]
        e = ctx.plan.exercises[k]
        if e.result == "failed":
            yield ctx.finding(
                "X002",
                f"the latest exercise of scenario {s.id}, {e.id} on {e.date.isoformat()}, failed",
                ("exercises", k, "result"),
                target=s.id,
                hint="fix what the exercise found, then exercise the scenario again",
            )


def x003(ctx: Context) -> Iterator[Finding]:
    every = ctx.plan.policy.backup_restore_test_every
    cut = cutoff(ctx.as_of, every)
    tested = latest_passed(ctx, ("restore-test",))
    for i, d in enumerate(ctx.plan.data):
        b = d.backups
        if b is None:
            continue
        stated = b.last_restore_test
        if stated is not None and cut <= stated <= ctx.as_of:
            continue
        dates: list[tuple[dt.date, str]] = []
        if stated is not None and stated <= ctx.as_of:
            dates.append((stated, "last_restore_test"))
        if d.id in tested:
            dates.append((tested[d.id][0], f"restore-test exercise {tested[d.id][1]}"))
        last = max(dates, default=None, key=lambda x: x[0])
        if last is not None and last[0] >= cut:
            continue
        path = ("data", i, "backups", "last_restore_test") if stated is not None else ("data", i, "backups")
        if last is None:
            msg = f"the backups of data store {d.id} have never been restore-tested"
            if stated is not None:
                msg += f" (last_restore_test {stated.isoformat()} is after {ctx.as_of.isoformat()})"
        else:
            msg = (f"the backups of data store {d.id} were last restore-tested on {last[0].isoformat()} "
                   f"({last[1]}), more than backup_restore_test_every {every} before {ctx.as_of.isoformat()}")
        yield ctx.finding(
            "X003", msg, path, target=d.id,
            hint="restore a backup to a scratch system, then record the date in backups.last_restore_test "
                 "or as a passed restore-test exercise covering the store",
        )


DOCS: dict[str, str] = {
    "X001": """\
What: a component (service, data store or ops tool) whose tier sets exercise_every, and
  no exercise with result passed whose covers names the component is dated within
  exercise_every before the as-of date (--as-of; exercises dated after it do not count).
  One finding per component.
Why: an untested recovery is a hope, not a plan. ISO 22301 8.5 asks for an exercise
  programme that validates the solutions at planned intervals; NIST SP 800-34 asks for
  tests at least yearly (CP-4).
Example:
  policy: {tiers: [{id: tier0, ..., exercise_every: 6mo}]}
  exercises:
    - {id: dr-2025, date: 2025-03-01, kind: failover, covers: [chat], result: passed}
  # checked --as-of 2026-11-24: older than 6mo
Fix: exercise the component and record the exercise with result passed and the component
  in covers.""",
    "X002": """\
What: the latest exercise of a scenario (by date, exercises after the as-of date aside;
  on a tie, the one later in the file) has result failed.
Why: a failed exercise shows the plan does not work for that scenario as written until it
  is fixed and exercised again (ISO 22301 8.5 and 10.1, NIST SP 800-34 after-action).
Example:
  exercises:
    - {id: fire-drill, date: 2026-05-01, kind: failover, scenario: lose-pangyo,
       result: failed, findings: ["DNS failover took 3h"]}
Fix: act on the exercise's findings, then repeat the exercise and record the new result.""",
    "X003": """\
What: a data store with backups whose latest restore test, backups.last_restore_test or a
  passed exercise of kind restore-test covering the store, is missing or older than
  policy.backup_restore_test_every (default 1y) before the as-of date.
Why: a backup that was never restored is not known to restore. NIST SP 800-34 / SP 800-53
  CP-9 and CP-4 ask for backups to be tested; ISO 22301 8.5.
Example:
  data:
    - {id: ledger, ..., backups: {every: 1d, retention: 30d, sites: [dc2]}}
  # no last_restore_test and no restore-test exercise covering ledger
Fix: restore the backup to a scratch system, then record the date as
  backups.last_restore_test or as a passed restore-test exercise that covers the store.""",
}
