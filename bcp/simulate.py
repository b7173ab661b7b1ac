"""`bcp simulate PLAN --lose SITE[,SITE…]`: the state of every component after a loss, as a table (spec §4).

One row per component, most critical tier first, then the worst state first, then id:
id, name, tier, state, recovery against RTO, RPO against its target, and why (the
cause chain). ``text`` is an aligned plain-text table; ``json`` gives the same rows.
"""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING

from .analysis.results import STATE_ORDER, ComponentState, LossResult, cause_text
from .analysis.siteloss import state_of
from .types import format_duration

if TYPE_CHECKING:  # pragma: no cover
    from .context import Context

HEADERS = ("id", "name", "tier", "state", "recovery / rto", "rpo / target", "why")


def _dur(seconds: int | None) -> str | None:
    return None if seconds is None else format_duration(seconds)


def rows(ctx: "Context", result: LossResult) -> list[tuple[ComponentState, str]]:
    """(state, name) of every component, in table order."""
    g = ctx.graph
    out = [(state_of(ctx, result, cid), c.name) for cid, c in g.comps.items()]
    out.sort(key=lambda r: (g.rank.get(r[0].id, 1 << 30), -STATE_ORDER.get(r[0].state, 0), r[0].id))
    return out


def _width(text: str) -> int:
    """Display width: East Asian wide characters (Korean names) take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pair(value: int | None, target: int | None) -> str:
    if value is None and target is None:
        return "—"
    return f"{format_duration(value)} / {format_duration(target)}"


def format_table(ctx: "Context", result: LossResult, fmt: str = "text") -> str:
    table = rows(ctx, result)
    if fmt == "json":
        doc = {
            "lost": sorted(result.loss.sites),
            "components": [
                {
                    "id": st.id,
                    "name": name,
                    "tier": st.tier,
                    "state": st.state,
                    "recovery": _dur(st.recovery),
                    "rto": _dur(st.rto),
                    "rpo": _dur(st.rpo),
                    "rpo_target": _dur(st.rpo_target),
                    "cause": list(st.cause),
                }
                for st, name in table
            ],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}: use text or json")
    lines = [list(HEADERS)]
    for st, name in table:
        lines.append([
            st.id,
            name,
            st.tier,
            st.state,
            _pair(st.recovery, st.rto),
            _pair(st.rpo, st.rpo_target),
            cause_text(st.cause, result.loss.sites),
        ])
    widths = [max(_width(row[k]) for row in lines) for k in range(len(HEADERS))]
    out = []
    for row in lines:
        cells = [cell + " " * (widths[k] - _width(cell)) for k, cell in enumerate(row)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out) + "\n"
