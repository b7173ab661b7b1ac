#!/usr/bin/env python3
"""Benchmarks of bcp, with public tools only (the Python standard library, check-jsonschema, weasyprint).

    python3 bench/run.py                 # validate + build benchmarks
    python3 bench/run.py validate        # only `bcp validate` against check-jsonschema
    python3 bench/run.py build           # only `bcp build -f pdf` against weasyprint alone

Plans come from the flagship example and from genplan.py (../shared/tools/genplan.py,
or GENPLAN=path). Each command runs as a whole process; we report the median wall
time of several runs and the peak memory (max RSS) of the process, read with wait4().

Targets (from the issues):
  validate: faster than check-jsonschema on every size; a 10,000-service plan in < 3 s
            with every rule; time about linear in plan size (10k / 5k <= 2.2).
  build:    bcp build -f pdf / weasyprint alone on the same final HTML (the paged-media
            HTML bcp renders into the PDF) <= 1.15.
"""

from __future__ import annotations

import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
GENPLAN = pathlib.Path(os.environ.get("GENPLAN", ROOT.parent / "shared" / "tools" / "genplan.py"))
AS_OF = "2026-11-24"  # the date genplan.py makes its plans valid for
PY = sys.executable


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB, exit code of one run of ``cmd``."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_maxrss / 1024, p.returncode


def measure(cmd: list[str], runs: int, env: dict | None = None) -> dict:
    run(cmd, env)  # warm-up: file cache, .pyc
    walls, mems, codes = [], [], set()
    for _ in range(runs):
        w, m, c = run(cmd, env)
        walls.append(w)
        mems.append(m)
        codes.add(c)
    return {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls), "peak_mib": max(mems), "exit": sorted(codes)}


def gen(n: int, d: pathlib.Path, lang: str = "en") -> pathlib.Path:
    out = d / f"gen-{n}-{lang}.yaml"
    if not out.exists():
        with open(out, "w") as fh:
            subprocess.run([PY, str(GENPLAN), "--services", str(n), "--lang", lang], stdout=fh, check=True)
    return out


def bench_validate(tmp: pathlib.Path) -> list[dict]:
    schema = tmp / "bcp-plan.schema.json"
    schema.write_text(subprocess.run([PY, "-m", "bcp", "schema"], capture_output=True, text=True, check=True).stdout)
    plans = [("flagship", ROOT / "plans" / "kakao-messenger")]
    if GENPLAN.exists():
        plans += [(f"genplan {n}", gen(n, tmp)) for n in (1000, 5000, 10000)]
    rows = []
    for label, plan in plans:
        files = sorted(plan.glob("*.yaml")) if plan.is_dir() else [plan]
        size_mb = sum(f.stat().st_size for f in files) / 1e6
        ours = measure([PY, "-m", "bcp", "validate", "--as-of", AS_OF, str(plan)], runs=5)
        # check-jsonschema needs ~5 s per MB here: fewer runs on the big files
        cj_runs = 3 if size_mb < 2 else 1
        theirs = measure(["check-jsonschema", "--schemafile", str(schema), *map(str, files)], runs=cj_runs)
        rows.append({"plan": label, "mb": round(size_mb, 2), "bcp": ours, "check_jsonschema": theirs})
        print(
            f"{label:14} {size_mb:6.2f} MB  bcp validate {ours['median_s']:6.2f} s ({ours['peak_mib']:.0f} MiB, exit {ours['exit']})"
            f"   check-jsonschema {theirs['median_s']:6.2f} s ({theirs['peak_mib']:.0f} MiB)"
            f"   ratio {ours['median_s'] / theirs['median_s']:.2f}",
            flush=True,
        )
    by = {r["plan"]: r for r in rows}
    if "genplan 5000" in by and "genplan 10000" in by:
        ratio = by["genplan 10000"]["bcp"]["median_s"] / by["genplan 5000"]["bcp"]["median_s"]
        print(f"linearity: 10,000 / 5,000 services = {ratio:.2f} (target <= 2.2)")
    return rows


WEASY_ALONE = r"""
import sys, weasyprint
weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
"""

# The HTML that `bcp build` hands to WeasyPrint for the PDF (paged media: page references,
# running headers), which differs from the .html file it writes for screens.
FINAL_HTML = r"""
import datetime, sys
from bcp.engine import validate_source
from bcp.loader import discover
from bcp.render import sources
from bcp.render.build import render_html
r = validate_source(discover([sys.argv[1]])[0], datetime.date.fromisoformat(sys.argv[2]))
html = render_html(r, draft=False, media="pdf", logo=None, git=sources.git_log(r.source.files), stamp="")
open(sys.argv[3], "w", encoding="utf-8").write(html)
"""


def _pages(pdf: pathlib.Path) -> int:
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(pdf)).pages)
    except Exception:  # noqa: BLE001 - pypdf is a test extra
        return -1


def bench_build(tmp: pathlib.Path) -> list[dict]:
    plans = [("flagship", ROOT / "plans" / "kakao-messenger")]
    if GENPLAN.exists():
        plans += [("genplan 500", gen(500, tmp)), ("genplan 500 ko", gen(500, tmp, "ko"))]
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764000000")
    rows = []
    for label, plan in plans:
        out = tmp / ("out-" + label.replace(" ", "-"))
        cmd = [PY, "-m", "bcp", "build", "--as-of", AS_OF, "-o", str(out), str(plan)]
        html = tmp / "final.html"  # what WeasyPrint renders inside `bcp build -f pdf`
        subprocess.run([PY, "-c", FINAL_HTML, str(plan), AS_OF, str(html)], check=True, env=env)
        ours = measure(cmd[:4] + ["-f", "pdf"] + cmd[4:], runs=3, env=env)
        ref_pdf = tmp / "alone.pdf"
        alone = measure([PY, "-c", WEASY_ALONE, str(html), str(ref_pdf)], runs=3, env=env)
        pages = _pages(next(out.glob("*.pdf")))
        ratio = ours["median_s"] / alone["median_s"]
        rows.append({"plan": label, "pages": pages, "bcp": ours, "weasyprint_alone": alone, "ratio": ratio})
        print(
            f"{label:16} {pages:4} pages  bcp build -f pdf {ours['median_s']:6.2f} s ({ours['peak_mib']:.0f} MiB)"
            f"   weasyprint alone {alone['median_s']:6.2f} s ({alone['peak_mib']:.0f} MiB)   ratio {ratio:.2f} (target <= 1.15)",
            flush=True,
        )
    return rows


def main(argv: list[str]) -> int:
    what = set(argv) or {"validate", "build"}
    results = {}
    with tempfile.TemporaryDirectory(prefix="bcp-bench-") as t:
        tmp = pathlib.Path(t)
        if "validate" in what:
            results["validate"] = bench_validate(tmp)
        if "build" in what:
            results["build"] = bench_build(tmp)
    out = ROOT / "output" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"(figures written to {out.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
