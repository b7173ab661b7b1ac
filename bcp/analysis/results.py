"""The shapes the site-loss analysis produces, read by rules, `bcp simulate` and the document.

All times are in seconds (ints). Everything here is computed once per plan by
:func:`bcp.analysis.siteloss.analyze`; nothing downstream recomputes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

State = Literal["up", "degraded", "down", "lost"]
STATE_ORDER = {"up": 0, "degraded": 1, "down": 2, "lost": 3}


@dataclass(slots=True)
class ComponentState:
    """One component after one loss."""

    id: str
    kind: str  # "service" | "data" | "ops_tool"
    tier: str
    state: State
    #: estimated recovery time (None when down or lost)
    recovery: int | None
    rto: int  # the component's effective RTO (its own, else its tier's max_rto)
    #: effective RPO after the loss (data: §4; service: worst of the stores it depends on; None: n/a or lost)
    rpo: int | None = None
    rpo_target: int | None = None  # effective target (own rpo, else tier max_rpo); None for ops tools
    #: capacity of the surviving deployments (None when the service has no load/capacity figures)
    capacity: float | None = None
    load: float | None = None
    short: float = 0.0  # load - surviving capacity, when positive (L003)
    unabsorbed: float = 0.0  # what the survivors' pooled spare capacity could not absorb (L004)
    restored_from_backup: bool = False  # data: no copy survived, a backup site did
    #: the cause chain for anything not `up`: ids from this component down to the lost site(s),
    #: e.g. ["media", "media-store", "pangyo"]
    cause: list[str] = field(default_factory=list)
    #: which deployment/copy index (into deployments or copies) gave the recovery time, if any
    via: int | None = None


@dataclass(slots=True)
class Loss:
    key: str  # "site:pangyo", "region:gyeonggi", "scenario:fire"
    kind: Literal["site", "region", "scenario"]
    label: str  # "pangyo", "region gyeonggi", scenario name
    sites: frozenset[str]
    #: tier ids that must survive this loss (spec §4: min_sites >= 2 for a single site,
    #: min_regions >= 2 for a region; declared scenarios: none, they are informational)
    must_survive: frozenset[str] = frozenset()
    scenario: str | None = None  # scenario id, for kind "scenario"


@dataclass
class LossResult:
    loss: Loss
    #: states of the components that are NOT up (everything absent is `up`). For analysed
    #: losses this is a read-only mapping that builds states when read: membership, len()
    #: and .get() are cheap; iterating builds every state of that loss.
    affected: Mapping[str, ComponentState]
    #: required ops categories (policy.required_ops) left with no surviving tool
    ops_lost: list[str] = field(default_factory=list)
    #: per tier id: count of components in each state (including "up")
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def state_of(self, cid: str) -> str:
        s = self.affected.get(cid)
        return s.state if s else "up"


@dataclass
class Analysis:
    #: one result per loss: every single site, every region, every site-loss/region-loss scenario,
    #: in that order (sites in plan order, regions in order of first appearance, scenarios in plan order)
    results: list[LossResult]

    def by_key(self, key: str) -> LossResult | None:
        for r in self.results:
            if r.loss.key == key:
                return r
        return None


def cause_text(cause: list[str], lost: frozenset[str] | set[str]) -> str:
    """A cause chain as text: the components joined by arrows, then the lost site(s) that took
    the last of them. Several lost sites are one step ("commerce-db → pangyo + ansan"): written
    as arrows they would read as if one site depended on the other."""
    if not cause:
        return ""
    k = len(cause)
    while k > 1 and cause[k - 1] in lost:
        k -= 1
    comps, sites = list(cause[:k]), list(cause[k:])
    steps = comps + ([" + ".join(sites)] if sites else [])
    return " → ".join(steps)
