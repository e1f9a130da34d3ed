import botocore.exceptions

from app.main import create_app, get_state
from app.send_to_extractor import OK, Outcome
from app.sqs_handler import SqsConsumer

OBJ = {"bucket": "b", "key": "k.log", "etag": "e"}


def test_health_ready_metrics_follow_the_poll_loop(queues, make_config):
    queues.send(OBJ)
    config = make_config(queues.url)
    app = create_app(config, consumer=SqsConsumer(config, extractor=lambda message: Outcome(OK, 201)))
    client = app.test_client()
    worker = get_state(app).worker

    assert client.get("/healthz").status_code == 503
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503 and not_ready.json["error"] == "not ready"

    worker.start()
    try:
        assert worker.consumer.ready.wait(10)
        assert client.get("/healthz").json == {"status": "ok"}
        assert client.get("/readyz").status_code == 200
    finally:
        assert worker.stop(5)
        worker.thread.join(5)

    assert not worker.alive
    assert client.get("/healthz").status_code == 503
    assert client.get("/readyz").status_code == 503
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.mimetype == "text/plain"
    assert metrics.headers["Content-Type"].count("charset") == 1
    lines = metrics.get_data(as_text=True).splitlines()
    for line in ("receiver_messages_received_total 1.0", "receiver_messages_deleted_total 1.0",
                 "receiver_messages_failed_total 0.0", "receiver_messages_in_flight 0.0", "receiver_poll_loop_up 0.0",
                 "receiver_visibility_extensions_total 0.0", "receiver_extract_retries_total 0.0",
                 "receiver_message_processing_seconds_count 1.0", "# TYPE receiver_messages_received_total counter"):
        assert line in lines
    assert queues.total() == 0


def test_not_ready_while_queue_unreachable(aws_env, make_config):
    class DownSqs:
        def receive_message(self, **kwargs):
            raise botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:1")

    config = make_config("http://127.0.0.1:1/000000000000/q.fifo")
    consumer = SqsConsumer(config, extractor=lambda m: Outcome(OK, 201), sqs_client=DownSqs())
    app = create_app(config, consumer=consumer)
    worker = get_state(app).worker
    worker.start()
    try:
        consumer.poll_once()  # deterministic: at least one failed receive has happened
        assert app.test_client().get("/healthz").status_code == 200
        response = app.test_client().get("/readyz")
        assert response.status_code == 503 and response.json["details"] == ["queue not reachable yet"]
    finally:
        worker.stop(5)
        worker.thread.join(5)


def test_unknown_route_is_json_404(queues, make_config):
    response = create_app(make_config(queues.url)).test_client().get("/nope")
    assert response.status_code == 404 and "not found" in response.json["error"] and response.json["details"] == []


def test_create_app_reads_env_and_creates_no_client(monkeypatch):
    import boto3

    monkeypatch.setenv("QUEUE_URL", "http://q")
    monkeypatch.setenv("EXTRACTOR_TOKEN", "extract-token-for-tests-0001")
    monkeypatch.setattr(boto3, "client", lambda *a, **k: (_ for _ in ()).throw(AssertionError("eager client")))
    app = create_app()
    assert get_state(app).config.queue_url == "http://q"
