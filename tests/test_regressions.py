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


def _logo_findings(tmp_path, name: str, content: bytes | None):
    from bcp.engine import validate_source
    from bcp.loader import discover

    target = tmp_path / name
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    d = plan_dict()
    d["plan"]["logo"] = name
    p = tmp_path / "plan.yaml"
    p.write_text(yaml.safe_dump({"bcp": 1, **d}), encoding="utf-8")
    r = validate_source(discover([str(p)])[0], AS_OF)
    return [f for f in r.findings if f.code == "S002" and f.path == ("plan", "logo")]


def test_validate_checks_the_logo_the_way_build_reads_it(tmp_path):
    """A logo that `build` would refuse is an S002 finding already, so a clean validate builds."""
    (bad_png,) = _logo_findings(tmp_path, "logo.png", b"not really a png")
    assert "not a PNG, JPEG or SVG" in bad_png.message
    (bad_svg,) = _logo_findings(tmp_path, "evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
    assert "scripts" in bad_svg.message
    (folder,) = _logo_findings(tmp_path, "dir.png", None)
    assert "is not a file" in folder.message
    assert _logo_findings(tmp_path, "ok.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32) == []


def test_hints_quote_numbers_as_they_were_written(tmp_path):
    d = plan_dict()
    p = tmp_path / "plan.yaml"
    text = yaml.safe_dump({"bcp": 1, **d}).replace("version: '1.0'", "version: 1.10")
    assert "version: 1.10" in text
    p.write_text(text, encoding="utf-8")
    from bcp.engine import validate_source
    from bcp.loader import discover

    r = validate_source(discover([str(p)])[0], AS_OF)
    (f,) = [f for f in r.findings if f.path == ("plan", "version")]
    assert f.code == "S002" and '"1.10"' in f.hint


def test_an_accepted_risk_needs_a_reason(tmp_path):
    d = plan_dict()
    d["checks"] = {"ignore": [{"rule": "D001", "reason": "  "}]}
    r = _result(tmp_path, d)
    (f,) = [f for f in r.findings if f.code == "S001"]
    assert f.path == ("checks", "ignore", 0, "reason")
    d["checks"]["ignore"][0]["reason"] = "reviewed weekly instead"
    assert not [f for f in _result(tmp_path, d).findings if f.code == "S001"]
