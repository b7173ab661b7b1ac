"""`bcp schema`: a JSON Schema of one plan file, for editors (yaml-language-server).

Generated from the pydantic model, so it cannot drift from what `validate` reads.
Every file of a plan is a fragment, so only `bcp` is required at the top level;
`validate` checks that `plan` and `policy` appear exactly once across the fragments.

Use it in an editor by putting this first line in a plan file:

    # yaml-language-server: $schema=./bcp-plan.schema.json

after writing the schema with `bcp schema > bcp-plan.schema.json`.
"""

from __future__ import annotations

import json
import warnings

from .model import FORMAT_VERSIONS, Plan


def _drop_null_defaults(node: object) -> None:
    """`default: null` would make editors offer an empty value, which the format refuses."""
    if isinstance(node, dict):
        if node.get("default", 0) is None:
            del node["default"]
        for v in node.values():
            _drop_null_defaults(v)
    elif isinstance(node, list):
        for v in node:
            _drop_null_defaults(v)


def plan_schema() -> dict:
    with warnings.catch_warnings():
        # durations' defaults (5m, 1h …) are not JSON values; they are named in the descriptions
        warnings.simplefilter("ignore")
        schema = Plan.model_json_schema(ref_template="#/$defs/{model}")
    _drop_null_defaults(schema)
    props = {
        "bcp": {
            "description": "format version of this file",
            "enum": list(FORMAT_VERSIONS),
        },
        **schema["properties"],
    }
    for v in props.values():
        v.pop("default", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://bcp.invalid/schema/plan-v1.json",
        "title": "bcp plan file (format version 1)",
        "description": "One file of a business-continuity plan: a whole plan, or one fragment of a folder of them.",
        "type": "object",
        "properties": props,
        "required": ["bcp"],
        "additionalProperties": False,
        "$defs": schema.get("$defs", {}),
    }


def dumps() -> str:
    return json.dumps(plan_schema(), indent=2, ensure_ascii=False) + "\n"
