"""Operator command (or a CronJob): send the mails that results still owe, because SES failed or the service
stopped between storing a result and mailing it.

    python -m app.retry_mail [--max N]

Reads the same environment as the service (RESULTS_TABLE, SES_SENDER, SES_RECIPIENTS, ...). Prints one JSON
line per result and a summary; exit status 0 when every owed mail went out, 1 otherwise, 2 on bad configuration.
"""
from __future__ import annotations

import argparse
import json
import sys

import boto3

from . import ses_handler
from .config import Config
from .dynamodb_handler import ResultStore, StoreUnavailable


def retry_owed_mails(store: ResultStore, config: Config, ses, limit: int, out=None) -> tuple[int, int]:
    """Returns (sent, failed); prints a JSON line per result to `out` (default: stdout)."""
    out = out or sys.stdout
    sent = failed = 0
    for rid in store.mails_owed(limit):
        result = store.get(rid, consistent=True)
        if result is None and store.index_pending(rid):  # its redelivery finishes the index, then mails
            print(json.dumps({"result_id": rid, "action": "left for its redelivery (index pending)"}), file=out)
            continue
        if result is None or not ses_handler.should_notify(result, config):
            store.mail_sent(rid)  # gone, or no longer mailable under this configuration: nothing owed
            print(json.dumps({"result_id": rid, "action": "cleared"}), file=out)
            continue
        if ses_handler.notify(result, config, ses):
            store.mail_sent(rid)
            sent += 1
            print(json.dumps({"result_id": rid, "action": "sent"}), file=out)
        else:
            failed += 1
            print(json.dumps({"result_id": rid, "action": "failed"}), file=out)
    return sent, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.retry_mail", description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=int, default=100, help="at most N results (default 100)")
    args = parser.parse_args(argv)
    try:
        config = Config.from_env(serving=False)
    except ValueError as exc:
        print(f"retry_mail: {exc}", file=sys.stderr)
        return 2
    if not config.mail_enabled:
        print("retry_mail: mail is not configured (SES_SENDER, SES_RECIPIENTS)", file=sys.stderr)
        return 2
    store = ResultStore(boto3.client("dynamodb"), config.results_table, config.result_ttl_days)
    try:
        sent, failed = retry_owed_mails(store, config, boto3.client("ses"), args.max)
    except StoreUnavailable as exc:
        print(f"retry_mail: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"sent": sent, "failed": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
