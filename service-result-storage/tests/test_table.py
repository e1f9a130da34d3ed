import ast
import sys

import boto3
import pytest
from botocore.exceptions import ClientError


def test_table_module_imports_only_the_stdlib(table_py):
    tree = ast.parse(table_py.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in sys.stdlib_module_names | {"__future__"}, name


def test_create_table_builds_the_documented_schema(aws, load_table_module):
    table_mod = load_table_module()
    client = boto3.client("dynamodb")
    table = table_mod.create_table(client, "t1")
    assert table["TableStatus"] == "ACTIVE"
    described = client.describe_table(TableName="t1")["Table"]
    assert described["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    indexes = {i["IndexName"]: i for i in described["GlobalSecondaryIndexes"]}
    assert indexes["by_key"]["KeySchema"] == [{"AttributeName": "object_key", "KeyType": "HASH"},
                                              {"AttributeName": "stored_at", "KeyType": "RANGE"}]
    assert indexes["by_time"]["KeySchema"] == [{"AttributeName": "kind", "KeyType": "HASH"},
                                               {"AttributeName": "stored_at", "KeyType": "RANGE"}]
    assert indexes["by_key"]["Projection"] == indexes["by_time"]["Projection"] == {"ProjectionType": "ALL"}
    assert indexes["mail_pending"]["KeySchema"] == [{"AttributeName": "mail_pending", "KeyType": "HASH"},
                                                    {"AttributeName": "stored_at", "KeyType": "RANGE"}]
    assert indexes["mail_pending"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    ttl = client.describe_time_to_live(TableName="t1")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    assert "TableName" not in table_mod.TABLE_SCHEMA


def test_create_table_refuses_an_existing_table_unless_exist_ok(aws, load_table_module):
    table_mod = load_table_module()
    client = boto3.client("dynamodb")
    table_mod.create_table(client, "t2")
    with pytest.raises(ClientError):
        table_mod.create_table(client, "t2")
    assert table_mod.create_table(client, "t2", exist_ok=True)["TableStatus"] == "ACTIVE"
