"""Rules D001–D003: document control of the plan itself.

D001 and D002 are checked here. D003 (a ``checks.ignore`` entry that matches no finding)
can only be known once every other rule has run, so the engine reports it; its
documentation lives here with the rest of the family.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..context import Context
from ..findings import Finding


def d001(ctx: Context) -> Iterator[Finding]:
    review = ctx.plan.plan.review
    if review is None:
        yield ctx.finding(
            "D001",
            "the plan has no review cycle (plan.review), so it can never be shown to be up to date",
            ("plan",),
            at_key=True,
            hint="add review: {last: DATE, every: 1y} under plan",
        )
        return
    try:
        due = review.last + dt.timedelta(seconds=int(review.every))
    except OverflowError:
        return  # a cycle longer than the calendar: never due
    if due < ctx.as_of:
        yield ctx.finding(
            "D001",
            f"plan review overdue: last reviewed {review.last.isoformat()}, every {review.every}, "
            f"so due {due.isoformat()}, before {ctx.as_of.isoformat()}",
            ("plan", "review"),
            hint="review the plan, then set review.last to the date of the review",
        )


def d002(ctx: Context) -> Iterator[Finding]:
    info = ctx.plan.plan
    if info.approvals:
        return
    if info.approvals is not None:  # written, but empty
        path: tuple = ("plan", "approvals")
    else:
        path = ("plan",)
    yield ctx.finding(
        "D002",
        "the plan has no approvals",
        path,
        at_key=True,
        hint="add approvals: [{person: ID, title: TEXT, date: DATE}] under plan",
    )


DOCS: dict[str, str] = {
    "D001": """\
What: the plan's review is overdue: plan.review.last + plan.review.every falls before the
  as-of date (--as-of; default today, or SOURCE_DATE_EPOCH's date). A plan with no
  plan.review at all is also reported (pointing at plan:), because it can never be
  shown to be current.
Why: sites, people and systems change; a plan nobody reviews describes a company that no
  longer exists. ISO 22301 8.6 and 9.3 (evaluation at planned intervals), NIST SP 800-34
  plan maintenance (at least yearly), Korea's yearly disaster-management plan.
Example:
  plan:
    ...
    review: {last: 2024-01-15, every: 1y}     # checked --as-of 2026-11-24
Fix: review the plan, then set review.last to the date of the review.""",
    "D002": """\
What: the plan has no approvals (plan.approvals missing or empty).
Why: a continuity plan is management's commitment; an unapproved one has no authority
  when it is needed. ISO 22301 5.1 and 7.5.2 (review and approval of documented
  information), NIST SP 800-34 plan approval page.
Example:
  plan: {id: bcp, title: BCP, organization: Example, version: "1.0", owner: crisis}
Fix: add approvals: [{person: ceo, title: CEO, date: 2026-10-01}] under plan, with the
  people who signed the plan.""",
    "D003": """\
What: an entry of checks.ignore matches no finding: no finding of its rule (and, when it
  gives one, about its target) was reported. D003 itself cannot be accepted.
Why: accepted risks must stay true. A stale acceptance hides the next real finding of
  the same rule and target, and misstates the risk register in the document's findings
  appendix (ISO 22301 8.2.3 risk treatment, 10.2 continual improvement).
Example:
  checks:
    ignore:
      - {rule: L001, target: legacy-batch, reason: "retired in Q3"}
  # legacy-batch was since removed, or now survives every loss
Fix: remove the entry, or correct its rule or target.""",
}
