"""What a queue message asks for: the objects to summarise.

The receiver normally sits behind the project's Lambda, but a queue may also be fed directly by S3, by an SNS
topic or by EventBridge. Accepted bodies:
  - the Lambda's own message: {"bucket", "key", "etag", "version_id", ...} (key already decoded);
  - an S3 event notification: {"Records": [...]}, one or more records, keys form-encoded ('+' is a space);
  - an SNS notification whose "Message" is either of the above;
  - an EventBridge "Object Created" event from aws.s3 (keys not encoded);
  - s3:TestEvent, which S3 sends when a notification is configured: nothing to do.
Records that are not object creations (ObjectRemoved:*, ...) ask for nothing. Anything else is malformed
and raises MalformedMessage (the receiver leaves it for the redrive policy to move to the dead-letter queue).
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

_OPTIONAL_TEXT = ("etag", "version_id")


class MalformedMessage(ValueError):
    """The body is not one of the accepted forms; the message says what is wrong."""


def objects_in(body: Any) -> list[dict[str, Any]]:
    """The objects a message body asks to summarise, as {"bucket", "key", "etag", "version_id"} (the last two
    may be None); [] when it asks for nothing (a test event, only non-creation records)."""
    message = _json_object(body, "body")
    if message.get("Type") == "Notification" and "Message" in message:  # SNS
        message = _json_object(message["Message"], "SNS Message")
    if message.get("Event") == "s3:TestEvent":
        return []
    if "Records" in message:
        return _from_s3_records(message["Records"])
    if message.get("source") == "aws.s3" and "detail" in message:
        return _from_eventbridge(message)
    return [_from_lambda_message(message)]


def _json_object(text: Any, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise MalformedMessage(f"{what} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise MalformedMessage(f"{what} is not a JSON object")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedMessage(f"{what} must be a non-empty string")
    return value


def _optional_text(value: Any, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedMessage(f"{what} must be a string")
    return value.strip('"')  # S3 quotes ETags in some places


def _from_lambda_message(message: dict[str, Any]) -> dict[str, Any]:
    obj = {"bucket": _text(message.get("bucket"), "bucket"), "key": _text(message.get("key"), "key")}
    for field in _OPTIONAL_TEXT:
        obj[field] = _optional_text(message.get(field), field)
    return obj


def _from_s3_records(records: Any) -> list[dict[str, Any]]:
    if not isinstance(records, list) or not records:
        raise MalformedMessage("Records must be a non-empty list")
    objects = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise MalformedMessage(f"Records[{i}] is not an object")
        if record.get("eventSource") != "aws:s3":
            raise MalformedMessage(f"Records[{i}] is not an S3 event (eventSource {record.get('eventSource')!r})")
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue  # a deletion, restore, replication... notification: nothing to summarise
        try:
            bucket, obj = record["s3"]["bucket"], record["s3"]["object"]
        except (KeyError, TypeError):
            raise MalformedMessage(f"Records[{i}] has no s3.bucket / s3.object") from None
        objects.append({
            "bucket": _text(bucket.get("name"), f"Records[{i}].s3.bucket.name"),
            "key": unquote_plus(_text(obj.get("key"), f"Records[{i}].s3.object.key")),
            "etag": _optional_text(obj.get("eTag", obj.get("etag")), f"Records[{i}].s3.object.eTag"),
            "version_id": _optional_text(obj.get("versionId"), f"Records[{i}].s3.object.versionId"),
        })
    return objects


def _from_eventbridge(event: dict[str, Any]) -> list[dict[str, Any]]:
    if event.get("detail-type") != "Object Created":
        return []  # Object Deleted, Object Restore Completed, ...
    detail = event["detail"]
    try:
        bucket, obj = detail["bucket"], detail["object"]
    except (KeyError, TypeError):
        raise MalformedMessage("EventBridge detail has no bucket / object") from None
    return [{
        "bucket": _text(bucket.get("name"), "detail.bucket.name"),
        "key": _text(obj.get("key"), "detail.object.key"),   # EventBridge keys are not URL-encoded
        "etag": _optional_text(obj.get("etag"), "detail.object.etag"),
        "version_id": _optional_text(obj.get("version-id"), "detail.object.version-id"),
    }]
