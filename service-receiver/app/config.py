"""Receiver configuration, read from the environment by Config.from_env()."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from service_kit.settings import env_float, env_int, env_tokens


@dataclass(frozen=True)
class Config:
    """Settings and their environment variables (defaults in brackets):

    queue_url                 QUEUE_URL                        (required) the FIFO queue to consume
    extractor_url             EXTRACTOR_URL                    [http://127.0.0.1:8081]
    extractor_token           EXTRACTOR_TOKEN                  (required) bearer token sent to the extractor; of a
                                                               comma-separated list, the first
    host                      RECEIVER_HOST                    [0.0.0.0] health server address
    port                      RECEIVER_PORT                    [8080] health server port
    wait_seconds              RECEIVER_WAIT_SECONDS            [20] SQS long-poll wait, 0..20
    max_messages              RECEIVER_MAX_MESSAGES            [10] messages per receive, 1..10
    concurrency               RECEIVER_CONCURRENCY             [4] message groups worked on at once, 1..64
    extractor_timeout_seconds EXTRACTOR_TIMEOUT_SECONDS        [900] read timeout of POST /extract
    shutdown_grace_seconds    RECEIVER_SHUTDOWN_GRACE_SECONDS  [30] time the message in flight gets on SIGTERM
    retry_seconds             RECEIVER_RETRY_SECONDS           [60] how long one object is retried on extractor
                                                               5xx/connection errors (backoff with full jitter, or
                                                               Retry-After) before its message is given back (0: no)
    visibility_seconds        RECEIVER_VISIBILITY_SECONDS      [60] while a message is worked on, keep it invisible
                                                               this long ahead, renewed every third of it (0: off)
    log_level                 LOG_LEVEL                        [INFO]
    """

    queue_url: str
    extractor_url: str = "http://127.0.0.1:8081"
    extractor_token: str = ""
    host: str = "0.0.0.0"
    port: int = 8080
    wait_seconds: int = 20
    max_messages: int = 10
    concurrency: int = 4
    extractor_timeout_seconds: float = 900.0
    shutdown_grace_seconds: float = 30.0
    retry_seconds: float = 60.0
    visibility_seconds: int = 60
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        if not self.queue_url:
            raise ValueError("QUEUE_URL is required")
        if not 0 <= self.wait_seconds <= 20:
            raise ValueError("RECEIVER_WAIT_SECONDS must be between 0 and 20")
        if not 1 <= self.max_messages <= 10:
            raise ValueError("RECEIVER_MAX_MESSAGES must be between 1 and 10")
        if not 1 <= self.concurrency <= 64:
            raise ValueError("RECEIVER_CONCURRENCY must be between 1 and 64")
        if self.extractor_timeout_seconds <= 0 or self.shutdown_grace_seconds < 0:
            raise ValueError("EXTRACTOR_TIMEOUT_SECONDS must be > 0, RECEIVER_SHUTDOWN_GRACE_SECONDS >= 0")
        if self.retry_seconds < 0:
            raise ValueError("RECEIVER_RETRY_SECONDS must be >= 0")
        if not 0 <= self.visibility_seconds <= 43200:
            raise ValueError("RECEIVER_VISIBILITY_SECONDS must be between 0 and 43200 (SQS's 12 hours)")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """The settings from ``environ`` (default os.environ). Raises ValueError (service_kit's SettingError for an
        unreadable value) naming the variable."""
        env = os.environ if environ is None else environ
        return cls(
            queue_url=env.get("QUEUE_URL", ""),
            extractor_url=env.get("EXTRACTOR_URL", cls.extractor_url).rstrip("/"),
            extractor_token=env_tokens(env, "EXTRACTOR_TOKEN", required=True)[0],
            host=env.get("RECEIVER_HOST", cls.host),
            port=env_int(env, "RECEIVER_PORT", cls.port, minimum=0, maximum=65535),
            wait_seconds=env_int(env, "RECEIVER_WAIT_SECONDS", cls.wait_seconds),
            max_messages=env_int(env, "RECEIVER_MAX_MESSAGES", cls.max_messages),
            concurrency=env_int(env, "RECEIVER_CONCURRENCY", cls.concurrency),
            extractor_timeout_seconds=env_float(env, "EXTRACTOR_TIMEOUT_SECONDS", cls.extractor_timeout_seconds),
            shutdown_grace_seconds=env_float(env, "RECEIVER_SHUTDOWN_GRACE_SECONDS", cls.shutdown_grace_seconds),
            retry_seconds=env_float(env, "RECEIVER_RETRY_SECONDS", cls.retry_seconds),
            visibility_seconds=env_int(env, "RECEIVER_VISIBILITY_SECONDS", cls.visibility_seconds),
            log_level=env.get("LOG_LEVEL", cls.log_level),
        )
