"""`plan.logo`: the one image file a plan may bring into its document.

Checked by `validate` (S002) and read by `build` through the same function, so a plan
that validates clean never fails to build over its logo. Only a PNG, JPEG or plain SVG
file inside the folder of the plan file that names it, at most 2 MiB, is accepted:
no URL, no path that leaves the folder (symbolic links resolved), no SVG that runs
scripts or refers to other files.
"""

from __future__ import annotations

import os
import re

LOGO_MAX_BYTES = 2 * 1024 * 1024
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_SVG_BAD = re.compile(
    rb"<script|javascript:|<!entity|<!doctype|<foreignobject|\bon[a-z]+\s*=|(href|src)\s*=\s*[\"']\s*(?!#|data:image/)"
    rb"|url\(\s*[\"']?\s*(?!#)",
    re.I,
)


def sniff(data: bytes) -> str | None:
    """The image type from the file's first bytes: image/png, image/jpeg, image/svg+xml or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        if b"<svg" in data[:65536]:
            return "image/svg+xml"
    return None


def load_logo(logo: str, plan_dir: str) -> tuple[str | None, str, bytes, str]:
    """Check and read a logo: (problem or None, resolved path, bytes, mime type)."""
    if _URL.match(logo) and not re.match(r"^[a-zA-Z]:[\\/]", logo):
        return "the logo must be a file beside the plan, not a URL", "", b"", ""
    if os.path.isabs(logo) or logo.startswith(("/", "\\")):
        return "the logo must be a path relative to the plan file, not an absolute path", "", b"", ""
    base = os.path.realpath(plan_dir or ".")
    full = os.path.realpath(os.path.join(base, logo))
    if os.path.commonpath([base, full]) != base:
        return "the logo path leaves the plan's folder", full, b"", ""
    if not os.path.exists(full):
        return f"the logo file '{logo}' does not exist", full, b"", ""
    if not os.path.isfile(full):
        return f"the logo '{logo}' is not a file", full, b"", ""
    try:
        with open(full, "rb") as fh:
            data = fh.read(LOGO_MAX_BYTES + 1)
    except OSError as e:
        return f"the logo '{logo}' cannot be read: {e.strerror or e}", full, b"", ""
    if len(data) > LOGO_MAX_BYTES:
        return f"the logo '{logo}' is larger than {LOGO_MAX_BYTES // (1024 * 1024)} MiB", full, b"", ""
    mime = sniff(data)
    if mime is None:
        return f"the logo '{logo}' is not a PNG, JPEG or SVG file", full, b"", ""
    if mime == "image/svg+xml" and _SVG_BAD.search(data):
        return (f"the logo '{logo}' is an SVG with scripts, entities or references to other files; "
                "use a plain SVG or a PNG"), full, b"", ""
    return None, full, data, mime


def logo_problem(logo: str, plan_dir: str) -> str | None:
    """Why a `plan.logo` value cannot be used, or None when it can."""
    return load_logo(logo, plan_dir)[0]
