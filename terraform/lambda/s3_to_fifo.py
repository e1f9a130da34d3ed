"""S3 ObjectCreated notifications -> FIFO queue for the receiver.

Deployed by terraform as a Lambda, and also called in-process by the local runner with each
S3 event JSON. Only stdlib + boto3 (both present in the Lambda runtime).

Environment (read at call time): QUEUE_URL (the FIFO queue, required), LOG_LEVEL (INFO).
Message body, MessageGroupId and MessageDeduplicationId: see "Between the services" in the README.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from typing import Any
from urllib.parse import unquote_plus

import boto3

logger = logging.getLogger(__name__)

SQS_BATCH_LIMIT = 10

_sqs_client = None  # created on first call, reused by warm invocations


def _sqs():
    global _sqs_client
    if _sqs_client is None:
        _sqs_client = boto3.client("sqs")
    return _sqs_client


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_message(record: dict[str, Any]) -> dict[str, Any]:
    """FIFO message body for one S3 ObjectCreated record."""
    s3 = record["s3"]
    obj = s3["object"]
    etag = obj.get("eTag") or obj.get("etag")
    size = obj.get("size")
    return {
        "bucket": s3["bucket"]["name"],
        # S3 event keys are form-encoded: '+' is a space, '%2B' a literal '+'.
        "key": unquote_plus(obj["key"]),
        "etag": etag.strip('"') if etag else None,
        "version_id": obj.get("versionId") or None,
        "size": int(size) if size is not None else None,
        "sequencer": obj.get("sequencer") or None,
        "event_time": record.get("eventTime"),
        "event_name": record["eventName"],
    }


def group_id(body: dict[str, Any]) -> str:
    """One group per object, so versions of one object are handled in order."""
    return _sha256(f"{body['bucket']}/{body['key']}")


def deduplication_id(body: dict[str, Any]) -> str:
    """Same object content -> same id, so duplicate notifications collapse within SQS's 5-minute window."""
    ident = body.get("etag") or body.get("version_id") or body.get("sequencer")
    if not ident:
        # Never happens with real S3 (it always sends a sequencer); hash the whole body rather than
        # collapsing distinct uploads of the same key.
        ident = json.dumps(body, sort_keys=True)
    return _sha256(f"{body['bucket']}/{body['key']}/{ident}")


def _is_object_created(record: dict[str, Any]) -> bool:
    return record.get("eventSource") == "aws:s3" and str(record.get("eventName", "")).startswith(
        "ObjectCreated"
    )


def _send(queue_url: str, bodies: list[dict[str, Any]]) -> None:
    failures: list[dict[str, Any]] = []
    for start in range(0, len(bodies), SQS_BATCH_LIMIT):
        chunk = bodies[start : start + SQS_BATCH_LIMIT]
        entries = [
            {
                "Id": str(i),
                "MessageBody": json.dumps(body, ensure_ascii=False),
                "MessageGroupId": group_id(body),
                "MessageDeduplicationId": deduplication_id(body),
            }
            for i, body in enumerate(chunk)
        ]
        response = _sqs().send_message_batch(QueueUrl=queue_url, Entries=entries)
        for failed in response.get("Failed", []):
            body = chunk[int(failed["Id"])]
            failures.append({"bucket": body["bucket"], "key": body["key"], **failed})
    if failures:
        # Raising makes Lambda retry the whole event (or hand it to the on-failure destination);
        # entries that did go through are dropped by FIFO deduplication on the retry.
        logger.error("send_message_batch failed", extra={"failures": failures})
        raise RuntimeError(f"{len(failures)} of {len(bodies)} messages not sent: {failures}")


def handler(event: dict[str, Any], context: Any = None) -> dict[str, int]:
    logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    records = event.get("Records")
    if not records:
        # s3:TestEvent (sent when a notification is configured) or anything else without records.
        logger.info("skipping event without records", extra={"s3_event": event.get("Event")})
        return {"sent": 0, "skipped": 1}

    bodies, skipped = [], 0
    for record in records:
        if not _is_object_created(record):
            skipped += 1
            logger.info("skipping record", extra={"event_name": record.get("eventName")})
            continue
        bodies.append(build_message(record))

    if bodies:
        queue_url = os.environ.get("QUEUE_URL")
        if not queue_url:
            raise RuntimeError("QUEUE_URL is not set")
        _send(queue_url, bodies)
        for body in bodies:
            logger.info("queued", extra={"bucket": body["bucket"], "key": body["key"], "etag": body["etag"]})
    return {"sent": len(bodies), "skipped": skipped}
