"""Rules D001 and D002 (D003 is reported by the engine; its documentation is checked here)."""

from __future__ import annotations

import copy
import datetime as dt

from conftest import BASE_PLAN, plan_dict, run_rule

from bcp.rules.registry import get

AS_OF = dt.date(2026, 11, 24)


def info(**kw):
    p = copy.deepcopy(BASE_PLAN["plan"])
    for k, v in kw.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


def test_d001_review_overdue():
    d = plan_dict(plan=info(review={"last": "2025-10-01", "every": "1y"}))
    (f,) = run_rule("D001", d, AS_OF)
    assert f.code == "D001" and f.path == ("plan", "review")
    assert "2026-10-01" in f.message  # the due date


def test_d001_due_on_the_as_of_date_is_not_overdue():
    d = plan_dict(plan=info(review={"last": "2025-11-24", "every": "365d"}))
    assert run_rule("D001", d, AS_OF) == []
    assert len(run_rule("D001", d, AS_OF + dt.timedelta(days=1))) == 1


def test_d001_no_review_at_all_is_reported_at_plan():
    (f,) = run_rule("D001", plan_dict(plan=info(review=None)), AS_OF)
    assert f.path == ("plan",) and f.at_key and "no review" in f.message


def test_d001_passes():
    assert run_rule("D001", plan_dict(), AS_OF) == []


def test_d002_no_approvals():
    (f,) = run_rule("D002", plan_dict(plan=info(approvals=None)))
    assert f.code == "D002" and f.path == ("plan",) and f.at_key
    (f,) = run_rule("D002", plan_dict(plan=info(approvals=[])))
    assert f.path == ("plan", "approvals")


def test_d002_passes():
    assert run_rule("D002", plan_dict()) == []


def test_d003_is_documented_here_and_checked_by_the_engine():
    rule = get("D003")
    assert rule.module == "document" and rule.check is None
    assert "checks.ignore" in rule.doc and "Fix:" in rule.doc
