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

GIT_TIMEOUT = 10  # seconds
LOGO_MAX_BYTES = 2 * 1024 * 1024

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


_SVG_BAD = re.compile(rb"<script|javascript:|<!entity|<!doctype|<foreignobject|\bon[a-z]+\s*=|(href|src)\s*=\s*[\"']\s*(?!#|data:image/)"
                      rb"|url\(\s*[\"']?\s*(?!#)", re.I)


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        if b"<svg" in data[:65536]:
            return "image/svg+xml"
    return None


def read_logo(logo: str, naming_file: str) -> Logo:
    """Read ``logo`` relative to ``naming_file``; refuse anything outside that file's directory."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", logo) or logo.startswith(("/", "\\")):
        raise LogoError(f"logo '{logo}' must be a path relative to {naming_file}")
    base = os.path.realpath(os.path.dirname(os.path.abspath(naming_file)))
    path = os.path.realpath(os.path.join(base, logo))
    if os.path.commonpath([base, path]) != base:
        raise LogoError(f"logo '{logo}' leaves the plan's directory")
    try:
        with open(path, "rb") as fh:
            data = fh.read(LOGO_MAX_BYTES + 1)
    except OSError as e:
        raise LogoError(f"logo '{logo}' cannot be read: {e.strerror or e}") from None
    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(f"logo '{logo}' is larger than {LOGO_MAX_BYTES // (1024 * 1024)} MiB")
    mime = sniff(data)
    if mime is None:
        raise LogoError(f"logo '{logo}' is not a PNG, JPEG or SVG file")
    if mime == "image/svg+xml" and _SVG_BAD.search(data):
        raise LogoError(f"logo '{logo}' is an SVG with scripts, entities or references to other files; use a plain SVG or a PNG")
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
