"""Y001–Y005: reading the YAML. Reported by bcp.reader; documented here."""

DOCS = {
    "Y001": """What: the file is not well-formed YAML (bad indentation, an unclosed quote or
bracket, a tab where spaces are needed), or it holds more than one YAML document.
Why: a plan that cannot be read cannot be checked, and a half-read plan is worse than
none: every later check would be about the wrong plan. The file adds no other finding.
Example:
  services:
    - id: login
     name: Login            # one space short
Fix: correct the YAML at the line and column given; split several documents into
fragment files in one folder.""",
    "Y002": """What: a key appears twice in one mapping.
Why: most YAML readers silently keep the last value, so the plan says something other
than what a reviewer reads. bcp keeps the first value and reports the second key.
Example:
  - id: login
    rto: 30m
    rto: 4h
Fix: remove or rename one of the two keys.""",
    "Y003": """What: a value carries a tag other than !!str, !!int, !!float, !!bool, !!null, !!seq
or !!map (e.g. !!python/object, !!binary, !!timestamp, !!set, or a custom !tag).
Why: tags make YAML readers construct objects — and run code. bcp reads only the safe
subset and never constructs a tagged value; the value is left out.
Example:
  owner: !!python/object/apply:os.system ["rm -rf /"]
Fix: remove the tag and write the value as plain YAML.""",
    "Y004": """What: the file is not UTF-8 text (another encoding, a binary file, NUL or other
control characters).
Why: plans are text reviewed in git; a byte that is not text cannot be shown to a
reviewer or printed in the document.
Example: a plan saved as UTF-16 or EUC-KR by an old editor.
Fix: save the file as UTF-8 (a byte-order mark is accepted).""",
    "Y005": """What: the file is over 64 MiB, nests deeper than 200 levels, or expands to more than
1,000,000 nodes once its aliases are counted.
Why: a small file can expand into billions of nodes through aliases that refer to
aliases ("billion laughs"); a pre-commit hook must answer in well under a second, so
such a file is refused before anything is expanded.
Example:
  a: &a [x, x, x, x, x, x, x, x, x, x]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]   # … and so on
Fix: write the values out, or split the plan into fragments.""",
}
