"""Read one YAML file into plain Python values that remember where they were written.

We do not use PyYAML's composer or constructor: they are slow (most of a 7 MB plan's
load time is spent resolving scalars in Python), they resolve scalars by YAML 1.1
(``010`` is 8, ``yes`` is true) and they expand aliases. Instead we take libyaml's
*event* stream (``yaml._yaml.CParser``; PyYAML's pure parser where the C extension is
missing) and build dicts and lists ourselves:

* scalars are typed by the YAML 1.2 core schema (spec §1);
* every mapping and sequence is a :class:`PosDict` / :class:`PosList` that carries its
  file and the line/column of each key and value, so any finding can be pointed at
  the place it is about;
* aliases share the anchored object (nothing is expanded); the node count *after*
  expansion, the nesting depth and the file size are bounded (Y005) while reading;
* duplicate keys (Y002) keep the first value, unsupported tags (Y003) leave their
  value out, never constructed.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field

import yaml

from .findings import Finding, Location

try:  # libyaml, through PyYAML's C extension
    from yaml._yaml import CParser as _CParser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - only where libyaml is missing
    _CParser = None

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NODES = 1_000_000
MAX_DEPTH = 200
_HUGE_DIGITS = 40  # any integer this long is far beyond every limit of the format

_T = "tag:yaml.org,2002:"
STANDARD_TAGS = {_T + n for n in ("str", "int", "float", "bool", "null", "seq", "map")}


def lc(pos) -> tuple[int, int]:
    """1-based (line, column) of a stored position.

    Scalars' positions are stored as libyaml's own Mark objects (0-based), which the
    parser creates anyway: converting a million of them eagerly would cost a tenth of
    the reading time for positions that only findings ever read.
    """
    return pos if pos.__class__ is tuple else (pos.line + 1, pos.column + 1)


class PosDict(dict):
    """A mapping read from YAML: ``kpos``/``vpos`` give the position of each key/value (see :func:`lc`)."""

    __slots__ = ("file", "line", "col", "kpos", "vpos")


class PosList(list):
    """A sequence read from YAML: ``ipos`` gives the position of each item (see :func:`lc`)."""

    __slots__ = ("file", "line", "col", "ipos")


@dataclass
class ReadResult:
    file: str
    root: object = None
    findings: list[Finding] = field(default_factory=list)
    #: Y001/Y004/Y005: the file adds nothing but that finding
    refused: bool = False


class _Refuse(Exception):
    def __init__(self, code: str, message: str, line: int, col: int, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.line, self.col, self.hint = code, message, line, col, hint


# --- YAML 1.2 core schema -------------------------------------------------------------

_INT_DEC = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_MAYBE_TYPED = frozenset("0123456789-+.~nNtTfF")


class HugeInt(int):
    """An integer literal too long to convert; it stands for "some number past every limit"."""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"HugeInt({len(self.text)} digits)"


class WrittenFloat(float):
    """A float that remembers how it was written (`1.10`), for hints that quote it back."""

    source: str


class WrittenInt(int):
    """An integer written in a non-canonical form (`010`, `+5`, `0x1F`), remembering it."""

    source: str


def _written(value, text: str):
    cls = WrittenFloat if isinstance(value, float) else WrittenInt
    w = cls(value)
    w.source = text
    return w


def _to_int(text: str, base: int = 10):
    digits = text.lstrip("+-")
    if len(digits) > _HUGE_DIGITS:
        v = HugeInt(10**_HUGE_DIGITS)
        v.text = text
        return v
    return int(text, base)


def resolve_plain(v: str):
    """Type a plain (unquoted, untagged) scalar by the YAML 1.2 core schema."""
    if v and v[0] not in _MAYBE_TYPED:
        return v
    if v in _NULLS:
        return None
    b = _BOOLS.get(v)
    if b is not None:
        return b
    if _INT_DEC.match(v):
        n = _to_int(v)
        return n if n.__class__ is not int or str(n) == v else _written(n, v)
    if _INT_OCT.match(v):
        return _written(_to_int(v[2:], 8), v)
    if _INT_HEX.match(v):
        return _written(_to_int(v[2:], 16), v)
    if _FLOAT.match(v):
        if len(v) > 400:
            return float("inf")
        return _written(float(v), v)
    if _INF.match(v):
        return float("-inf") if v[0] == "-" else float("inf")
    if _NAN.match(v):
        return float("nan")
    return v


def _resolve_tagged(tag: str, v: str, line: int, col: int):
    """A scalar with one of the standard tags. Returns (value, error message or None)."""
    name = tag[len(_T):]
    if name == "str":
        return v, None
    r = resolve_plain(v)
    if name == "null":
        return (None, None) if r is None else (None, f"'{v}' is not a null")
    if name == "bool":
        return (r, None) if isinstance(r, bool) else (None, f"'{v}' is not a boolean")
    if name == "int":
        return (r, None) if isinstance(r, int) and not isinstance(r, bool) else (None, f"'{v}' is not an integer")
    if name == "float":
        if isinstance(r, float):
            return r, None
        if isinstance(r, int) and not isinstance(r, bool):
            return float(r), None
        return None, f"'{v}' is not a number"
    return None, f"tag !!{name} cannot be used on a scalar"


# --- reading ------------------------------------------------------------------------------


def _decode_check(data: bytes) -> None:
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        col = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        raise _Refuse("Y004", "file contains NUL bytes: it is binary, not UTF-8 text", line, col)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        start = data.rfind(b"\n", 0, e.start) + 1
        col = len(data[start : e.start].decode("utf-8", "replace")) + 1
        raise _Refuse(
            "Y004",
            f"file is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})",
            line,
            col,
            hint="save the file as UTF-8",
        ) from None


def read_file(path: str, display: str | None = None) -> ReadResult:
    """Read one plan file. ``display`` is the name findings use (default: ``path``)."""
    name = display or path
    res = ReadResult(name)
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise _Refuse("Y005", f"file is {size} bytes, over the limit of {MAX_FILE_BYTES} (64 MiB)", 1, 1)
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise _Refuse("Y005", f"file is over the limit of {MAX_FILE_BYTES} bytes (64 MiB)", 1, 1)
    except _Refuse as r:
        res.findings.append(Finding(r.code, r.message, location=Location(name, r.line, r.col), hint=r.hint))
        res.refused = True
        return res
    except OSError as e:
        res.findings.append(Finding("Y004", f"cannot read file: {e.strerror or e}", location=Location(name, 1, 1)))
        res.refused = True
        return res
    return read_bytes(data, name)


def read_bytes(data: bytes, name: str) -> ReadResult:
    res = ReadResult(name)
    try:
        if len(data) > MAX_FILE_BYTES:
            raise _Refuse("Y005", f"file is over the limit of {MAX_FILE_BYTES} bytes (64 MiB)", 1, 1)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        _decode_check(data)
        # The builder allocates about a million small objects and frees none: the
        # cyclic GC would rescan them over and over (it doubles the time) for nothing.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            res.root = _Builder(name, res.findings).build(data)
        finally:
            if was_enabled:
                gc.enable()
    except _Refuse as r:
        # a refused file (Y001/Y004/Y005) adds nothing but that finding (spec §1)
        res.findings = [] if r.code != "S005" else res.findings
        res.findings.append(Finding(r.code, r.message, location=Location(name, r.line, r.col), hint=r.hint))
        res.root = None
        res.refused = r.code != "S005"
    return res


def _offset_pos(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset into UTF-8 data."""
    offset = max(0, min(offset, len(data)))
    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[start:offset].decode("utf-8", "replace")) + 1


def _mark_of(err: yaml.YAMLError) -> tuple[int, int]:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if mark is not None:
        return mark.line + 1, mark.column + 1
    return 1, 1


def _yaml_message(err: yaml.YAMLError) -> str:
    if isinstance(err, yaml.MarkedYAMLError):
        parts = [p for p in (err.context, err.problem) if p]
        return "; ".join(parts) or "YAML syntax error"
    return str(err).splitlines()[0] if str(err) else "YAML syntax error"


_NOKEY = object()
_DROPPED = object()
_BADKEY = object()
_MERGE = object()


class _Builder:
    def __init__(self, name: str, findings: list[Finding]):
        self.name = name
        self.findings = findings
        self.total = 0
        self.anchors: dict[str, tuple[object, int]] = {}

    def _too_many(self, line: int, col: int) -> _Refuse:
        return _Refuse(
            "Y005",
            f"document has more than {MAX_NODES:,} nodes once aliases are expanded",
            line,
            col,
            hint="aliases that refer to aliases multiply: write the values out, or split the plan",
        )

    def build(self, data: bytes):
        try:
            return self._build(data)
        except yaml.YAMLError as e:
            line, col = _mark_of(e)
            code = "Y001"
            msg = _yaml_message(e)
            if isinstance(e, yaml.reader.ReaderError):
                code = "Y004"
                msg = "file contains a character that YAML does not allow (a control character): it is not text"
                # a ReaderError has no mark, only the byte offset of the character
                line, col = _offset_pos(data, getattr(e, "position", 0) or 0)
            raise _Refuse(code, msg, line, col) from None

    def _build(self, data: bytes):
        # A hot loop: about a million events for a 7 MB plan. State lives in locals;
        # the stack holds the enclosing containers' state as tuples.
        name = self.name
        findings = self.findings
        if _CParser is not None:
            get = _CParser(data).get_event
        else:  # pragma: no cover
            get = yaml.SafeLoader(data).get_event
        anchors = self.anchors
        resolve = resolve_plain
        E = yaml.events
        ScalarEvent = E.ScalarEvent
        MappingStartEvent = E.MappingStartEvent
        SequenceStartEvent = E.SequenceStartEvent
        MappingEndEvent = E.MappingEndEvent
        SequenceEndEvent = E.SequenceEndEvent
        AliasEvent = E.AliasEvent
        DocumentStartEvent = E.DocumentStartEvent
        StreamEndEvent = E.StreamEndEvent
        NOKEY = _NOKEY
        DROPPED = _DROPPED
        BADKEY = _BADKEY
        MERGE = _MERGE
        PD = PosDict
        PL = PosList

        stack: list[tuple] = []
        # state of the open container
        cur = None  # PosDict | PosList | None (top level)
        is_map = False
        key = NOKEY
        kp = None  # position of the pending key
        skip = False  # the value being read belongs to a duplicate key
        merges = None
        start_total = 0
        anchor = None
        drop = False
        root = NOKEY
        root_pos = (1, 1)
        docs = 0
        total = 0

        while True:
            ev = get()
            if ev is None:
                break
            cls = ev.__class__
            if cls is ScalarEvent:
                pos = ev.start_mark
                total += 1
                tag = ev.tag
                if tag is None:
                    value = ev.value if ev.style else resolve(ev.value)
                elif tag == "!":
                    value = ev.value
                elif tag in STANDARD_TAGS:
                    value, err = _resolve_tagged(tag, ev.value, *lc(pos))
                    if err:
                        findings.append(Finding("S002", err, location=Location(name, *lc(pos))))
                        value = DROPPED
                else:
                    findings.append(_unsupported_tag(tag, name, *lc(pos)))
                    value = DROPPED
                if ev.anchor is not None:
                    anchors[ev.anchor] = (value, 1)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                m = ev.start_mark
                line = m.line + 1
                col = m.column + 1
                if len(stack) >= MAX_DEPTH:
                    raise _Refuse("Y005", f"nesting deeper than {MAX_DEPTH} levels", line, col)
                total += 1
                if total > MAX_NODES:
                    raise self._too_many(line, col)
                stack.append((cur, is_map, key, kp, skip, merges, start_total, anchor, drop))
                is_map = cls is MappingStartEvent
                tag = ev.tag
                drop = False
                if tag is not None and tag != "!":
                    want = _T + ("map" if is_map else "seq")
                    if tag != want:
                        if tag in STANDARD_TAGS:
                            findings.append(Finding("S002", f"tag {_short_tag(tag)} cannot be used on a {'mapping' if is_map else 'sequence'}", location=Location(name, line, col)))
                        else:
                            findings.append(_unsupported_tag(tag, name, line, col))
                        drop = True
                if is_map:
                    cur = PD()
                    cur.kpos = {}
                    cur.vpos = {}
                else:
                    cur = PL()
                    cur.ipos = []
                cur.file = name
                cur.line = line
                cur.col = col
                key = NOKEY
                kp = None
                skip = False
                merges = None
                start_total = total - 1
                anchor = ev.anchor
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                if merges:
                    _apply_merges(cur, merges)
                value = DROPPED if drop else cur
                pos = (cur.line, cur.col)
                if anchor is not None:
                    anchors[anchor] = (value, total - start_total)
                cur, is_map, key, kp, skip, merges, start_total, anchor, drop = stack.pop()
            elif cls is AliasEvent:
                m = ev.start_mark
                pos = (m.line + 1, m.column + 1)
                got = anchors.get(ev.anchor)
                if got is None:  # libyaml reports undefined aliases itself; be safe
                    raise _Refuse("Y001", f"found undefined alias '{ev.anchor}'", *pos)
                value, size = got
                total += size
            elif cls is DocumentStartEvent:
                docs += 1
                if docs > 1:
                    m = ev.start_mark
                    raise _Refuse(
                        "Y001",
                        "a second YAML document in one file: a plan file holds exactly one",
                        m.line + 1,
                        m.column + 1,
                        hint="split it into fragment files in one folder",
                    )
                continue
            elif cls is StreamEndEvent:
                break
            else:
                continue
            if total > MAX_NODES:
                raise self._too_many(*lc(pos))

            # place `value` into the open container
            if cur is None:
                if root is NOKEY:
                    root = value
                    root_pos = lc(pos)
            elif is_map:
                if key is NOKEY:  # `value` is a key
                    kp = pos
                    if value is DROPPED or value is NOKEY:
                        key = BADKEY
                    elif value.__class__ is PD or value.__class__ is PL:
                        findings.append(Finding("S002", "a mapping key must be a plain value, not a mapping or list", location=Location(name, *lc(pos))))
                        key = BADKEY
                    elif value == "<<" and cls is ScalarEvent and not ev.style:
                        key = MERGE
                    else:
                        if value.__class__ is float and value != value:
                            value = "nan"
                        key = value
                        if value in cur:
                            first = lc(cur.kpos.get(value, (0, 0)))
                            findings.append(
                                Finding(
                                    "Y002",
                                    f"duplicate key '{value}' (first written at line {first[0]}, column {first[1]}); the first value is kept",
                                    location=Location(name, *lc(pos)),
                                    hint="remove or rename one of the two keys",
                                )
                            )
                            skip = True
                    continue
                k = key
                key = NOKEY
                if skip:
                    skip = False
                elif k is BADKEY or value is DROPPED or value is NOKEY:
                    pass
                elif k is MERGE:
                    if merges is None:
                        merges = []
                    if value.__class__ is PD:
                        merges.append(value)
                    elif value.__class__ is PL and all(x.__class__ is PD for x in value):
                        merges.extend(value)
                    else:
                        findings.append(Finding("S002", "a merge key '<<' takes a mapping or a list of mappings", location=Location(name, *lc(pos))))
                else:
                    cur[k] = value
                    cur.kpos[k] = kp
                    cur.vpos[k] = pos
            elif value is not DROPPED and value is not NOKEY:
                cur.append(value)
                cur.ipos.append(pos)

        self.total = total
        if root is NOKEY or root is None:
            raise _Refuse("S005", "the file is empty: a plan file starts with `bcp: 1`", 1, 1, hint="add `bcp: 1` at the top")
        if root is DROPPED:
            raise _Refuse("S005", "the top level has an unsupported tag: a plan file is a mapping that starts with `bcp: 1`", *root_pos)
        if root.__class__ is not PD:
            kind = "a list" if root.__class__ is PL else "a single value"
            raise _Refuse("S005", f"the top level is {kind}, not a mapping: a plan file is a mapping that starts with `bcp: 1`", *root_pos, hint="start the file with `bcp: 1`")
        return root




def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_T):] if tag.startswith(_T) else tag


def _unsupported_tag(tag: str, name: str, line: int, col: int) -> Finding:
    return Finding(
        "Y003",
        f"unsupported tag {_short_tag(tag)}: only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map are read; the value is left out",
        location=Location(name, line, col),
        hint="remove the tag and write the value as plain YAML",
    )


def _apply_merges(obj: PosDict, sources: list[PosDict]) -> None:
    """YAML merge keys: keys written in the mapping win, then earlier sources win."""
    for src in sources:
        for k, v in src.items():
            if k not in obj:
                obj[k] = v
                obj.kpos[k] = src.kpos.get(k, (src.line, src.col))
                obj.vpos[k] = src.vpos.get(k, (src.line, src.col))
