"""`bcp build` end to end: the PDF and HTML read the way a reader reads them.

Each plan is built once per module (weasyprint takes seconds); the tests read the
files with poppler's pdftotext/pdffonts and pypdf, as a reviewer would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml
from conftest import AS_OF, plan_dict
from test_render import tiny_png

from bcp.engine import validate_source
from bcp.loader import PlanSource
from bcp.render import build as build_mod
from bcp.render.build import BuildError, build

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")

SDE = "1764000000"
HOSTILE = "<script>alert(1)</script> Continuity & <b>Plan</b>"


def rich_plan(**plan_over) -> dict:
    d = plan_dict()
    d["plan"].update(
        {
            "scope": "Checkout and its database",
            "distribution": ["Board", "SRE on-call"],
            "changes": [{"date": "2026-09-01", "version": "1.0", "summary": "First issue", "author": "Alice"}],
            "standards": ["iso-22301"],
        }
    )
    d["plan"].update(plan_over)
    d["policy"]["tiers"][0].update({"min_sites": 2, "min_data_copies": 2})
    d["sites"][0]["capacity"] = 100
    d["sites"][1]["capacity"] = 100
    d["services"] = [
        {
            "id": "checkout",
            "name": "Checkout",
            "owner": "crisis",
            "tier": "tier0",
            "rto": "30m",
            "depends_on": ["orders-db"],
            "procedures": ["failover"],
            "deployments": [{"site": "dc1", "mode": "active"}, {"site": "dc2", "mode": "hot"}],
        },
        {
            "id": "reports",
            "name": "Reports",
            "owner": "crisis",
            "tier": "tier1",
            "rto": "4h",
            "deployments": [{"site": "dc1", "mode": "active"}],
        },
    ]
    d["data"] = [
        {
            "id": "orders-db",
            "name": "Orders DB",
            "owner": "crisis",
            "tier": "tier0",
            "engine": "PostgreSQL",
            "rto": "30m",
            "copies": [
                {"site": "dc1", "role": "primary"},
                {"site": "dc2", "role": "replica", "replication": "sync"},
            ],
            "backups": {"every": "1d", "retention": "30d", "sites": ["dc2"], "last_restore_test": "2026-10-01"},
        }
    ]
    d["scenarios"] = [
        {
            "id": "dc1-fire",
            "name": "Fire at DC 1",
            "kind": "site-loss",
            "sites": ["dc1"],
            "lead": "crisis",
            "activation": "DC 1 unreachable for 10 minutes",
            "procedures": ["failover", "return"],
            "communications": ["tell-regulator"],
        }
    ]
    d["procedures"] = [
        {
            "id": "failover",
            "title": "Fail checkout over to DC 2",
            "owner": "crisis",
            "steps": [
                {"do": "Promote the DC 2 replica", "role": "crisis", "expected": "5m", "verify": "writes succeed"},
                {"do": "Move traffic to DC 2", "role": "crisis", "expected": "10m", "verify": "error rate below 1%"},
            ],
        },
        {
            "id": "return",
            "title": "Return to DC 1",
            "owner": "crisis",
            "phase": "reconstitution",
            "steps": [{"do": "Resync DC 1 and switch back", "role": "crisis"}],
        },
    ]
    d["communications"] = [
        {"id": "tell-regulator", "audience": "regulator", "channel": "phone", "within": "1h", "owner": "crisis"}
    ]
    d["exercises"] = [
        {"id": "ex1", "date": "2026-06-01", "kind": "failover", "scenario": "dc1-fire", "covers": ["checkout"],
         "result": "passed", "findings": ["DNS TTL too long"]}
    ]
    return d


def write_plan(folder, d: dict, name: str = "plan.yaml") -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(str(folder), name)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump({"bcp": 1, **d}, fh, allow_unicode=True, sort_keys=False)
    return path


def validate(path: str):
    return validate_source(PlanSource(name=path, files=[path]), AS_OF)


def git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="Plan Keeper", GIT_AUTHOR_EMAIL="k@example.org",
               GIT_COMMITTER_NAME="Plan Keeper", GIT_COMMITTER_EMAIL="k@example.org",
               GIT_AUTHOR_DATE="2026-10-02T10:00:00Z", GIT_COMMITTER_DATE="2026-10-02T10:00:00Z")
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env, check=True, capture_output=True)


def pdftext(pdf: str, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        cmd.append("-layout")
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*cmd, pdf, "-"], capture_output=True, check=True).stdout.decode("utf-8")


def npages(pdf: str) -> int:
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, check=True).stdout.decode()
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


@pytest.fixture(scope="module", autouse=True)
def source_date_epoch():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SDE)
        yield


@pytest.fixture(scope="module")
def en(tmp_path_factory):
    """An English plan in a git repository, with a hostile title, built once."""
    root = tmp_path_factory.mktemp("en")
    src = root / "repo"
    path = write_plan(src, rich_plan(title=HOSTILE))
    if shutil.which("git"):
        git(src, "init", "-q")
        git(src, "add", "plan.yaml")
        git(src, "commit", "-q", "-m", "Record the first checkout plan")
    res = validate(path)
    assert res.errors == 0, [(f.code, f.message) for f in res.findings]
    out = root / "out"
    files = build(res, str(out))
    return {"res": res, "out": str(out), "files": files, "path": path, "pdf": files[0], "html": files[1]}


@pytest.fixture(scope="module")
def ko(tmp_path_factory):
    """A Korean plan with a logo, an error (draft) and an accepted risk, built as PDF/A-3b."""
    root = tmp_path_factory.mktemp("ko")
    (root / "plan").mkdir()
    (root / "plan" / "logo.png").write_bytes(tiny_png())
    d = rich_plan(title="판교 화재 대비 업무연속성계획", organization="예시 주식회사", language="ko",
                  classification="confidential", standards=["kr-disaster-plan"], logo="logo.png")
    d["services"][0]["depends_on"] = ["orders-db", "ghost"]  # R001: an error, so only a draft builds
    d["checks"] = {"ignore": [{"rule": "T001", "target": "reports", "reason": "보고서는 하루 중단을 감수함"}]}
    d["policy"]["tiers"][1]["min_sites"] = 2
    path = write_plan(root / "plan", d)
    res = validate(path)
    assert res.errors > 0
    out = root / "out"
    files = build(res, str(out), formats=("pdf",), draft=True, pdf_variant="pdf/a-3b")
    return {"res": res, "out": str(out), "files": files, "path": path, "pdf": files[0]}


# --- files -------------------------------------------------------------------------------------


def test_writes_plan_id_named_pair(en):
    assert [os.path.basename(f) for f in en["files"]] == ["test-plan.pdf", "test-plan.html"]
    assert sorted(os.listdir(en["out"])) == ["test-plan.html", "test-plan.pdf"]


def test_refuses_errors_without_draft(ko, tmp_path):
    with pytest.raises(BuildError, match="--draft"):
        build(ko["res"], str(tmp_path / "x"))
    assert not (tmp_path / "x").exists() or not os.listdir(tmp_path / "x")


def test_bad_format_and_variant(en, tmp_path):
    with pytest.raises(BuildError):
        build(en["res"], str(tmp_path), formats=("docx",))
    with pytest.raises(BuildError):
        build(en["res"], str(tmp_path), pdf_variant="pdf/x-9")


# --- what the reader sees -------------------------------------------------------------------------


def test_pdf_text_has_headings_and_plan_numbers(en):
    text = pdftext(en["pdf"])
    for heading in ("Document control", "Executive summary", "Business impact analysis", "Sites and redundancy",
                    "Impact of site and region loss", "Roles and on-call", "Scenarios and activation",
                    "Response procedures", "Reconstitution", "Exercises", "Data stores and backups",
                    "Appendix A. Contacts", "Appendix C. Standards cross-reference"):
        assert heading in text, heading
    assert "test-plan" in text and "Version 1.0" in text
    assert "24 November 2026" in text  # the as-of date, in the plan's language
    assert "Fail checkout over to DC 2" in text and "Promote the DC 2 replica" in text
    assert "PostgreSQL" in text and "30m" in text
    assert "First issue" in text
    assert "iso-8.4.1" in text  # the standards row of plan.standards
    assert "DRAFT" not in text


def test_impact_lists_what_is_not_up(en):
    text = pdftext(en["pdf"], layout=True)
    # losing dc1 takes the single-site reports service down, with its cause chain
    assert re.search(r"reports\s+tier1\s+down", text)
    assert "reports → dc1" in text


def test_toc_page_numbers_match_heading_pages(en):
    pdf = en["pdf"]
    toc = pdftext(pdf, 2, 2, layout=True)
    entries = re.findall(r"^\s*(\d+\.|Appendix [A-C]\.)\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", toc, re.M)
    assert len(entries) >= 12
    for num, title, page in entries:
        heading = f"{num} {title}" if num[0].isdigit() else f"{num} {title}"
        page_text = pdftext(pdf, int(page), int(page))
        assert heading in page_text, (heading, page)
        # and it is a heading there: on no earlier page after the contents
        for p in range(3, int(page)):
            assert heading not in pdftext(pdf, p, p), (heading, p)


def test_running_header_and_footer(en):
    n = npages(en["pdf"])
    text = pdftext(en["pdf"], 3, 3)
    assert "INTERNAL" in text
    assert f"Page 3 of {n}" in text
    assert "test-plan · Version 1.0" in text


def test_git_history_in_document_control(en):
    if not shutil.which("git"):
        pytest.skip("git not installed")
    text = pdftext(en["pdf"])
    assert "Record the first checkout plan" in text
    assert "Plan Keeper" in text


def test_korean_document(ko):
    pdf = ko["pdf"]
    text = pdftext(pdf)
    for heading in ("문서 관리", "요약", "사업영향분석", "사이트 및 이중화", "역할 및 당직", "대응 절차", "부록 B. 검증 결과"):
        assert heading in text, heading
    assert "판교 화재 대비 업무연속성계획" in text
    assert "2026년 11월 24일" in text
    assert "대외비" in text
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, check=True).stdout.decode()
    kr = [line for line in fonts.splitlines() if "CJK-KR" in line]
    assert kr, fonts
    assert all(" yes yes " in line for line in kr)  # embedded, subset


def test_korean_document_has_no_english_labels(ko):
    """Every English word of the Korean body (cover to contacts) is plan data or an acronym."""
    text = pdftext(ko["pdf"])
    body = text[:text.rindex("부록 B. 검증 결과")]  # the findings' messages are English by design
    with open(ko["path"], encoding="utf-8") as fh:
        data = fh.read()
    allowed = {"ID", "RTO", "RPO", "DRAFT", "DNS", "IAM"}
    stray = sorted({w for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", body) if w not in data and w not in allowed})
    assert stray == []


def test_english_document_has_no_korean_labels(en):
    text = pdftext(en["pdf"])
    assert re.findall(r"[\uac00-\ud7a3]+", text) == []


def test_draft_mark_on_every_page(ko):
    pdf = ko["pdf"]
    for p in range(1, npages(pdf) + 1):
        assert "DRAFT 초안" in pdftext(pdf, p, p), p


def test_findings_appendix_with_locations_and_accepted_risks(ko):
    text = pdftext(ko["pdf"])
    assert "R001" in text
    assert re.search(r"plan\.yaml:\d+:\d+", text)
    assert "보고서는 하루 중단을 감수함" in text  # the reason of the accepted T001
    assert "수용된 위험" in text


def test_plan_files_are_attached(en, ko):
    pypdf = pytest.importorskip("pypdf")
    for built in (en, ko):
        reader = pypdf.PdfReader(built["pdf"])
        with open(built["path"], "rb") as fh:
            assert reader.attachments["plan.yaml"] == [fh.read()]
    root = pypdf.PdfReader(ko["pdf"]).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp and b"<pdfaid:part>3</pdfaid:part>" in xmp.replace(b'pdfaid:part="3"', b"<pdfaid:part>3</pdfaid:part>")
    assert "/AF" in root  # PDF/A-3: the attachment is an associated file


# --- HTML -------------------------------------------------------------------------------------------


def test_html_escapes_plan_text_and_is_self_contained(en):
    html = open(en["html"], encoding="utf-8").read()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert "<b>plan</b>" not in html.lower()
    assert "javascript:" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", html, re.I)
    assert "<link" not in html.lower()  # CSS is inline
    assert '"Noto Sans CJK KR", "Noto Sans KR", "NanumGothic"' in html
    assert "@font-face" not in html  # names a font stack, embeds no font


# --- reproducible and atomic ---------------------------------------------------------------------------


def test_rebuild_is_byte_identical(en, tmp_path):
    files = build(en["res"], str(tmp_path))
    for a, b in zip(en["files"], files):
        assert subprocess.run(["cmp", a, b]).returncode == 0, (a, b)


def test_failed_build_leaves_old_files_untouched(en, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(en["out"], out)
    before = {n: (out / n).read_bytes() for n in os.listdir(out)}
    rendered = []
    real_render_html = build_mod.render_html

    def spy_html(*a, **k):
        rendered.append(k.get("media"))
        return real_render_html(*a, **k)

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(build_mod, "render_html", spy_html)
    monkeypatch.setattr(build_mod, "render_pdf", boom)
    with pytest.raises(RuntimeError):
        build(en["res"], str(out))
    assert "html" in rendered  # it failed after the HTML was rendered and staged
    assert sorted(os.listdir(out)) == sorted(before)  # no temporary file left
    for n, data in before.items():
        assert (out / n).read_bytes() == data


def test_refused_fetch_fails_the_pdf(en):
    html = '<html><body><p>x</p><img src="http://example.com/x.png"></body></html>'
    with pytest.raises(BuildError, match="may not fetch"):
        build_mod.render_pdf(html, en["res"], logo=None, attachments=[], stamp_dt=__import__("datetime").datetime(2026, 1, 1),
                             pdf_variant=None)
    html = '<html><body><img src="file:///etc/hostname"></body></html>'
    with pytest.raises(BuildError, match="may not fetch"):
        build_mod.render_pdf(html, en["res"], logo=None, attachments=[], stamp_dt=__import__("datetime").datetime(2026, 1, 1),
                             pdf_variant=None)


def test_logo_is_drawn_in_the_pdf(ko):
    if not shutil.which("pdfimages"):
        pytest.skip("pdfimages not installed")
    out = subprocess.run(["pdfimages", "-list", "-f", "1", "-l", "1", ko["pdf"]], capture_output=True, check=True).stdout.decode()
    assert re.search(r"^\s*1\s+\d+\s+image\s+1\s+1\s", out, re.M), out


def test_metadata_dates_come_from_source_date_epoch(en):
    pypdf = pytest.importorskip("pypdf")
    info = pypdf.PdfReader(en["pdf"]).metadata
    assert info["/CreationDate"].startswith("D:20251124160000")
    assert info["/ModDate"].startswith("D:20251124160000")
