"""Bugs found in review, each pinned by the smallest plan that showed it."""

from __future__ import annotations

import datetime as dt

import yaml
from conftest import AS_OF, plan_dict


def _result(tmp_path, d: dict):
    from bcp.engine import validate_source
    from bcp.loader import discover

    p = tmp_path / "plan.yaml"
    p.write_text(yaml.safe_dump({"bcp": 1, **d}, allow_unicode=True), encoding="utf-8")
    return validate_source(discover([str(p)])[0], AS_OF)


def _svc(id_, tier, sites, **kw):
    return {"id": id_, "name": id_, "owner": "crisis", "tier": tier,
            "deployments": [{"site": s, "mode": "active"} for s in sites], **kw}


def test_a_draft_of_a_plan_with_an_unknown_tier_renders(tmp_path):
    """A mistyped tier leaves a component without an RTO: the document must still render (--draft)."""
    from bcp.render.build import render_html

    svc = _svc("web", "criticl", ["dc1"])
    svc["deployments"].append({"site": "dc2", "mode": "hot"})  # losing dc1: recovers in 5m, against no RTO
    r = _result(tmp_path, plan_dict(services=[svc]))
    assert any(f.code == "R001" for f in r.findings)
    html = render_html(r, draft=True, media="html", logo=None, git=[], stamp="")
    assert "web" in html


def test_a_component_that_is_down_shows_no_recovery_point(tmp_path):
    from bcp.analysis.siteloss import simulate

    db = {"id": "db", "name": "db", "owner": "crisis", "tier": "tier1", "copies": [{"site": "dc2", "role": "primary"}]}
    r = _result(tmp_path, plan_dict(services=[_svc("web", "tier1", ["dc1"], depends_on=["db"])], data=[db]))
    st = simulate(r.ctx, frozenset({"dc1"})).affected["web"]
    assert st.state == "down"
    assert st.rpo is None
