"""Extractor configuration, read from the environment when the app is built (never at import)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from service_kit.settings import SettingError, env_float, env_int, env_list, env_tokens


@dataclass(frozen=True)
class Config:
    """Settings of the extractor.

    EXTRACTOR_TOKEN          bearer token(s) a caller of POST /extract must send (the receiver); comma-separated
                             while one rotates (required)
    RESULTS_WRITE_TOKEN      bearer token sent with POST /results to storage; of a comma-separated list, the first
                             (required)
    LOGS_BUCKETS             comma-separated names of the buckets the extractor may read; a request for any other
                             bucket is answered 403 before anything is read (default empty: none)
    EXTRACT_MAX_BYTES        uncompressed bytes scanned per object at most (default 10 GiB); past it the summary of
                             what was read is stored, flagged incomplete with an error naming the limit
    EXTRACT_DEADLINE_SECONDS seconds one object may take at most (default 840: under the receiver's 900 s timeout);
                             past it, the same
    EXTRACTOR_SCAN_THREADS   parallel scans of one large object (default 0: the cores the container may use, its CPU
                             limit rounded up); an uncompressed object of RANGED_MIN_BYTES (64 MiB) or more is cut
                             into that many shares scanned at once: the first from the GET that opened the object,
                             each other by a worker process (the Python scan holds the GIL) from its own ranged GET;
                             a compressed (or UTF-16) one is decompressed once and, past its first
                             STREAM_SOLO_BYTES (16 MiB) of log, its chunks scanned by that many workers; 1 reads
                             every object as one stream
    STORAGE_URL              base URL of the result-storage service (default http://127.0.0.1:8082)
    STORAGE_TIMEOUT_SECONDS  read timeout of the POST to storage (default 30)
    S3_CONNECT_TIMEOUT_SECONDS  connect timeout of S3 calls (default 5)
    S3_READ_TIMEOUT_SECONDS  longest wait for the next bytes of an object (default 60); S3 errors that last are
                             answered 503, so the receiver retries later
    LOG_LEVEL                logging level (default INFO)

    ``from_env`` raises service_kit.settings.SettingError (a ValueError) naming a missing or unusable variable.
    """

    extractor_tokens: tuple[str, ...] = ()
    results_write_token: str = ""
    logs_buckets: tuple[str, ...] = ()
    extract_max_bytes: int = 10 * 1024**3
    extract_deadline_seconds: float = 840.0
    scan_threads: int = 1
    storage_url: str = "http://127.0.0.1:8082"
    storage_timeout: float = 30.0
    s3_connect_timeout: float = 5.0
    s3_read_timeout: float = 60.0
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Config":
        from .parallel import usable_cores  # loaded on use (it reads the cgroup CPU limit)

        env = os.environ if environ is None else environ
        extractor_tokens = env_tokens(env, "EXTRACTOR_TOKEN", required=True)
        write_token = env_tokens(env, "RESULTS_WRITE_TOKEN", required=True)[0]
        if write_token in extractor_tokens:  # whoever may call /extract could then write results too
            raise SettingError("EXTRACTOR_TOKEN and RESULTS_WRITE_TOKEN share a token: each needs its own")
        return cls(
            extractor_tokens=extractor_tokens,
            results_write_token=write_token,
            logs_buckets=env_list(env, "LOGS_BUCKETS"),
            extract_max_bytes=env_int(env, "EXTRACT_MAX_BYTES", cls.extract_max_bytes, minimum=1),
            extract_deadline_seconds=env_float(env, "EXTRACT_DEADLINE_SECONDS", cls.extract_deadline_seconds,
                                               minimum=0.1),
            scan_threads=env_int(env, "EXTRACTOR_SCAN_THREADS", 0, minimum=0) or usable_cores(),
            storage_url=env.get("STORAGE_URL", cls.storage_url).rstrip("/"),
            storage_timeout=env_float(env, "STORAGE_TIMEOUT_SECONDS", cls.storage_timeout, minimum=0.1),
            s3_connect_timeout=env_float(env, "S3_CONNECT_TIMEOUT_SECONDS", cls.s3_connect_timeout, minimum=0.1),
            s3_read_timeout=env_float(env, "S3_READ_TIMEOUT_SECONDS", cls.s3_read_timeout, minimum=0.1),
            log_level=env.get("LOG_LEVEL", cls.log_level).upper(),
        )
