"""Storage configuration, read from the environment when the app is built (never at import)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from service_kit.settings import SettingError, env_bool, env_int, env_list, env_tokens


@dataclass(frozen=True)
class Config:
    """Settings of the result-storage service.

    RESULTS_WRITE_TOKEN  bearer token(s) a writer of POST /results must send (the extractor); comma-separated while
                      one rotates (required)
    RESULTS_READ_TOKEN   bearer token(s) a reader of GET /results... must send; comma-separated while one rotates
                      (required unless RESULTS_PUBLIC_READ)
    RESULTS_PUBLIC_READ  true: reads need no token (an explicit choice; default false)
    RESULTS_TABLE     DynamoDB table name (default log-analysis-results)
    RESULT_TTL_DAYS   days until a stored result expires via DynamoDB TTL; 0 = never (default 0)
    SES_SENDER        verified SES sender address; unset = no mail (default unset)
    SES_RECIPIENTS    comma-separated recipient addresses; empty = no mail (default empty)
    SES_MIN_ERRORS    mail when FATAL + ERROR >= this (default 1)
    LOG_LEVEL         logging level (default INFO)
    max_body_bytes    largest accepted POST body, not read from the environment (1 MiB)

    ``from_env`` raises service_kit.settings.SettingError (a ValueError) naming a missing or unusable variable.
    """

    write_tokens: tuple[str, ...] = ()
    read_tokens: tuple[str, ...] = ()
    public_read: bool = False
    results_table: str = "log-analysis-results"
    result_ttl_days: int = 0
    ses_sender: str | None = None
    ses_recipients: tuple[str, ...] = ()
    ses_min_errors: int = 1
    log_level: str = "INFO"
    max_body_bytes: int = 1024 * 1024

    @property
    def mail_enabled(self) -> bool:
        return bool(self.ses_sender and self.ses_recipients)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, serving: bool = True) -> "Config":
        """The settings from ``environ`` (default os.environ); ``serving=False`` (the retry_mail command, which
        answers no request) needs no tokens."""
        env = os.environ if environ is None else environ
        public_read = env_bool(env, "RESULTS_PUBLIC_READ", False)
        write_tokens = env_tokens(env, "RESULTS_WRITE_TOKEN", required=serving)
        read_tokens = env_tokens(env, "RESULTS_READ_TOKEN", required=serving and not public_read)
        if set(write_tokens) & set(read_tokens):  # a reader could write, and the extractor's writes be refused
            raise SettingError("RESULTS_READ_TOKEN and RESULTS_WRITE_TOKEN share a token: each needs its own")
        return cls(
            write_tokens=write_tokens,
            read_tokens=read_tokens,
            public_read=public_read,
            results_table=env.get("RESULTS_TABLE", cls.results_table),
            result_ttl_days=env_int(env, "RESULT_TTL_DAYS", cls.result_ttl_days, minimum=0),
            ses_sender=env.get("SES_SENDER", "").strip() or None,
            ses_recipients=env_list(env, "SES_RECIPIENTS"),
            ses_min_errors=env_int(env, "SES_MIN_ERRORS", cls.ses_min_errors, minimum=0),
            log_level=env.get("LOG_LEVEL", cls.log_level).upper(),
        )
