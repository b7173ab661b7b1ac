"""Findings out: text (like ruff and flake8), JSON (spec §6), GitHub annotations, SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import urllib.parse

from . import __version__
from .findings import Finding, Severity
from .rules.registry import RULES

FORMATS = ("text", "json", "github", "sarif")


def _summary(findings: list[Finding]) -> dict[str, int]:
    return {
        "errors": sum(f.severity is Severity.ERROR for f in findings),
        "warnings": sum(f.severity is Severity.WARNING for f in findings),
        "infos": sum(f.severity is Severity.INFO for f in findings),
    }


def text(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        loc = f.location
        hint = f" ({f.hint})" if f.hint else ""
        lines.append(f"{loc.file}:{loc.line}:{loc.column}: {f.code} {f.message}{hint}")
    return "\n".join(lines) + ("\n" if lines else "")


def summary_line(findings: list[Finding], plans: int) -> str:
    s = _summary(findings)
    what = f"{plans} plan{'s' if plans != 1 else ''}"
    if not findings:
        return f"{what} checked: no findings"
    return f"{what} checked: {s['errors']} error{'s' if s['errors'] != 1 else ''}, {s['warnings']} warning{'s' if s['warnings'] != 1 else ''}"


def as_json(findings: list[Finding]) -> str:
    out = {
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "message": f.message,
                "file": f.location.file,
                "line": f.location.line,
                "column": f.location.column,
                "path": f.path_str,
                "hint": f.hint,
            }
            for f in findings
        ],
        "summary": _summary(findings),
    }
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding]) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for f in findings:
        loc = f.location
        msg = f.message + (f" ({f.hint})" if f.hint else "")
        lines.append(
            f"::{level[f.severity]} file={_gh_escape_prop(loc.file)},line={loc.line},col={loc.column},"
            f"title={_gh_escape_prop(f.code)}::{_gh_escape_data(f.code + ' ' + msg)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def _uri(path: str) -> str:
    """A SARIF artifact URI: a relative reference, or file:// for an absolute path,
    percent-encoded (a space or '%' in a file name is not allowed in a URI)."""
    p = path.replace(os.sep, "/")
    p = p[2:] if p.startswith("./") else p
    q = urllib.parse.quote(p, safe="/")
    if os.path.isabs(path):
        return "file://" + q
    return q


def sarif(findings: list[Finding]) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    rule_index = {r.code: i for i, r in enumerate(RULES)}
    rules = []
    for r in RULES:
        entry = {
            "id": r.code,
            "name": r.title,
            "shortDescription": {"text": r.title},
            "defaultConfiguration": {"level": level[r.severity]},
        }
        doc = r.doc
        if doc:
            entry["fullDescription"] = {"text": doc.split("\n")[0].removeprefix("What: ")}
            entry["help"] = {"text": doc}
        rules.append(entry)
    results = []
    for f in findings:
        loc = f.location
        res = {
            "ruleId": f.code,
            "ruleIndex": rule_index.get(f.code, 0),
            "level": level[f.severity],
            "message": {"text": f.message + (f" ({f.hint})" if f.hint else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(loc.file)},
                        "region": {"startLine": loc.line, "startColumn": loc.column},
                    }
                }
            ],
        }
        if f.path:
            res["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": f.path_str, "kind": "member"}]
        results.append(res)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "bcp", "version": __version__, "rules": rules}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render(findings: list[Finding], fmt: str) -> str:
    return {"text": text, "json": as_json, "github": github, "sarif": sarif}[fmt](findings)
