"""Reads and writes results in the DynamoDB table described by app/table.py."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import NoReturn

from botocore.exceptions import BotoCoreError, ClientError

log = logging.getLogger(__name__)

KIND = "result"
# DynamoDB items are capped at 400 KB; the result JSON gets most of it, the rest is the small attributes.
MAX_RESULT_BYTES = 350_000
TRUNCATED_SAMPLE_CHARS = 200
MAX_QUERY_CALLS = 20  # DynamoDB calls per listing request, so a sparse filter cannot scan the whole table at once
FILTERED_PAGE_SIZE = 200
# min_level → the count attributes of which at least one must be > 0 ("at least that level or worse").
LEVEL_ATTRIBUTES = {"FATAL": ("fatal",), "ERROR": ("fatal", "error"), "WARN": ("fatal", "error", "warn")}
_CURSOR_FIELDS = {"id", "kind", "stored_at"}


class StoreUnavailable(Exception):
    """DynamoDB could not be reached or refused for a transient reason (or the table is missing)."""


class BadCursor(ValueError):
    """The listing cursor is not one this service produced."""


def result_id(bucket: str, key: str, etag: str | None, version_id: str | None) -> str:
    ident = etag if etag else version_id
    return hashlib.sha256(f"{bucket}\n{key}\n{ident}".encode("utf-8")).hexdigest()[:32]


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def encode_cursor(last_key: dict | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> dict:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise BadCursor("cursor is not valid") from exc
    valid = (isinstance(key, dict) and set(key) == _CURSOR_FIELDS
             and all(isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str) for v in key.values()))
    if not valid or key["kind"]["S"] != KIND:
        raise BadCursor("cursor is not valid")
    return key


def _json_bytes(value) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def fit_result(result: dict, limit: int = MAX_RESULT_BYTES) -> dict:
    """The result, or a copy cut to `limit` JSON bytes: shorten samples, then drop groups, least frequent first."""
    total = _json_bytes(result)
    if total <= limit:
        return result
    groups = [dict(g) for g in result["groups"]]
    fitted = {**result, "groups": groups, "truncated": True}
    total += len(',"truncated":true')
    for group in reversed(groups):
        if total <= limit:
            break
        if len(group["sample"]) > TRUNCATED_SAMPLE_CHARS:
            before = _json_bytes(group)
            group["sample"] = group["sample"][:TRUNCATED_SAMPLE_CHARS] + "…"
            total -= before - _json_bytes(group)
    while total > limit and groups:
        total -= _json_bytes(groups.pop()) + 1
    while _json_bytes(fitted) > limit and groups:  # the running total is an estimate; make sure
        groups.pop()
    return fitted


def _error_code(exc: Exception) -> str:
    return exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""


def _reraise(action: str, exc: Exception) -> NoReturn:
    """A failed DynamoDB call becomes StoreUnavailable (503, worth a retry) unless the request itself was wrong,
    which is our bug and stays as it is (500)."""
    code = _error_code(exc)
    if code in ("ValidationException", "SerializationException"):
        raise exc
    raise StoreUnavailable(f"{action}: {code or type(exc).__name__}: {exc}") from exc


MAIL_PENDING, MAIL_PENDING_VALUE = "mail_pending", "1"   # the sparse index's key: present only while owed


class ResultStore:
    def __init__(self, client, table: str, ttl_days: int = 0, clock: Callable[[], datetime] = utcnow):
        self.client, self.table, self.ttl_days, self.clock = client, table, ttl_days, clock

    # --- writes -------------------------------------------------------------------------------------------
    def _item(self, stored: dict, now: datetime, mail_owed: bool = False) -> dict:
        counts = stored["counts"]
        item = {
            "id": {"S": stored["id"]},
            "kind": {"S": KIND},
            "bucket": {"S": stored["bucket"]},
            "object_key": {"S": stored["key"]},
            "stored_at": {"S": stored["stored_at"]},
            "fatal": {"N": str(counts["FATAL"])},
            "error": {"N": str(counts["ERROR"])},
            "warn": {"N": str(counts["WARN"])},
            "result": {"S": json.dumps(stored, ensure_ascii=False, separators=(",", ":"))},
        }
        for attr in ("etag", "version_id"):
            if stored.get(attr) is not None:
                item[attr] = {"S": stored[attr]}
        if stored.get("size") is not None:
            item["size"] = {"N": str(stored["size"])}
        if mail_owed:
            item[MAIL_PENDING] = {"S": MAIL_PENDING_VALUE}
        if self.ttl_days > 0:
            item["expires_at"] = {"N": str(int((now + timedelta(days=self.ttl_days)).timestamp()))}
        return item

    def put_new(self, result: dict, mail_owed: Callable[[dict], bool] = lambda stored: False
                ) -> tuple[dict, bool, bool]:
        """Store a validated result once. Returns (stored result, created, mail still owed): (new, True, owed) when
        new, (existing one, False, its owed-mail mark) when this object version was stored before — redeliveries
        never create a second item. A new item for which `mail_owed(stored)` is true is marked as owing its mail
        until mail_sent() clears the mark. The conditional put returns the existing item itself
        (ReturnValuesOnConditionCheckFailure=ALL_OLD, as Powertools' idempotency layer does): no second read."""
        rid = result_id(result["bucket"], result["key"], result.get("etag"), result.get("version_id"))
        for _ in range(2):  # a second round only if the existing item vanished (TTL) between the two calls
            now = self.clock()
            stored = fit_result({**result, "id": rid, "stored_at": format_time(now)})
            owed = mail_owed(stored)
            try:
                self.client.put_item(TableName=self.table, Item=self._item(stored, now, owed),
                                     ConditionExpression="attribute_not_exists(id)",
                                     ReturnValuesOnConditionCheckFailure="ALL_OLD")
                return stored, True, owed
            except ClientError as exc:
                if _error_code(exc) != "ConditionalCheckFailedException":
                    _reraise("put_item", exc)
                existing = exc.response.get("Item")
            except BotoCoreError as exc:
                _reraise("put_item", exc)
            if existing is None:  # an older DynamoDB API (or stand-in) without the item: read it
                existing = self._get_item(rid, consistent=True)
            if existing is not None:
                return json.loads(existing["result"]["S"]), False, MAIL_PENDING in existing
        raise StoreUnavailable(f"result {rid} neither writable nor readable")

    def _get_item(self, rid: str, consistent: bool = False) -> dict | None:
        """The raw item (with its owed-mail mark), or None."""
        try:
            return self.client.get_item(TableName=self.table, Key={"id": {"S": rid}},
                                        ConsistentRead=consistent).get("Item")
        except (BotoCoreError, ClientError) as exc:
            _reraise("get_item", exc)

    def mail_sent(self, rid: str) -> None:
        """Clears the owed-mail mark (after SES accepted the mail)."""
        try:
            self.client.update_item(TableName=self.table, Key={"id": {"S": rid}}, UpdateExpression=f"REMOVE {MAIL_PENDING}",
                                    ConditionExpression="attribute_exists(id)")
        except ClientError as exc:
            if _error_code(exc) != "ConditionalCheckFailedException":  # gone (TTL): nothing owed any more
                _reraise("update_item", exc)
        except BotoCoreError as exc:
            _reraise("update_item", exc)

    def mails_owed(self, limit: int = 100) -> list[str]:
        """Ids of results whose mail is still owed, oldest first (the sparse mail_pending index)."""
        try:
            resp = self.client.query(TableName=self.table, IndexName=MAIL_PENDING, Limit=limit,
                                     KeyConditionExpression="mail_pending = :p",
                                     ExpressionAttributeValues={":p": {"S": MAIL_PENDING_VALUE}})
        except (BotoCoreError, ClientError) as exc:
            _reraise("query", exc)
        return [item["id"]["S"] for item in resp.get("Items", [])]

    # --- reads --------------------------------------------------------------------------------------------
    def get(self, rid: str, consistent: bool = False) -> dict | None:
        item = self._get_item(rid, consistent)
        return json.loads(item["result"]["S"]) if item else None

    def _query(self, **kwargs) -> dict:
        try:
            return self.client.query(TableName=self.table, ScanIndexForward=False, **kwargs)
        except ClientError as exc:
            if kwargs.get("ExclusiveStartKey") and _error_code(exc) == "ValidationException":
                raise BadCursor("cursor does not match this query") from exc
            _reraise("query", exc)
        except BotoCoreError as exc:
            _reraise("query", exc)

    def by_key(self, key: str, bucket: str | None = None) -> list[dict]:
        """All results of one object key, newest first, optionally of one bucket only."""
        kwargs = {"IndexName": "by_key", "KeyConditionExpression": "#k = :k",
                  "ExpressionAttributeNames": {"#k": "object_key"}, "ExpressionAttributeValues": {":k": {"S": key}}}
        if bucket is not None:
            kwargs["FilterExpression"] = "#b = :b"
            kwargs["ExpressionAttributeNames"]["#b"] = "bucket"
            kwargs["ExpressionAttributeValues"][":b"] = {"S": bucket}
        items, start = [], None
        while True:
            resp = self._query(**kwargs, **({"ExclusiveStartKey": start} if start else {}))
            items += [json.loads(i["result"]["S"]) for i in resp.get("Items", [])]
            start = resp.get("LastEvaluatedKey")
            if not start:
                return items

    def list(self, limit: int = 50, cursor: str | None = None, prefix: str | None = None,
             since: datetime | None = None, min_level: str | None = None) -> tuple[list[dict], str | None]:
        """Newest results first, at most `limit`, from `cursor` on. Returns (items, next cursor or None).
        With filters a page may hold fewer than `limit` items while the cursor is not None."""
        names = {"#kind": "kind"}
        values = {":kind": {"S": KIND}}
        condition = "#kind = :kind"
        if since is not None:  # a key condition, not a filter: DynamoDB reads only the matching range
            condition += " AND #t >= :since"
            names["#t"], values[":since"] = "stored_at", {"S": format_time(since)}
        filters = []
        if prefix:
            filters.append("begins_with(#ok, :prefix)")
            names["#ok"], values[":prefix"] = "object_key", {"S": prefix}
        if min_level:
            attrs = LEVEL_ATTRIBUTES[min_level]
            filters.append("(" + " OR ".join(f"#{a} > :zero" for a in attrs) + ")")
            names.update({f"#{a}": a for a in attrs})
            values[":zero"] = {"N": "0"}
        kwargs = {"IndexName": "by_time", "KeyConditionExpression": condition,
                  "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}
        if filters:
            kwargs["FilterExpression"] = " AND ".join(filters)
        start = decode_cursor(cursor) if cursor else None
        items: list[dict] = []
        for _ in range(MAX_QUERY_CALLS):
            wanted = limit - len(items)
            # DynamoDB applies Limit before the filter: read bigger pages when filtering, cut below.
            page_size = max(wanted, FILTERED_PAGE_SIZE) if filters else wanted
            resp = self._query(Limit=page_size, **kwargs, **({"ExclusiveStartKey": start} if start else {}))
            page, last = resp.get("Items", []), resp.get("LastEvaluatedKey")
            for n, item in enumerate(page, 1):
                items.append(json.loads(item["result"]["S"]))
                if len(items) == limit:
                    if n < len(page):  # stopped inside the page: resume right after this item
                        last = {f: item[f] for f in _CURSOR_FIELDS}
                    return items, encode_cursor(last)
            if not last:
                return items, None
            start = last
        return items, encode_cursor(start)

    def ready(self) -> tuple[bool, str]:
        try:
            status = self.client.describe_table(TableName=self.table)["Table"]["TableStatus"]
        except (BotoCoreError, ClientError) as exc:
            return False, f"describe_table: {_error_code(exc) or type(exc).__name__}: {exc}"
        return status in ("ACTIVE", "UPDATING"), f"table {self.table} is {status}"
