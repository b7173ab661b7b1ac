"""The rule catalogue: every code of the spec is registered, documented and implemented."""

from __future__ import annotations

import re

import pytest

from bcp.findings import Severity
from bcp.rules.registry import RULES, get

SPEC_CODES = (
    [f"Y00{i}" for i in range(1, 6)]
    + [f"S00{i}" for i in range(1, 6)]
    + [f"R00{i}" for i in range(1, 5)]
    + [f"T00{i}" for i in range(1, 9)]
    + [f"L00{i}" for i in range(1, 7)]
    + [f"O00{i}" for i in range(1, 4)]
    + [f"P00{i}" for i in range(1, 5)]
    + [f"C00{i}" for i in range(1, 6)]
    + [f"X00{i}" for i in range(1, 4)]
    + [f"D00{i}" for i in range(1, 4)]
)
WARNINGS = {"R004", "T007", "L003", "O003", "P002", "P003", "C001", "C004", "C005", "X001", "X002", "X003", "D001", "D002", "D003"}


def test_every_spec_code_is_registered_once_with_its_severity():
    codes = [r.code for r in RULES]
    assert sorted(codes) == sorted(SPEC_CODES)
    assert len(set(codes)) == len(codes)
    for r in RULES:
        assert r.severity is (Severity.WARNING if r.code in WARNINGS else Severity.ERROR), r.code


@pytest.mark.parametrize("code", SPEC_CODES)
def test_every_rule_is_documented(code):
    doc = get(code).doc
    for section in ("What:", "Why:", "Example:", "Fix:"):
        assert section in doc, f"{code} documentation lacks {section!r}"


@pytest.mark.parametrize("code", [c for c in SPEC_CODES if c[0] not in "YS" and c != "D003"])
def test_every_checked_rule_has_a_check_function(code):
    # module import errors must surface here, not be swallowed
    mod = get(code)._mod()
    assert callable(getattr(mod, code.lower(), None)), f"bcp.rules.{get(code).module}.{code.lower()} is missing"


def test_acceptable_families_follow_the_spec():
    acceptable = {r.code for r in RULES if r.acceptable}
    assert "L001" in acceptable and "T007" in acceptable and "D001" in acceptable
    for code in ("Y001", "S002", "R001", "P004", "D003"):
        assert code not in acceptable


def test_rule_modules_are_one_per_family():
    fam_mods: dict[str, set[str]] = {}
    for r in RULES:
        fam_mods.setdefault(r.family, set()).add(r.module)
    assert all(len(m) == 1 for m in fam_mods.values()), fam_mods
    assert all(re.fullmatch(r"[a-z_]+", m.pop()) for m in fam_mods.values())
