"""Schemathesis hooks for `make test` (SCHEMATHESIS_HOOKS=tests.schemathesis.hooks): each request carries the token
its operation needs — the writer's for POST /results, the reader's for the rest (CONTRACTS.md, Credentials)."""
import os

import schemathesis


@schemathesis.auth(refresh_interval=None)  # no caching: the token depends on each case's method
class TokenByOperation:
    def get(self, case, context):
        name = "RESULTS_WRITE_TOKEN" if case.method.upper() == "POST" else "RESULTS_READ_TOKEN"
        return os.environ[name]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
