"""Every message form the receiver accepts, and what it does with anything else."""
import json

import pytest

from app.messages import MalformedMessage, objects_in

OBJ = {"bucket": "bkt", "key": "dir/a b+c.log", "etag": "e1", "version_id": None}


def s3_event(*records):
    return {"Records": list(records)}


def record(key="dir/a+b%2Bc.log", event="ObjectCreated:Put", **obj):
    return {"eventVersion": "2.1", "eventSource": "aws:s3", "eventName": event,
            "s3": {"bucket": {"name": "bkt"}, "object": {"key": key, "eTag": '"e1"', "size": 3, **obj}}}


def test_lambda_message():
    body = {"bucket": "bkt", "key": "dir/a b+c.log", "etag": "e1", "version_id": None, "size": 3, "sequencer": "0A"}
    assert objects_in(json.dumps(body)) == [OBJ]


def test_s3_notification_keys_are_form_decoded_and_etags_unquoted():
    assert objects_in(json.dumps(s3_event(record()))) == [OBJ]


def test_s3_notification_with_several_records_and_a_version():
    body = s3_event(record("one.log"), record("two.log", versionId="v2"), record("gone", "ObjectRemoved:Delete"))
    assert [(o["key"], o["version_id"]) for o in objects_in(json.dumps(body))] == [("one.log", None), ("two.log", "v2")]


def test_test_event_and_non_creation_records_ask_for_nothing():
    assert objects_in(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "bkt"})) == []
    assert objects_in(json.dumps(s3_event(record(event="ObjectRemoved:Delete")))) == []
    assert objects_in(json.dumps({"source": "aws.s3", "detail-type": "Object Deleted", "detail": {}})) == []


def test_sns_notification_wrapping_an_s3_event():
    sns = {"Type": "Notification", "TopicArn": "arn:aws:sns:eu-west-1:1:t", "Message": json.dumps(s3_event(record()))}
    assert objects_in(json.dumps(sns)) == [OBJ]


def test_eventbridge_object_created_keys_are_taken_as_they_are():
    event = {"version": "0", "source": "aws.s3", "detail-type": "Object Created",
             "detail": {"bucket": {"name": "bkt"}, "object": {"key": "dir/a b+c.log", "etag": "e1", "size": 3}}}
    assert objects_in(json.dumps(event)) == [OBJ]


@pytest.mark.parametrize("body, reason", [
    ("not json", "not JSON"), ("[1]", "not a JSON object"), (None, "not JSON"),
    ('{"bucket": "b"}', "key must be"), ('{"bucket": "", "key": "k"}', "bucket must be"),
    ('{"bucket": "b", "key": "k", "etag": 5}', "etag must be"),
    ('{"Records": []}', "non-empty list"), ('{"Records": [{"eventSource": "aws:sqs"}]}', "not an S3 event"),
    ('{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}]}', "no s3.bucket"),
    ('{"Type": "Notification", "Message": "{oops"}', "SNS Message is not JSON"),
    ('{"source": "aws.s3", "detail-type": "Object Created", "detail": {"bucket": {}}}', "no bucket / object"),
])
def test_anything_else_is_malformed_with_a_reason(body, reason):
    with pytest.raises(MalformedMessage, match=reason):
        objects_in(body)
