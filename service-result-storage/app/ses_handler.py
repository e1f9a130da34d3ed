"""Mails a short report of a newly stored result with errors via SES. Best effort: never raises."""
from __future__ import annotations

import logging
import re

import boto3

from .config import Config

log = logging.getLogger(__name__)

TOP_GROUPS = 10
# Characters that could forge lines or reorder text in the mail: C0/C1 controls (CR, LF, ESC ...), DEL, Unicode line
# and paragraph separators, and bidirectional overrides/isolates ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def should_notify(result: dict, config: Config) -> bool:
    counts = result["counts"]
    return config.mail_enabled and counts["FATAL"] + counts["ERROR"] >= config.ses_min_errors


def _clip(text, limit: int = 1024) -> str:
    """Text taken from an object or its name, safe for a mail: unsafe characters become spaces, cut to ``limit``."""
    text = _UNSAFE.sub(" ", str(text))  # object keys and log lines may hold CR/LF: no forged header or body line
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _new_groups(result: dict) -> int:
    return sum(1 for g in result["groups"] if g.get("new"))


def subject(result: dict) -> str:
    c, new = result["counts"], _new_groups(result)
    fresh = f", {new} NEW group{'s' if new != 1 else ''}" if new else ""
    return _clip(f"[log-analysis] {c['FATAL']} FATAL, {c['ERROR']} ERROR{fresh} in "
                 f"s3://{result['bucket']}/{result['key']}", 200)


def body(result: dict) -> str:
    c = result["counts"]
    lines = [
        f"Object:       {_clip('s3://' + result['bucket'] + '/' + result['key'])}",
        "Version:      " + ", ".join(f"{name} {_clip(result[name], 200)}" for name in ("etag", "version_id")
                                     if result.get(name)),
        f"Result id:    {result['id']} (stored {result['stored_at']})",
        f"Scanned:      {result['lines']} lines, {result['bytes']} bytes",
        f"Events:       {c['FATAL']} FATAL, {c['ERROR']} ERROR, {c['WARN']} WARN; {result['stack_traces']} with stack traces",
        f"Groups:       {result['groups_total']}",
        f"Event times:  {result.get('first_time') or '-'} to {result.get('last_time') or '-'} (UTC)",
    ]
    if result.get("incomplete"):
        lines.append(f"INCOMPLETE:   {_clip(result.get('error') or 'the object was not read to its end', 500)}")
    if result.get("truncated"):
        lines.append("TRUNCATED:    some groups or samples were cut to fit the store")
    new = _new_groups(result)
    heading = f"{new} NEW (never seen before) first, then the most frequent" if new else "most frequent first"
    lines += ["", f"Top groups (of {result['groups_total']}; {heading}):"]
    # Groups storage saw here for the first time lead, each marked NEW; the rest keep their order (most frequent).
    ordered = sorted(result["groups"], key=lambda g: not g.get("new"))
    for g in ordered[:TOP_GROUPS]:
        mark = "NEW " if g.get("new") else ""
        lines.append(f"- {mark}{g['count']} x {g['level']} (lines {g['first_line']}-{g['last_line']}): "
                     f"{_clip(g['template'], 300)}")
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
