"""Long-poll consumer of the FIFO queue: one message at a time, in order, deleted only after a 2xx for each
object it names (message formats: app.messages)."""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from app.config import Config
from app.heartbeat import VisibilityHeartbeat
from app.messages import MalformedMessage, objects_in
from app.send_to_extractor import PERMANENT, ExtractorClient, Outcome

logger = logging.getLogger(__name__)

BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 5.0
# Between calls for one object after a 5xx or connection error (full jitter: uniform in [0, base * 2**n]).
RETRY_BASE_SECONDS = 1.0
RETRY_MAX_SECONDS = 15.0
# A failed message is given back to the queue hidden for base * 2**(receives - 1) seconds, at most the max:
# a message that keeps failing comes back ever later, and reaches the DLQ after maxReceiveCount receives.
GIVE_BACK_BASE_SECONDS = 10
GIVE_BACK_MAX_SECONDS = 300
# With short polling (RECEIVER_WAIT_SECONDS=0) an empty queue would otherwise be hammered.
EMPTY_SHORT_POLL_PAUSE_SECONDS = 1.0


class Metrics:
    """Prometheus metrics of one consumer, in its own registry (consumers in one process, as in tests, stay apart)."""

    _COUNTERS = {  # add() name -> (metric name without _total, help)
        "received": ("receiver_messages_received", "Messages received from SQS."),
        "deleted": ("receiver_messages_deleted", "Messages whose objects were all stored, deleted."),
        "ignored": ("receiver_messages_ignored", "Messages asking for nothing (s3:TestEvent, deletions), deleted."),
        "failed": ("receiver_messages_failed", "Messages left in the queue after the extractor failed."),
        "malformed": ("receiver_messages_malformed", "Messages with an unusable body (left for the DLQ)."),
        "skipped": ("receiver_messages_skipped", "Messages skipped after a failure in their FIFO group."),
        "released": ("receiver_messages_released", "Messages made visible again on shutdown."),
        "receive_errors": ("receiver_receive_errors", "Failed receive_message calls."),
        "retried": ("receiver_extract_retries", "Extractor calls repeated after a 5xx or connection error."),
        "visibility_extensions": ("receiver_visibility_extensions", "Visibility heartbeat extensions."),
    }
    COUNTERS = tuple(_COUNTERS)

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._counters = {key: Counter(name, text, registry=self.registry)
                          for key, (name, text) in self._COUNTERS.items()}
        self._in_flight = Gauge("receiver_messages_in_flight", "Messages being processed now.", registry=self.registry)
        self.processing_seconds = Histogram(
            "receiver_message_processing_seconds", "Time from picking up a message to its delete or give-up.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600), registry=self.registry)

    def add(self, name: str, amount: int = 1) -> None:
        if amount:
            self._counters[name].inc(amount)

    def add_in_flight(self, delta: int) -> None:
        self._in_flight.inc(delta)

    def snapshot(self) -> dict[str, int]:
        values = {key: int(self.registry.get_sample_value(f"{name}_total") or 0)
                  for key, (name, _) in self._COUNTERS.items()}
        return {**values, "in_flight": int(self.registry.get_sample_value("receiver_messages_in_flight") or 0)}


@dataclass
class PollResult:
    received: int = 0
    deleted: int = 0
    ignored: int = 0  # asked for nothing (s3:TestEvent, only deletions...): deleted without a call
    failed: int = 0  # extractor said no (4xx/5xx/unreachable): left in the queue
    malformed: int = 0  # body unusable: left for the redrive policy to move to the DLQ
    skipped: int = 0  # later messages of a group that already failed in this batch
    released: int = 0  # not processed because of shutdown: visibility reset to 0
    receive_error: str | None = None


class SqsConsumer:
    """poll_once() handles one receive batch (tests drive it directly); run() loops until stopped."""

    def __init__(
        self,
        config: Config,
        extractor: Callable[[dict[str, Any]], Outcome] | None = None,
        sqs_client: Any = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.config = config
        self.extractor = extractor or ExtractorClient(config.extractor_url, config.extractor_timeout_seconds,
                                                      token=config.extractor_token)
        self._sqs = sqs_client
        self.metrics = metrics or Metrics()
        # readiness: the most recent receive succeeded (queue reachable)
        self.ready = threading.Event()
        # shutdown waits on this: run() still busy, and whether it is blocked in receive_message
        self._state = threading.Condition()
        self._receiving = False
        self._running = False
        self._executor: ThreadPoolExecutor | None = None  # workers for message groups, made on first need

    @property
    def sqs(self) -> Any:
        if self._sqs is None:  # lazily, so AWS_ENDPOINT_URL etc. apply and imports stay side-effect free
            self._sqs = boto3.client("sqs")
        return self._sqs

    # -- shutdown coordination -------------------------------------------------------------------
    def _set_state(self, *, receiving: bool | None = None, running: bool | None = None) -> None:
        with self._state:
            if receiving is not None:
                self._receiving = receiving
            if running is not None:
                self._running = running
            self._state.notify_all()

    def wait_until_stoppable(self, timeout: float) -> bool:
        """After stop was requested: wait until run() has returned or sits in a long-poll (which may be
        abandoned: what it returns stays invisible only until the visibility timeout). False on timeout."""
        with self._state:
            return self._state.wait_for(lambda: self._receiving or not self._running, timeout)

    # -- polling -------------------------------------------------------------------------------------
    def _receive(self) -> list[dict[str, Any]]:
        self._set_state(receiving=True)
        try:
            response = self.sqs.receive_message(
                QueueUrl=self.config.queue_url,
                MaxNumberOfMessages=self.config.max_messages,
                WaitTimeSeconds=self.config.wait_seconds,
                MessageSystemAttributeNames=["ApproximateReceiveCount", "MessageGroupId"],
            )
        finally:
            self._set_state(receiving=False)
        return response.get("Messages", [])

    def poll_once(self, stop_event: threading.Event | None = None) -> PollResult:
        stop_event = stop_event or threading.Event()
        result = PollResult()
        try:
            messages = self._receive()
        except Exception as exc:  # endpoint down, throttled, bad credentials: run() backs off
            self.ready.clear()
            self.metrics.add("receive_errors")
            logger.warning("receive_message failed", extra={"error": str(exc), "error_type": type(exc).__name__})
            result.receive_error = f"{type(exc).__name__}: {exc}"
            return result
        self.ready.set()
        result.received = len(messages)
        self.metrics.add("received", len(messages))

        # FIFO order holds within a message group; groups are independent, so they run side by side.
        groups: dict[str, list[dict[str, Any]]] = {}
        for message in messages:
            group = message.get("Attributes", {}).get("MessageGroupId") or message.get("MessageId", "")
            groups.setdefault(group, []).append(message)
        lock = threading.Lock()
        if self.config.concurrency == 1 or len(groups) == 1:
            for group_messages in groups.values():
                self._handle_group(group_messages, stop_event, result, lock)
        else:
            futures = [self._pool().submit(self._handle_group, group_messages, stop_event, result, lock)
                       for group_messages in groups.values()]
            for future in futures:
                future.result()
        return result

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.config.concurrency, thread_name_prefix="receiver-worker")
        return self._executor

    def _handle_group(self, messages: list[dict[str, Any]], stop_event: threading.Event, result: PollResult,
                      lock: threading.Lock) -> None:
        """The messages of one FIFO group, in order; after a failure the rest wait for the failed one."""
        def count(field: str) -> None:
            with lock:
                setattr(result, field, getattr(result, field) + 1)

        for index, message in enumerate(messages):
            if stop_event.is_set():
                released = self._release(messages[index:])
                with lock:
                    result.released += released
                return
            self.metrics.add_in_flight(+1)
            try:
                with self.metrics.processing_seconds.time():
                    outcome = self._handle(message, stop_event)
            finally:
                self.metrics.add_in_flight(-1)
            count(outcome)
            self.metrics.add(outcome)
            if outcome in ("deleted", "ignored"):
                continue
            if not stop_event.is_set():
                self._give_back(message, self._give_back_delay(message))
            # FIFO order: a later version of the object must not overtake the one that failed. Give the rest
            # back at once: SQS keeps the whole group back while the failed message is hidden, then redelivers
            # them in order. (Their receive counts grow too, so with a tiny maxReceiveCount they can reach the
            # DLQ alongside the failing one.)
            for later in messages[index + 1:]:
                count("skipped")
                self.metrics.add("skipped")
                logger.info("skipped after failure in its group", extra=self._log_fields(later))
                self._give_back(later, 0)
            return

    def _handle(self, message: dict[str, Any], stop_event: threading.Event) -> str:
        """Process one message; returns the PollResult field it counts towards. Never raises."""
        fields = self._log_fields(message)
        try:
            objects = objects_in(message.get("Body"))
        except MalformedMessage as exc:
            logger.error("malformed message",
                         extra={**fields, "reason": str(exc), "body": str(message.get("Body"))[:500]})
            return "malformed"
        with self._heartbeat(message, fields):
            for obj in objects:  # several records in one S3 notification: all must be stored before the delete
                if not self._extract(obj, fields, stop_event):
                    return "failed"
        if not self._delete(message, fields):
            return "failed"
        if not objects:
            logger.info("nothing to summarise (test event or no object creation), deleted", extra=fields)
            return "ignored"
        return "deleted"

    def _heartbeat(self, message: dict[str, Any], fields: dict[str, Any]) -> Any:
        if not self.config.visibility_seconds:
            return contextlib.nullcontext()
        return VisibilityHeartbeat(self.sqs, self.config.queue_url, message["ReceiptHandle"],
                                   self.config.visibility_seconds,
                                   on_extend=lambda: self.metrics.add("visibility_extensions"), log_fields=fields)

    def _extract(self, obj: dict[str, Any], fields: dict[str, Any], stop_event: threading.Event) -> bool:
        """Calls the extractor for one object, retrying 5xx and connection errors with backoff for up to
        retry_seconds (the heartbeat keeps the message hidden meanwhile). While the extractor or storage is down
        this holds the receiver on one message instead of burning the receive counts of all of them."""
        fields = {**fields, "bucket": obj["bucket"], "key": obj["key"], "etag": obj.get("etag")}
        give_up_at = time.monotonic() + self.config.retry_seconds
        attempt = 0
        while True:
            attempt += 1
            try:
                outcome = self.extractor(obj)
            except Exception:  # a bug in the extractor client must not kill the poll loop
                logger.exception("extractor call crashed", extra=fields)
                return False
            fields.update(status=outcome.status, error=outcome.error, attempt=attempt)
            if outcome.ok:
                logger.info("processed", extra=fields)
                return True
            if outcome.kind == PERMANENT:
                logger.error("extractor rejected object (permanent, left for the DLQ)", extra=fields)
                return False
            delay = min(RETRY_MAX_SECONDS, outcome.retry_after if outcome.retry_after is not None
                        else random.uniform(0, RETRY_BASE_SECONDS * 2 ** (attempt - 1)))
            if time.monotonic() + delay > give_up_at:
                break
            self.metrics.add("retried")
            logger.info("extractor failed, retrying", extra={**fields, "delay_seconds": round(delay, 2)})
            if stop_event.wait(delay):
                break  # shutting down: leave the message for another receiver
        logger.warning("extractor failed (will be redelivered)", extra=fields)
        return False

    def _give_back(self, message: dict[str, Any], delay: int) -> bool:
        """Make a message visible again after `delay` seconds (0: now) instead of after its visibility timeout."""
        try:
            self.sqs.change_message_visibility(
                QueueUrl=self.config.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=delay)
        except Exception as exc:  # it then comes back when its visibility runs out
            logger.warning("could not give the message back", extra={**self._log_fields(message), "error": str(exc)})
            return False
        return True

    @staticmethod
    def _give_back_delay(message: dict[str, Any]) -> int:
        receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount") or 1)
        return min(GIVE_BACK_MAX_SECONDS, GIVE_BACK_BASE_SECONDS * 2 ** min(receives - 1, 16))

    def _delete(self, message: dict[str, Any], fields: dict[str, Any]) -> bool:
        try:
            self.sqs.delete_message(QueueUrl=self.config.queue_url, ReceiptHandle=message["ReceiptHandle"])
        except Exception as exc:
            # The results are stored; the redelivery is answered 200 (already stored) and deleted then.
            logger.warning("delete_message failed", extra={**fields, "delete_error": str(exc)})
            return False
        return True

    def _release(self, messages: list[dict[str, Any]]) -> int:
        """Make unprocessed messages visible again right away instead of after the visibility timeout."""
        released = sum(self._give_back(message, 0) for message in messages)
        self.metrics.add("released", released)
        if messages:
            logger.info("released unprocessed messages on shutdown", extra={"count": released})
        return released

    @staticmethod
    def _log_fields(message: dict[str, Any]) -> dict[str, Any]:
        attributes = message.get("Attributes", {})
        return {
            "message_id": message.get("MessageId"),
            "receive_count": attributes.get("ApproximateReceiveCount"),
            "group_id": attributes.get("MessageGroupId"),
        }

    def run(self, stop_event: threading.Event) -> None:
        self._set_state(running=True)
        try:
            self._loop(stop_event)
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
            self.ready.clear()
            self._set_state(running=False, receiving=False)

    def _loop(self, stop_event: threading.Event) -> None:
        logger.info("poll loop started", extra={"queue_url": self.config.queue_url})
        delay = BACKOFF_FIRST_SECONDS
        while not stop_event.is_set():
            try:
                result = self.poll_once(stop_event)
            except Exception as exc:  # defensive: poll_once handles its own errors
                logger.exception("poll failed unexpectedly")
                result = PollResult(receive_error=str(exc))
            if result.receive_error:
                stop_event.wait(delay)
                delay = min(delay * 2, BACKOFF_MAX_SECONDS)
                continue
            delay = BACKOFF_FIRST_SECONDS
            if result.received == 0 and self.config.wait_seconds == 0:
                stop_event.wait(EMPTY_SHORT_POLL_PAUSE_SECONDS)
        logger.info("poll loop stopped")
