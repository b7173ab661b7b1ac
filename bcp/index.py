"""Where every id of a plan is defined: the lookup that references and rules share."""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Path
from .model import Component, Plan

#: the kind of each id-bearing section (tiers live in policy.tiers)
SECTION_KIND = {
    "tiers": "tier",
    "sites": "site",
    "people": "person",
    "roles": "role",
    "services": "service",
    "data": "data",
    "ops_tools": "ops_tool",
    "scenarios": "scenario",
    "procedures": "procedure",
    "communications": "communication",
    "exercises": "exercise",
}
COMPONENT_KINDS = frozenset(("service", "data", "ops_tool"))


@dataclass(slots=True)
class Definition:
    id: str
    kind: str
    path: Path  # e.g. ("services", 3)
    obj: object


@dataclass
class Index:
    """All definitions by id. ``first`` is the first definition of each id."""

    defs: dict[str, list[Definition]] = field(default_factory=dict)

    @classmethod
    def build(cls, plan: Plan) -> "Index":
        idx = cls()
        defs = idx.defs
        for i, t in enumerate(plan.policy.tiers):
            defs.setdefault(t.id, []).append(Definition(t.id, "tier", ("policy", "tiers", i), t))
        for section, kind in SECTION_KIND.items():
            if section == "tiers":
                continue
            for i, obj in enumerate(getattr(plan, section)):
                defs.setdefault(obj.id, []).append(Definition(obj.id, kind, (section, i), obj))
        return idx

    def first(self, id_: str) -> Definition | None:
        d = self.defs.get(id_)
        return d[0] if d else None

    def of_kind(self, id_: str, *kinds: str) -> Definition | None:
        """The first definition of ``id_`` whose kind is one of ``kinds``."""
        for d in self.defs.get(id_, ()):
            if d.kind in kinds:
                return d
        return None

    def kind(self, id_: str) -> str | None:
        d = self.first(id_)
        return d.kind if d else None

    def component(self, id_: str) -> Component | None:
        d = self.of_kind(id_, *COMPONENT_KINDS)
        return d.obj if d else None  # type: ignore[return-value]

    def path(self, id_: str) -> Path | None:
        d = self.first(id_)
        return d.path if d else None
