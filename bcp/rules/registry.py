"""The rule catalogue: the one place that lists every rule (spec §5).

Each entry names its code, severity, one-line title and the family module that
implements it. In that module, the function named after the code in lower case
(``t001``) is the check: it takes a :class:`bcp.context.Context` and yields
findings. Rules of families Y and S are reported by the reader and the schema
stage and have no check function; their documentation still lives in their
module's ``DOCS``, like every rule's (``bcp rules CODE``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Iterable

from ..findings import Finding, Severity

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str
    module: str  # family module under bcp.rules

    @property
    def family(self) -> str:
        return self.code[0]

    def _mod(self):
        return importlib.import_module(f"bcp.rules.{self.module}")

    @property
    def check(self) -> Callable[..., Iterable[Finding]] | None:
        return getattr(self._mod(), self.code.lower(), None)

    @property
    def doc(self) -> str:
        return getattr(self._mod(), "DOCS", {}).get(self.code, "")

    @property
    def acceptable(self) -> bool:
        """Can ``checks.ignore`` accept it? (Not Y, S, R, P004, D003: spec §3.)"""
        return self.family in "TLOPCXD" and self.code not in ("P004", "D003")


RULES: tuple[Rule, ...] = (
    Rule("Y001", E, "YAML syntax error", "syntax"),
    Rule("Y002", E, "duplicate key in a mapping", "syntax"),
    Rule("Y003", E, "unsupported tag", "syntax"),
    Rule("Y004", E, "file is not UTF-8 text", "syntax"),
    Rule("Y005", E, "document too large, too deep, or alias expansion over the limit", "syntax"),
    Rule("S001", E, "required field missing", "schema"),
    Rule("S002", E, "wrong type or value", "schema"),
    Rule("S003", E, "unknown field", "schema"),
    Rule("S004", E, "malformed duration, date or id", "schema"),
    Rule("S005", E, "unsupported format version, or plan/policy missing or given twice", "schema"),
    Rule("R001", E, "reference to an id that does not exist, or of the wrong kind", "references"),
    Rule("R002", E, "id defined twice", "references"),
    Rule("R003", E, "dependency cycle", "references"),
    Rule("R004", W, "defined but never referenced", "references"),
    Rule("T001", E, "fewer sites than the tier's min_sites", "tiers"),
    Rule("T002", E, "fewer active sites than min_active_sites", "tiers"),
    Rule("T003", E, "all sites in fewer regions than min_regions", "tiers"),
    Rule("T004", E, "rto above the tier's max_rto", "tiers"),
    Rule("T005", E, "rpo above the tier's max_rpo", "tiers"),
    Rule("T006", E, "fewer data copies on distinct sites than min_data_copies", "tiers"),
    Rule("T007", W, "depends on a component of a less critical tier", "tiers"),
    Rule("T008", E, "RTO inversion: a dependency recovers more slowly than the dependent", "tiers"),
    Rule("L001", E, "does not survive the loss of a site or region", "loss"),
    Rule("L002", E, "recovery after a loss takes longer than the RTO", "loss"),
    Rule("L003", W, "surviving capacity below load", "loss"),
    Rule("L004", E, "capacity shortfall after a loss exceeds the survivors' spare capacity", "loss"),
    Rule("L005", E, "data lost, or RPO broken, after a loss", "loss"),
    Rule("L006", E, "a required ops-tool category does not survive a loss", "loss"),
    Rule("O001", E, "a required ops category has no tool at all", "ops"),
    Rule("O002", E, "a required ops tool runs on fewer sites than ops_tools_min_sites", "ops"),
    Rule("O003", W, "every monitoring tool that watches a site's components runs only on that site", "ops"),
    Rule("P001", E, "role has no members, or fewer than min_role_members", "people"),
    Rule("P002", W, "person has fewer than two contact channels", "people"),
    Rule("P003", W, "person is a member of more critical roles than allowed", "people"),
    Rule("P004", E, "escalation chain loops or points at a missing role", "people"),
    Rule("C001", W, "a site that no site-loss scenario names", "coverage"),
    Rule("C002", E, "scenario without procedures", "coverage"),
    Rule("C003", E, "tier-0 service with no procedure that some scenario lists", "coverage"),
    Rule("C004", W, "a procedure's expected time exceeds the RTO of a service that lists it", "coverage"),
    Rule("C005", W, "site-loss or region-loss scenario with no regulator or customers communication", "coverage"),
    Rule("X001", W, "component not covered by a passed exercise within exercise_every", "exercises"),
    Rule("X002", W, "the latest exercise of a scenario failed", "exercises"),
    Rule("X003", W, "backup restore test missing or older than backup_restore_test_every", "exercises"),
    Rule("D001", W, "plan review overdue", "document"),
    Rule("D002", W, "no approvals", "document"),
    Rule("D003", W, "a checks.ignore entry matches no finding", "document"),
)

BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}


def get(code: str) -> Rule | None:
    return BY_CODE.get(code.upper())


def severity(code: str) -> Severity:
    r = BY_CODE.get(code)
    return r.severity if r else Severity.ERROR
