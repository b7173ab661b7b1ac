"""What the document reads besides the plan model: the git history and the logo.

Both are read defensively. The git history is optional: when git is missing, the
plan is not in a repository, or git fails or hangs, the document quietly falls back
to ``plan.changes``. The logo is the one file the plan may point at: it must lie in
the directory of the plan file that names it, be a PNG, JPEG or SVG, and be small.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from ..logo import load_logo

GIT_TIMEOUT = 10  # seconds

_SEP = "\x1f"


def git_log(files: list[str], limit: int = 100) -> list[dict]:
    """Commits touching the plan's files, newest first: commit, date, author, subject."""
    git = shutil.which("git")
    if not git or not files:
        return []
    paths = [os.path.abspath(f) for f in files]
    cwd = os.path.dirname(paths[0]) or "."
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k == "GIT_CEILING_DIRECTORIES"}
    env.update({"GIT_PAGER": "cat", "PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"})
    cmd = [git, "-c", "core.quotepath=off", "-c", "log.showSignature=false", "--no-pager", "log", "--no-color",
           "--no-decorate", "--no-mailmap", f"-n{limit}", "--date=short",
           f"--format=%H{_SEP}%ad{_SEP}%an{_SEP}%s", "--", *paths]
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError, ValueError):
        return []
    if proc.returncode != 0:
        return []
    out = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split(_SEP)
        if len(parts) != 4:
            continue
        h, d, author, subject = parts
        try:
            date = dt.date.fromisoformat(d)
        except ValueError:
            continue
        out.append({"commit": h[:10], "date": date, "author": author, "subject": subject})
    return out


class LogoError(Exception):
    pass


@dataclass
class Logo:
    path: str  # resolved absolute path
    mime: str
    data: bytes

    @property
    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def read_logo(logo: str, naming_file: str) -> Logo:
    """Read ``logo`` relative to ``naming_file``, with the checks `validate` makes (S002)."""
    problem, path, data, mime = load_logo(logo, os.path.dirname(os.path.abspath(naming_file)))
    if problem:
        raise LogoError(problem)
    return Logo(path, mime, data)


def naming_file(result) -> str | None:
    """The plan file that holds ``plan.logo`` (the plan section is in exactly one fragment)."""
    ctx = result.ctx
    loc = None
    try:
        loc = ctx.locate(("plan", "logo")) if ctx is not None and hasattr(ctx, "locate") else None
    except Exception:  # noqa: BLE001 — a locator problem only loses the precise file
        loc = None
    files = list(getattr(result.source, "files", []) or [])
    if loc is not None and loc.file in files:
        return loc.file
    if len(files) == 1:
        return files[0]
    for f in files:
        try:
            with open(f, encoding="utf-8-sig", errors="replace") as fh:
                if any(re.match(r"^plan\s*:", line) for line in fh):
                    return f
        except OSError:
            continue
    return None
