"""`bcp build` through the real command line (spec §6): files, formats, drafts, --strict,
several plans at once, and atomic output seen from the outside (failed and interrupted builds).

Every build here is a real `python -m bcp` process with SOURCE_DATE_EPOCH set; each
document is built once per module (a flagship build takes seconds).
"""

from __future__ import annotations

import datetime as dt
import filecmp
import glob
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLANS = os.path.join(ROOT, "plans")
SMALL = os.path.join(PLANS, "small-en.yaml")  # plan id northwind-shop-bcp
FLAGSHIP = os.path.join(PLANS, "kakao-messenger")  # plan id kakao-messenger-bcp
PANGYO = os.path.join(PLANS, "pangyo-2022.yaml")  # plan id pangyo-2022; has errors
# 2026-11-24 12:00 UTC: the example plans are clean (no errors, no warnings) on that day
SDE = str(int(dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc).timestamp()))
# a day on which small-en has warnings (exercises overdue) and no errors
WARN_DAY = "2025-11-24"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def env() -> dict:
    e = dict(os.environ)
    e["SOURCE_DATE_EPOCH"] = SDE
    return e


def bcp(*args, cwd, preexec_fn=None, timeout=120):
    """Run `python -m bcp` (cwd outside the repository, so nothing lands in output/)."""
    p = subprocess.run([sys.executable, "-m", "bcp", *map(str, args)], capture_output=True, text=True,
                       cwd=str(cwd), env=env(), timeout=timeout, preexec_fn=preexec_fn)
    assert "Traceback" not in p.stdout and "Traceback" not in p.stderr, p.stderr
    return p.returncode, p.stdout, p.stderr


def pdftext(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")


def listing(folder) -> list[str]:
    return sorted(os.listdir(folder))


def temporaries(folder) -> list[str]:
    return [n for n in os.listdir(folder) if n.endswith(".tmp") or n.startswith(".")]


def bcp_lines(stderr: str) -> list[str]:
    """The CLI's own messages (findings are FILE:LINE:COL lines)."""
    return [ln for ln in stderr.splitlines() if ln.startswith("bcp:") or ln.startswith("Error:")]


# --- fixtures: each document built once -------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """small-en built with the defaults (PDF and HTML)."""
    work = tmp_path_factory.mktemp("small")
    out = work / "out"
    rc, stdout, stderr = bcp("build", SMALL, "-o", out, cwd=work)
    return {"rc": rc, "stdout": stdout, "stderr": stderr, "out": out, "work": work}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """small-en and the flagship in one call (the CLI builds them in a process pool)."""
    work = tmp_path_factory.mktemp("both")
    out = work / "out"
    t0 = time.perf_counter()
    rc, stdout, stderr = bcp("build", SMALL, FLAGSHIP, "-o", out, cwd=work)
    return {"rc": rc, "stdout": stdout, "stderr": stderr, "out": out, "seconds": time.perf_counter() - t0}


@pytest.fixture(scope="module")
def pangyo_draft(tmp_path_factory):
    work = tmp_path_factory.mktemp("draft")
    out = work / "out"
    rc, stdout, stderr = bcp("build", PANGYO, "-o", out, "--draft", "-f", "pdf", cwd=work)
    return {"rc": rc, "stdout": stdout, "stderr": stderr, "out": out}


# --- one plan ------------------------------------------------------------------------------------


def test_build_writes_the_pair_named_after_the_plan_id_and_prints_the_paths(small):
    assert small["rc"] == 0, small["stderr"]
    out = small["out"]
    assert listing(out) == ["northwind-shop-bcp.html", "northwind-shop-bcp.pdf"]
    assert small["stdout"].splitlines() == [str(out / "northwind-shop-bcp.pdf"), str(out / "northwind-shop-bcp.html")]
    assert small["stderr"] == ""  # a clean plan: nothing to say
    assert (out / "northwind-shop-bcp.pdf").read_bytes().startswith(b"%PDF-")
    html = (out / "northwind-shop-bcp.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    text = pdftext(out / "northwind-shop-bcp.pdf")
    assert "Northwind" in text and "DRAFT" not in text and "DRAFT" not in html


def test_html_only(tmp_path):
    rc, stdout, stderr = bcp("build", SMALL, "-o", tmp_path / "o", "-f", "html", cwd=tmp_path)
    assert rc == 0, stderr
    assert listing(tmp_path / "o") == ["northwind-shop-bcp.html"]
    assert stdout.splitlines() == [str(tmp_path / "o" / "northwind-shop-bcp.html")]


def test_pdf_only_as_pdf_a_3b_with_the_yaml_attached(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    rc, stdout, stderr = bcp("build", SMALL, "-o", tmp_path / "o", "-f", "pdf", "--pdf-variant", "pdf/a-3b", cwd=tmp_path)
    assert rc == 0, stderr
    pdf = tmp_path / "o" / "northwind-shop-bcp.pdf"
    assert listing(tmp_path / "o") == ["northwind-shop-bcp.pdf"]
    assert stdout.splitlines() == [str(pdf)]
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) > 1
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    attached = reader.attachments
    assert list(attached) == ["small-en.yaml"]
    with open(SMALL, "rb") as fh:
        assert attached["small-en.yaml"][0] == fh.read()


def test_unknown_pdf_variant_and_format_are_usage_errors(tmp_path):
    for args in (["--pdf-variant", "pdf/x"], ["-f", "docx"]):
        rc, stdout, stderr = bcp("build", SMALL, "-o", tmp_path / "o", *args, cwd=tmp_path)
        assert rc == 2, (args, stderr)
        assert not (tmp_path / "o").exists()


# --- plans with errors, unreadable plans, --strict --------------------------------------------------


def test_a_plan_with_errors_is_not_built(tmp_path):
    out = tmp_path / "o"
    rc, stdout, stderr = bcp("build", PANGYO, "-o", out, cwd=tmp_path)
    assert rc == 1
    assert stdout == ""
    assert not out.exists() or listing(out) == []
    assert "pangyo-2022.yaml:" in stderr and " L001 " in stderr  # the findings, located
    (msg,) = bcp_lines(stderr)
    assert "not built" in msg and "errors" in msg and "--draft" in msg


def test_draft_renders_a_plan_with_errors_marked_draft(pangyo_draft):
    assert pangyo_draft["rc"] == 0, pangyo_draft["stderr"]
    pdf = pangyo_draft["out"] / "pangyo-2022.pdf"
    assert listing(pangyo_draft["out"]) == ["pangyo-2022.pdf"]
    assert pangyo_draft["stdout"].splitlines() == [str(pdf)]
    assert " L001 " in pangyo_draft["stderr"]  # the findings are still printed
    assert bcp_lines(pangyo_draft["stderr"]) == []
    text = pdftext(pdf)
    assert "DRAFT" in text
    # the mark is on every page, not only the first
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 1 and all("DRAFT" in p for p in pages)


@pytest.mark.parametrize("draft", [False, True])
def test_a_plan_that_cannot_be_read_is_never_built(tmp_path, draft):
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan:\n  id: broken\n  title: [unclosed\n", encoding="utf-8")
    out = tmp_path / "o"
    rc, stdout, stderr = bcp("build", bad, "-o", out, *(["--draft"] if draft else []), cwd=tmp_path)
    assert rc == 1
    assert stdout == ""
    assert not out.exists() or listing(out) == []
    assert "bad.yaml:" in stderr and "Y001" in stderr
    (msg,) = bcp_lines(stderr)
    assert "cannot be read" in msg
    # --draft cannot help here, so the message does not suggest it as the way out
    assert "build a marked draft with --draft" not in msg


def test_warnings_build_unless_strict(tmp_path):
    # precondition: on WARN_DAY small-en has warnings and no errors
    rc, stdout, _ = bcp("validate", SMALL, "--as-of", WARN_DAY, cwd=tmp_path)
    assert rc == 0 and " X001 " in stdout  # exit 0: no errors
    rc, _, _ = bcp("validate", SMALL, "--as-of", WARN_DAY, "--strict", cwd=tmp_path)
    assert rc == 1

    rc, stdout, stderr = bcp("build", SMALL, "--as-of", WARN_DAY, "-o", tmp_path / "lax", "-f", "html", cwd=tmp_path)
    assert rc == 0, stderr
    assert listing(tmp_path / "lax") == ["northwind-shop-bcp.html"]
    assert " X001 " in stderr
    html = (tmp_path / "lax" / "northwind-shop-bcp.html").read_text(encoding="utf-8")
    assert "DRAFT" not in html

    rc, stdout, stderr = bcp("build", SMALL, "--as-of", WARN_DAY, "--strict", "-o", tmp_path / "strict", cwd=tmp_path)
    assert rc == 1
    assert stdout == ""
    assert not (tmp_path / "strict").exists() or listing(tmp_path / "strict") == []
    (msg,) = bcp_lines(stderr)
    assert "warnings" in msg and "--strict" in msg


def test_strict_draft_builds_a_marked_draft_and_exits_0(tmp_path):
    """--strict --draft: the warnings fail the plan, so the document is a DRAFT; --draft asked
    for a document anyway, so the build succeeds (exit 0), as it does for a plan with errors."""
    out = tmp_path / "o"
    rc, stdout, stderr = bcp("build", SMALL, "--as-of", WARN_DAY, "--strict", "--draft", "-f", "html", "-o", out, cwd=tmp_path)
    assert rc == 0, stderr
    assert listing(out) == ["northwind-shop-bcp.html"]
    assert "DRAFT" in (out / "northwind-shop-bcp.html").read_text(encoding="utf-8")


# --- several plans -------------------------------------------------------------------------------


def test_two_plans_in_one_call_build_both(both, small):
    assert both["rc"] == 0, both["stderr"]
    out = both["out"]
    assert listing(out) == ["kakao-messenger-bcp.html", "kakao-messenger-bcp.pdf", "northwind-shop-bcp.html", "northwind-shop-bcp.pdf"]
    # in the order the plans were named, each PDF before its HTML
    assert both["stdout"].splitlines() == [str(out / n) for n in
                                          ("northwind-shop-bcp.pdf", "northwind-shop-bcp.html", "kakao-messenger-bcp.pdf", "kakao-messenger-bcp.html")]
    assert "카카오" in pdftext(out / "kakao-messenger-bcp.pdf")
    # a build in a pool worker is byte for byte the build of the plan on its own
    for name in ("northwind-shop-bcp.pdf", "northwind-shop-bcp.html"):
        assert filecmp.cmp(out / name, small["out"] / name, shallow=False), name


def test_a_path_that_does_not_exist_is_a_usage_error_and_builds_nothing(tmp_path):
    rc, stdout, stderr = bcp("build", SMALL, tmp_path / "nosuch.yaml", "-o", tmp_path / "o", cwd=tmp_path)
    assert rc == 2
    assert stdout == ""
    assert "nosuch.yaml" in stderr
    assert not (tmp_path / "o").exists()


def test_one_failing_plan_of_two_fails_the_call_but_the_other_is_built(tmp_path):
    out = tmp_path / "o"
    rc, stdout, stderr = bcp("build", SMALL, PANGYO, "-o", out, "-f", "html", cwd=tmp_path)
    assert rc == 1
    assert listing(out) == ["northwind-shop-bcp.html"]
    assert stdout.splitlines() == [str(out / "northwind-shop-bcp.html")]
    (msg,) = bcp_lines(stderr)
    assert msg.startswith(f"bcp: {PANGYO}: not built")


def test_two_plans_with_the_same_id_into_one_folder_fail(tmp_path):
    other = tmp_path / "copy"
    other.mkdir()
    shutil.copy(SMALL, other / "small-en.yaml")
    out = tmp_path / "o"
    rc, stdout, stderr = bcp("build", SMALL, other / "small-en.yaml", "-o", out, "-f", "html", cwd=tmp_path)
    assert rc == 1
    (msg,) = bcp_lines(stderr)
    assert "same plan id" in msg
    assert temporaries(out) == []


# --- atomic output, seen from outside ---------------------------------------------------------------


@pytest.fixture
def old_pair(small, tmp_path):
    """A folder holding an older pair (small-en's), and a changed copy of the plan to rebuild it from."""
    assert small["rc"] == 0
    out = tmp_path / "out"
    shutil.copytree(small["out"], out)
    plan = tmp_path / "plan" / "small-en.yaml"
    plan.parent.mkdir()
    text = open(SMALL, encoding="utf-8").read()
    assert "Northwind online shop" in text
    plan.write_text(text.replace("Northwind online shop", "Southwind online shop", 1), encoding="utf-8")
    return {"out": out, "plan": plan, "before": {n: (out / n).read_bytes() for n in listing(out)}}


def assert_untouched(old_pair):
    out = old_pair["out"]
    assert listing(out) == sorted(old_pair["before"]), "temporary or new files left behind"
    for name, data in old_pair["before"].items():
        assert (out / name).read_bytes() == data, f"{name} changed"


def test_the_changed_plan_does_rebuild_differently(old_pair, tmp_path):
    """Control for the tests below: without interference the rebuild replaces both files."""
    out = tmp_path / "control"
    shutil.copytree(old_pair["out"], out)
    rc, _, stderr = bcp("build", old_pair["plan"], "-o", out, "-f", "html", cwd=tmp_path)
    assert rc == 0, stderr
    assert (out / "northwind-shop-bcp.html").read_bytes() != old_pair["before"]["northwind-shop-bcp.html"]


def test_a_build_that_fails_writing_leaves_the_old_pair(old_pair, tmp_path):
    """The PDF does not fit (file size limit): the HTML rendered already must not replace the old one."""
    resource = pytest.importorskip("resource")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))  # the HTML fits, the PDF does not

    rc, stdout, stderr = bcp("build", old_pair["plan"], "-o", old_pair["out"], cwd=tmp_path, preexec_fn=limit)
    assert rc == 1
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("bcp: ") and "cannot write" in lines[0], stderr
    assert_untouched(old_pair)


def test_a_read_only_output_folder_leaves_the_old_pair(old_pair, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    os.chmod(old_pair["out"], 0o555)
    try:
        rc, stdout, stderr = bcp("build", old_pair["plan"], "-o", old_pair["out"], cwd=tmp_path)
    finally:
        os.chmod(old_pair["out"], 0o755)
    assert rc == 1
    assert len(stderr.splitlines()) == 1, stderr
    assert_untouched(old_pair)


def test_output_under_a_file_fails_in_one_line(old_pair, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for target, code in ((blocker, 2), (blocker / "sub", 1)):
        rc, stdout, stderr = bcp("build", old_pair["plan"], "-o", target, cwd=tmp_path)
        assert rc == code, stderr
        assert stdout == ""
        assert len(bcp_lines(stderr)) == 1, stderr
        assert str(blocker) in stderr
        assert blocker.read_text() == "not a folder"
    assert_untouched(old_pair)


def interrupt(args, out, sig, cwd, group=False):
    """Start a build, wait until it has staged a temporary file in `out`, then send `sig`."""
    p = subprocess.Popen([sys.executable, "-m", "bcp", "build", *map(str, args), "-o", str(out)], cwd=str(cwd), env=env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not glob.glob(os.path.join(str(out), ".*.tmp")):
            if p.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the build never staged a temporary file (exit {p.returncode})")
            time.sleep(0.005)
        if group:
            os.killpg(p.pid, sig)  # like Ctrl-C in a terminal: every process of the group
        else:
            p.send_signal(sig)
        stdout, stderr = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert "Traceback" not in stderr, stderr
    return p.returncode, stdout, stderr


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "SIGTERM")])
def test_an_interrupted_build_leaves_the_old_pair_and_no_temporary_file(old_pair, tmp_path, sig, code, word):
    rc, stdout, stderr = interrupt([old_pair["plan"]], old_pair["out"], sig, tmp_path)
    assert rc == code, stderr
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1 and word in lines[0], stderr
    assert_untouched(old_pair)


@pytest.mark.parametrize("sig, group", [(signal.SIGTERM, False), (signal.SIGINT, True)])
def test_an_interrupted_parallel_build_leaves_no_temporary_file(old_pair, tmp_path, sig, group):
    """Two plans: the builds run in pool workers; stopping the program stops them and they clean up."""
    rc, stdout, stderr = interrupt([old_pair["plan"], FLAGSHIP], old_pair["out"], sig, tmp_path, group=group)
    assert rc == 128 + sig, stderr
    assert len(stderr.splitlines()) == 1, stderr
    out = old_pair["out"]
    assert temporaries(out) == []
    # the pair of the plan that was stopped is the old one; the flagship may or may not have finished
    for name, data in old_pair["before"].items():
        assert (out / name).read_bytes() == data
    assert set(listing(out)) - set(old_pair["before"]) <= {"kakao-messenger-bcp.pdf", "kakao-messenger-bcp.html"}


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_findings_stay_one_document_on_stdout(tmp_path, fmt):
    """With --findings-format json/sarif, stdout is the findings document; the paths go to stderr."""
    import json

    out = tmp_path / "o"
    rc, stdout, stderr = bcp("build", PANGYO, "--draft", "-f", "html", "-o", out, "--findings-format", fmt, cwd=tmp_path)
    assert rc == 0, stderr
    doc = json.loads(stdout)
    if fmt == "json":
        assert any(f["code"] == "L001" for f in doc["findings"])
    else:
        assert doc["runs"][0]["results"]
    assert stderr.splitlines() == [str(out / "pangyo-2022.html")]


def test_a_target_that_cannot_be_replaced_leaves_both_old_files_and_no_temporary(small, tmp_path):
    """The HTML's name is taken by a folder: the rename fails, so neither file may change."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "northwind-shop-bcp.pdf").write_bytes(b"old pdf")
    (out / "northwind-shop-bcp.html").mkdir()
    rc, stdout, stderr = bcp("build", SMALL, "-o", out, cwd=tmp_path)
    assert rc == 1
    assert len(stderr.splitlines()) == 1, stderr
    assert (out / "northwind-shop-bcp.pdf").read_bytes() == b"old pdf"
    assert temporaries(out) == []
