"""From command-line paths to plans: find the files, read them, merge the fragments.

Spec §1: a plan is one file or a folder of fragments. A folder is *one plan of
fragments* when any of its ``*.yaml``/``*.yml`` files lacks a ``plan`` section;
otherwise each file in it is a plan of its own. A file named on the command line
stands for its folder when that folder is a plan of fragments, so a pre-commit hook
can pass only the fragments that changed; each folder is checked once.

Whether a file has a ``plan`` section is decided from its text (a top-level
``plan:`` key at the start of a line) so that deciding costs no parse.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field

from .findings import Finding, Location, Path
from .model import FORMAT_VERSIONS, LIST_SECTIONS, MAP_SECTIONS
from .reader import PosDict, PosList, ReadResult, lc, read_file

_PLAN_KEY = re.compile(rb"""(?m)^(?:\xef\xbb\xbf)?(?:plan|"plan"|'plan')[ \t]*:""")  # a BOM may come first
TOP_KEYS = ("bcp", *MAP_SECTIONS, *LIST_SECTIONS)


class UsageError(Exception):
    """A command-line path that does not exist or holds no plan (exit 2)."""


@dataclass
class PlanSource:
    """One plan to check: a single file or the fragments of one folder."""

    name: str  # what the user would call it: the file, or the folder
    files: list[str]  # paths as displayed, in file-name order
    is_folder: bool = False


@dataclass
class LoadedPlan:
    source: PlanSource
    files: list[ReadResult] = field(default_factory=list)
    root: "MergedRoot | None" = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def first_file(self) -> str:
        return self.source.files[0] if self.source.files else self.source.name


class MergedRoot(PosDict):
    """The merged top level: each key also remembers the file it was written in."""

    def __init__(self) -> None:
        super().__init__()
        self.kfiles: dict[str, str] = {}


class MergedList(PosList):
    """A list section concatenated from several fragments: each item keeps its file."""

    def __init__(self) -> None:
        super().__init__()
        self.ifiles: list[str] = []


def _yaml_files(folder: str) -> list[str]:
    try:
        names = os.listdir(folder or ".")
    except OSError as e:
        raise UsageError(f"cannot read folder {folder}: {e.strerror}") from None
    return sorted(
        os.path.join(folder, n) if folder else n
        for n in names
        if not n.startswith(".")
        and n.endswith((".yaml", ".yml"))
        and os.path.isfile(os.path.join(folder or ".", n))
    )


def _has_plan_section(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return _PLAN_KEY.search(fh.read()) is not None
    except OSError:
        return False


def discover(paths: list[str]) -> list[PlanSource]:
    """Turn command-line paths into plans, each folder of fragments once."""
    sources: list[PlanSource] = []
    seen: set[str] = set()
    folder_kind: dict[str, bool] = {}  # folder -> is one plan of fragments

    def fragments_folder(folder: str, files: list[str]) -> bool:
        key = os.path.abspath(folder or ".")
        if key not in folder_kind:
            folder_kind[key] = len(files) > 1 and any(not _has_plan_section(f) for f in files)
        return folder_kind[key]

    def add(src: PlanSource) -> None:
        key = os.path.abspath(src.name)
        if key not in seen:
            seen.add(key)
            sources.append(src)

    for p in paths:
        if os.path.isdir(p):
            folder = p.rstrip("/") or "/"
            files = _yaml_files(folder)
            if not files:
                raise UsageError(f"{p}: no *.yaml or *.yml files in this folder")
            if fragments_folder(folder, files):
                add(PlanSource(folder, files, is_folder=True))
            else:
                for f in files:
                    add(PlanSource(f, [f]))
        elif os.path.isfile(p):
            folder = os.path.dirname(p)
            files = _yaml_files(folder) if p.endswith((".yaml", ".yml")) else []
            if files and fragments_folder(folder, files):
                add(PlanSource(folder or ".", files, is_folder=True))
            else:
                add(PlanSource(p, [p]))
        else:
            raise UsageError(f"{p}: no such file or folder")
    return sources


def did_you_mean(word: object, choices) -> str | None:
    if not isinstance(word, str):
        return None
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def load(source: PlanSource) -> LoadedPlan:
    """Read every file of a plan and merge them (S005 and top-level S002/S003 here)."""
    lp = LoadedPlan(source)
    for f in source.files:
        rr = read_file(f)
        lp.files.append(rr)
        lp.findings.extend(rr.findings)
    lp.root = merge(lp)
    return lp


def _version_ok(root: PosDict, lp: LoadedPlan, name: str) -> bool:
    versions = ", ".join(str(v) for v in FORMAT_VERSIONS)
    if "bcp" not in root:
        lp.findings.append(
            Finding(
                "S005",
                f"no `bcp` key: a plan file starts with `bcp: 1` (this release reads format version {versions})",
                location=Location(name, root.line, root.col),
                hint="add `bcp: 1` as the first line",
            )
        )
        return False
    v = root["bcp"]
    if type(v) is not int or v not in FORMAT_VERSIONS:  # not true, not 1.0
        line, col = lc(root.vpos["bcp"])
        lp.findings.append(
            Finding(
                "S005",
                f"unsupported format version {v!r}: this release reads version {versions}",
                location=Location(name, line, col),
                hint="write `bcp: 1`",
            )
        )
        return False
    return True


def merge(lp: LoadedPlan) -> MergedRoot | None:
    merged = MergedRoot()
    merged.kpos, merged.vpos = {}, {}
    first = lp.first_file
    merged.file, merged.line, merged.col = first, 1, 1
    any_read = False
    # a file that could not be read, or is not version 1, may hold `plan`/`policy`:
    # saying they are missing would send the reader looking for the wrong problem
    unread = False
    for rr in lp.files:
        root = rr.root
        if rr.refused or not isinstance(root, PosDict):
            unread = unread or rr.refused
            continue
        any_read = True
        name = rr.file
        if not _version_ok(root, lp, name):
            unread = True
            continue
        for key, value in root.items():
            kpos = lc(root.kpos[key])
            if key == "bcp":
                continue
            if key in MAP_SECTIONS:
                if key in merged:
                    pf, (pl, pc) = merged.kfiles[key], lc(merged.kpos[key])
                    lp.findings.append(
                        Finding(
                            "S005",
                            f"`{key}` is given twice (first in {pf}:{pl}:{pc}); it belongs in exactly one fragment",
                            location=Location(name, *kpos),
                        )
                    )
                    continue
                merged[key] = value
                merged.kpos[key] = kpos
                merged.vpos[key] = root.vpos[key]
                merged.kfiles[key] = name
            elif key in LIST_SECTIONS:
                if value is None:
                    continue  # `sites:` with nothing under it: an empty section
                if not isinstance(value, PosList):
                    lp.findings.append(
                        Finding("S002", f"`{key}` must be a list (items starting with '-')", location=Location(name, *lc(root.vpos[key])))
                    )
                    continue
                lst = merged.get(key)
                if lst is None:
                    lst = MergedList()
                    lst.file, lst.line, lst.col = name, value.line, value.col
                    lst.ipos = []
                    merged[key] = lst
                    merged.kpos[key] = kpos
                    merged.vpos[key] = root.vpos[key]
                    merged.kfiles[key] = name
                lst.extend(value)
                lst.ipos.extend(value.ipos)
                lst.ifiles.extend([name] * len(value))
            else:
                hint = did_you_mean(key, TOP_KEYS)
                lp.findings.append(
                    Finding(
                        "S003",
                        f"unknown section '{key}'",
                        location=Location(name, *kpos),
                        hint=hint or "sections are: " + ", ".join(TOP_KEYS[1:]),
                    )
                )
    if not any_read:
        return None
    where = Location(first, 1, 1)
    for key in ("plan", "policy"):
        if key not in merged and not unread:
            lp.findings.append(
                Finding(
                    "S005",
                    f"the `{key}` section is missing: every plan has exactly one",
                    location=where,
                    hint=f"add a `{key}:` section (see `bcp init` for a starting point)",
                )
            )
    return merged


def locate(root: PosDict | None, path: Path, at_key: bool = False, default_file: str = "") -> Location:
    """The nearest written place for ``path`` in the merged tree (file:line:col)."""
    if root is None:
        return Location(default_file, 1, 1)
    node: object = root
    file = root.file
    pos = (root.line, root.col)
    n = len(path)
    for i, p in enumerate(path):
        last = i == n - 1
        if isinstance(node, PosDict):
            if p not in node:
                break
            kfiles = getattr(node, "kfiles", None)
            file = kfiles[p] if kfiles else node.file
            child = node[p]
            if last and not at_key and not isinstance(child, (PosDict, PosList)):
                pos = node.vpos[p]
            else:
                pos = node.kpos[p]
            node = child
        elif isinstance(node, PosList) and isinstance(p, int) and 0 <= p < len(node):
            ifiles = getattr(node, "ifiles", None)
            file = ifiles[p] if ifiles else node.file
            pos = node.ipos[p]
            node = node[p]
        else:
            break
    line, col = lc(pos)
    return Location(file, line, col)
