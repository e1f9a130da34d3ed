"""Creates the local stand-ins of what terraform creates in AWS: bucket, queues, table, S3 notification.

S3 cannot notify a FIFO queue, so in AWS the bucket notifies the Lambda. Locally the bucket notifies a standard
"events" queue, and devstack.lambda_runner feeds each event to the same Lambda handler (like an event-source
mapping would), which writes to the FIFO queue.
"""
from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Names:
    bucket: str = "log-analysis-logs"
    queue: str = "log-analysis-jobs.fifo"
    dlq: str = "log-analysis-jobs-dlq.fifo"
    events_queue: str = "log-analysis-s3-events"
    events_dlq: str = "log-analysis-s3-events-failed"
    table: str = "log-analysis-results"
    mail_sender: str = "alerts@log-analysis.local"      # verified in the embedded SES, so storage can mail
    mail_recipients: str = "ops@log-analysis.local"


@dataclass(frozen=True)
class Resources:
    bucket: str
    queue_url: str
    dlq_url: str
    events_queue_url: str
    events_dlq_url: str
    table: str


def _load_table_module():
    # The storage service owns the table's key schema; loading its pure module keeps the two from drifting.
    path = ROOT / "service-result-storage" / "app" / "table.py"
    spec = importlib.util.spec_from_file_location("result_storage_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _queue_arn(sqs, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def provision(client: Callable[[str], object], names: Names = Names(), *, visibility_timeout: int = 60,
              max_receive_count: int = 5) -> Resources:
    s3, sqs, ddb = client("s3"), client("sqs"), client("dynamodb")

    dlq_url = sqs.create_queue(QueueName=names.dlq, Attributes={
        "FifoQueue": "true", "MessageRetentionPeriod": str(14 * 86400)})["QueueUrl"]
    queue_url = sqs.create_queue(QueueName=names.queue, Attributes={
        "FifoQueue": "true",
        "VisibilityTimeout": str(visibility_timeout),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": _queue_arn(sqs, dlq_url),
                                     "maxReceiveCount": str(max_receive_count)}),
    })["QueueUrl"]

    events_dlq_url = sqs.create_queue(QueueName=names.events_dlq)["QueueUrl"]
    events_url = sqs.create_queue(QueueName=names.events_queue, Attributes={
        "VisibilityTimeout": "30",
        # Like Lambda's async retries followed by its on-failure destination.
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": _queue_arn(sqs, events_dlq_url), "maxReceiveCount": "3"}),
    })["QueueUrl"]

    s3.create_bucket(Bucket=names.bucket)
    s3.put_bucket_notification_configuration(Bucket=names.bucket, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": _queue_arn(sqs, events_url), "Events": ["s3:ObjectCreated:*"]}]})

    _load_table_module().create_table(ddb, names.table)
    client("ses").verify_email_identity(EmailAddress=names.mail_sender)
    return Resources(names.bucket, queue_url, dlq_url, events_url, events_dlq_url, names.table)
