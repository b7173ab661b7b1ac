"""Shared test helpers: a small valid plan as a dict, and ways to check it."""

from __future__ import annotations

import copy
import datetime as dt
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
AS_OF = dt.date(2026, 11, 24)

BASE_PLAN: dict = {
    "plan": {
        "id": "test-plan",
        "title": "Test plan",
        "organization": "Example",
        "version": "1.0",
        "owner": "crisis",
        "review": {"last": "2026-10-01", "every": "1y"},
        "approvals": [{"person": "alice", "title": "CEO", "date": "2026-10-01"}],
    },
    "policy": {
        "tiers": [
            {"id": "tier0", "name": "Critical", "max_rto": "1h", "max_rpo": "5m"},
            {"id": "tier1", "name": "Standard", "max_rto": "1d", "max_rpo": "1h"},
        ],
        "required_ops": [],
    },
    "sites": [
        {"id": "dc1", "name": "DC 1", "kind": "owned", "region": "r1"},
        {"id": "dc2", "name": "DC 2", "kind": "owned", "region": "r2"},
    ],
    "people": [
        {"id": "alice", "name": "Alice", "contacts": {"mobile": "1", "email": "a@x"}},
        {"id": "bob", "name": "Bob", "contacts": {"mobile": "2", "email": "b@x"}},
    ],
    "roles": [
        {"id": "crisis", "name": "Crisis lead", "members": ["alice", "bob"], "critical": True},
    ],
    "services": [],
    "data": [],
    "ops_tools": [],
    "scenarios": [],
    "procedures": [],
    "communications": [],
    "exercises": [],
}


def plan_dict(**sections) -> dict:
    """A deep copy of BASE_PLAN with whole sections replaced by keyword."""
    d = copy.deepcopy(BASE_PLAN)
    for k, v in sections.items():
        d[k] = v
    return d


def make_context(d: dict | None = None, as_of: dt.date = AS_OF):
    """A rule Context from a plan dict (no positions: findings carry paths only)."""
    from bcp.context import Context
    from bcp.model import Plan

    return Context(Plan.model_validate(d if d is not None else plan_dict()), as_of)


def run_rule(code: str, d: dict, as_of: dt.date = AS_OF) -> list:
    """The findings of one rule's check function on a plan dict."""
    from bcp.rules.registry import get

    ctx = make_context(d, as_of)
    return list(get(code).check(ctx))


@pytest.fixture
def shared_dir():
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
