"""Reading YAML (spec §1): Y001–Y005, the YAML 1.2 core schema, positions, merge keys.

Every failing case asserts the code, the line and the column of the finding; the
expected positions come from the text itself (``pos(text, needle)``) so the tests
say *where* a finding must point, not what the reader happens to print.
"""

from __future__ import annotations

import datetime as dt
import math
import time

import pytest

from bcp.engine import validate_source
from bcp.loader import discover
from bcp.reader import PosDict, PosList, lc, read_bytes, resolve_plain

AS_OF = dt.date(2026, 11, 24)

BASE = """\
bcp: 1
plan:
  id: test-plan
  title: Test plan
  organization: Example
  version: "1.0"
  owner: crisis
  review: {last: 2026-10-01, every: 1y}
  approvals:
    - {person: alice, title: CEO, date: 2026-10-01}
policy:
  tiers:
    - {id: tier0, name: Critical, max_rto: 1h, max_rpo: 5m}
    - {id: tier1, name: Standard, max_rto: 1d, max_rpo: 1h}
  required_ops: []
sites:
  - {id: dc1, name: DC 1, kind: owned, region: r1}
  - {id: dc2, name: DC 2, kind: owned, region: r2}
people:
  - id: alice
    name: Alice
    contacts: {mobile: "1", email: a@x}
  - id: bob
    name: Bob
    contacts: {mobile: "2", email: b@x}
roles:
  - id: crisis
    name: Crisis lead
    members: [alice, bob]
    critical: true
"""

# Families this file is about. Rules of other families run too (and are tested elsewhere).
FOUNDATION = ("Y", "S", "R")


def pos(text: str, needle: str, nth: int = 0, offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of needle in text (plus offset chars)."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += offset
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return line, col


def validate(tmp_path, content: str | bytes, name: str = "plan.yaml"):
    p = tmp_path / name
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    (src,) = discover([str(p)])
    return validate_source(src, AS_OF)


def found(result, families=FOUNDATION) -> list[tuple[str, int, int]]:
    return [(f.code, f.location.line, f.location.column) for f in result.findings if f.code[0] in families]


def only(result, code: str):
    fs = [f for f in result.findings if f.code == code]
    assert len(fs) == 1, [(f.code, f.message) for f in result.findings]
    return fs[0]


def replace(old: str, new: str, text: str = BASE) -> str:
    assert old in text
    return text.replace(old, new, 1)


# --- the base plan itself ---------------------------------------------------------------


def test_base_plan_reads_clean(tmp_path):
    r = validate(tmp_path, BASE)
    assert found(r) == []
    assert r.plan is not None
    assert r.plan.plan.title == "Test plan"
    assert r.errors == 0


# --- YAML 1.2 core schema ------------------------------------------------------------------


@pytest.mark.parametrize(
    "literal, expected",
    [
        ("010", 10),
        ("0o17", 15),
        ("0x1F", 31),
        ("-12", -12),
        ("+7", 7),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("", None),
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("1:30", "1:30"),
        ("2026-01-01", "2026-01-01"),
        ("0b101", "0b101"),
        ("1_000", "1_000"),
        ("tRUE", "tRUE"),
        ('"010"', "010"),
        ("'true'", "true"),
        ('"~"', "~"),
        ("'12.5'", "12.5"),
        ("!!str 010", "010"),
        ("!!float 1", 1.0),
        ("!!int 0x10", 16),
        ("!!bool false", False),
        ("!!null ''", None),
    ],
)
def test_core_schema_scalars(literal, expected):
    r = read_bytes(f"bcp: 1\nv: {literal}\n".encode(), "f.yaml")
    assert r.findings == []
    v = r.root["v"]
    assert v == expected and isinstance(v, type(expected)) and (type(v) is bool) == (type(expected) is bool)  # may remember its text


def test_nan_is_a_float():
    r = read_bytes(b"bcp: 1\nv: .NaN\n", "f.yaml")
    assert math.isnan(r.root["v"])


def test_positions_of_keys_values_and_items():
    text = "bcp: 1\nsites:\n  - id: dc1\n    tags: [a,  b]\n"
    r = read_bytes(text.encode(), "f.yaml")
    root = r.root
    assert isinstance(root, PosDict) and root.file == "f.yaml" and (root.line, root.col) == (1, 1)
    assert lc(root.kpos["sites"]) == (2, 1)
    sites = root["sites"]
    assert isinstance(sites, PosList) and [lc(p) for p in sites.ipos] == [pos(text, "id: dc1")]
    item = sites[0]
    assert lc(item.kpos["id"]) == pos(text, "id: dc1") and lc(item.vpos["id"]) == pos(text, "dc1")
    assert [lc(p) for p in item["tags"].ipos] == [pos(text, "a,"), pos(text, "b]")]


def test_tagged_scalar_of_wrong_type_is_s002():
    text = "bcp: 1\nx: !!int abc\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert [(f.code, f.location.line, f.location.column) for f in r.findings] == [("S002", *pos(text, "!!int"))]
    assert "x" not in r.root


def test_010_is_ten_where_an_int_is_expected(tmp_path):
    r = validate(tmp_path, replace("max_rto: 1h, max_rpo: 5m}", "max_rto: 1h, max_rpo: 5m, min_sites: 010}"))
    assert found(r) == []
    assert r.plan.policy.tiers[0].min_sites == 10


def test_uppercase_booleans_are_booleans(tmp_path):
    r = validate(tmp_path, replace("critical: true", "critical: TRUE"))
    assert found(r) == []
    assert r.plan.roles[0].critical is True


def test_yes_is_text_not_a_boolean(tmp_path):
    text = replace("critical: true", "critical: yes")
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "yes")
    assert "1.2" in f.hint and "yes" in f.hint


def test_bare_number_where_text_is_expected(tmp_path):
    text = replace('version: "1.0"', "version: 1.0")
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "1.0")
    assert f.path == ("plan", "version")
    assert '"1.0"' in f.hint


def test_bare_boolean_where_text_is_expected(tmp_path):
    text = replace("organization: Example", "organization: false")
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "false")
    assert '"false"' in f.hint


def test_bare_number_where_an_id_is_expected(tmp_path):
    text = replace("owner: crisis", "owner: 42")
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "42")
    assert "id" in f.message and '"42"' in f.hint


def test_bare_number_where_a_duration_is_expected(tmp_path):
    text = replace("max_rto: 1h,", "max_rto: 30,")
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "30,")
    assert f.path == ("policy", "tiers", 0, "max_rto")
    assert '"30m"' in f.hint


def test_clock_time_as_duration_is_s004(tmp_path):
    text = replace("max_rto: 1h,", "max_rto: 1:30,")
    f = only(validate(tmp_path, text), "S004")
    assert (f.location.line, f.location.column) == pos(text, "1:30")
    assert "1:30" in f.message


def test_empty_optional_field_is_s002(tmp_path):
    text = replace('  version: "1.0"\n', '  version: "1.0"\n  scope:\n')
    f = only(validate(tmp_path, text), "S002")
    assert f.path == ("plan", "scope")
    assert (f.location.line, f.location.column) == pos(text, "scope:", offset=len("scope:"))
    assert not any(x.code == "S001" for x in validate(tmp_path, text).findings)


def test_null_optional_field_is_s002(tmp_path):
    text = replace('  version: "1.0"\n', '  version: "1.0"\n  scope: ~\n')
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "~")


@pytest.mark.parametrize("empty", ["", " ~", " Null"])
def test_empty_required_field_is_s001(tmp_path, empty):
    text = replace("  title: Test plan\n", f"  title:{empty}\n")
    f = only(validate(tmp_path, text), "S001")
    assert f.path == ("plan", "title")
    assert f.location.line == pos(text, "title:")[0]
    assert "title" in f.message
    assert not any(x.code == "S002" for x in validate(tmp_path, text).findings)


# --- Y001 -------------------------------------------------------------------------------------


def test_syntax_error_is_y001_and_refuses_the_file(tmp_path):
    text = BASE + "extra:\n  - id: x\n   name: y\n"
    r = validate(tmp_path, text)
    assert found(r, "YSRTLOPCXD") == [("Y001", *pos(text, "name: y"))]
    assert r.plan is None and r.failed()


def test_unclosed_bracket_is_y001(tmp_path):
    text = replace("members: [alice, bob]", "members: [alice, bob")
    r = validate(tmp_path, text)
    assert [f.code for f in r.findings] == ["Y001"]
    f = r.findings[0]
    assert f.location.line >= pos(text, "members")[0] and f.location.column >= 1


def test_second_document_is_y001_at_its_start(tmp_path):
    text = BASE + "---\nbcp: 1\n"
    r = validate(tmp_path, text)
    assert found(r, "YSRTLOPCXD") == [("Y001", *pos(text, "---"))]
    assert "second" in r.findings[0].message


def test_second_document_without_marker_content_still_y001(tmp_path):
    text = BASE + "...\n---\n"
    r = validate(tmp_path, text)
    assert [f.code for f in r.findings] == ["Y001"]


def test_undefined_alias_is_y001(tmp_path):
    text = replace("members: [alice, bob]", "members: *team")
    r = validate(tmp_path, text)
    assert found(r, "YSRTLOPCXD") == [("Y001", *pos(text, "*team"))]


def test_tab_indentation_is_y001(tmp_path):
    text = BASE + "\tx: 1\n"
    r = validate(tmp_path, text)
    assert [f.code for f in r.findings] == ["Y001"]
    assert r.findings[0].location.line == pos(text, "\tx")[0]


# --- Y002 -------------------------------------------------------------------------------------


def test_duplicate_key_is_y002_at_the_second_key_and_the_first_value_is_kept(tmp_path):
    text = replace("  title: Test plan\n", "  title: Test plan\n  title: Other title\n")
    r = validate(tmp_path, text)
    assert found(r) == [("Y002", *pos(text, "title: Other"))]
    f = r.findings[[x.code for x in r.findings].index("Y002")]
    assert f"line {pos(text, 'title: Test')[0]}" in f.message
    assert r.plan is not None and r.plan.plan.title == "Test plan"


def test_duplicate_key_in_flow_mapping(tmp_path):
    text = replace("{id: dc1, name: DC 1,", "{id: dc1, name: DC 1, id: dc9,")
    r = validate(tmp_path, text)
    assert found(r) == [("Y002", *pos(text, "id: dc9"))]
    assert r.plan.sites[0].id == "dc1"


def test_duplicate_top_level_section_is_y002(tmp_path):
    text = BASE + "sites:\n  - {id: dc3, name: DC 3, kind: owned, region: r3}\n"
    r = validate(tmp_path, text)
    assert found(r) == [("Y002", *pos(text, "sites:", nth=1))]
    assert [s.id for s in r.plan.sites] == ["dc1", "dc2"]


def test_keys_equal_after_typing_are_duplicates():
    text = "bcp: 1\n1: a\n0x1: b\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert [(f.code, f.location.line, f.location.column) for f in r.findings] == [("Y002", 3, 1)]
    assert r.root[1] == "a"


# --- Y003 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tagged",
    [
        '!!python/object/apply:os.system ["echo pwned > SENTINEL"]',
        "!!python/object:builtins.dict {a: 1}",
        "!!python/name:os.system",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!timestamp 2026-01-01",
        "!!omap [{a: 1}]",
        "!custom hello",
        "!<tag:example.com,2026:x> hello",
    ],
)
def test_unsupported_tag_is_y003_value_left_out_other_checks_run(tmp_path, monkeypatch, tagged):
    monkeypatch.chdir(tmp_path)
    text = replace('  version: "1.0"\n', f'  version: "1.0"\n  scope: {tagged}\n')
    # an unrelated reference error elsewhere: it must still be reported
    text = replace("  - id: crisis\n    name: Crisis lead\n    members: [alice, bob]", "  - id: crisis\n    name: Crisis lead\n    members: [alice, bobb]", text)
    r = validate(tmp_path, text)
    assert ("Y003", *pos(text, tagged.split()[0])) in found(r)
    assert ("R001", *pos(text, "bobb")) in found(r)
    assert r.plan is not None and r.plan.plan.scope is None
    assert not (tmp_path / "SENTINEL").exists()


def test_unsupported_tag_on_required_field_leaves_it_missing(tmp_path):
    text = replace("  title: Test plan\n", "  title: !secret Test plan\n")
    r = validate(tmp_path, text)
    codes = found(r)
    assert ("Y003", *pos(text, "!secret")) in codes
    assert ("S001", *pos(text, "plan:")) in codes  # the parent key: title is missing


def test_unsupported_tag_on_a_mapping_drops_the_mapping():
    text = "bcp: 1\na: !!python/object:x {k: 1}\nb: !!set {x, y}\nc: 1\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert [(f.code, f.location.line, f.location.column) for f in r.findings] == [
        ("Y003", 2, 4),
        ("Y003", 3, 4),
    ]
    assert dict(r.root) == {"bcp": 1, "c": 1}
    assert not r.refused


def test_python_tag_is_never_constructed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = BASE + 'x: !!python/object/apply:os.system ["touch SENTINEL2"]\n'
    validate(tmp_path, text)
    assert not (tmp_path / "SENTINEL2").exists()


# --- Y004 -------------------------------------------------------------------------------------


def test_latin1_is_y004_at_the_byte(tmp_path):
    text = replace("name: Alice", "name: Alicé")
    r = validate(tmp_path, text.encode("latin-1"))
    assert found(r, "YSRTLOPCXD") == [("Y004", *pos(text, "é"))]
    assert "UTF-8" in r.findings[0].message


@pytest.mark.parametrize("enc", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_is_y004(tmp_path, enc):
    r = validate(tmp_path, BASE.encode(enc))
    assert [f.code for f in r.findings] == ["Y004"]
    f = r.findings[0]
    assert f.location.line == 1 and f.location.column >= 1


def test_nul_byte_is_y004_at_the_byte(tmp_path):
    text = BASE + "x: a\x00b\n"
    r = validate(tmp_path, text.encode())
    assert found(r, "YSRTLOPCXD") == [("Y004", *pos(text, "\x00"))]


def test_control_character_is_y004_at_the_character(tmp_path):
    text = replace("name: Bob", 'name: "Bö\x07b"')
    r = validate(tmp_path, text.encode())
    assert found(r, "YSRTLOPCXD") == [("Y004", *pos(text, "\x07"))]


def test_bom_is_accepted(tmp_path):
    r = validate(tmp_path, b"\xef\xbb\xbf" + BASE.encode())
    assert found(r) == []
    assert r.plan is not None
    # positions are those the editor shows: the BOM takes no column
    text = replace("owner: crisis", "owner: crsis")
    r = validate(tmp_path, b"\xef\xbb\xbf" + text.encode())
    assert found(r) == [("R001", *pos(text, "crsis"))]


# --- Y005 -------------------------------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ["bcp: 1", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_y005_fast(tmp_path):
    text = billion_laughs()
    t = time.perf_counter()
    r = validate(tmp_path, text)
    elapsed = time.perf_counter() - t
    assert elapsed < 2.0
    assert [f.code for f in r.findings] == ["Y005"]
    f = r.findings[0]
    # refused at the alias that pushes the count past one million: the nodes before a5
    # are 1 + 2 + 11 + 111 + ... + 111,111 = 124,459; each *a4 adds 111,111; the 8th
    # one crosses the line
    assert (f.location.line, f.location.column) == pos(text, "*a4", nth=7)


def test_small_alias_use_is_fine():
    text = billion_laughs(3)  # 10^4 nodes
    r = read_bytes(text.encode(), "f.yaml")
    assert r.findings == [] and not r.refused
    assert r.root["a3"][0][0] is r.root["a1"]  # shared, not copied


def test_node_limit(monkeypatch):
    import bcp.reader as reader

    monkeypatch.setattr(reader, "MAX_NODES", 50)
    text = "bcp: 1\nx: [" + ", ".join(["1"] * 60) + "]\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert [f.code for f in r.findings] == ["Y005"] and r.refused
    assert r.findings[0].location.line == 2


def test_nesting_of_1000_brackets_is_y005(tmp_path):
    text = BASE + "x: " + "[" * 1000 + "]" * 1000 + "\n"
    r = validate(tmp_path, text)
    # the 201st level: the top mapping is level 1, the 200th bracket is level 201
    assert found(r, "YSRTLOPCXD") == [("Y005", pos(text, "x: ")[0], len("x: ") + 200)]


def test_nesting_of_exactly_200_levels_is_read():
    text = "bcp: 1\nx: " + "[" * 199 + "]" * 199 + "\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert r.findings == []


def test_file_size_limit(tmp_path, monkeypatch):
    import bcp.reader as reader

    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 100)
    r = validate(tmp_path, BASE)
    assert found(r, "YSRTLOPCXD") == [("Y005", 1, 1)]


# --- values that must not turn into exceptions --------------------------------------------------


def test_five_thousand_digit_number_is_a_finding(tmp_path):
    text = replace("{id: dc1, name: DC 1, kind: owned, region: r1}", "{id: dc1, name: DC 1, kind: owned, region: r1, capacity: " + "9" * 5000 + "}")
    r = validate(tmp_path, text)
    f = only(r, "S002")
    assert (f.location.line, f.location.column) == pos(text, "9999")
    assert "5000 digits" in f.message and "10^15" in f.message


@pytest.mark.parametrize("field", ["version", "title"])
def test_five_thousand_digit_number_as_text(tmp_path, field):
    old = 'version: "1.0"' if field == "version" else "title: Test plan"
    text = replace(old, f"{field}: " + "7" * 5000)
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "7777")
    assert "5000 digits" in f.message
    assert "digits" not in (f.hint or "")  # the hint must not pretend the number is "of 5000 digits"
    assert len(f.message) < 200 and len(f.hint or "") < 200


def test_five_thousand_digit_number_as_duration(tmp_path):
    text = replace("max_rto: 1h,", "max_rto: " + "5" * 5000 + ",")
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "5555")
    assert len(f.hint) < 200 and "digits" not in f.hint


def test_long_float_is_a_finding(tmp_path):
    text = replace("{id: dc1, name: DC 1, kind: owned, region: r1}", "{id: dc1, name: DC 1, kind: owned, region: r1, capacity: 1" + "0" * 500 + ".5}")
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "1000")


def test_impossible_date_is_s004(tmp_path):
    text = replace("last: 2026-10-01", "last: 2026-02-30")
    f = only(validate(tmp_path, text), "S004")
    assert (f.location.line, f.location.column) == pos(text, "2026-02-30")
    assert f.path == ("plan", "review", "last")


def test_malformed_date_is_s004(tmp_path):
    text = replace("last: 2026-10-01", "last: 01/10/2026")
    f = only(validate(tmp_path, text), "S004")
    assert (f.location.line, f.location.column) == pos(text, "01/10/2026")


# --- S005 at the file level ----------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "\n\n", "# just a comment\n", "---\n", "~\n"])
def test_empty_file_is_s005(tmp_path, content):
    r = validate(tmp_path, content)
    assert found(r, "YSRTLOPCXD") == [("S005", 1, 1)]
    assert "empty" in r.findings[0].message


def test_top_level_list_is_s005(tmp_path):
    text = "# a list\n- bcp: 1\n- plan: x\n"
    r = validate(tmp_path, text)
    assert found(r, "YSRTLOPCXD") == [("S005", 2, 1)]
    assert "list" in r.findings[0].message and "bcp: 1" in r.findings[0].message


def test_top_level_scalar_is_s005(tmp_path):
    r = validate(tmp_path, "hello\n")
    assert found(r, "YSRTLOPCXD") == [("S005", 1, 1)]


# --- merge keys ------------------------------------------------------------------------------------


def test_merge_keys_keys_beside_win(tmp_path):
    text = replace(
        "sites:\n  - {id: dc1, name: DC 1, kind: owned, region: r1}\n",
        "sites:\n  - &site {id: dc1, name: DC 1, kind: owned, region: r1}\n  - <<: *site\n    id: dc3\n    region: r3\n",
    )
    r = validate(tmp_path, text)
    assert found(r) == []
    dc3 = r.plan.sites[1]
    assert (dc3.id, dc3.name, dc3.kind, dc3.region) == ("dc3", "DC 1", "owned", "r3")


def test_merge_keys_written_before_the_merge_still_win():
    text = "bcp: 1\nd: &d {a: 1, b: 2}\nx:\n  b: 3\n  <<: *d\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert r.findings == []
    assert dict(r.root["x"]) == {"a": 1, "b": 3}


def test_merge_of_a_list_of_mappings_earlier_wins():
    text = "bcp: 1\na: &a {k: 1}\nb: &b {k: 2, j: 2}\nx:\n  <<: [*a, *b]\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert r.findings == []
    assert dict(r.root["x"]) == {"k": 1, "j": 2}


def test_merged_value_keeps_its_position(tmp_path):
    text = replace(
        "sites:\n  - {id: dc1, name: DC 1, kind: owned, region: r1}\n",
        "sites:\n  - &site {id: dc1, name: DC 1, kind: owend, region: r1}\n  - <<: *site\n    id: dc3\n",
    )
    r = validate(tmp_path, text)
    # the bad kind is written once; both sites report it there
    assert found(r) == [("S002", *pos(text, "owend")), ("S002", *pos(text, "owend"))]


def test_merge_of_a_scalar_is_s002():
    text = "bcp: 1\nx:\n  <<: 5\n  a: 1\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert [(f.code, f.location.line, f.location.column) for f in r.findings] == [("S002", 3, 7)]


def test_mapping_as_key_is_s002():
    text = "bcp: 1\n? [a, b]\n: 1\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert [(f.code, f.location.line, f.location.column) for f in r.findings] == [("S002", 2, 3)]


def test_refused_file_adds_only_the_refusal():
    # an S002 (complex key), a Y003 and a Y002 before the syntax error: all dropped
    text = "bcp: 1\n? [a]\n: 1\nx: !!int abc\ny: !foo 1\ny: 2\nz: [\n"
    r = read_bytes(text.encode(), "f.yaml")
    assert r.refused
    assert [(f.code, f.location.line, f.location.column) for f in r.findings] == [("Y001", 8, 1)]


def test_columns_count_code_points(tmp_path):
    text = replace("{id: dc1, name: DC 1, kind: owned,", "{id: dc1, name: 판교 😀 센터, kind: owend,")
    f = only(validate(tmp_path, text), "S002")
    assert (f.location.line, f.location.column) == pos(text, "owend")  # str.index counts code points
