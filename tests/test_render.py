"""The renderer's parts without weasyprint: labels, the view, the logo, git, the HTML page.

Fast: these render HTML only (jinja2), never a PDF.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import subprocess
import zlib
from types import SimpleNamespace

import pytest
from conftest import AS_OF, make_context, plan_dict

from bcp.findings import Finding, Location, Severity
from bcp.render import sources
from bcp.render.build import css_string, render_html
from bcp.render.i18n import T, date_long, date_short, labels
from bcp.render.standards_data import STANDARDS
from bcp.render.view import MATRIX_GROUP_OVER, build_view


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"  # one red pixel, filter byte 0
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def result_for(d: dict, files=("plan.yaml",), findings=()):
    ctx = make_context(d)
    return SimpleNamespace(source=SimpleNamespace(name=files[0], files=list(files)), plan=ctx.plan, ctx=ctx,
                           findings=list(findings), as_of=AS_OF)


def two_site_plan() -> dict:
    d = plan_dict()
    d["services"] = [
        {"id": "api", "name": "API", "owner": "crisis", "tier": "tier0",
         "deployments": [{"site": "dc1", "mode": "active"}, {"site": "dc2", "mode": "warm"}]},
        {"id": "batch", "name": "Batch", "owner": "crisis", "tier": "tier1", "deployments": [{"site": "dc1", "mode": "active"}]},
    ]
    return d


# --- labels -------------------------------------------------------------------------------------


def test_every_label_has_both_languages():
    missing = [k for k, v in T.items() if "en" not in v or "ko" not in v or not (v["en"] or v["ko"])]
    assert missing == []


def test_labels_and_dates_follow_the_language():
    assert labels("ko")["h.bia"] == "사업영향분석"
    assert labels("en")["h.bia"] == "Business impact analysis"
    assert labels("xx")["h.bia"] == "Business impact analysis"
    assert date_long(dt.date(2026, 3, 5), "ko") == "2026년 3월 5일"
    assert date_long(dt.date(2026, 3, 5), "en") == "5 March 2026"
    assert date_short(dt.date(2026, 3, 5), "ko") == "2026. 03. 05."
    assert labels("ko")["draft"] == "DRAFT 초안"


def test_css_string_escapes_everything_but_plain_letters():
    assert css_string("Page") == '"Page"'
    out = css_string('x"; } body { display:none')
    assert '"' not in out[1:-1] and ";" not in out and "{" not in out
    assert css_string("쪽") == '"\\00cabd"'


# --- the view ----------------------------------------------------------------------------------------


def test_impact_lists_components_not_up_with_cause_and_counts():
    doc = build_view(result_for(two_site_plan()), draft=False, git_log=[], logo_uri=None)
    losses = {x["key"]: x for x in doc.data["impact"]["losses"]}
    dc1 = losses["site:dc1"]
    rows = {r["id"]: r for r in dc1["detail"]}
    assert rows["batch"]["state"] == "down" and rows["batch"]["cause"] == "batch → dc1"
    # api takes over within its targets: counted and named, not a table row
    assert "api" not in rows
    assert [(g["tier"], g["count"], [x["id"] for x in g["first"]]) for g in dc1["within"]] == [("tier0", 1, ["api"])]
    assert [c["tier"] for c in dc1["counts"]] == ["tier0", "tier1"]
    assert dc1["counts"][1]["down"] == 1
    assert losses["site:dc2"]["detail"] == []
    # the worst single-site loss is dc1
    assert doc.data["impact"]["worst"][0]["key"] == "site:dc1"


def test_matrix_cells_carry_letters():
    doc = build_view(result_for(two_site_plan()), draft=False, git_log=[], logo_uri=None)
    rows = {r["ids"][0]: r for r in doc.data["matrix"]["rows"]}
    assert rows["api"]["cells"] == {"dc1": [("A", "m-active")], "dc2": [("W", "m-warm")]}
    assert doc.data["matrix"]["grouped"] is False


def test_large_plans_group_identical_placements():
    d = plan_dict()
    n = MATRIX_GROUP_OVER + 40
    d["services"] = [
        {"id": f"s{i}", "name": f"S{i}", "owner": "crisis", "tier": "tier1",
         "deployments": [{"site": "dc1", "mode": "active"}, {"site": "dc2", "mode": "hot" if i % 2 else "cold"}]}
        for i in range(n)
    ]
    doc = build_view(result_for(d), draft=False, git_log=[], logo_uri=None)
    m = doc.data["matrix"]
    assert m["grouped"] and len(m["rows"]) == 2
    assert sum(len(r["ids"]) for r in m["rows"]) == n
    assert len(doc.data["bia"]) == n  # the BIA still names every component


def many_services_plan(n: int, single_site_every: int = 1) -> dict:
    """n tier1 services: every ``single_site_every``-th one runs on dc1 only, the others fail over to dc2."""
    d = plan_dict()
    d["services"] = [
        {"id": f"s{i:04d}", "name": f"S{i}", "owner": "crisis", "tier": "tier1",
         "deployments": [{"site": "dc1", "mode": "active"}]
         + ([] if i % single_site_every == 0 else [{"site": "dc2", "mode": "hot"}])}
        for i in range(n)
    ]
    return d


def test_impact_lists_every_down_component_and_counts_the_rest():
    from bcp.render.view import IMPACT_TABLE_MAX, WITHIN_NAMED

    n = 3 * IMPACT_TABLE_MAX
    doc = build_view(result_for(many_services_plan(n, single_site_every=2)), draft=False, git_log=[], logo_uri=None)
    dc1 = {x["key"]: x for x in doc.data["impact"]["losses"]}["site:dc1"]
    down = [f"s{i:04d}" for i in range(0, n, 2)]
    # more down than a table holds: every one of them is still named, compactly, in plan order
    listed = [e["id"] for g in dc1["compact"] for e in g["entries"]] + [r["id"] for r in dc1["detail"]]
    assert sorted(listed) == down
    assert dc1["n_compact"] == len(down) and dc1["detail"] == []
    # those that recover within their targets: a count per tier and only the first few names
    (g,) = dc1["within"]
    assert g["count"] == n - len(down) and len(g["first"]) == WITHIN_NAMED and g["more"] == g["count"] - WITHIN_NAMED
    assert dc1["not_up"] == n and dc1["down"] == len(down)


def test_large_plans_move_the_register_to_an_appendix_and_aggregate_the_matrix():
    from bcp.render.view import BIA_INLINE_MAX

    n = BIA_INLINE_MAX + 10
    doc = build_view(result_for(many_services_plan(n, single_site_every=3)), draft=False, git_log=[], logo_uri=None)
    assert doc.data["large"]
    assert doc.data["ch"]["register"]["title"] == "Appendix C. Component register"
    assert len(doc.data["bia"]) == n and doc.data["bia"][0]["placement"] == "dc1 A"
    t1 = {t["id"]: t for t in doc.data["bia_tiers"]}["tier1"]
    assert t1["services"] == n
    m = doc.data["matrix"]
    assert m["aggregated"] and len(m["rows"]) == 1  # one tier, one kind
    cells = m["rows"][0]["cells"]
    assert cells["dc1"] == [(f"A {n:,}", "m-active")]
    assert cells["dc2"] == [(f"H {n - len(range(0, n, 3)):,}", "m-hot")]
    html = render_html(result_for(many_services_plan(n, 3)), draft=False, media="html", logo=None, git=[], stamp="x")
    assert html.count("<tr><td>s0") == n  # the register names each component once


def test_exercise_due_lists_overdue_components():
    d = two_site_plan()
    d["policy"]["tiers"][0]["exercise_every"] = "1y"
    d["exercises"] = [{"id": "e1", "date": "2026-01-10", "kind": "failover", "covers": ["api"], "result": "passed"}]
    doc = build_view(result_for(d), draft=False, git_log=[], logo_uri=None)
    due = {x["tier"]: x for x in doc.data["exercise_due"]}
    assert due["tier0"]["overdue"] == [] and due["tier0"]["current"] == "1 / 1"
    assert due["tier0"]["next"] == "2027-01-10"
    d["exercises"][0]["date"] = "2025-01-10"
    doc = build_view(result_for(d), draft=False, git_log=[], logo_uri=None)
    assert {x["tier"]: x for x in doc.data["exercise_due"]}["tier0"]["overdue"] == ["api"]


def test_standards_rows_show_answering_chapters_and_missing_fields():
    d = two_site_plan()
    d["plan"]["standards"] = ["iso-22301", "nist-800-34"]
    doc = build_view(result_for(d), draft=False, git_log=[], logo_uri=None)
    std = {s["key"]: s for s in doc.data["standards"]}
    assert [r["key"] for r in std["iso-22301"]["rows"]] == [r["key"] for r in STANDARDS["iso-22301"]]
    rows = {r["key"]: r for r in std["iso-22301"]["rows"]}
    control = doc.data["ch"]["control"]["n"]
    assert control in rows["iso-7.5.2"]["answered"]  # approvals and review are given
    assert "plan.distribution" in rows["iso-7.5.3"]["missing"]  # this plan has no distribution list
    assert "communications[]" in rows["iso-8.4.3a"]["missing"]
    assert rows["iso-8.2.2a"]["coverage"] == "none"
    assert "kr-disaster-plan" not in std


def test_findings_split_into_open_and_accepted():
    findings = [
        Finding("T001", "api runs on 1 site", location=Location("plan.yaml", 12, 5), severity=Severity.ERROR),
        Finding("L001", "batch does not survive dc1", location=Location("plan.yaml", 20, 7), severity=Severity.ERROR,
                accepted="retired in Q3"),
    ]
    doc = build_view(result_for(two_site_plan(), findings=findings), draft=True, git_log=[], logo_uri=None)
    assert doc.data["counts"] == {"error": 1, "warning": 0, "info": 0, "accepted": 1}
    assert doc.data["findings"][0]["where"] == "plan.yaml:12:5"
    assert doc.data["accepted"][0]["reason"] == "retired in Q3"


# --- HTML ----------------------------------------------------------------------------------------------

EVIL = '<img src=x onerror=alert(1)>"\'&'


def test_plan_text_is_escaped_everywhere():
    d = two_site_plan()
    d["plan"]["title"] = "{{ 7*7 }} " + EVIL
    d["plan"]["scope"] = "{% if true %}T{% endif %} " + EVIL
    d["roles"][0]["name"] = EVIL
    d["roles"][0]["duties"] = [EVIL]
    d["services"][0]["name"] = EVIL
    d["procedures"] = [{"id": "p", "title": EVIL, "owner": "crisis", "steps": [{"do": EVIL, "role": "crisis", "verify": EVIL}]}]
    d["scenarios"] = [{"id": "sc", "name": EVIL, "kind": "other", "lead": "crisis", "activation": EVIL, "procedures": ["p"]}]
    html = render_html(result_for(d), draft=False, media="html", logo=None, git=[], stamp="2026-11-24T00:00:00Z")
    assert "<img" not in html
    assert "onerror=alert(1)" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "{{ 7*7 }}" in html and "49 &lt;img" not in html  # text, never a template
    assert "{% if true %}T{% endif %}" in html
    assert "javascript:" not in html.lower()


def test_logo_is_inlined_in_html(tmp_path):
    (tmp_path / "logo.png").write_bytes(tiny_png())
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text("bcp: 1\n")
    logo = sources.read_logo("logo.png", str(plan_file))
    assert logo.mime == "image/png"
    html = render_html(result_for(two_site_plan(), files=(str(plan_file),)), draft=False, media="html", logo=logo,
                       git=[], stamp="2026-11-24T00:00:00Z")
    assert 'src="data:image/png;base64,' in html
    assert str(tmp_path) not in html


def test_korean_html_names_a_font_stack():
    d = two_site_plan()
    d["plan"]["language"] = "ko"
    html = render_html(result_for(d), draft=True, media="html", logo=None, git=[], stamp="2026-11-24T00:00:00Z")
    assert '<html lang="ko">' in html
    assert "사업영향분석" in html and "DRAFT 초안" in html
    assert '"Noto Sans CJK KR"' in html and "@font-face" not in html


# --- logo ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "logo, match",
    [
        ("https://example.com/logo.png", "not a URL"),
        ("file:///etc/passwd", "not a URL"),
        ("/etc/passwd", "relative"),
        ("../outside.png", "leaves"),
        ("missing.png", "does not exist"),
        ("notes.txt", "not a PNG"),
        ("evil.svg", "SVG"),
        ("remote.svg", "SVG"),
    ],
)
def test_logo_refused(tmp_path, logo, match):
    plans = tmp_path / "plans"
    plans.mkdir()
    (tmp_path / "outside.png").write_bytes(tiny_png())
    (plans / "notes.txt").write_text("hello")
    (plans / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    (plans / "remote.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x/y.png"/></svg>')
    with pytest.raises(sources.LogoError, match=match):
        sources.read_logo(logo, str(plans / "plan.yaml"))


def test_logo_symlink_out_of_the_plan_directory_is_refused(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (tmp_path / "secret.png").write_bytes(tiny_png())
    os.symlink(tmp_path / "secret.png", plans / "logo.png")
    with pytest.raises(sources.LogoError, match="leaves"):
        sources.read_logo("logo.png", str(plans / "plan.yaml"))


def test_plain_svg_logo_is_accepted(tmp_path):
    (tmp_path / "l.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>')
    assert sources.read_logo("l.svg", str(tmp_path / "plan.yaml")).mime == "image/svg+xml"


# --- git -------------------------------------------------------------------------------------------------


def test_git_log_of_a_repository(tmp_path):
    if not sources.shutil.which("git"):
        pytest.skip("git not installed")
    env = dict(os.environ, GIT_AUTHOR_NAME="Kim", GIT_AUTHOR_EMAIL="k@x", GIT_COMMITTER_NAME="Kim",
               GIT_COMMITTER_EMAIL="k@x", GIT_AUTHOR_DATE="2026-05-06T10:00:00Z", GIT_COMMITTER_DATE="2026-05-06T10:00:00Z")
    f = tmp_path / "plan.yaml"
    f.write_text("bcp: 1\n")
    (tmp_path / "other.txt").write_text("x")
    for args in (["init", "-q"], ["add", "plan.yaml"], ["commit", "-qm", "Add the plan"], ["add", "other.txt"],
                 ["commit", "-qm", "Unrelated"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    log = sources.git_log([str(f)])
    assert [(e["subject"], e["author"], e["date"]) for e in log] == [("Add the plan", "Kim", dt.date(2026, 5, 6))]
    assert re.fullmatch(r"[0-9a-f]{10}", log[0]["commit"])


def test_git_log_falls_back_quietly(tmp_path, monkeypatch):
    f = tmp_path / "plan.yaml"
    f.write_text("bcp: 1\n")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert sources.git_log([str(f)]) == []  # not a repository
    monkeypatch.setattr(sources.shutil, "which", lambda name: None)
    assert sources.git_log([str(f)]) == []  # git missing
