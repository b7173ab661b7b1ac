"""Schema check: the merged tree against the typed model, pydantic errors as findings.

Every pydantic error becomes one finding with the path of the merged plan, so the
engine can point it at the file, line and column where the value was written:
missing field S001, unknown field S003 (with a "did you mean"), malformed duration,
date or id S004, everything else S002 (with a hint where one helps).
"""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from .findings import Finding
from .loader import did_you_mean
from .model import Plan

_S002_TYPES = {
    "model_type": "expected a mapping (key: value lines)",
    "model_attributes_type": "expected a mapping (key: value lines)",
    "dict_type": "expected a mapping (key: value lines)",
    "list_type": "expected a list",
}


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _field_at(loc: tuple) -> tuple[type[BaseModel] | None, str | None, Any]:
    """The model class that owns the last element of ``loc``, its field name, and the type there."""
    owner: type[BaseModel] | None = None
    name: str | None = None
    tp: Any = Plan
    for p in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if not isinstance(p, str) or p not in tp.model_fields:
                return tp, str(p), None
            owner, name, tp = tp, p, tp.model_fields[p].annotation
            continue
        origin = typing.get_origin(tp)
        if origin is list and isinstance(p, int):
            tp = typing.get_args(tp)[0]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        else:
            return owner, name, None
    return owner, name, _unwrap(tp)


def _literal_values(tp: Any) -> tuple | None:
    tp = _unwrap(tp)
    if typing.get_origin(tp) is Literal:
        return typing.get_args(tp)
    return None


def _what(v: Any) -> str:
    if isinstance(v, bool):
        return f"the boolean {str(v).lower()}"
    if isinstance(v, (int, float)):
        return f"the number {v!r}" if not hasattr(v, "text") else "a very long number"
    if isinstance(v, str):
        return repr(v) if len(v) < 60 else repr(v[:57] + "...")
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    return type(v).__name__


def error_to_finding(err: dict) -> Finding | None:
    loc: tuple = tuple(err["loc"])
    typ: str = err["type"]
    inp = err.get("input")
    ctx = err.get("ctx") or {}
    if typ == "missing":
        if loc in (("plan",), ("policy",)):
            return None  # reported as S005 by the loader
        name = loc[-1]
        return Finding("S001", f"required field '{name}' is missing", path=loc[:-1], hint=f"add `{name}:`")
    if typ == "extra_forbidden":
        owner, _, _ = _field_at(loc[:-1] + ("__nope__",))
        key = loc[-1]
        hint = did_you_mean(key, owner.model_fields) if owner else None
        if hint is None and owner is not None:
            hint = "known fields here: " + ", ".join(owner.model_fields)
        return Finding("S003", f"unknown field '{key}'", path=loc, hint=hint, at_key=True)
    if typ == "invalid_key":
        # a key that is not text (`1:`, `true:`): an unknown field, at the key as written
        key = str(inp).lower() if isinstance(inp, bool) else (_what(inp) if hasattr(inp, "text") else str(inp))
        return Finding("S003", f"unknown field '{key}': field names are text", path=loc[:-1] + (inp,), at_key=True)
    owner, name, tp = _field_at(loc)
    if inp is None and typ != "bcp_s004":
        required = bool(owner and name and owner.model_fields[name].is_required() and loc[-1] == name)
        if required:
            return Finding("S001", f"required field '{name}' has no value", path=loc, hint=f"give `{name}` a value")
        return Finding("S002", "empty value", path=loc, hint="give it a value or remove the key")
    if typ == "bcp_s004":
        return Finding("S004", err["msg"], path=loc, hint=ctx.get("hint"))
    if typ == "bcp_s002":
        return Finding("S002", err["msg"], path=loc, hint=ctx.get("hint"))
    if typ == "literal_error":
        allowed = _literal_values(tp) or ()
        hint = did_you_mean(inp, allowed) if allowed else None
        msg = f"{_what(inp)} is not one of: {', '.join(map(str, allowed))}" if allowed else err["msg"]
        if isinstance(inp, bool) and allowed:
            hint = hint or "YAML reads unquoted true/false as booleans"
        return Finding("S002", msg, path=loc, hint=hint)
    if typ in _S002_TYPES:
        hint = None
        if typ == "list_type" and isinstance(inp, (str, int, float)) and not isinstance(inp, bool):
            hint = f"write a list: [{inp}]"
        return Finding("S002", f"{_S002_TYPES[typ]}, got {_what(inp)}", path=loc, hint=hint)
    return Finding("S002", err.get("msg", "invalid value"), path=loc)


def check(root: dict) -> tuple[Plan | None, list[Finding]]:
    """Validate the merged tree; return the model (None when invalid) and the findings."""
    data = {k: v for k, v in root.items() if k != "bcp"}
    try:
        return Plan.model_validate(data), []
    except ValidationError as e:
        findings = [f for err in e.errors(include_url=False) if (f := error_to_finding(err)) is not None]
        return None, findings
