"""The operator's dead-letter redrive command."""
import io
import json

import pytest

from app import redrive


def _dead_letters(queues, n):
    for i in range(n):
        queues.sqs.send_message(QueueUrl=queues.dlq_url, MessageBody=json.dumps({"bucket": "b", "key": f"k{i}"}),
                                MessageGroupId=f"g{i % 2}", MessageDeduplicationId=f"d{i}")


def test_moves_dead_letters_back_with_their_groups(queues):
    _dead_letters(queues, 3)
    out = io.StringIO()
    assert redrive.redrive(queues.sqs, queues.url, out=out) == (3, 0)
    assert queues.total(queues.dlq_url) == 0 and queues.counts() == (3, 0)
    moved = queues.sqs.receive_message(QueueUrl=queues.url, MaxNumberOfMessages=10,
                                       MessageSystemAttributeNames=["MessageGroupId"])["Messages"]
    assert sorted((m["Attributes"]["MessageGroupId"], json.loads(m["Body"])["key"]) for m in moved) == [
        ("g0", "k0"), ("g0", "k2"), ("g1", "k1")]
    assert [json.loads(line)["action"] for line in out.getvalue().splitlines()] == ["moved"] * 3


def test_max_and_dry_run(queues):
    _dead_letters(queues, 3)
    assert redrive.redrive(queues.sqs, queues.url, limit=2, out=io.StringIO()) == (2, 0)
    assert queues.counts() == (2, 0)
    out = io.StringIO()
    assert redrive.redrive(queues.sqs, queues.url, dry_run=True, out=out) == (1, 0)
    assert queues.counts() == (2, 0) and queues.total(queues.dlq_url) == 1
    assert json.loads(out.getvalue())["action"] == "would move"


def test_cli_exit_codes(queues, monkeypatch, capsys):
    monkeypatch.delenv("QUEUE_URL", raising=False)
    assert redrive.main([]) == 2 and "QUEUE_URL is required" in capsys.readouterr().err
    plain = queues.sqs.create_queue(QueueName="no-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    monkeypatch.setenv("QUEUE_URL", plain)
    assert redrive.main([]) == 2 and "no RedrivePolicy" in capsys.readouterr().err
    monkeypatch.setenv("QUEUE_URL", queues.url)
    _dead_letters(queues, 1)
    assert redrive.main(["--max", "5"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {"moved": 1, "failed": 0, "dry_run": False}
