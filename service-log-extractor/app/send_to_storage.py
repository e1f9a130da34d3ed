"""POSTs a summary to the result-storage service and classifies the answer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

CONNECT_TIMEOUT = 5.0


class StorageUnavailable(Exception):
    """Storage could not take the summary now (down, timeout, 5xx): the caller should retry later."""


@dataclass
class StorageAnswer:
    status: int
    body: Any

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


def post_summary(session: requests.Session, storage_url: str, summary: dict, timeout: float) -> StorageAnswer:
    try:
        resp = session.post(f"{storage_url}/results", json=summary, timeout=(CONNECT_TIMEOUT, timeout))
    except requests.RequestException as exc:
        raise StorageUnavailable(f"storage unreachable: {exc.__class__.__name__}: {exc}") from exc
    if resp.status_code >= 500:
        raise StorageUnavailable(f"storage answered {resp.status_code}: {resp.text[:500]}")
    try:
        body = resp.json()
    except ValueError:
        body = {"error": resp.text[:500]}
    return StorageAnswer(resp.status_code, body)
