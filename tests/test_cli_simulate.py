"""`bcp simulate` through the real command line (spec §4 last paragraph, §6): one row per
component with its id first, the same rows as JSON, unknown sites and regions, several sites
at once, and the 2022 counter-example taking its tier-0 services down through pangyo."""

from __future__ import annotations

import functools
import glob
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGSHIP = os.path.join(ROOT, "plans", "kakao-messenger")
PANGYO = os.path.join(ROOT, "plans", "pangyo-2022.yaml")
STATE_RANK = {"up": 0, "degraded": 1, "down": 2, "lost": 3}
HEADERS = ["id", "name", "tier", "state", "recovery / rto", "rpo / target", "why"]


@functools.lru_cache(maxsize=None)
def run(*args):
    """`python -m bcp ARGS` (cached: each command runs once per session)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795521600")
    p = subprocess.run([sys.executable, "-m", "bcp", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert "Traceback" not in p.stdout and "Traceback" not in p.stderr, p.stderr
    return p.returncode, p.stdout, p.stderr


def sim_json(plan, *args):
    rc, out, err = run("simulate", plan, *args, "--format", "json")
    assert rc == 0, err
    return json.loads(out)


@functools.lru_cache(maxsize=None)
def plan_facts(plan):
    """Read the plan's YAML directly (not through bcp): components with their tiers, sites, tier order."""
    files = sorted(glob.glob(os.path.join(plan, "*.yaml"))) if os.path.isdir(plan) else [plan]
    comps, sites, tiers = {}, {}, []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for section in ("services", "data", "ops_tools"):
            for c in doc.get(section) or []:
                comps[c["id"]] = {"tier": c.get("tier"), "section": section}
        for s in doc.get("sites") or []:
            sites[s["id"]] = s.get("region")
        tiers += [t["id"] for t in (doc.get("policy") or {}).get("tiers") or []]
    return comps, sites, tiers


def table(text):
    """The text table as a header and rows of cells (columns are two or more spaces apart)."""
    lines = text.rstrip("\n").split("\n")
    head = re.split(r"\s{2,}", lines[0].strip())
    rows = []
    for line in lines[1:]:
        cells = re.split(r"\s{2,}", line.strip())
        rows.append(cells + [""] * (len(head) - len(cells)))
    return head, rows


# --- the table ------------------------------------------------------------------------------------


def test_text_table_has_one_row_per_component_id_first():
    comps, _, tiers = plan_facts(FLAGSHIP)
    rc, out, err = run("simulate", FLAGSHIP, "--lose", "pangyo")
    assert rc == 0, err
    assert err == ""
    head, rows = table(out)
    assert head == HEADERS
    ids = [r[0] for r in rows]
    assert sorted(ids) == sorted(comps) and len(ids) == len(set(ids))
    for r in rows:
        assert len(r) == len(HEADERS), r
        assert r[2] == comps[r[0]]["tier"]
        assert r[3] in STATE_RANK
        assert (r[6] == "") == (r[3] == "up"), r  # a cause exactly for what is not up
    # East Asian names take two columns each: the state column still lines up
    from bcp.simulate import _width

    lines = out.splitlines()
    col = lines[0].index("state")
    for line in lines[1:]:
        before_state = re.match(r"\S+\s{2,}.+?\s{2,}\S+\s{2,}", line).group(0)
        assert _width(before_state) == col, line


def test_rows_most_critical_tier_first_then_worst_state_then_id():
    comps, _, tiers = plan_facts(FLAGSHIP)
    doc = sim_json(FLAGSHIP, "--lose", "pangyo")
    keys = [(tiers.index(c["tier"]), -STATE_RANK[c["state"]], c["id"]) for c in doc["components"]]
    assert keys == sorted(keys)


def test_json_gives_the_same_rows():
    comps, _, _ = plan_facts(FLAGSHIP)
    doc = sim_json(FLAGSHIP, "--lose", "pangyo")
    assert doc["lost"] == ["pangyo"]
    rows = doc["components"]
    assert sorted(r["id"] for r in rows) == sorted(comps)
    for r in rows:
        assert set(r) >= {"id", "name", "tier", "state", "recovery", "rto", "rpo", "rpo_target", "cause"}
        assert r["state"] in STATE_RANK
        if r["state"] == "up":
            assert r["cause"] == [] and r["recovery"] == "0s"
        else:
            assert r["cause"][0] == r["id"] and r["cause"][-1] == "pangyo"
        if r["state"] in ("down", "lost"):
            assert r["recovery"] is None
        if comps[r["id"]]["section"] == "ops_tools":
            assert r["rpo"] is None and r["rpo_target"] is None
    # the text table says the same, row for row
    _, text_rows = table(run("simulate", FLAGSHIP, "--lose", "pangyo")[1])
    assert [(t[0], t[3]) for t in text_rows] == [(r["id"], r["state"]) for r in rows]
    for t, r in zip(text_rows, rows):
        if r["recovery"] is not None:
            assert t[4] == f"{r['recovery']} / {r['rto']}"


def test_flagship_survives_pangyo_with_tier0_up():
    """The flagship plan is the after-picture: losing pangyo leaves every tier-0 component running."""
    comps, _, tiers = plan_facts(FLAGSHIP)
    doc = sim_json(FLAGSHIP, "--lose", "pangyo")
    tier0 = [r for r in doc["components"] if r["tier"] == tiers[0]]
    assert tier0 and all(r["state"] != "down" and r["state"] != "lost" for r in tier0)
    assert any(r["state"] != "up" for r in doc["components"])  # but pangyo did hold something


# --- what is lost ---------------------------------------------------------------------------------


def test_unknown_site_exits_2_and_lists_the_sites():
    _, sites, _ = plan_facts(FLAGSHIP)
    rc, out, err = run("simulate", FLAGSHIP, "--lose", "nosuch")
    assert rc == 2
    assert out == ""
    assert "nosuch" in err and all(s in err for s in sites)
    assert len(err.splitlines()) == 1


def test_unknown_region_exits_2_and_lists_the_regions():
    _, sites, _ = plan_facts(FLAGSHIP)
    rc, out, err = run("simulate", FLAGSHIP, "--region", "atlantis")
    assert rc == 2 and out == ""
    assert all(r in err for r in set(sites.values()))


def test_two_sites_at_once_are_at_least_as_bad_as_one():
    one = {r["id"]: r for r in sim_json(FLAGSHIP, "--lose", "pangyo")["components"]}
    two_doc = sim_json(FLAGSHIP, "--lose", "pangyo,ansan")
    assert two_doc["lost"] == ["ansan", "pangyo"]
    two = {r["id"]: r for r in two_doc["components"]}
    assert set(one) == set(two)
    for cid in one:
        assert STATE_RANK[two[cid]["state"]] >= STATE_RANK[one[cid]["state"]], cid
    assert any(STATE_RANK[two[c]["state"]] > STATE_RANK[one[c]["state"]] for c in one)  # ansan mattered
    for r in two.values():
        if r["state"] != "up":
            assert r["cause"][-1] in ("pangyo", "ansan")
    # spaces around the comma do not matter
    assert sim_json(FLAGSHIP, "--lose", " pangyo , ansan ") == two_doc


def test_region_loses_every_site_in_it():
    _, sites, _ = plan_facts(FLAGSHIP)
    region = sites["pangyo"]
    in_region = sorted(s for s, r in sites.items() if r == region)
    assert len(in_region) >= 2
    doc = sim_json(FLAGSHIP, "--region", region)
    assert doc["lost"] == in_region
    assert doc == sim_json(FLAGSHIP, "--lose", ",".join(in_region))
    # --lose and --region together: the union
    other = next(s for s, r in sites.items() if r != region)
    both = sim_json(FLAGSHIP, "--region", region, "--lose", other)
    assert both["lost"] == sorted(in_region + [other])


def test_several_lost_sites_read_as_one_step_of_the_cause():
    """A component on two lost sites: 'x → pangyo + ansan', never 'x → pangyo → ansan' (sites do not depend on each other)."""
    doc = sim_json(FLAGSHIP, "--lose", "pangyo,ansan")
    multi = [r for r in doc["components"] if len(r["cause"]) >= 3 and set(r["cause"][-2:]) == {"pangyo", "ansan"}]
    assert multi, "expected a component with copies on both lost sites"
    _, rows = table(run("simulate", FLAGSHIP, "--lose", "pangyo,ansan")[1])
    why = {r[0]: r[6] for r in rows}
    for r in multi:
        assert why[r["id"]].endswith(f"{r['cause'][-2]} + {r['cause'][-1]}"), why[r["id"]]
    for text in why.values():
        assert "pangyo → ansan" not in text and "ansan → pangyo" not in text


# --- the 2022 counter-example ---------------------------------------------------------------------


def test_pangyo_2022_takes_tier0_down_through_pangyo():
    comps, _, tiers = plan_facts(PANGYO)
    rc, out, err = run("simulate", PANGYO, "--lose", "pangyo")
    assert rc == 0, err  # the plan has errors, but it can be read: simulate shows them
    _, rows = table(out)
    by_id = {r[0]: r for r in rows}
    doc = {r["id"]: r for r in sim_json(PANGYO, "--lose", "pangyo")["components"]}
    # the tier-0 services that depend on the single-site auth-db, and every ops tool, are down
    for cid in ("messaging", "login", "monitoring", "paging", "deploy", "console"):
        assert comps[cid]["tier"] == tiers[0]
        assert by_id[cid][3] == "down", by_id[cid]
        assert doc[cid]["cause"][-1] == "pangyo"
        assert by_id[cid][6].endswith("→ pangyo")
    assert doc["auth-db"]["state"] == "lost"
    assert by_id["messaging"][6] == "messaging → login → auth-db → pangyo"
    assert doc["messaging"]["cause"] == ["messaging", "login", "auth-db", "pangyo"]
    # losing the other site leaves the tier-0 services that pangyo carried alone untouched
    other = {r["id"]: r for r in sim_json(PANGYO, "--lose", "gasan")["components"]}
    assert other["messaging"]["state"] == "up" and other["auth-db"]["state"] == "up"


# --- usage ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [[], ["--lose", ""], ["--lose", ","], ["--lose", "pangyo", "--format", "sarif"]])
def test_nothing_lost_or_bad_options_are_usage_errors(args):
    rc, out, err = run("simulate", FLAGSHIP, *args)
    assert rc == 2, (args, err)
    assert out == ""


def test_paths_that_are_not_one_plan_are_usage_errors():
    rc, out, err = run("simulate", os.path.join(ROOT, "nosuch.yaml"), "--lose", "pangyo")
    assert rc == 2 and "nosuch.yaml" in err
    rc, out, err = run("simulate", PANGYO, FLAGSHIP, "--lose", "pangyo")
    assert rc == 2


def test_a_plan_that_cannot_be_read_exits_1_with_its_findings(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: [\n", encoding="utf-8")
    rc, out, err = run("simulate", str(bad), "--lose", "pangyo")
    assert rc == 1
    assert out == ""
    assert "bad.yaml:" in err and "Y001" in err
    assert err.splitlines()[-1].startswith("bcp: ")


def test_a_fragment_stands_for_its_folder():
    assert sim_json(os.path.join(FLAGSHIP, "sites.yaml"), "--lose", "pangyo") == sim_json(FLAGSHIP, "--lose", "pangyo")
