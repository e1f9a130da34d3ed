"""JSON Schema (Draft 2020-12) of a result POSTed to /results, and its validation into readable details.

RESULT_SCHEMA and STORED_RESULT_SCHEMA are plain dicts so they can be served as-is in an OpenAPI 3.1 document.
"""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from datetime import datetime, timezone

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

LEVELS = ("FATAL", "ERROR", "WARN")
_INT_MAX = 2**63 - 1  # DynamoDB numbers hold 38 digits; nothing we count comes near this
_count = {"type": "integer", "minimum": 0, "maximum": _INT_MAX}
_line_no = {"type": "integer", "minimum": 1, "maximum": _INT_MAX}
# Group ids become parts of DynamoDB keys (group#<id>, occ#<id>#<result id>: 2048 bytes at most); the extractor's
# are 12 hex characters.
MAX_GROUP_ID_CHARS = 256
_time = {"type": ["string", "null"], "format": "date-time",
         "description": "RFC 3339 time (the extractor writes UTC like 2024-01-15T10:22:33.123Z); null: none parsed"}

RESULT_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Result",
    "description": "Summary of one S3 object version, as POSTed by the extractor.",
    "type": "object",
    "required": ["lines", "bytes", "counts", "stack_traces", "groups", "groups_total", "bucket", "key"],
    "additionalProperties": False,
    "properties": {
        "lines": {**_count, "description": "lines scanned"},
        "bytes": {**_count, "description": "uncompressed bytes scanned"},
        "counts": {
            "type": "object",
            "description": "events per severity class",
            "required": list(LEVELS),
            "additionalProperties": False,
            "properties": {level: _count for level in LEVELS},
        },
        "stack_traces": {**_count, "description": "events that carry a stack trace"},
        "groups": {
            "type": "array",
            "description": "event groups, most frequent first, capped",
            "items": {
                "type": "object",
                "required": ["id", "level", "template", "count", "first_line", "last_line", "sample"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1, "maxLength": MAX_GROUP_ID_CHARS},
                    "level": {"enum": list(LEVELS)},
                    "template": {"type": "string"},
                    "count": {**_line_no},
                    "first_line": {**_line_no},
                    "last_line": {**_line_no, "description": "raised to first_line when smaller"},
                    "sample": {"type": "string"},
                    "first_time": {**_time, "description": "time of the group's earliest event, or null"},
                    "last_time": {**_time, "description": "time of the group's latest event, or null"},
                },
            },
        },
        "groups_total": {**_count, "description": "distinct groups before the cap; raised to len(groups) when smaller"},
        "bucket": {"type": "string", "minLength": 1, "maxLength": 255},
        "key": {"type": "string", "minLength": 1, "maxLength": 1024},
        "etag": {"type": ["string", "null"], "minLength": 1, "maxLength": 1024},
        "version_id": {"type": ["string", "null"], "minLength": 1, "maxLength": 1024},
        "size": {"type": ["integer", "null"], "minimum": 0, "maximum": _INT_MAX},
        "incomplete": {"type": "boolean", "description": "the object could not be read to its end"},
        "error": {"type": ["string", "null"], "maxLength": 8192, "description": "why the scan is incomplete"},
        "first_time": {**_time, "description": "time of the earliest event, or null (older extractors omit it)"},
        "last_time": {**_time, "description": "time of the latest event, or null (older extractors omit it)"},
    },
    # Wrapped in allOf so the failure carries this description instead of a dump of the whole body.
    "allOf": [{
        "description": "at least one of etag or version_id must be a non-null string",
        "anyOf": [
            {"required": ["etag"], "properties": {"etag": {"type": "string"}}},
            {"required": ["version_id"], "properties": {"version_id": {"type": "string"}}},
        ],
    }],
}

# What storage returns: the posted result plus the fields storage adds.
STORED_RESULT_SCHEMA: dict = copy.deepcopy(RESULT_SCHEMA)
STORED_RESULT_SCHEMA["title"] = "StoredResult"
STORED_RESULT_SCHEMA["description"] = "A stored result: the posted summary plus id and stored_at."
STORED_RESULT_SCHEMA["required"] += ["id", "stored_at"]
STORED_RESULT_SCHEMA["properties"].update({
    "id": {"type": "string", "pattern": "^[0-9a-f]{32}$",
           "description": "first 32 hex chars of sha256(bucket + '\\n' + key + '\\n' + (etag or version_id))"},
    "stored_at": {"type": "string", "description": "UTC ISO-8601 with microseconds and Z"},
    "truncated": {"type": "boolean", "description": "groups or samples were cut to fit the storage item limit"},
})
# Storage marks the groups this result is the first to show (never accepted in a POST: RESULT_SCHEMA refuses it).
STORED_RESULT_SCHEMA["properties"]["groups"]["items"]["properties"]["new"] = {
    "const": True, "description": "present (true) when storage first saw this group id in this result"}

_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")


def parse_time(text: str) -> datetime:
    """An RFC 3339 date-time (offset required; a leap second :60 reads as :59) as an aware datetime.
    Raises ValueError for anything else."""
    if not _RFC3339.fullmatch(text):
        raise ValueError(f"not an RFC 3339 date-time: {text[:40]!r}")
    text = f"{text[:10]}T{text[11:17]}{'59' if text[17:19] == '60' else text[17:19]}{text[19:]}"
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)  # ValueError for a month 13, a day 32 ...


def utc_time(text: str) -> str:
    """A valid RFC 3339 time in one fixed UTC form (as stored_at: microseconds and Z), so that the group index can
    compare times as strings. An offset that would leave years 1..9999 is dropped instead."""
    moment = parse_time(text)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ").rjust(27, "0")


def summary_time(text: str) -> str:
    """A valid RFC 3339 time in the Summary's UTC form, as the extractor writes it: ``2024-01-15T10:22:33Z``,
    ``.123Z`` for whole milliseconds, else ``.123456Z`` (CONTRACTS.md: event times are UTC)."""
    fixed = utc_time(text)      # 2024-01-15T10:22:33.123000Z
    fraction = fixed[20:26]
    if fraction == "000000":
        return fixed[:19] + "Z"
    return fixed[:19] + "." + (fraction[:3] if fraction.endswith("000") else fraction) + "Z"


_format_checker = FormatChecker(formats=())


@_format_checker.checks("date-time", raises=ValueError)
def _is_date_time(instance) -> bool:
    if isinstance(instance, str):
        parse_time(instance)
    return True


def _is_int(checker, instance) -> bool:
    # As JSON Schema says: 14465.0 is an integer (normalize_result stores it as 14465); a bool is not one.
    if isinstance(instance, bool):
        return False
    return isinstance(instance, int) or isinstance(instance, float) and instance.is_integer()


_StrictValidator = validators.extend(
    Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_int))
_validator = _StrictValidator(RESULT_SCHEMA, format_checker=_format_checker)

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
               dict: "object", type(None): "null"}


def _path(parts: Iterable) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _join(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


def _short(value, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + "…"


def _details(error: ValidationError) -> list[dict]:
    path = _path(error.absolute_path)
    schema, instance = error.schema, error.instance
    if error.validator == "required":
        return [{"path": _join(path, name), "message": "required field is missing"}
                for name in error.validator_value if name not in instance]
    if error.validator == "additionalProperties":
        allowed = schema.get("properties", {})
        return [{"path": _join(path, str(name)), "message": "unexpected field"}
                for name in instance if name not in allowed]
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        got = _JSON_TYPES.get(type(instance), type(instance).__name__)
        return [{"path": path, "message": f"expected {' or '.join(wanted)}, got {got}"}]
    if error.validator == "enum":
        return [{"path": path, "message": f"{_short(instance)} is not one of {', '.join(map(str, error.validator_value))}"}]
    if error.validator in ("anyOf", "oneOf") and "description" in schema:
        return [{"path": path, "message": schema["description"]}]
    limit = error.validator_value
    if error.validator == "minimum":
        return [{"path": path, "message": f"must be >= {limit}, got {_short(instance)}"}]
    if error.validator == "maximum":
        return [{"path": path, "message": f"must be <= {limit}, got {_short(instance)}"}]
    if error.validator == "minLength":
        return [{"path": path, "message": "must not be empty" if limit == 1 else f"must have at least {limit} characters"}]
    if error.validator == "maxLength":
        return [{"path": path, "message": f"must have at most {limit} characters"}]
    if error.validator == "format":
        return [{"path": path,
                 "message": f"must be an RFC 3339 {limit} with an offset (like 2024-01-15T10:22:33.123Z)"}]
    return [{"path": path, "message": error.message[:200]}]


_INT_FIELDS = ("lines", "bytes", "size", "stack_traces", "groups_total")
_GROUP_INT_FIELDS = ("count", "first_line", "last_line")


def normalize_result(body: dict) -> tuple[dict, list[str]]:
    """A valid result (validate_result gave no problems) as it is stored, and what was adjusted:
      * integral numbers written as floats (``14465.0``) become ints;
      * cross-field rules JSON Schema cannot state, and the document states in words, are made to hold instead of
        refusing a result the document calls valid: ``groups_total`` is raised to the number of groups listed, a
        group's ``last_line`` to its ``first_line``;
      * event times (``first_time``/``last_time``, of the result and of each group) are given in UTC, in the form
        the extractor writes (an offset such as ``+02:00`` is applied)."""
    result = dict(body)
    adjusted = []
    for name in _INT_FIELDS:
        if isinstance(result.get(name), float):
            result[name] = int(result[name])
    result["counts"] = {level: int(n) for level, n in result["counts"].items()}
    _times_in_utc(result)
    groups = []
    for i, group in enumerate(result["groups"]):
        group = dict(group)
        for name in _GROUP_INT_FIELDS:
            group[name] = int(group[name])
        _times_in_utc(group)
        if group["last_line"] < group["first_line"]:
            adjusted.append(f"groups[{i}].last_line raised to first_line")
            group["last_line"] = group["first_line"]
        groups.append(group)
    result["groups"] = groups
    if result["groups_total"] < len(groups):
        adjusted.append("groups_total raised to the number of groups listed")
        result["groups_total"] = len(groups)
    return result, adjusted


def _times_in_utc(fields: dict) -> None:
    for name in ("first_time", "last_time"):
        if fields.get(name) is not None:
            fields[name] = summary_time(fields[name])


def validate_result(body) -> list[dict]:
    """All problems of a POSTed result as sorted [{"path", "message"}]; empty when it is valid."""
    problems = [d for error in _validator.iter_errors(body) for d in _details(error)]
    if isinstance(body, dict):
        try:
            json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            problems.append({"path": "", "message": "strings must be valid Unicode (no lone surrogates)"})
    unique = {(p["path"], p["message"]): p for p in problems}
    return [unique[k] for k in sorted(unique)]
