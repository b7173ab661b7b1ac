"""`bcp init DIR`: write a small, valid, commented plan to start from.

The starter plan is one file, ``plan.yaml``, that validates with no findings on the
day it is written: its review, approval and exercise dates are that day (or the UTC
date of ``SOURCE_DATE_EPOCH`` when it is set, so a scripted ``bcp init`` repeats).
Existing files are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import errno
import os

from . import clock

PLAN_FILE = "plan.yaml"

#: The starter plan. ``@TODAY@`` is replaced by the date it is written (YYYY-MM-DD).
SCAFFOLD_PLAN = """\
# yaml-language-server: $schema=bcp.schema.json
#
# The line above lets editors that use yaml-language-server (VS Code's YAML
# extension, Neovim, Helix ...) complete and check this file as you type.
# Create the schema it names, next to this file, with:
#
#     bcp schema > bcp.schema.json
#
# Check the plan with `bcp validate plan.yaml`, see what losing a site does with
# `bcp simulate plan.yaml --lose main-dc`, and render it with `bcp build plan.yaml`.
# `bcp rules` lists every check; `bcp rules C001` explains one.
#
# A plan may also be a folder of files (sites.yaml, people.yaml ...): every file
# starts with `bcp: 1`, and `plan` and `policy` appear in exactly one of them.

bcp: 1          # format version

plan:
  id: my-plan                     # names the output files (my-plan.pdf)
  title: Business continuity plan
  organization: Example Ltd
  version: "0.1"                  # text: quote it, or YAML reads 0.1 as a number
  language: en                    # en or ko: the language of the document's labels
  owner: incident-lead            # the role that owns this plan
  scope: The website and its database.
  review:
    last: @TODAY@                 # when the plan was last reviewed
    every: 1y                     # durations: 30m, 4h, 1d, 2w, 6mo, 1y
  approvals:
    - person: alice
      title: Managing Director
      date: @TODAY@

# What each tier of service must survive. The first tier is the most critical.
policy:
  tiers:
    - id: critical
      name: Critical
      max_rto: 4h                 # longest time to recover
      max_rpo: 15m                # most data you may lose
      min_sites: 2                # >= 2: must survive the loss of any one site
  # Ops-tool categories that must survive every loss the first tier must survive.
  # The default is [monitoring, paging, deploy, console]; add tools for deploy
  # and console below, then remove this line.
  required_ops: [monitoring, paging]

# Data centers, cloud regions or offices. Sites in one region share regional hazards.
sites:
  - id: main-dc
    name: Main data center
    kind: colocation              # owned, colocation, cloud or office
    region: region-a
  - id: backup-dc
    name: Backup cloud region
    kind: cloud
    region: region-b

people:
  - id: alice
    name: Alice Example
    contacts: {mobile: "+1 555 0100", email: alice@example.com}   # two channels or more
  - id: bob
    name: Bob Example
    contacts: {mobile: "+1 555 0101", email: bob@example.com}

# On-call and crisis roles; members are in rotation order (the first is on duty).
roles:
  - id: incident-lead
    name: Incident lead
    members: [alice, bob]
  - id: oncall
    name: On-call engineer
    members: [bob, alice]
    escalates_to: incident-lead

services:
  - id: website
    name: Website
    owner: oncall
    tier: critical
    depends_on: [database]
    procedures: [failover]
    deployments:
      - {site: main-dc, mode: active}     # active, hot, warm or cold
      - {site: backup-dc, mode: hot}

data:
  - id: database
    name: Database
    owner: oncall
    tier: critical
    copies:
      - {site: main-dc, role: primary}
      - {site: backup-dc, role: replica, replication: async, lag: 5m}
    # Backups want a restore test at least once a year (rule X003):
    # backups:
    #   every: 1d
    #   retention: 30d
    #   sites: [backup-dc]
    #   last_restore_test: YYYY-MM-DD

ops_tools:
  - id: monitoring
    name: Monitoring
    owner: oncall
    tier: critical
    category: monitoring
    deployments:
      - {site: main-dc, mode: active}
      - {site: backup-dc, mode: active}
  - id: paging
    name: Paging
    owner: oncall
    tier: critical
    category: paging
    deployments:
      - {site: main-dc, mode: active}
      - {site: backup-dc, mode: active}

# Every site gets a site-loss scenario (rule C001).
scenarios:
  - id: lose-main-dc
    name: Loss of the main data center
    kind: site-loss
    sites: [main-dc]
    lead: incident-lead
    activation: main-dc unreachable for more than 10 minutes
    procedures: [failover]
    communications: [status-page]
  - id: lose-backup-dc
    name: Loss of the backup cloud region
    kind: site-loss
    sites: [backup-dc]
    lead: incident-lead
    procedures: [failover]
    communications: [status-page]

# Runbooks: numbered steps, each with the role that does it.
procedures:
  - id: failover
    title: Fail over to the surviving site
    owner: oncall
    steps:
      - do: Promote the database replica on the surviving site.
        role: oncall
        expected: 10m
        verify: Writes succeed on the new primary.
      - do: Send all traffic to the surviving site.
        role: oncall
        expected: 10m
        verify: The website answers from the surviving site.

communications:
  - id: status-page
    audience: customers           # regulator, customers, staff, partners or press
    channel: Status page
    within: 30m
    owner: incident-lead

# Drills and tests. Add `exercise_every: 1y` to a tier to require them (rule X001).
# exercises:
#   - id: drill-1
#     date: YYYY-MM-DD
#     kind: failover
#     scenario: lose-main-dc
#     covers: [website, database]
#     result: passed
"""


def _today() -> dt.date:
    try:
        return clock.today()
    except ValueError:  # a malformed SOURCE_DATE_EPOCH: the scaffold's dates are only a start
        return dt.date.today()


def scaffold_text(today: dt.date | None = None) -> str:
    """The starter plan with its dates set to ``today``."""
    return SCAFFOLD_PLAN.replace("@TODAY@", (today or _today()).isoformat())


def write_scaffold(directory: str, *, today: dt.date | None = None) -> list[str]:
    """Write the starter plan into ``directory`` (created if needed); return the paths written.

    Raises FileExistsError (with ``filename`` set) rather than overwrite a file.
    """
    path = os.path.join(directory, PLAN_FILE)
    if os.path.exists(path):
        raise FileExistsError(errno.EEXIST, "file exists", path)
    os.makedirs(directory or ".", exist_ok=True)
    text = scaffold_text(today)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, "file exists", path) from None
    return [path]
