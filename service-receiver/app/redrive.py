"""Operator command: move the dead-letter queue's messages back to the job queue, after a fix.

    python -m app.redrive [--max N] [--dry-run]

The dead-letter queue is the one named by the job queue's RedrivePolicy (QUEUE_URL, as for the receiver).
Each message is sent to the job queue with its body and message group, then deleted from the dead-letter
queue: a crash in between leaves a copy in both, which is harmless (storage keeps one result per object
version). Exit status: 0 when done, 1 when a message could not be moved, 2 on bad usage or configuration.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError


def dead_letter_queue_url(sqs: Any, queue_url: str) -> str:
    response = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])
    attributes = response.get("Attributes", {})
    if "RedrivePolicy" not in attributes:
        raise ValueError(f"{queue_url} has no RedrivePolicy, so no dead-letter queue")
    arn = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
    _, _, _, _, account, name = arn.split(":", 5)
    return sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]


def redrive(sqs: Any, queue_url: str, *, limit: int | None = None, dry_run: bool = False,
            out=sys.stdout) -> tuple[int, int]:
    """Moves up to `limit` messages; returns (moved, failed)."""
    dlq_url = dead_letter_queue_url(sqs, queue_url)
    fifo = queue_url.endswith(".fifo")
    moved = failed = 0
    while limit is None or moved + failed < limit:
        batch = min(10, limit - moved - failed) if limit is not None else 10
        messages = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=batch, WaitTimeSeconds=1,
                                       VisibilityTimeout=60, MessageSystemAttributeNames=["All"]).get("Messages", [])
        if not messages:
            break
        for message in messages:
            attributes = message.get("Attributes", {})
            line = {"message_id": message["MessageId"], "group": attributes.get("MessageGroupId"),
                    "body": message["Body"][:200]}
            if dry_run:
                print(json.dumps({"action": "would move", **line}), file=out)
                moved += 1
                continue
            send: dict[str, Any] = {"QueueUrl": queue_url, "MessageBody": message["Body"]}
            if fifo:
                send["MessageGroupId"] = attributes.get("MessageGroupId", "redrive")
                # A fresh id: the original may still be inside SQS's 5-minute deduplication window.
                send["MessageDeduplicationId"] = f"redrive-{message['MessageId']}-{int(time.time())}"
            try:
                sqs.send_message(**send)
                sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            except Exception as exc:  # left in the dead-letter queue; reported, the others go on
                print(json.dumps({"action": "failed", **line, "error": str(exc)}), file=out)
                failed += 1
                continue
            print(json.dumps({"action": "moved", **line}), file=out)
            moved += 1
        if dry_run:
            break  # received messages stay invisible for a minute: one batch shows what is there
    return moved, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.redrive", description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=int, default=None, help="move at most N messages")
    parser.add_argument("--dry-run", action="store_true", help="list one batch of messages without moving them")
    args = parser.parse_args(argv)
    queue_url = os.environ.get("QUEUE_URL", "")
    if not queue_url:
        print("redrive: QUEUE_URL is required", file=sys.stderr)
        return 2
    try:
        moved, failed = redrive(boto3.client("sqs"), queue_url, limit=args.max, dry_run=args.dry_run)
    except (ValueError, BotoCoreError, ClientError) as exc:  # no such queue, no dead-letter queue, no access
        print(f"redrive: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"moved": moved, "failed": failed, "dry_run": args.dry_run}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
