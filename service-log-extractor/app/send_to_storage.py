"""POSTs a summary to the result-storage service and classifies the answer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from service_kit.auth import authorization_header

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


def post_summary(session: requests.Session, storage_url: str, summary: dict, timeout: float,
                 token: str) -> StorageAnswer:
    """POSTs ``summary`` to ``{storage_url}/results`` with ``Authorization: Bearer <token>`` (RESULTS_WRITE_TOKEN).
    Raises StorageUnavailable when storage cannot take it now (unreachable, timeout after ``timeout`` s, 5xx);
    otherwise returns its answer (a 401/403 means our token is wrong: a configuration error, not retried)."""
    try:
        resp = session.post(f"{storage_url}/results", json=summary, timeout=(CONNECT_TIMEOUT, timeout),
                            headers=authorization_header(token))
    except requests.RequestException as exc:
        raise StorageUnavailable(f"storage unreachable: {exc.__class__.__name__}: {exc}") from exc
    if resp.status_code >= 500:
        raise StorageUnavailable(f"storage answered {resp.status_code}: {resp.text[:500]}")
    try:
        body = resp.json()
    except ValueError:
        body = {"error": resp.text[:500]}
    return StorageAnswer(resp.status_code, body)
