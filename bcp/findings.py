"""Findings: what every stage of `bcp` reports, with the place in the YAML it is about.

A finding is created with a *path* into the merged plan (``("services", 3, "tier")``)
or with an explicit location (reading errors, which happen before there is a tree).
The engine resolves paths to ``file:line:col`` once, at the end, through the
source map that the reader built.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Union

PathElem = Union[str, int]
Path = tuple[PathElem, ...]


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def letter(self) -> str:
        return self.value[0].upper()


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int  # 1-based
    column: int  # 1-based


@dataclass(slots=True)
class Finding:
    code: str
    message: str
    path: Path = ()
    hint: str | None = None
    #: what the finding is about, for ``checks.ignore`` targets (component, role, site …)
    target: str | None = None
    #: point at the key of the last path element rather than its value
    at_key: bool = False
    location: Location | None = None
    severity: Severity = Severity.ERROR
    #: set when a ``checks.ignore`` entry accepts the finding
    accepted: str | None = field(default=None)

    @property
    def path_str(self) -> str:
        return format_path(self.path)

    def sort_key(self) -> tuple:
        loc = self.location
        if loc is None:
            return ("", 0, 0, self.code, self.message)
        return (loc.file, loc.line, loc.column, self.code, self.message)


def format_path(path: Path) -> str:
    out: list[str] = []
    for p in path:
        if isinstance(p, int):
            out.append(f"[{p}]")
        else:
            out.append(("." if out else "") + str(p))
    return "".join(out)
