"""Scalar types of the plan format (spec §2): ids, durations, dates, ints and numbers.

Each is a pydantic-compatible annotated type whose validator raises a
``PydanticCustomError`` with a type name that the schema stage maps to a rule code:
``bcp_s002`` (wrong type or value) or ``bcp_s004`` (malformed duration, date or id).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}\Z")
_COMPACT = re.compile(
    r"(?:(\d+)y)?(?:(\d+)mo)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?\Z"
)
_ISO = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z"
)
_UNITS = (365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
MAX_INT = 10**15
_LONG_DIGITS = re.compile(r"\d{16}")


def s002(msg: str, hint: str | None = None) -> PydanticCustomError:
    return PydanticCustomError("bcp_s002", msg, {"hint": hint} if hint else {})


def s004(msg: str, hint: str | None = None) -> PydanticCustomError:
    return PydanticCustomError("bcp_s004", msg, {"hint": hint} if hint else {})


def _bare(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        if getattr(value, "text", None) is not None:
            return f"a number {_num_text(value)}"
        return f"the number {_num_text(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return type(value).__name__


def _num_text(value: Any) -> str:
    """A number as the user wrote it (`1.10`, `010`), so hints quote their own text back."""
    t = getattr(value, "text", None)
    if t is not None:
        return f"of {len(t)} digits"
    src = getattr(value, "source", None)
    return src if src is not None else repr(value)


class Duration(int):
    """A span of time in whole seconds that remembers how it was written."""

    text: str

    def __new__(cls, seconds: int, text: str | None = None) -> "Duration":
        obj = super().__new__(cls, seconds)
        obj.text = text if text is not None else format_duration(seconds)
        return obj

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Duration({self.text!r})"


def format_duration(seconds: int | float | None) -> str:
    """Compact form, largest units first: 5400 -> '1h30m', 0 -> '0s'."""
    if seconds is None:
        return "—"
    seconds = int(seconds)
    if seconds == 0:
        return "0s"
    parts = []
    for unit, label in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        q, seconds = divmod(seconds, unit)
        if q:
            parts.append(f"{q}{label}")
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def parse_duration(text: str) -> Duration | None:
    """Parse ``1h30m``, ``6mo``, ``PT1H30M`` … into seconds; None when malformed."""
    if not text:
        return None
    if text[0] == "P":
        m = _ISO.match(text)
        if not m or text in ("P", "PT") or text.endswith("T"):
            return None
        y, mo, w, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        return Duration(((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 3600 + mi * 60 + s, text)
    m = _COMPACT.match(text)
    if not m or not any(m.groups()):
        return None
    return Duration(sum(int(g) * u for g, u in zip(m.groups(), _UNITS) if g), text)


def _v_duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if isinstance(value, str):
        if _LONG_DIGITS.search(value):  # int() refuses over 4300 digits; nothing needs 16
            raise s002(f"duration '{value[:40]}{'…' if len(value) > 40 else ''}' is over the limit of 10^15 seconds")
        d = parse_duration(value)
        if d is None:
            raise s004(
                f"malformed duration '{value}'",
                "write a duration like 30m, 1h30m, 4h, 1d, 6mo or ISO 8601 PT1H30M",
            )
        if d > MAX_INT:
            raise s002(f"duration '{value}' is over the limit of 10^15 seconds")
        return d
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        n = value if isinstance(value, int) else int(value) if value.is_integer() else None
        if n is None or not 0 <= n <= MAX_INT or getattr(value, "text", None) is not None:
            # a huge literal, a fraction, a negative number, inf or nan: "write 1.5m" would be wrong too
            raise s002(f"expected a duration, got {_bare(value)}", 'write a duration with a unit, e.g. "30m" or "1h30m"')
        raise s002(
            f"expected a duration, got {_bare(value)}",
            f'write "{n}m" or "{n}h" (with a unit), not {_num_text(value)}',
        )
    raise s002(f"expected a duration, got {_bare(value)}", 'write a duration in quotes or with a unit, e.g. "30m"')


def _v_id(value: Any) -> str:
    if isinstance(value, str):
        if ID_RE.match(value):
            return value
        raise s004(
            f"malformed id '{value}'",
            "an id is 1–63 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit",
        )
    hint = None
    if isinstance(value, (bool, int, float)) and getattr(value, "text", None) is None:
        hint = f'write "{str(value).lower() if isinstance(value, bool) else _num_text(value)}" in quotes if that is the id'
    raise s002(f"expected an id, got {_bare(value)}", hint)


def _v_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if _DATE_RE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise s004(f"impossible date '{value}'", "write a real calendar date as YYYY-MM-DD") from None
        raise s004(f"malformed date '{value}'", "write a date as YYYY-MM-DD, e.g. 2026-09-01")
    raise s002(f"expected a date (YYYY-MM-DD), got {_bare(value)}", "write a date as YYYY-MM-DD, e.g. 2026-09-01")


def _v_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    hint = None
    if isinstance(value, bool):
        hint = f'write "{str(value).lower()}" in quotes: unquoted it is a boolean'
    elif isinstance(value, (int, float)):
        lit = "it" if getattr(value, "text", None) is not None else f'"{_num_text(value)}"'
        hint = f"write {lit} in quotes: unquoted it is a number"
    raise s002(f"expected text, got {_bare(value)}", hint)


def _v_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer() and 0 <= value <= MAX_INT:
            raise s002(f"expected a whole number, got {value!r}", f"write {int(value)}")
        raise s002(f"expected a whole number, got {_bare(value)}", "write a plain integer such as 2")
    if value < 0:
        raise s002(f"must not be negative, got {value}")
    if value > MAX_INT:
        raise s002(f"number {_num_text(value)} is over the limit of 10^15")
    return int(value)


def _v_number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise s002(f"expected a number, got {_bare(value)}", "write a plain number such as 12.5")
    if isinstance(value, float) and not math.isfinite(value):
        raise s002("expected a finite number")
    if value < 0:
        raise s002(f"must not be negative, got {value}")
    if value > MAX_INT:
        raise s002(f"number {_num_text(value)} is over the limit of 10^15")
    return int(value) if isinstance(value, int) else float(value)


def _v_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    hint = None
    if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off", "y", "n"):
        hint = f"write true or false: YAML 1.2 reads '{value}' as text"
    raise s002(f"expected true or false, got {_bare(value) if not isinstance(value, str) else repr(value)}", hint)


Id = Annotated[str, PlainValidator(_v_id), WithJsonSchema({"type": "string", "pattern": ID_RE.pattern[:-2] + "$"})]
DurationT = Annotated[
    Duration,
    PlainValidator(_v_duration),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^((\d+y)?(\d+mo)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?|P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$",
            "description": "duration: 30m, 1h30m, 6mo, 1y or ISO 8601 (PT1H30M)",
        }
    ),
]
Date = Annotated[
    dt.date,
    PlainValidator(_v_date),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "date YYYY-MM-DD"}),
]
Text = Annotated[str, PlainValidator(_v_text), WithJsonSchema({"type": "string"})]
Int = Annotated[int, PlainValidator(_v_int), WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_INT})]
Number = Annotated[float, PlainValidator(_v_number), WithJsonSchema({"type": "number", "minimum": 0, "maximum": MAX_INT})]
Bool = Annotated[bool, PlainValidator(_v_bool), WithJsonSchema({"type": "boolean"})]
