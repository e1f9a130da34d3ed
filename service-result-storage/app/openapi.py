"""The storage API as an OpenAPI 3.1 document, served at /openapi.json.

Built from the same JSON Schemas that validate requests (app.schema), so the document cannot drift from
what the service accepts; tests check that every route of the app is described.
"""
from __future__ import annotations

import copy

from .schema import LEVELS, RESULT_SCHEMA, STORED_RESULT_SCHEMA

_TIME = {"type": "string", "description": "UTC ISO-8601 with microseconds and Z"}
_EVENT_TIME = {"type": ["string", "null"],
               "description": "UTC ISO-8601 (2024-01-15T10:22:33Z, .123Z or .123456Z) of the earliest/latest "
                              "event, from the lines' own timestamps; null when none parsed"}
_GROUP = {
    "type": "object",
    "description": "One event group across all stored results (a group id depends only on its level and template).",
    "required": ["id", "level", "template", "sample", "events", "objects", "first_seen", "last_seen",
                 "first_time", "last_time"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "level": {"enum": list(LEVELS)},
        "template": {"type": "string"},
        "sample": {"type": "string", "description": "a sample line, from the result that first showed the group"},
        "events": {"type": "integer", "minimum": 1, "description": "events summed over the results"},
        "objects": {"type": "integer", "minimum": 1, "description": "results (object versions) showing the group"},
        "first_seen": {**_TIME, "description": "stored_at of the first result that showed the group"},
        "last_seen": {**_TIME, "description": "stored_at of the latest result that showed the group"},
        "first_time": _EVENT_TIME,
        "last_time": _EVENT_TIME,
    },
}
_GROUP_RESULT = {
    "type": "object",
    "required": ["id", "bucket", "key", "count", "stored_at", "first_time", "last_time"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "description": "the result id (GET /results/{id})"},
        "bucket": {"type": "string"},
        "key": {"type": "string"},
        "count": {"type": "integer", "minimum": 1, "description": "the group's events in that result"},
        "stored_at": _TIME,
        "first_time": _EVENT_TIME,
        "last_time": _EVENT_TIME,
    },
}

_ERROR = {
    "type": "object",
    "required": ["error", "details"],
    "properties": {
        "error": {"type": "string", "description": "what went wrong, in a few words"},
        "details": {"type": "array", "items": {"type": "object", "properties": {
            "path": {"type": "string", "description": "JSON path of the offending field ('' = the whole body)"},
            "message": {"type": "string"}}}},
    },
}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _error(description: str) -> dict:
    return _json("#/components/schemas/Error", description)


def _group_detail(max_results: int) -> dict:
    """A group as GET /groups/{id} answers it: the group plus its newest results."""
    detail = copy.deepcopy(_GROUP)
    detail["required"].append("results")
    detail["properties"]["results"] = {"type": "array", "maxItems": max_results, "description": "newest first",
                                       "items": {"$ref": "#/components/schemas/GroupResult"}}
    return detail


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _schema(schema: dict) -> dict:
    doc = copy.deepcopy(schema)
    doc.pop("$schema", None)  # OpenAPI 3.1's dialect is JSON Schema 2020-12 already
    return doc


def _secured(operation: dict, role: str, public: bool) -> dict:
    """The operation with its credential (CONTRACTS.md, Credentials): a bearer token of ``role``."""
    if public:
        return {**operation, "security": [{}]}
    responses = {**operation["responses"],
                 "401": _error("missing or invalid bearer token (WWW-Authenticate says which)"),
                 "403": _error(f"the token is valid but does not grant {role} access")}
    return {**operation, "security": [{"bearer": []}], "responses": responses,
            "description": f"Needs `Authorization: Bearer <token>` with a {role} token "
                           f"(RESULTS_{role.upper()}_TOKEN)."}


def openapi_document(max_body_bytes: int, max_limit: int, public_read: bool = False,
                     max_group_results: int = 100) -> dict:
    """The document; ``public_read``: reads need no token (RESULTS_PUBLIC_READ)."""
    stored = "#/components/schemas/StoredResult"
    unavailable = _error("DynamoDB unavailable; retry after the Retry-After header's seconds")
    return {
        "openapi": "3.1.0",
        "info": {"title": "log-analysis result storage", "version": "1",
                 "description": "Stores one summary per S3 object version and lists them (CONTRACTS.md)."},
        "paths": {
            "/results": {
                "post": _secured({
                    "summary": "Store a result (idempotent: one item per object version)",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Result"}}}},
                    "responses": {
                        "201": _json(stored, "stored; Location names it"),
                        "200": _json(stored, "this object version was stored before: the stored result"),
                        "400": _error("not JSON, or not a valid result (every problem listed)"),
                        "413": _error(f"body larger than {max_body_bytes} bytes"),
                        "415": _error("Content-Type is not application/json"),
                        "503": unavailable,
                    },
                }, "write", False),
                "get": _secured({
                    "summary": "List results, newest first, or all results of one key",
                    "parameters": [
                        _query("key", "all results of this object key (the other filters, if valid, are then ignored)",
                               {"type": "string", "minLength": 1}),
                        _query("bucket", "with key: only this bucket", {"type": "string"}),
                        _query("prefix", "keys starting with this", {"type": "string"}),
                        _query("since", "stored at or after this time (RFC 3339; no offset: UTC)",
                               {"type": "string", "format": "date-time"}),
                        _query("min_level", "only results with an event of this level or worse",
                               {"enum": list(LEVELS)}),
                        _query("limit", "page size", {"type": "integer", "minimum": 1, "maximum": max_limit}),
                        _query("cursor", "the previous page's cursor (opaque; empty: the first page)",
                               {"type": "string"}),
                    ],
                    "responses": {
                        "200": {"description": "a page of results", "content": {"application/json": {"schema": {
                            "type": "object", "properties": {
                                "items": {"type": "array", "items": {"$ref": stored}},
                                "cursor": {"type": ["string", "null"],
                                           "description": "pass as ?cursor= for the next page; null at the end"}}}}}},
                        "400": _error("a parameter is invalid"),
                        "404": _error("the cursor names no page of this listing (not one it gave out)"),
                        "503": unavailable,
                    },
                }, "read", public_read),
            },
            "/results/{id}": {
                "get": _secured({
                    "summary": "One stored result",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": _json(stored, "the result"), "404": _error("no such result"),
                                  "503": unavailable},
                }, "read", public_read),
            },
            "/groups": {
                "get": _secured({
                    "summary": "List event groups across all results, most recently seen first",
                    "parameters": [
                        _query("since", "last seen at or after this time (RFC 3339; no offset: UTC)",
                               {"type": "string", "format": "date-time"}),
                        _query("min_level", "only groups of this level or worse", {"enum": list(LEVELS)}),
                        _query("new_since", "only groups first seen after this time (RFC 3339; no offset: UTC)",
                               {"type": "string", "format": "date-time"}),
                        _query("limit", "page size", {"type": "integer", "minimum": 1, "maximum": max_limit}),
                        _query("cursor", "the previous page's cursor (opaque; empty: the first page)",
                               {"type": "string"}),
                    ],
                    "responses": {
                        "200": {"description": "a page of groups", "content": {"application/json": {"schema": {
                            "type": "object", "required": ["items", "cursor"], "properties": {
                                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Group"}},
                                "cursor": {"type": ["string", "null"],
                                           "description": "pass as ?cursor= for the next page; null at the end"}}}}}},
                        "400": _error("a parameter is invalid"),
                        "404": _error("the cursor names no page of this listing (not one it gave out)"),
                        "503": unavailable,
                    },
                }, "read", public_read),
            },
            "/groups/{id}": {
                "get": _secured({
                    "summary": f"One group and its newest results (at most {max_group_results})",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"description": f"the group; `results`: the newest {max_group_results} results "
                                               "that show it, newest first (`objects` counts them all)",
                                "content": {"application/json": {"schema": _group_detail(max_group_results)}}},
                        "404": _error("no such group"),
                        "503": unavailable,
                    },
                }, "read", public_read),
            },
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "the process serves"}}}},
            "/readyz": {"get": {"summary": "Readiness: the table is reachable", "responses": {
                "200": {"description": "ready"}, "503": _error("table not reachable")}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {
                "200": {"description": "text exposition format", "content": {"text/plain": {}}}}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
        "components": {
            "schemas": {"Result": _schema(RESULT_SCHEMA), "StoredResult": _schema(STORED_RESULT_SCHEMA),
                        "Group": _GROUP, "GroupResult": _GROUP_RESULT, "Error": _ERROR},
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "RESULTS_WRITE_TOKEN for writes (the extractor), RESULTS_READ_TOKEN for reads. "
                               "Health, readiness, metrics and this document need none."}},
        },
    }
