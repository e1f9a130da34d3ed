"""Reads and writes results in the DynamoDB table described by app/table.py."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import NoReturn

from botocore.exceptions import BotoCoreError, ClientError

from .schema import MAX_GROUP_ID_CHARS, summary_time, utc_time

log = logging.getLogger(__name__)

KIND = "result"
# The group index lives in the results table as typed items (written by ResultStore.index_groups):
#   group item       id "group#<gid>", kind "group", stored_at = last_seen (by_time lists groups, most recent first)
#   occurrence item  id "occ#<gid>#<result id>", kind "occ#<gid>", stored_at = the result's (by_time: its results)
# Neither carries object_key or result, so by_key and the result readers never see them.
GROUP_KIND, GROUP_PREFIX, OCC_PREFIX = "group", "group#", "occ#"
# On a result item whose groups are not indexed yet (a crash, a 503): the redelivery does it. Its value is a lease, the
# Unix time until which the request that holds it may be indexing: one delivery indexes at a time (see put_new).
INDEX_PENDING = "index_pending"
INDEX_LEASE_SECONDS = 60          # far beyond one request's indexing (the extractor gives up on a POST after 30 s)
# On an indexed result item: JSON list of the positions in result.groups that this result showed first. Readers merge
# them in as "new": true (_result_of); kept apart so that marking never rewrites the (up to 350 KB) result JSON.
NEW_GROUPS = "new_groups"
COUNTING = "counting"             # on an occurrence whose group count is not known to be done (older versions set it)
INDEX_WORKERS = 8                 # groups of one result counted concurrently (two small writes each, see _count_groups)
BATCH_ROUNDS = 5                  # calls of a batch read or write while DynamoDB leaves some of it unprocessed
MAX_GROUP_RESULTS = 100           # a group's results listed by get_group, newest first
# min_level → the group levels that are at least that severe.
GROUP_LEVELS = {"FATAL": ("FATAL",), "ERROR": ("FATAL", "ERROR"), "WARN": ("FATAL", "ERROR", "WARN")}
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


def decode_cursor(cursor: str, kind: str = KIND) -> dict:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise BadCursor("cursor is not valid") from exc
    valid = (isinstance(key, dict) and set(key) == _CURSOR_FIELDS
             and all(isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str) for v in key.values()))
    if not valid or key["kind"]["S"] != kind:
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


_NEW_FLAG = {"new": True}


def _fit_flagged(result: dict) -> dict:
    """fit_result with room for the "new" flag on every group (what readers show; more than the item's new_groups
    attribute takes: a position and a comma per group)."""
    fitted = fit_result({**result, "groups": [{**g, **_NEW_FLAG} for g in result["groups"]]})
    return {**fitted, "groups": [{k: v for k, v in g.items() if k != "new"} for g in fitted["groups"]]}


def _with_new_flags(result: dict, positions: list[int]) -> dict:
    if not positions:
        return result
    marked = set(positions)
    return {**result, "groups": [{**g, **_NEW_FLAG} if i in marked else g for i, g in enumerate(result["groups"])]}


def _shown(item: dict | None) -> dict | None:
    """What readers see of an item: the result of a finished result item (see _result_of); None for any other item
    (a group or occurrence of the index, a result whose index is pending, none)."""
    if item is None or item.get("kind", {}).get("S") != KIND or INDEX_PENDING in item:
        return None
    return _result_of(item)


def _result_of(item: dict) -> dict:
    """The result a result item holds, with its groups' "new" marks."""
    result = json.loads(item["result"]["S"])
    return _with_new_flags(result, json.loads(item[NEW_GROUPS]["S"])) if NEW_GROUPS in item else result


def _aggregate(groups: list[dict]) -> dict[str, dict]:
    """A result's groups by id, with event times in one UTC form (comparable as strings). A writer listing one id
    twice gets it counted once: counts summed, the wider time range, the first entry's text."""
    out: dict[str, dict] = {}
    for g in groups:
        first = utc_time(g["first_time"]) if g.get("first_time") else None
        last = utc_time(g["last_time"]) if g.get("last_time") else None
        if g["id"] not in out:
            out[g["id"]] = {"level": g["level"], "template": g["template"], "sample": g["sample"],
                            "count": g["count"], "first_time": first, "last_time": last}
            continue
        agg = out[g["id"]]
        agg["count"] += g["count"]
        agg["first_time"] = min(t for t in (agg["first_time"], first) if t) if agg["first_time"] or first else None
        agg["last_time"] = max(t for t in (agg["last_time"], last) if t) if agg["last_time"] or last else None
    return out


def _error_code(exc: Exception) -> str:
    return exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""


def _reraise(action: str, exc: Exception) -> NoReturn:
    """A failed DynamoDB call becomes StoreUnavailable (503, worth a retry) unless the request itself was wrong,
    which is our bug and stays as it is (500)."""
    code = _error_code(exc)
    if code in ("ValidationException", "SerializationException"):
        raise exc
    raise StoreUnavailable(f"{action}: {code or type(exc).__name__}: {exc}") from exc


def _back_off(attempt: int) -> None:
    """Before round `attempt` (1, 2, ...) of a batch call that DynamoDB left partly unprocessed (throttled): 50 ms,
    doubling. None after the last round: its failure is answered at once."""
    time.sleep(0.05 * 2 ** (attempt - 1))


def _valid_gid(gid: str) -> bool:
    return isinstance(gid, str) and 0 < len(gid) <= MAX_GROUP_ID_CHARS


def _opt(item: dict, name: str) -> str | None:
    return item[name]["S"] if name in item else None


def _event_time(item: dict, name: str) -> str | None:
    """An event time as the extractor writes it (schema.summary_time); the index keeps the fixed-width form
    (.000000Z) that compares as a string."""
    value = _opt(item, name)
    return None if value is None else summary_time(value)


def _group(item: dict) -> dict:
    """A group item as the API shows it."""
    return {"id": item["id"]["S"][len(GROUP_PREFIX):], "level": item["level"]["S"],
            "template": item["template"]["S"], "sample": item["sample"]["S"],
            "events": int(item["events"]["N"]), "objects": int(item["objects"]["N"]),
            "first_seen": item["first_seen"]["S"], "last_seen": item["last_seen"]["S"],
            "first_time": _event_time(item, "first_time"), "last_time": _event_time(item, "last_time")}


def _occurrence(item: dict) -> dict:
    """An occurrence item as get_group shows it: one result holding the group."""
    return {"id": item["rid"]["S"], "bucket": item["bucket"]["S"], "key": item["okey"]["S"],
            "count": int(item["count"]["N"]), "stored_at": item["stored_at"]["S"],
            "first_time": _event_time(item, "first_time"), "last_time": _event_time(item, "last_time")}


MAIL_PENDING, MAIL_PENDING_VALUE = "mail_pending", "1"   # the sparse index's key: present only while owed


class ResultStore:
    def __init__(self, client, table: str, ttl_days: int = 0, clock: Callable[[], datetime] = utcnow):
        self.client, self.table, self.ttl_days, self.clock = client, table, ttl_days, clock

    # --- writes -------------------------------------------------------------------------------------------
    def _item(self, stored: dict, now: datetime, mail_owed: bool = False, lease: str | None = None) -> dict:
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
        if lease is not None:
            item[INDEX_PENDING] = {"N": lease}
        if self.ttl_days > 0:
            item["expires_at"] = {"N": self._expires(now)}
        return item

    def _expires(self, moment: datetime) -> str:
        return str(int((moment + timedelta(days=self.ttl_days)).timestamp()))

    def put_new(self, result: dict, mail_owed: Callable[[dict], bool] = lambda stored: False
                ) -> tuple[dict, bool, bool]:
        """Store a validated result once and index its groups. Returns (stored result, created, mail still owed):
        (new, True, owed) when new, (existing one, False, its owed-mail mark) when this object version was stored
        before — redeliveries never create a second item. The stored result's groups carry "new": true where this
        result is the first to show that group id. A new item for which `mail_owed(stored)` is true is marked as
        owing its mail until mail_sent() clears the mark. The conditional put returns the existing item itself
        (ReturnValuesOnConditionCheckFailure=ALL_OLD, as Powertools' idempotency layer does): no second read.

        Crash-safe: the item is put with an index_pending mark that only a finished index_groups() removes; a
        redelivery of a result still so marked finishes its index (counting nothing twice). The mark is a lease:
        while another request holds it (it is indexing now, or died less than INDEX_LEASE_SECONDS ago) a
        redelivery raises StoreUnavailable (503: retry later); a request that fails releases it at once.
        Raises StoreUnavailable (the result may then be stored, its index unfinished: a retry finishes it)."""
        rid = result_id(result["bucket"], result["key"], result.get("etag"), result.get("version_id"))
        for _ in range(2):  # a second round only if the existing item vanished (TTL) between the two calls
            now = self.clock()
            stored = _fit_flagged({**result, "id": rid, "stored_at": format_time(now)})
            owed = mail_owed(stored)
            lease = self._lease(now) if stored["groups"] else None
            try:
                self.client.put_item(TableName=self.table, Item=self._item(stored, now, owed, lease),
                                     ConditionExpression="attribute_not_exists(id)",
                                     ReturnValuesOnConditionCheckFailure="ALL_OLD")
            except ClientError as exc:
                if _error_code(exc) != "ConditionalCheckFailedException":
                    _reraise("put_item", exc)
                existing = exc.response.get("Item")
            except BotoCoreError as exc:
                _reraise("put_item", exc)
            else:
                return (self._index_leased(stored, lease) if lease else stored), True, owed
            if existing is None:  # an older DynamoDB API (or stand-in) without the item: read it
                existing = self._get_item(rid, consistent=True)
            if existing is not None:
                found = self._finish_index(existing) if INDEX_PENDING in existing else _result_of(existing)
                return found, False, MAIL_PENDING in existing
        raise StoreUnavailable(f"result {rid} neither writable nor readable")

    def _lease(self, now: datetime) -> str:
        return str(int(now.timestamp()) + INDEX_LEASE_SECONDS)

    def _finish_index(self, existing: dict) -> dict:
        """Index a result stored before but not indexed (its first request failed or died): take over its lease
        if it has run out, index, and return the result with its "new" marks. Raises StoreUnavailable while
        another request holds the lease."""
        rid, held = existing["id"]["S"], existing[INDEX_PENDING]
        now = self.clock()
        if int(held.get("N", "0")) > now.timestamp():
            raise StoreUnavailable(f"result {rid}: its groups are being indexed by another request")
        lease = self._lease(now)
        try:
            self.client.update_item(TableName=self.table, Key={"id": {"S": rid}},
                                    UpdateExpression=f"SET {INDEX_PENDING} = :lease",
                                    ConditionExpression=f"{INDEX_PENDING} = :held",
                                    ExpressionAttributeValues={":lease": {"N": lease}, ":held": held})
        except ClientError as exc:
            if _error_code(exc) != "ConditionalCheckFailedException":
                _reraise("update_item", exc)
            current = self._get_item(rid, consistent=True)   # finished meanwhile, or taken over by another
            if current is not None and INDEX_PENDING not in current:
                return _result_of(current)
            raise StoreUnavailable(f"result {rid}: its groups are being indexed by another request") from exc
        except BotoCoreError as exc:
            _reraise("update_item", exc)
        return self._index_leased(_result_of(existing), lease)

    def _index_leased(self, stored: dict, lease: str) -> dict:
        """index_groups under `lease`; on any failure the lease is given back so that a retry need not wait."""
        try:
            return self.index_groups(stored)
        except BaseException:
            try:
                self.client.update_item(TableName=self.table, Key={"id": {"S": stored["id"]}},
                                        UpdateExpression=f"SET {INDEX_PENDING} = :free",
                                        ConditionExpression=f"{INDEX_PENDING} = :lease",
                                        ExpressionAttributeValues={":free": {"N": "0"}, ":lease": {"N": lease}})
            except (BotoCoreError, ClientError) as exc:   # it runs out by itself
                log.warning("index lease not released", extra={"result_id": stored["id"], "reason": str(exc)})
            raise

    # --- the group index ------------------------------------------------------------------------------------
    def index_groups(self, stored: dict) -> dict:
        """Count a stored result's groups into the index, once, and mark its item done. Returns the result with
        "new": true on the groups it is the first to show (as every reader of the item now shows it).
        The groups go through _count_groups' steps together (the per-group writes at most INDEX_WORKERS at once).
        Raises StoreUnavailable (the item keeps its index_pending mark: a redelivery finishes the job, counting
        nothing twice)."""
        rid = stored["id"]
        groups = _aggregate(stored["groups"])
        states = self._count_groups(groups, stored)
        new = {gid for gid, item in states.items() if item is not None and _opt(item, "first_result") == rid}
        positions = [i for i, g in enumerate(stored["groups"]) if g["id"] in new]
        try:  # the marks beside the JSON, not in it: no rewrite of a result of up to MAX_RESULT_BYTES
            self.client.update_item(
                TableName=self.table, Key={"id": {"S": rid}}, ConditionExpression="attribute_exists(id)",
                UpdateExpression=f"SET {NEW_GROUPS} = :n REMOVE {INDEX_PENDING}",
                ExpressionAttributeValues={":n": {"S": json.dumps(positions, separators=(",", ":"))}})
        except ClientError as exc:
            if _error_code(exc) != "ConditionalCheckFailedException":  # gone (TTL): nothing to finish
                _reraise("update_item", exc)
        except BotoCoreError as exc:
            _reraise("update_item", exc)
        return _with_new_flags(stored, positions)

    def _count_groups(self, groups: dict[str, dict], stored: dict) -> dict[str, dict | None]:
        """Count each group of a stored result exactly once, crash or redelivery at any point, and widen its
        event-time range where this result widens it. Returns {group id: the group item after the count (its
        first_result, first_time, last_time), or None if it is gone (TTL)}.

        Steps, each safe to repeat (no transaction: the same write units, and the local stand-in, moto, copies the
        whole table for every action of a transaction); each step starts when the one before is done for every group:
          1. read the result's occurrences (BatchGetItem): a group whose occurrence exists without the `counting`
             mark (which older versions of this code set while counting) was counted: only step 4 is left for it;
          2. count into each other group unless it carries `inflight_<result id>` (then this step happened before
             a crash), and set that mark in the same update;
          3. put their occurrences (BatchWriteItem): from now on a redelivery skips these groups (step 1);
          4. clear each group's inflight mark.
        One request holds the result's lease (put_new), so no other request runs these steps for it meanwhile."""
        rid = stored["id"]
        at = stored["stored_at"]
        expires = self._expires(datetime.fromisoformat(at)) if self.ttl_days > 0 else None
        gids = list(groups)
        if not gids:
            return {}
        occurrences = {gid: self._occurrence_item(gid, groups[gid], stored, expires) for gid in gids}
        found = self._batch_get([occ["id"]["S"] for occ in occurrences.values()])
        to_count = [gid for gid in gids if COUNTING in found.get(occurrences[gid]["id"]["S"], {COUNTING: None})]
        inflight = f"inflight_{rid}"
        with ThreadPoolExecutor(max_workers=max(1, min(INDEX_WORKERS, len(gids)))) as pool:
            counted = dict(zip(to_count, pool.map(lambda gid: self._count_group(gid, groups[gid], stored, expires),
                                                  to_count)))
            self._batch_put([occurrences[gid] for gid in to_count])
            cleared = dict(zip(gids, pool.map(   # a group counted before: its item comes back with step 4
                lambda gid: self._remove_if_exists({"id": {"S": GROUP_PREFIX + gid}}, inflight, gid not in counted),
                gids)))
            states = {gid: counted.get(gid) or cleared[gid] for gid in gids}
            for gid in gids:
                if states[gid] is None:
                    log.warning("indexed group vanished", extra={"group": gid, "result_id": rid})
            list(pool.map(lambda gid: self._widen_times(gid, groups[gid], states[gid]),
                          [gid for gid in gids if states[gid] is not None]))
        return states

    def _widen_times(self, gid: str, group: dict, item: dict) -> None:
        """Widen the group's event-time range where this result's group widens the one `item` shows."""
        for name, wider in (("first_time", ">"), ("last_time", "<")):
            mine, theirs = group[name], _opt(item, name)
            if mine is not None and (theirs is None or (mine < theirs if wider == ">" else mine > theirs)):
                self._widen(gid, name, mine, wider)

    def _count_group(self, gid: str, group: dict, stored: dict, expires: str | None) -> dict | None:
        """Step 2 of _count_groups for one group: count it unless its inflight mark says it was. Returns the group
        item after the count (or as found, counted before)."""
        rid = stored["id"]
        inflight = f"inflight_{rid}"
        latest = True   # may this result set last_seen (is it not older than the group's last sighting)?
        for _ in range(3):
            update = self._group_update(gid, group, stored, expires, latest, inflight)
            try:
                return self.client.update_item(**update, ReturnValues="ALL_NEW",
                                               ReturnValuesOnConditionCheckFailure="ALL_OLD")["Attributes"]
            except ClientError as exc:
                if _error_code(exc) != "ConditionalCheckFailedException":
                    _reraise("update_item", exc)
                item = exc.response.get("Item") or self._get_item(GROUP_PREFIX + gid, consistent=True)
            except BotoCoreError as exc:
                _reraise("update_item", exc)
            if item is not None and inflight in item:
                return item   # counted before a crash: only the clean-up is left
            latest = False   # the group was seen later already: count without moving last_seen back
        raise StoreUnavailable(f"update_item: group {gid} of result {rid} not counted after 3 rounds")

    def _batch_get(self, ids: list[str]) -> dict[str, dict]:
        """The items of these ids that exist (consistent reads), by id."""
        found: dict[str, dict] = {}
        for i in range(0, len(ids), 100):
            keys = {self.table: {"Keys": [{"id": {"S": rid}} for rid in ids[i:i + 100]], "ConsistentRead": True}}
            for attempt in range(BATCH_ROUNDS):
                if attempt:
                    _back_off(attempt)
                try:
                    resp = self.client.batch_get_item(RequestItems=keys)
                except (BotoCoreError, ClientError) as exc:
                    _reraise("batch_get_item", exc)
                found.update((item["id"]["S"], item) for item in resp.get("Responses", {}).get(self.table, []))
                keys = resp.get("UnprocessedKeys") or {}
                if not keys:
                    break
            else:
                raise StoreUnavailable(f"batch_get_item: keys unprocessed after {BATCH_ROUNDS} rounds")
        return found

    def _batch_put(self, items: list[dict]) -> None:
        """Put these items (unconditionally: each is written whole, the same on every repeat)."""
        for i in range(0, len(items), 25):
            request = {self.table: [{"PutRequest": {"Item": item}} for item in items[i:i + 25]]}
            for attempt in range(BATCH_ROUNDS):
                if attempt:
                    _back_off(attempt)
                try:
                    request = self.client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
                except (BotoCoreError, ClientError) as exc:
                    _reraise("batch_write_item", exc)
                if not request:
                    break
            else:
                raise StoreUnavailable(f"batch_write_item: items unprocessed after {BATCH_ROUNDS} rounds")

    def _remove_if_exists(self, key: dict, attribute: str, returned: bool = False) -> dict | None:
        """Remove `attribute` from the item if it exists. Returns the item after the update if `returned` (None when
        it is gone), else None."""
        try:
            return self.client.update_item(TableName=self.table, Key=key, UpdateExpression="REMOVE #a",
                                           ConditionExpression="attribute_exists(id)",
                                           ExpressionAttributeNames={"#a": attribute},
                                           ReturnValues="ALL_NEW" if returned else "NONE").get("Attributes")
        except ClientError as exc:
            if _error_code(exc) != "ConditionalCheckFailedException":  # gone (TTL): nothing to clear
                _reraise("update_item", exc)
        except BotoCoreError as exc:
            _reraise("update_item", exc)
        return None

    def _occurrence_item(self, gid: str, group: dict, stored: dict, expires: str | None) -> dict:
        item = {"id": {"S": f"{OCC_PREFIX}{gid}#{stored['id']}"}, "kind": {"S": f"{OCC_PREFIX}{gid}"},
                "stored_at": {"S": stored["stored_at"]}, "rid": {"S": stored["id"]},
                "bucket": {"S": stored["bucket"]}, "okey": {"S": stored["key"]}, "count": {"N": str(group["count"])}}
        for name in ("first_time", "last_time"):
            if group[name] is not None:
                item[name] = {"S": group[name]}
        if expires is not None:
            item["expires_at"] = {"N": expires}
        return item

    def _group_update(self, gid: str, group: dict, stored: dict, expires: str | None, latest: bool,
                      inflight: str) -> dict:
        """update_item kwargs counting `group` into its group item (created if absent)."""
        at = stored["stored_at"]
        values = {":kind": {"S": GROUP_KIND}, ":level": {"S": group["level"]}, ":template": {"S": group["template"]},
                  ":sample": {"S": group["sample"]}, ":t": {"S": at}, ":rid": {"S": stored["id"]},
                  ":count": {"N": str(group["count"])}, ":one": {"N": "1"}}
        once = ["level", "template", "sample", "first_seen", "first_result"]   # set by the group's first result
        source = {"first_seen": ":t", "first_result": ":rid", "stored_at": ":t", "last_seen": ":t"}
        for name in ("first_time", "last_time"):
            if group[name] is not None:
                once.append(name)
                values[f":{name}"] = {"S": group[name]}
        latest_attrs = ["stored_at", "last_seen"]
        if expires is not None:
            latest_attrs.append("expires_at")
            values[":expires"] = {"N": expires}
            source["expires_at"] = ":expires"
        sets = ["#kind = :kind", "#inflight = :t"]
        sets += [f"#{a} = if_not_exists(#{a}, {source.get(a, ':' + a)})" for a in once]
        if latest:
            sets += [f"#{a} = {source[a]}" for a in latest_attrs]
        else:   # a later result set them already: only a group created just now takes them from here
            sets += [f"#{a} = if_not_exists(#{a}, {source[a]})" for a in latest_attrs]
        names = {f"#{a}": a for a in ["kind", "events", "objects"] + once + latest_attrs}
        names["#inflight"] = inflight
        condition = "attribute_not_exists(#inflight)"
        if latest:
            condition += " AND (attribute_not_exists(#last_seen) OR #last_seen <= :t)"
        return {"TableName": self.table, "Key": {"id": {"S": GROUP_PREFIX + gid}},
                "UpdateExpression": f"SET {', '.join(sets)} ADD #events :count, #objects :one",
                "ConditionExpression": condition, "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values}

    def _widen(self, gid: str, name: str, value: str, wider: str) -> None:
        """Set the group's first_time (wider ">": only if later than `value`) or last_time ("<": only if earlier).
        Idempotent; losing to a concurrent writer that widened it further is fine."""
        try:
            self.client.update_item(
                TableName=self.table, Key={"id": {"S": GROUP_PREFIX + gid}}, UpdateExpression="SET #a = :v",
                ConditionExpression=f"attribute_exists(id) AND (attribute_not_exists(#a) OR #a {wider} :v)",
                ExpressionAttributeNames={"#a": name}, ExpressionAttributeValues={":v": {"S": value}})
        except ClientError as exc:
            if _error_code(exc) != "ConditionalCheckFailedException":
                _reraise("update_item", exc)
        except BotoCoreError as exc:
            _reraise("update_item", exc)

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
        """The result, or None. A result whose groups are not indexed yet (index_pending) is not shown by any
        reader: it appears, "new" marks and all, when its index is done (its POST answers 201/200 then)."""
        return _shown(self._get_item(rid, consistent))

    def index_pending(self, rid: str) -> bool:
        """Whether the result is stored but its groups not indexed yet (a redelivery will finish it)."""
        item = self._get_item(rid, consistent=True)
        return item is not None and INDEX_PENDING in item

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
            items += [r for r in map(_shown, resp.get("Items", [])) if r is not None]
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
        return self._page(KIND, condition, names, values, filters, limit, cursor, _shown)

    def _page(self, kind: str, condition: str, names: dict, values: dict, filters: list[str], limit: int,
              cursor: str | None, convert: Callable[[dict], dict]) -> tuple[list[dict], str | None]:
        """One page of the by_time index for `kind`, newest first: (converted items, next cursor or None);
        items that `convert` turns into None are left out. A cursor of another kind, or one this table refuses,
        raises BadCursor."""
        kwargs = {"IndexName": "by_time", "KeyConditionExpression": condition,
                  "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}
        if filters:
            kwargs["FilterExpression"] = " AND ".join(filters)
        start = decode_cursor(cursor, kind) if cursor else None
        items: list[dict] = []
        for _ in range(MAX_QUERY_CALLS):
            wanted = limit - len(items)
            # DynamoDB applies Limit before the filter: read bigger pages when filtering, cut below.
            page_size = max(wanted, FILTERED_PAGE_SIZE) if filters else wanted
            resp = self._query(Limit=page_size, **kwargs, **({"ExclusiveStartKey": start} if start else {}))
            page, last = resp.get("Items", []), resp.get("LastEvaluatedKey")
            for n, item in enumerate(page, 1):
                shown = convert(item)
                if shown is None:
                    continue
                items.append(shown)
                if len(items) == limit:
                    if n < len(page):  # stopped inside the page: resume right after this item
                        last = {f: item[f] for f in _CURSOR_FIELDS}
                    return items, encode_cursor(last)
            if not last:
                return items, None
            start = last
        return items, encode_cursor(start)

    def list_groups(self, limit=50, cursor=None, since: datetime | None = None, min_level: str | None = None,
                    new_since: datetime | None = None, seen_first_by: datetime | None = None
                    ) -> tuple[list[dict], str | None]:
        """Groups, most recently seen first, at most `limit`, from `cursor` on: (items, next cursor or None).
        A group: {"id", "level", "template", "sample", "events", "objects", "first_seen", "last_seen",
        "first_time", "last_time"} (see _group). since: last_seen >= since; min_level (FATAL, ERROR, WARN): at least
        that severe; new_since: first_seen > new_since; seen_first_by: first_seen <= it (the groups new_since
        leaves out). With filters a page may hold fewer than `limit` items while
        the cursor is not None. Raises BadCursor for a cursor this listing never gave, StoreUnavailable."""
        names = {"#kind": "kind"}
        values = {":kind": {"S": GROUP_KIND}}
        condition = "#kind = :kind"
        if since is not None:  # stored_at is last_seen: a key condition
            condition += " AND #t >= :since"
            names["#t"], values[":since"] = "stored_at", {"S": format_time(since)}
        filters = []
        if min_level:
            levels = GROUP_LEVELS[min_level]
            filters.append("#level IN (" + ", ".join(f":level{i}" for i in range(len(levels))) + ")")
            names["#level"] = "level"
            values.update({f":level{i}": {"S": level} for i, level in enumerate(levels)})
        if new_since is not None:
            filters.append("#fs > :new_since")
            names["#fs"], values[":new_since"] = "first_seen", {"S": format_time(new_since)}
        if seen_first_by is not None:
            filters.append("#fs <= :seen_first_by")
            names["#fs"], values[":seen_first_by"] = "first_seen", {"S": format_time(seen_first_by)}
        return self._page(GROUP_KIND, condition, names, values, filters, limit, cursor, _group)

    def get_group(self, gid: str, results_limit: int = MAX_GROUP_RESULTS) -> dict | None:
        """One group (as list_groups gives it) plus "results": its newest `results_limit` occurrences, newest
        first, each {"id", "bucket", "key", "count", "stored_at", "first_time", "last_time"} (`objects` counts
        them all). None when no such group (or an id that cannot be one). Raises StoreUnavailable."""
        if not _valid_gid(gid):
            return None
        item = self._get_item(GROUP_PREFIX + gid)
        if item is None or item.get("kind", {}).get("S") != GROUP_KIND:
            return None
        group = _group(item)
        kwargs = {"IndexName": "by_time", "KeyConditionExpression": "#kind = :kind",
                  "ExpressionAttributeNames": {"#kind": "kind"},
                  "ExpressionAttributeValues": {":kind": {"S": f"{OCC_PREFIX}{gid}"}}}
        results, start = [], None
        for _ in range(MAX_QUERY_CALLS):
            if len(results) >= results_limit:
                break
            resp = self._query(Limit=results_limit - len(results), **kwargs,
                               **({"ExclusiveStartKey": start} if start else {}))
            results += [_occurrence(i) for i in resp.get("Items", [])]
            start = resp.get("LastEvaluatedKey")
            if not start:
                break
        group["results"] = results[:results_limit]
        return group

    def ready(self) -> tuple[bool, str]:
        try:
            status = self.client.describe_table(TableName=self.table)["Table"]["TableStatus"]
        except (BotoCoreError, ClientError) as exc:
            return False, f"describe_table: {_error_code(exc) or type(exc).__name__}: {exc}"
        return status in ("ACTIVE", "UPDATING"), f"table {self.table} is {status}"
