"""What every rule receives: the plan, its index, the date, and the analysis (computed once)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .findings import Finding, Location, Path
from .index import Index
from .model import Component, Plan, Tier

if TYPE_CHECKING:  # pragma: no cover
    from .analysis.graph import Graph
    from .analysis.siteloss import Analysis


@dataclass
class Context:
    plan: Plan
    as_of: dt.date
    #: resolves a path of the merged plan to file:line:col (used by rules that need the file, e.g. logo)
    locator: "callable | None" = None
    index: Index = field(init=False)

    def __post_init__(self) -> None:
        self.index = Index.build(self.plan)

    # --- tiers --------------------------------------------------------------------------
    @cached_property
    def tiers(self) -> dict[str, Tier]:
        out: dict[str, Tier] = {}
        for t in self.plan.policy.tiers:
            out.setdefault(t.id, t)
        return out

    @cached_property
    def tier_rank(self) -> dict[str, int]:
        """0 = most critical (the first tier); unknown tiers rank last."""
        out: dict[str, int] = {}
        for i, t in enumerate(self.plan.policy.tiers):
            out.setdefault(t.id, i)
        return out

    def tier_of(self, c: Component) -> Tier | None:
        return self.tiers.get(c.tier)

    @property
    def tier0(self) -> Tier | None:
        return self.plan.policy.tiers[0] if self.plan.policy.tiers else None

    # --- derived, computed once ----------------------------------------------------------
    @cached_property
    def graph(self) -> "Graph":
        from .analysis.graph import Graph

        return Graph.build(self)

    @cached_property
    def analysis(self) -> "Analysis":
        from .analysis.siteloss import analyze

        return analyze(self)

    def locate(self, path: Path) -> Location | None:
        return self.locator(path) if self.locator else None

    @staticmethod
    def finding(code: str, message: str, path: Path = (), *, target: str | None = None, hint: str | None = None, at_key: bool = False) -> Finding:
        return Finding(code, message, path=path, target=target, hint=hint, at_key=at_key)
