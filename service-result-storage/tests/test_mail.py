import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from app import ses_handler

SENDER = "alerts@example.com"
RECIPIENTS = ("ops@example.com", "dev@example.com")


def sent_messages():
    return ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages


@pytest.fixture
def verified(aws):
    boto3.client("ses").verify_email_identity(EmailAddress=SENDER)


def test_mail_is_sent_once_for_a_new_result_with_errors(ddb, verified, make_client, make_result):
    client = make_client(ses_sender=SENDER, ses_recipients=RECIPIENTS, ses_min_errors=4)
    first = client.post("/results", json=make_result())  # FATAL 1 + ERROR 3 = 4
    again = client.post("/results", json=make_result())
    assert (first.status_code, again.status_code) == (201, 200)
    [message] = sent_messages()
    assert message.source == SENDER
    assert message.destinations["ToAddresses"] == list(RECIPIENTS)
    # every group of a first result is new to storage
    assert message.subject == "[log-analysis] 1 FATAL, 3 ERROR, 3 NEW groups in s3://logs/app/2026/11/27/server.log"
    assert "- NEW 3 x ERROR (lines 10-90): Failed to load order <N>" in message.body
    assert first.json["id"] in message.body
    assert "storage_mails_sent_total 1.0" in client.get("/metrics").text


def test_no_mail_below_the_threshold(ddb, verified, make_client, make_result):
    client = make_client(ses_sender=SENDER, ses_recipients=RECIPIENTS, ses_min_errors=5)
    assert client.post("/results", json=make_result()).status_code == 201
    warn_only = make_result(etag="w", counts={"FATAL": 0, "ERROR": 0, "WARN": 9})
    assert make_client(ses_sender=SENDER, ses_recipients=RECIPIENTS).post("/results", json=warn_only).status_code == 201
    assert sent_messages() == []


def test_no_mail_when_not_configured(ddb, verified, make_client, make_result):
    assert make_client(ses_recipients=RECIPIENTS).post("/results", json=make_result()).status_code == 201
    assert make_client(ses_sender=SENDER).post("/results", json=make_result(etag="x")).status_code == 201
    assert sent_messages() == []


def test_mail_failure_does_not_fail_or_lose_the_result(ddb, aws, make_client, make_result, scan_items):
    client = make_client(ses_sender="unverified@example.com", ses_recipients=RECIPIENTS)
    resp = client.post("/results", json=make_result())
    assert resp.status_code == 201
    assert len(scan_items(ddb, "result")) == 1
    assert sent_messages() == []
    assert "storage_mails_failed_total 1.0" in client.get("/metrics").text


def test_subject_has_no_control_characters_and_is_bounded(make_result):
    result = make_result(key="evil\r\nBcc: x@example.com" + "k" * 500)
    text = ses_handler.subject(result)
    assert "\n" not in text and "\r" not in text and len(text) <= 200


_UNSAFE_TEXTS = ["\r\nBcc: x@example.com", "\nFake: line", "\x1b[2J", "\x85next line", "\u2028sep", "\u2029para",
                 "\u202egnp.exe", "\u2066isolated\u2069", "\x00nul", "\x7fdel", "\ttab"]


@pytest.mark.parametrize("unsafe", _UNSAFE_TEXTS)
def test_text_from_the_object_cannot_forge_lines_or_reorder_the_mail(make_result, unsafe):
    """Key, etag, version id, error, templates and samples all come from the object or its name."""
    result = make_result(key=f"logs/a{unsafe}.log")
    result.update(etag=f"e{unsafe}", version_id=f"v{unsafe}", incomplete=True, error=f"cap{unsafe}", id="r1",
                  stored_at="2026-11-29T10:00:00Z")
    result["groups"][0].update(template=f"t{unsafe}", sample=f"s{unsafe}")
    text = ses_handler.body(result)
    lines = text.splitlines()
    assert [line.split(":")[0] for line in lines[:8]] == ["Object", "Version", "Result id", "Scanned", "Events",
                                                          "Groups", "Event times", "INCOMPLETE"]
    for line in lines:  # every line is one the body writes itself (splitlines also splits at \x85, \u2028 ...)
        assert line == "" or line[0] in "OVRSEGIT-" or line.startswith("    e.g. "), repr(line)
    assert not set(text) & set("\r\t\x00\x1b\x7f\x85\u2028\u2029\u202e\u2066\u2069"), repr(text)
    assert "\n" not in ses_handler.subject(result)


def test_a_failed_mail_stays_owed_until_a_redelivery_sends_it(ddb, aws, make_client, make_result, scan_items):
    client = make_client(ses_sender=SENDER, ses_recipients=RECIPIENTS)
    assert client.post("/results", json=make_result()).status_code == 201  # sender not verified yet: SES refuses
    [item] = scan_items(ddb, "result")
    assert item["mail_pending"] == {"S": "1"} and sent_messages() == []

    boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
    assert client.post("/results", json=make_result()).status_code == 200  # the redelivery pays the debt
    assert len(sent_messages()) == 1 and "mail_pending" not in scan_items(ddb, "result")[0]
    assert client.post("/results", json=make_result()).status_code == 200  # and only once
    assert len(sent_messages()) == 1


def test_a_sent_mail_leaves_nothing_owed(ddb, verified, make_client, make_result, scan_items):
    client = make_client(ses_sender=SENDER, ses_recipients=RECIPIENTS)
    assert client.post("/results", json=make_result()).status_code == 201
    assert len(sent_messages()) == 1 and "mail_pending" not in scan_items(ddb, "result")[0]


def test_retry_mail_command_sends_what_is_owed(ddb, aws, make_client, make_result, scan_items, table_name,
                                             monkeypatch, capsys):
    from app import retry_mail

    client = make_client(ses_sender=SENDER, ses_recipients=RECIPIENTS)
    for etag in ("a", "b"):
        assert client.post("/results", json=make_result(etag=etag)).status_code == 201  # both owed: unverified
    monkeypatch.setenv("RESULTS_TABLE", table_name)
    monkeypatch.setenv("SES_SENDER", SENDER)
    monkeypatch.setenv("SES_RECIPIENTS", ",".join(RECIPIENTS))
    assert retry_mail.main([]) == 1  # still unverified: both fail, both stay owed
    assert all("mail_pending" in item for item in scan_items(ddb, "result"))

    boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
    assert retry_mail.main([]) == 0
    assert len(sent_messages()) == 2 and not any("mail_pending" in item for item in scan_items(ddb, "result"))
    assert capsys.readouterr().out.splitlines()[-1] == '{"sent": 2, "failed": 0}'
    monkeypatch.delenv("SES_SENDER")
    assert retry_mail.main([]) == 2


def test_the_mail_names_the_version_it_has_and_the_event_times():
    from app.ses_handler import body

    result = {"bucket": "b", "key": "k.log", "etag": "abc", "version_id": None, "id": "r1",
              "stored_at": "2026-11-28T10:00:00.000000Z", "lines": 3, "bytes": 30,
              "counts": {"FATAL": 0, "ERROR": 1, "WARN": 0}, "stack_traces": 0, "groups_total": 0, "groups": [],
              "first_time": "2026-11-28T09:00:00Z", "last_time": None}
    text = body(result)
    assert "Version:      etag abc\n" in text and "None" not in text
    assert "Event times:  2026-11-28T09:00:00Z to - (UTC)" in text
