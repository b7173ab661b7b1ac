"""Validation of one plan, end to end: read → model → analysis → rules → findings.

    load (reader + loader)  →  schema (pydantic model)  →  Context (index, graph,
    site-loss analysis computed once, lazily)  →  every rule in the registry  →
    checks.ignore  →  findings located at file:line:col and sorted.

A plan whose files cannot be read or whose model cannot be built stops after the
Y/S findings: the rules stand on a typed model. Rules get the same Context, so the
site-loss analysis is computed at most once per plan.
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass, field

from .context import Context
from .findings import Finding, Severity
from .loader import LoadedPlan, PlanSource, load, locate
from .model import Plan
from .rules.registry import RULES, get, severity
from .schema import check as schema_check


@dataclass
class Result:
    source: PlanSource
    loaded: LoadedPlan
    plan: Plan | None
    ctx: Context | None
    as_of: dt.date
    #: every finding, located, with severity, sorted by file, line, column; accepted ones included
    findings: list[Finding] = field(default_factory=list)

    @property
    def reported(self) -> list[Finding]:
        """The findings `validate` prints: all but those that checks.ignore accepts."""
        return [f for f in self.findings if f.accepted is None]

    def count(self, sev: Severity) -> int:
        return sum(1 for f in self.reported if f.severity is sev)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)


def run_rules(ctx: Context, only: set[str] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for rule in RULES:
        if only is not None and rule.code not in only:
            continue
        fn = rule.check
        if fn is None:
            continue
        for f in fn(ctx):
            out.append(f)
    return out


def apply_ignores(plan: Plan, findings: list[Finding]) -> list[Finding]:
    """Mark findings accepted by checks.ignore; return D003 findings for stale entries."""
    entries = (plan.checks.ignore if plan.checks and plan.checks.ignore else None) or []
    stale: list[Finding] = []
    for i, e in enumerate(entries):
        rule = get(e.rule)
        if rule is None or not rule.acceptable:
            continue  # S002, reported by the schema rules
        code = rule.code
        matched = False
        for f in findings:
            if f.code == code and (e.target is None or f.target == e.target):
                if f.accepted is None:
                    f.accepted = e.reason
                matched = True
        if not matched:
            what = f" about '{e.target}'" if e.target else ""
            stale.append(
                Finding(
                    "D003",
                    f"checks.ignore accepts {code}{what}, but no such finding is reported: remove the stale entry",
                    path=("checks", "ignore", i),
                    target=e.target,
                )
            )
    return stale


def validate_source(source: PlanSource, as_of: dt.date, *, analyse: bool = True) -> Result:
    was = gc.isenabled()
    gc.disable()  # the plan is a large acyclic tree: collection passes only cost time
    try:
        return _validate(source, as_of, analyse)
    finally:
        if was:
            gc.enable()


def _validate(source: PlanSource, as_of: dt.date, analyse: bool) -> Result:
    lp = load(source)
    findings = list(lp.findings)
    plan = ctx = None
    if lp.root is not None and not any(f.code == "S005" for f in findings):
        plan, schema_findings = schema_check(lp.root)
        findings.extend(schema_findings)
    root = lp.root

    def locator(path):
        return locate(root, path, default_file=lp.first_file)

    if plan is not None:
        ctx = Context(plan, as_of, locator=locator)
        rule_findings = run_rules(ctx) if analyse else []
        for f in rule_findings:
            f.severity = severity(f.code)
        rule_findings.extend(apply_ignores(plan, rule_findings))
        findings.extend(rule_findings)

    for f in findings:
        if f.location is None:
            f.location = locate(root, f.path, f.at_key, default_file=lp.first_file)
        f.severity = severity(f.code)
    findings.sort(key=Finding.sort_key)
    return Result(source, lp, plan, ctx, as_of, findings)
