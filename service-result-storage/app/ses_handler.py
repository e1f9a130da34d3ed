"""Mails a short report of a newly stored result with errors via SES. Best effort: never raises."""
from __future__ import annotations

import logging
import re

import boto3

from .config import Config

log = logging.getLogger(__name__)

TOP_GROUPS = 10
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def should_notify(result: dict, config: Config) -> bool:
    counts = result["counts"]
    return config.mail_enabled and counts["FATAL"] + counts["ERROR"] >= config.ses_min_errors


def _clip(text: str, limit: int) -> str:
    text = _CONTROL.sub(" ", text)  # object keys may hold newlines; a header must not
    return text if len(text) <= limit else text[: limit - 1] + "…"


def subject(result: dict) -> str:
    c = result["counts"]
    return _clip(f"[log-analysis] {c['FATAL']} FATAL, {c['ERROR']} ERROR in s3://{result['bucket']}/{result['key']}", 200)


def body(result: dict) -> str:
    c = result["counts"]
    lines = [
        f"Object:       s3://{result['bucket']}/{result['key']}",
        f"Version:      etag {result.get('etag')}, version_id {result.get('version_id')}",
        f"Result id:    {result['id']} (stored {result['stored_at']})",
        f"Scanned:      {result['lines']} lines, {result['bytes']} bytes",
        f"Events:       {c['FATAL']} FATAL, {c['ERROR']} ERROR, {c['WARN']} WARN; {result['stack_traces']} with stack traces",
        f"Groups:       {result['groups_total']}",
    ]
    if result.get("incomplete"):
        lines.append(f"INCOMPLETE:   {result.get('error') or 'the object was not read to its end'}")
    if result.get("truncated"):
        lines.append("TRUNCATED:    some groups or samples were cut to fit the store")
    lines += ["", f"Top groups (of {result['groups_total']}):"]
    for g in result["groups"][:TOP_GROUPS]:
        lines.append(f"- {g['count']} x {g['level']} (lines {g['first_line']}-{g['last_line']}): {_clip(g['template'], 300)}")
        lines.append(f"    e.g. {_clip(g['sample'], 500)}")
    return "\n".join(lines) + "\n"


def notify(result: dict, config: Config, client=None) -> bool:
    """Send one mail about a stored result when configured and FATAL + ERROR >= SES_MIN_ERRORS.
    Returns True when SES accepted the mail; failures are logged, never raised."""
    if not should_notify(result, config):
        return False
    fields = {"bucket": result["bucket"], "key": result["key"], "result_id": result["id"]}
    try:
        ses = client or boto3.client("ses")
        resp = ses.send_email(
            Source=config.ses_sender,
            Destination={"ToAddresses": list(config.ses_recipients)},
            Message={"Subject": {"Data": subject(result), "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": body(result), "Charset": "UTF-8"}}},
        )
    except Exception as exc:  # mail is a side channel: the result is stored whatever happens here
        log.error("mail not sent", extra={**fields, "reason": f"{type(exc).__name__}: {exc}"})
        return False
    log.info("mail sent", extra={**fields, "message_id": resp.get("MessageId")})
    return True
