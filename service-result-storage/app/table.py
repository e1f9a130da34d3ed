"""The results table's definition. PURE module (stdlib only, no relative imports): the local stack and the
tests load it by file path to provision the table, so the key schema lives in exactly one place."""
from __future__ import annotations

import copy
import time

TTL_ATTRIBUTE = "expires_at"

# create_table kwargs without TableName.
TABLE_SCHEMA: dict = {
    "AttributeDefinitions": [
        {"AttributeName": "id", "AttributeType": "S"},
        {"AttributeName": "object_key", "AttributeType": "S"},
        {"AttributeName": "kind", "AttributeType": "S"},
        {"AttributeName": "stored_at", "AttributeType": "S"},
        {"AttributeName": "mail_pending", "AttributeType": "S"},
    ],
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by_key",
            "KeySchema": [{"AttributeName": "object_key", "KeyType": "HASH"},
                          {"AttributeName": "stored_at", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": "by_time",
            "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"},
                          {"AttributeName": "stored_at", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        },
        {   # sparse: only items whose mail is still owed carry mail_pending
            "IndexName": "mail_pending",
            "KeySchema": [{"AttributeName": "mail_pending", "KeyType": "HASH"},
                          {"AttributeName": "stored_at", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        },
    ],
}


def _is_active(table: dict) -> bool:
    indexes = table.get("GlobalSecondaryIndexes", [])
    return table.get("TableStatus") == "ACTIVE" and all(i.get("IndexStatus") == "ACTIVE" for i in indexes)


def _error_code(exc: Exception) -> str:
    # botocore's ClientError, duck-typed so this module needs nothing outside the stdlib.
    return getattr(exc, "response", {}).get("Error", {}).get("Code", "")


def create_table(client, name: str, *, exist_ok: bool = False, timeout: float = 300.0, poll: float = 1.0) -> dict:
    """Create table `name` with TABLE_SCHEMA, wait until it and its indexes are ACTIVE, enable TTL on expires_at.

    `client` is a boto3 DynamoDB client. With exist_ok an existing table is accepted as is (its schema is not
    compared). Returns describe_table()["Table"].
    """
    try:
        client.create_table(TableName=name, **copy.deepcopy(TABLE_SCHEMA))
    except Exception as exc:
        if not (exist_ok and _error_code(exc) == "ResourceInUseException"):
            raise
    deadline = time.monotonic() + timeout
    while True:
        table = client.describe_table(TableName=name)["Table"]
        if _is_active(table):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"table {name} not ACTIVE after {timeout}s (status {table.get('TableStatus')})")
        time.sleep(poll)  # real DynamoDB takes seconds to create a table; local stand-ins are ACTIVE at once
    ttl = client.describe_time_to_live(TableName=name).get("TimeToLiveDescription", {})
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        client.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": TTL_ATTRIBUTE})
    return table
