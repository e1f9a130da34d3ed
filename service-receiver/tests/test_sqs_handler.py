import json
import logging
import threading
import time

import botocore.exceptions
import pytest

from app.send_to_extractor import OK, PERMANENT, RETRY, Outcome
from app import sqs_handler
from app.sqs_handler import BACKOFF_MAX_SECONDS, PollResult, SqsConsumer

OBJ = {"bucket": "bkt-logs", "key": "dir/a b+c#é.log", "etag": "e1", "version_id": None, "size": 5,
       "sequencer": None, "event_time": "2026-11-27T20:48:41.467Z", "event_name": "ObjectCreated:Put"}


class FakeExtractorCall:
    """In-process stand-in for send_to_extractor: outcome chosen per key."""

    def __init__(self, outcomes=None, default=Outcome(OK, 201)):
        self.outcomes = outcomes or {}
        self.default = default
        self.calls = []

    def __call__(self, message):
        self.calls.append(message["key"])
        outcome = self.outcomes.get(message["key"], self.default)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def records_with(caplog, message):
    return [r for r in caplog.records if r.getMessage() == message]


# --- real HTTP to a fake extractor ------------------------------------------------------------------

def test_2xx_posts_object_and_deletes(queues, extractor, make_config):
    queues.send(OBJ)
    consumer = SqsConsumer(make_config(queues.url, extractor.url))

    result = consumer.poll_once()

    assert result == PollResult(received=1, deleted=1)
    assert extractor.requests == [
        {"path": "/extract", "json": {"bucket": "bkt-logs", "key": "dir/a b+c#é.log", "etag": "e1"}}
    ]
    assert queues.total() == 0
    assert consumer.metrics.snapshot()["deleted"] == 1


def test_200_already_stored_also_deletes(queues, extractor, make_config):
    extractor.status = 200
    queues.send({**OBJ, "etag": None, "version_id": "v1"})
    assert SqsConsumer(make_config(queues.url, extractor.url)).poll_once().deleted == 1
    assert extractor.requests[0]["json"] == {"bucket": "bkt-logs", "key": OBJ["key"], "version_id": "v1"}
    assert queues.total() == 0


def test_500_leaves_message_and_warns(queues, extractor, caplog, make_config):
    extractor.status, extractor.body = 503, {"error": "storage unreachable", "details": []}
    queues.send(OBJ)

    result = SqsConsumer(make_config(queues.url, extractor.url)).poll_once()

    assert (result.received, result.deleted, result.failed) == (1, 0, 1)
    assert queues.counts() == (0, 1)  # still there, invisible until its visibility timeout
    [record] = records_with(caplog, "extractor failed (will be redelivered)")
    assert record.levelno == logging.WARNING
    assert (record.status, record.error, record.key) == (503, "storage unreachable", OBJ["key"])


def test_404_leaves_logs_error_and_ends_in_dlq(mocked_aws, extractor, caplog, monkeypatch, create_queues, make_config):
    monkeypatch.setattr(sqs_handler, "GIVE_BACK_BASE_SECONDS", 0)  # given back for an immediate redelivery
    queues = create_queues(mocked_aws, visibility_timeout=0, max_receive_count=2)
    extractor.status, extractor.body = 404, {"error": "object not found", "details": ["bkt-logs/x"]}
    message_id = queues.send(OBJ)
    consumer = SqsConsumer(make_config(queues.url, extractor.url))

    assert consumer.poll_once().failed == 1
    assert consumer.poll_once().failed == 1  # redelivered at once, fails again
    assert consumer.poll_once().received == 0  # maxReceiveCount reached: moved to the DLQ

    errors = records_with(caplog, "extractor rejected object (permanent, left for the DLQ)")
    assert [r.levelno for r in errors] == [logging.ERROR, logging.ERROR]
    assert [r.receive_count for r in errors] == ["1", "2"]
    assert errors[0].message_id == message_id
    assert errors[0].status == 404 and errors[0].error == "object not found: ['bkt-logs/x']"
    assert queues.total() == 0 and queues.total(queues.dlq_url) == 1


def test_connection_refused_leaves_message(queues, caplog, free_port, make_config):
    queues.send(OBJ)
    consumer = SqsConsumer(make_config(queues.url, f"http://127.0.0.1:{free_port()}"))

    result = consumer.poll_once()

    assert (result.failed, result.deleted) == (1, 0)
    assert queues.counts() == (0, 1)
    [record] = records_with(caplog, "extractor failed (will be redelivered)")
    assert record.status is None and "ConnectionError" in record.error


def test_extractor_timeout_leaves_message(queues, extractor, make_config):
    extractor.gate = threading.Event()  # the extractor never answers within the read timeout
    queues.send(OBJ)
    consumer = SqsConsumer(make_config(queues.url, extractor.url, extractor_timeout_seconds=0.2))

    assert consumer.poll_once().failed == 1
    assert queues.counts() == (0, 1)


# --- in-process extractor ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "body",
    ["not json", '{"bucket": "b"}', '{"bucket": "", "key": "k"}', '{"bucket": "b", "key": 7}', "[1, 2]", "null",
     '{"bucket": "b", "key": "k", "etag": 5}'],
)
def test_malformed_body_is_logged_left_and_others_processed(queues, caplog, make_config, body):
    bad_id = queues.send(body, group="bad")
    queues.send({**OBJ, "key": "good.log"}, group="good")
    fake = FakeExtractorCall()
    consumer = SqsConsumer(make_config(queues.url), extractor=fake)

    result = consumer.poll_once()

    assert (result.received, result.malformed, result.deleted) == (2, 1, 1)
    assert fake.calls == ["good.log"]
    [record] = records_with(caplog, "malformed message")
    assert (record.levelno, record.message_id, record.receive_count) == (logging.ERROR, bad_id, "1")
    assert queues.counts() == (0, 1)


def _s3_record(key, event="ObjectCreated:Put"):
    return {"eventSource": "aws:s3", "eventName": event,
            "s3": {"bucket": {"name": "bkt-logs"}, "object": {"key": key, "eTag": "e", "size": 1}}}


def test_s3_notification_with_several_records_needs_all_stored_before_delete(queues, make_config):
    queues.send({"Records": [_s3_record("a+b.log"), _s3_record("gone.log"), _s3_record("x", "ObjectRemoved:Delete")]},
                group="s3")
    fake = FakeExtractorCall({"gone.log": Outcome(PERMANENT, 404, "object not found")})
    consumer = SqsConsumer(make_config(queues.url), extractor=fake)

    assert consumer.poll_once().failed == 1
    assert fake.calls == ["a b.log", "gone.log"] and queues.counts() == (0, 1)  # left, for a retry or the DLQ

    queues.send({"Records": [_s3_record("c.log"), _s3_record("d%2B1.log")]}, group="s3-2")
    fake.calls.clear()
    SqsConsumer(make_config(queues.url), extractor=fake).poll_once()
    assert "c.log" in fake.calls and "d+1.log" in fake.calls


def test_test_event_and_deletions_are_deleted_without_a_call(queues, caplog, make_config):
    caplog.set_level(logging.INFO)
    queues.send({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "bkt-logs"}, group="t")
    queues.send({"Records": [_s3_record("x", "ObjectRemoved:Delete")]}, group="d")
    fake = FakeExtractorCall()
    result = SqsConsumer(make_config(queues.url), extractor=fake).poll_once()

    assert (result.ignored, result.deleted, fake.calls) == (2, 0, [])
    assert queues.counts() == (0, 0)
    assert len(records_with(caplog, "nothing to summarise (test event or no object creation), deleted")) == 2


def test_sns_wrapped_and_eventbridge_messages_are_processed(queues, make_config):
    sns = {"Type": "Notification", "Message": json.dumps({"Records": [_s3_record("sns+key.log")]})}
    eventbridge = {"source": "aws.s3", "detail-type": "Object Created",
                   "detail": {"bucket": {"name": "bkt-logs"}, "object": {"key": "eb key+1.log", "etag": "e2"}}}
    queues.send(sns, group="sns")
    queues.send(eventbridge, group="eb")
    fake = FakeExtractorCall()
    result = SqsConsumer(make_config(queues.url), extractor=fake).poll_once()

    assert result.deleted == 2 and sorted(fake.calls) == ["eb key+1.log", "sns key.log"]


def test_group_skipped_after_failure_other_groups_continue(queues, make_config):
    queues.send({**OBJ, "key": "a1"}, group="A")
    queues.send({**OBJ, "key": "a2"}, group="A")
    queues.send({**OBJ, "key": "b1"}, group="B")
    queues.send({**OBJ, "key": "b2"}, group="B")
    fake = FakeExtractorCall({"a1": Outcome(RETRY, 503, "down")})
    consumer = SqsConsumer(make_config(queues.url), extractor=fake)

    result = consumer.poll_once()

    assert fake.calls == ["a1", "b1", "b2"]  # in order, a2 not attempted
    assert (result.received, result.deleted, result.failed, result.skipped) == (4, 2, 1, 1)
    assert queues.counts() == (1, 1)  # a1 hidden for its give-back delay, a2 given back at once...
    assert "Messages" not in queues.sqs.receive_message(QueueUrl=queues.url)  # ...but held back behind a1


def test_failed_message_comes_back_later_each_time(queues, make_config):
    fake = FakeExtractorCall(default=Outcome(RETRY, 503, "down"))
    queues.send(OBJ)
    consumer = SqsConsumer(make_config(queues.url), extractor=fake)
    delays = []
    real_give_back = consumer._give_back
    consumer._give_back = lambda message, delay: (delays.append(delay), real_give_back(message, 0))
    for _ in range(3):  # the queue's maxReceiveCount: then the DLQ
        assert consumer.poll_once().failed == 1
    assert delays == [10, 20, 40] and queues.total(queues.dlq_url) == 0
    assert consumer.poll_once().received == 0 and queues.total(queues.dlq_url) == 1


def test_permanent_failure_also_blocks_its_group(queues, make_config):
    queues.send({**OBJ, "key": "a1"}, group="A")
    queues.send({**OBJ, "key": "a2"}, group="A")
    fake = FakeExtractorCall({"a1": Outcome(PERMANENT, 404, "gone")})
    result = SqsConsumer(make_config(queues.url), extractor=fake).poll_once()
    assert fake.calls == ["a1"] and result.skipped == 1


def test_crashing_extractor_client_does_not_stop_the_batch(queues, caplog, make_config):
    queues.send({**OBJ, "key": "boom"}, group="A")
    queues.send({**OBJ, "key": "fine"}, group="B")
    fake = FakeExtractorCall({"boom": RuntimeError("bug")})
    result = SqsConsumer(make_config(queues.url), extractor=fake).poll_once()
    assert (result.failed, result.deleted) == (1, 1)
    assert records_with(caplog, "extractor call crashed")


def test_stop_between_messages_releases_the_rest(queues, make_config):
    for key in ("m1", "m2", "m3"):
        queues.send({**OBJ, "key": key}, group=key)
    stop = threading.Event()

    def extract_then_stop(message):
        stop.set()  # SIGTERM arrives while m1 is being processed
        return Outcome(OK, 201)

    consumer = SqsConsumer(make_config(queues.url), extractor=extract_then_stop)
    result = consumer.poll_once(stop)

    assert (result.deleted, result.released) == (1, 2)
    assert queues.counts() == (2, 0)  # visible again right away


def test_receive_error_is_reported_and_clears_readiness(queues, make_config):
    consumer = SqsConsumer(make_config(queues.url), extractor=FakeExtractorCall())
    consumer.poll_once()
    assert consumer.ready.is_set()

    class DownSqs:
        def receive_message(self, **kwargs):
            raise botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:1")

    consumer._sqs = DownSqs()
    result = consumer.poll_once()
    assert result.receive_error.startswith("EndpointConnectionError")
    assert not consumer.ready.is_set()
    assert consumer.metrics.snapshot()["receive_errors"] == 1


def test_run_backs_off_with_growing_capped_delay_and_recovers(queues, make_config):
    class FlakySqs:
        """Fails 6 times, then answers like the real queue."""

        def __init__(self, real):
            self.real, self.calls = real, 0

        def receive_message(self, **kwargs):
            self.calls += 1
            if self.calls <= 6:
                raise botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
            return self.real.receive_message(**kwargs)

        def delete_message(self, **kwargs):
            return self.real.delete_message(**kwargs)

    class RecordingStop(threading.Event):
        """Records each wait() instead of waiting; stops the loop once the message is processed."""

        def __init__(self):
            super().__init__()
            self.waits = []

        def wait(self, timeout=None):
            self.waits.append(timeout)
            return self.is_set()

    queues.send(OBJ)
    stop = RecordingStop()

    def extract_and_stop(message):
        stop.set()
        return Outcome(OK, 201)

    consumer = SqsConsumer(make_config(queues.url), extractor=extract_and_stop, sqs_client=FlakySqs(queues.sqs))
    consumer.run(stop)

    assert stop.waits == [0.5, 1.0, 2.0, 4.0, BACKOFF_MAX_SECONDS, BACKOFF_MAX_SECONDS]
    assert queues.total() == 0
    assert not consumer.ready.is_set()  # cleared when the loop ends


def test_message_system_attributes_requested(queues, make_config):
    seen = {}

    class SpySqs:
        def receive_message(self, **kwargs):
            seen.update(kwargs)
            return {}

    config = make_config(queues.url, wait_seconds=7, max_messages=3)
    assert SqsConsumer(config, extractor=FakeExtractorCall(), sqs_client=SpySqs()).poll_once().received == 0
    assert seen["MaxNumberOfMessages"] == 3 and seen["WaitTimeSeconds"] == 7
    assert set(seen["MessageSystemAttributeNames"]) >= {"ApproximateReceiveCount", "MessageGroupId"}


# --- visibility heartbeat -------------------------------------------------------------------------

@pytest.mark.parametrize("visibility_seconds, redelivered", [(1, False), (0, True)])
def test_heartbeat_keeps_a_long_extraction_from_being_redelivered(mocked_aws, create_queues, make_config,
                                                                  visibility_seconds, redelivered):
    """The queue hides a received message for 1 s; the extraction takes 2.5 s. With the heartbeat (renewing 1 s
    every third of a second) nobody else can receive it meanwhile; without, a second receiver gets it."""
    queues = create_queues(mocked_aws, visibility_timeout=1, prefix=f"hb{visibility_seconds}")
    queues.send(OBJ)
    seen_by_other_receiver = []

    def slow_extract(message):
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:  # a long extraction, watched by a second receiver
            response = mocked_aws.receive_message(QueueUrl=queues.url, WaitTimeSeconds=0)
            seen_by_other_receiver.extend(response.get("Messages", []))
            time.sleep(0.1)
        return Outcome(OK, 201)

    consumer = SqsConsumer(make_config(queues.url, visibility_seconds=visibility_seconds), extractor=slow_extract)
    result = consumer.poll_once()

    assert bool(seen_by_other_receiver) is redelivered
    if not redelivered:
        assert result.deleted == 1 and queues.total() == 0
        assert consumer.metrics.snapshot()["visibility_extensions"] >= 5


# --- retries within the visibility window ---------------------------------------------------------

class SequenceExtractor:
    """Answers with the given outcomes in turn, recording when each call came."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.times = []

    def __call__(self, message):
        self.times.append(time.monotonic())
        return self.outcomes.pop(0)


def test_transient_failures_are_retried_with_backoff_then_stored(queues, monkeypatch, make_config):
    monkeypatch.setattr(sqs_handler, "RETRY_BASE_SECONDS", 0.2)
    fake = SequenceExtractor(Outcome(RETRY, 500, "boom"), Outcome(RETRY, None, "ConnectionError"), Outcome(OK, 201))
    queues.send(OBJ)
    consumer = SqsConsumer(make_config(queues.url, retry_seconds=10), extractor=fake)

    assert consumer.poll_once().deleted == 1
    assert len(fake.times) == 3 and consumer.metrics.snapshot()["retried"] == 2
    assert fake.times[2] - fake.times[0] <= 0.2 + 0.4 + 0.5  # full jitter stays under base * 2**n


def test_retry_after_is_honoured_within_the_retry_time(queues, make_config):
    fake = SequenceExtractor(*[Outcome(RETRY, 503, "storage unavailable", retry_after=0.3)] * 10)
    queues.send(OBJ)
    consumer = SqsConsumer(make_config(queues.url, retry_seconds=1), extractor=fake)

    assert consumer.poll_once().failed == 1
    assert len(fake.times) == 4 and all(b - a >= 0.3 for a, b in zip(fake.times, fake.times[1:]))
    assert queues.counts() == (0, 1)  # given back: hidden for a while, then redelivered


def test_permanent_failure_is_not_retried(queues, make_config):
    fake = SequenceExtractor(Outcome(PERMANENT, 404, "object not found"))
    queues.send(OBJ)
    assert SqsConsumer(make_config(queues.url, retry_seconds=30), extractor=fake).poll_once().failed == 1
    assert len(fake.times) == 1


def test_shutdown_cuts_the_backoff_short(queues, make_config):
    fake = SequenceExtractor(Outcome(RETRY, 503, "x", retry_after=30), Outcome(OK, 201))
    queues.send(OBJ)
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    result = SqsConsumer(make_config(queues.url, retry_seconds=60), extractor=fake).poll_once(stop)
    assert result.failed == 1 and len(fake.times) == 1 and time.monotonic() - started < 5


def test_retry_after_header_is_read(extractor):
    from app.send_to_extractor import ExtractorClient

    extractor.status, extractor.body, extractor.headers = 503, {"error": "storage unavailable"}, {"Retry-After": "7"}
    outcome = ExtractorClient(extractor.url, 5)(OBJ)
    assert (outcome.kind, outcome.status, outcome.retry_after) == (RETRY, 503, 7.0)
    assert outcome.error == "storage unavailable"


# --- concurrency ----------------------------------------------------------------------------------

def test_groups_are_worked_on_side_by_side_in_order_within_each(queues, make_config):
    for group in "ABCD":
        for n in (1, 2):
            queues.send({**OBJ, "key": f"{group}{n}"}, group=group)
    barrier = threading.Barrier(4, timeout=10)  # passes only when four calls are in flight at once
    calls, lock = [], threading.Lock()

    def extract(message):
        with lock:
            calls.append(message["key"])
        if message["key"].endswith("1"):
            barrier.wait()
        return Outcome(RETRY, 503, "down") if message["key"] == "B1" else Outcome(OK, 201)

    consumer = SqsConsumer(make_config(queues.url, concurrency=4), extractor=extract)
    result = consumer.poll_once()

    assert (result.received, result.deleted, result.failed, result.skipped) == (8, 6, 1, 1)
    for group in "ACD":
        assert calls.index(f"{group}1") < calls.index(f"{group}2")
    assert "B2" not in calls  # held back behind the failed B1, while the other groups went on
    assert consumer.metrics.snapshot()["in_flight"] == 0


def test_extractor_client_keeps_a_session_per_thread():
    from app.send_to_extractor import ExtractorClient

    client = ExtractorClient("http://127.0.0.1:9", 1)
    sessions = []
    threads = [threading.Thread(target=lambda: sessions.append(client.session)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in sessions}) == 3 and client.session is client.session
