"""terraform apply of terraform/ (the whole stack, EKS and IRSA included) against a moto server of its own, then
the pipeline on what terraform created: the Lambda handler -> FIFO queue -> receiver -> extractor -> storage ->
results table. moto models the VPC, the cluster, its node group and the OIDC provider well enough to create them;
nothing runs on the cluster, so the services run here as local processes configured from the outputs.

The terraform directory is copied into tmp_path (state, .terraform, the built zip and the override stay out of
the repo). moto_override.tf, written into the copy only, points the provider at moto and works around moto gaps:
  * aws_sqs_queue_redrive_allow_policy.jobs_dlq gets count = 0: moto's SetQueueAttributes for RedriveAllowPolicy
    replaces the queue's other attributes set by aws_sqs_queue_policy.jobs_dlq (and vice versa), so both resources
    poll forever for their attribute to appear.
The pipeline test deletes the bucket policy first: moto enforces its aws:SecureTransport deny, and moto's endpoint
is plain HTTP. moto cannot notify S3 -> Lambda (it runs Lambda only in Docker), so the test calls the Lambda handler with the S3
event for the uploaded object, as S3 would.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
import requests

from devstack import procs
from devstack.stack import FAKE_AWS, client, new_tokens, service_specs

TERRAFORM = shutil.which("terraform")
PLUGIN_MIRROR = Path("/opt/tf-plugins")
VENV_BIN = Path(sys.executable).parent
SAMPLE_COUNTS = {"FATAL": 1, "ERROR": 5, "WARN": 3}
MAX_RECEIVE_COUNT = 3
START_TIMEOUT = 60.0
TF_TIMEOUT = 600  # apply polls each SQS queue ~25 s and the lifecycle configuration ~55 s in moto

pytestmark = pytest.mark.skipif(
    TERRAFORM is None or not PLUGIN_MIRROR.is_dir(),
    reason="needs the terraform binary and the hashicorp/aws provider mirror in /opt/tf-plugins")

CLI_CONFIG = f"""
provider_installation {{
  filesystem_mirror {{
    path    = "{PLUGIN_MIRROR}"
    include = ["registry.terraform.io/hashicorp/*"]
  }}
  direct {{
    exclude = ["registry.terraform.io/hashicorp/*"]
  }}
}}
"""

SERVICES = ["s3", "sqs", "dynamodb", "iam", "lambda", "logs", "sts", "kms", "ec2", "ses", "eks"]


def _override(endpoint: str) -> str:
    endpoints = "\n".join(f'    {svc} = "{endpoint}"' for svc in SERVICES)
    return f"""
provider "aws" {{
  access_key                  = "{FAKE_AWS['AWS_ACCESS_KEY_ID']}"
  secret_key                  = "{FAKE_AWS['AWS_SECRET_ACCESS_KEY']}"
  region                      = "{FAKE_AWS['AWS_DEFAULT_REGION']}"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {{
{endpoints}
  }}
}}

# moto: RedriveAllowPolicy and the queue policy overwrite each other on the DLQ; both then wait forever.
resource "aws_sqs_queue_redrive_allow_policy" "jobs_dlq" {{
  count = 0
}}
"""


class Terraform:
    def __init__(self, workdir: Path, env: dict[str, str], log: Path):
        self.workdir, self.env, self.log = workdir, env, log

    def run(self, *args: str) -> str:
        proc = subprocess.run([TERRAFORM, *args], cwd=self.workdir, env=self.env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=TF_TIMEOUT)
        with open(self.log, "a") as log:
            log.write(f"$ terraform {' '.join(args)}\n{proc.stdout}{proc.stderr}\n")
        if proc.returncode != 0:
            raise AssertionError(f"terraform {args[0]} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n"
                                 f"{proc.stderr[-4000:]}")
        return proc.stdout


TF_VARS = ["-var", f"max_receive_count={MAX_RECEIVE_COUNT}",
           # so that destroy can remove the table and the (non-empty, versioned) bucket
           "-var", "results_table_deletion_protection=false", "-var", "logs_force_destroy=true"]


def _apply_to_fresh_moto(root: Path, tmp: Path, base_env: dict[str, str]) -> tuple[procs.Proc, str, Terraform]:
    """A moto server of its own and terraform/ applied to it; on failure the server is stopped (no destroy: all
    state lives in that server) and AssertionError carries terraform's output."""
    log_dir = tmp / "logs"
    log_dir.mkdir(parents=True)
    port = procs.free_port()
    endpoint = f"http://127.0.0.1:{port}"
    moto = procs.spawn("moto", [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], cwd=tmp,
                       env={**base_env, **FAKE_AWS, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}, log_dir=log_dir,
                       health_url=f"{endpoint}/moto-api/")
    try:
        procs.wait_healthy(moto, time.monotonic() + START_TIMEOUT)
        workdir = tmp / "terraform"
        shutil.copytree(root / "terraform", workdir,
                        ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "build", "*_override.tf"))
        subprocess.run([sys.executable, str(root / "terraform" / "scripts" / "build_lambda_zip.py"),
                        "--output", str(workdir / "build" / "s3_to_fifo.zip")], check=True, timeout=60)
        (workdir / "moto_override.tf").write_text(_override(endpoint))
        cli_config = tmp / "cli.tfrc"
        cli_config.write_text(CLI_CONFIG)
        tf = Terraform(workdir, {**base_env, "TF_CLI_CONFIG_FILE": str(cli_config), "TF_IN_AUTOMATION": "1",
                                 "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}, log_dir / "terraform.log")
        tf.run("init", "-no-color", "-input=false")
        tf.run("apply", "-no-color", "-input=false", "-auto-approve", *TF_VARS)
    except BaseException:
        procs.stop(moto, grace=15.0)
        raise
    return moto, endpoint, tf


@pytest.fixture(scope="module")
def applied(tmp_path_factory, root):
    """(outputs, aws env, tmp dir) of an applied stack; destroyed and moto stopped afterwards.

    A failed apply is tried once more on a fresh moto server: seen once in many runs, the provider's SDK resent a
    CreateSubnet that moto had already carried out (InvalidSubnet.Conflict), an emulator-side race that a real
    configuration error would not survive, since it fails the second attempt the same way."""
    tmp = tmp_path_factory.mktemp("terraform")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    try:
        moto, endpoint, tf = _apply_to_fresh_moto(root, tmp / "attempt-1", base_env)
    except AssertionError as first:
        warnings.warn(f"terraform apply failed, trying once more on a fresh moto server: {str(first)[-1500:]}")
        moto, endpoint, tf = _apply_to_fresh_moto(root, tmp / "attempt-2", base_env)
    try:
        outputs = {k: v["value"] for k, v in json.loads(tf.run("output", "-json")).items()}
        yield outputs, {**FAKE_AWS, "AWS_ENDPOINT_URL": endpoint}, tf.workdir.parent
        tf.run("destroy", "-no-color", "-input=false", "-auto-approve", *TF_VARS)
    finally:
        procs.stop(moto, grace=15.0)


@pytest.fixture(scope="module")
def services(applied):
    """storage, extractor and receiver started on the terraform-created queue and table, as devstack starts them."""
    outputs, aws_env, tmp = applied
    log_dir = tmp / "logs"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base_env.update(aws_env, PYTHONUNBUFFERED="1")
    tokens = new_tokens()
    specs, urls = service_specs(outputs["queue_url"], outputs["results_table"], tmp, [outputs["logs_bucket"]], tokens,
                                receiver_env={
        "RECEIVER_WAIT_SECONDS": "1", "EXTRACTOR_TIMEOUT_SECONDS": str(outputs["extraction_timeout_seconds"])})
    started: list[procs.Proc] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT
        for spec in specs:
            started.append(procs.spawn(spec.name, spec.argv, cwd=spec.cwd, env={**base_env, **spec.env},
                                       log_dir=log_dir, health_url=spec.health_url))
        for proc in started:
            procs.wait_healthy(proc, deadline)
        yield {"STORAGE_URL": urls["STORAGE_URL"], "LOG_DIR": str(log_dir), "RESULTS_READ_TOKEN": tokens["RESULTS_READ_TOKEN"]}
    finally:
        for proc in reversed(started):
            procs.stop(proc, grace=40.0 if proc.name == "receiver" else 15.0)


def test_outputs_name_resources_with_the_expected_configuration(applied, root):
    outputs, aws_env, _ = applied
    s3, sqs, ddb = client("s3", aws_env), client("sqs", aws_env), client("dynamodb", aws_env)
    # Bucket: versioned, encrypted, no public access.
    bucket = outputs["logs_bucket"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert {st["Sid"] for st in policy["Statement"]} == {"DenyInsecureTransport", "DenyOutdatedTLS"}

    # Jobs FIFO queue: redrive to the FIFO DLQ after max_receive_count receives.
    attrs = sqs.get_queue_attributes(QueueUrl=outputs["queue_url"], AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true" and attrs["QueueArn"] == outputs["queue_arn"]
    dlq_attrs = sqs.get_queue_attributes(QueueUrl=outputs["dlq_url"], AttributeNames=["All"])["Attributes"]
    assert dlq_attrs["FifoQueue"] == "true"
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dlq_attrs["QueueArn"]
    assert int(redrive["maxReceiveCount"]) == MAX_RECEIVE_COUNT
    # Visibility sized for the largest expected object: the receiver's extraction timeout plus a margin.
    assert int(attrs["VisibilityTimeout"]) == outputs["visibility_timeout_seconds"] \
        == outputs["extraction_timeout_seconds"] + 60

    # Results table: the storage service's own schema (key, attributes, GSIs).
    spec = importlib.util.spec_from_file_location("result_storage_table_tf",
                                                  root / "service-result-storage" / "app" / "table.py")
    table_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table_module)
    schema = table_module.TABLE_SCHEMA
    table = ddb.describe_table(TableName=outputs["results_table"])["Table"]
    assert table["KeySchema"] == schema["KeySchema"]
    by_name = lambda items, key: sorted(items, key=lambda i: i[key])  # noqa: E731
    assert by_name(table["AttributeDefinitions"], "AttributeName") == by_name(schema["AttributeDefinitions"],
                                                                              "AttributeName")
    assert {g["IndexName"]: (g["KeySchema"], g["Projection"]["ProjectionType"]) for g in table["GlobalSecondaryIndexes"]} \
        == {g["IndexName"]: (g["KeySchema"], g["Projection"]["ProjectionType"]) for g in schema["GlobalSecondaryIndexes"]}


IRSA_ACTIONS = {
    "receiver": {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes",
                 "sqs:SendMessage", "sqs:GetQueueUrl"},
    "extractor": {"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"},
    "storage": {"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:BatchGetItem",
                "dynamodb:BatchWriteItem", "dynamodb:Query", "dynamodb:DescribeTable"},
    "keda": {"sqs:GetQueueAttributes"},  # the receiver chart's KEDA scaler: the queue's depth only
}


def test_cluster_and_irsa_roles(applied):
    outputs, aws_env, _ = applied
    eks, iam = client("eks", aws_env), client("iam", aws_env)
    cluster = eks.describe_cluster(name=outputs["cluster_name"])["cluster"]
    assert cluster["resourcesVpcConfig"]["endpointPublicAccess"] is False  # private API by default
    [encryption] = cluster["encryptionConfig"]
    assert encryption["resources"] == ["secrets"] and encryption["provider"]["keyArn"]
    assert eks.list_nodegroups(clusterName=outputs["cluster_name"])["nodegroups"]
    assert outputs["oidc_provider_arn"] in [p["Arn"] for p in iam.list_open_id_connect_providers()[
        "OpenIDConnectProviderList"]]

    for service, actions in IRSA_ACTIONS.items():
        role_name = outputs[f"{service}_role_arn"].rsplit("/", 1)[1]
        [trust] = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert trust["Principal"] == {"Federated": outputs["oidc_provider_arn"]}
        [sub] = [v for k, v in trust["Condition"]["StringEquals"].items() if k.endswith(":sub")]
        subject = "keda:keda-operator" if service == "keda" else \
            f"{outputs['namespace']}:{outputs[f'{service}_service_account']}"
        assert sub == f"system:serviceaccount:{subject}"
        [policy_name] = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
        document = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        granted = set()
        for statement in document["Statement"]:
            assert "*" not in json.dumps(statement["Resource"]).replace("/*", "")  # no wildcard but object keys
            granted.update([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
        assert granted == actions, service


def test_helm_values_from_the_outputs(applied, root):
    outputs, _, _ = applied
    proc = subprocess.run([sys.executable, str(root / "terraform" / "scripts" / "helm_values.py")],
                          input=json.dumps({k: {"value": v} for k, v in outputs.items()}), capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    values = json.loads(proc.stdout)
    assert values["service-receiver"]["config"]["queueUrl"] == outputs["queue_url"]
    assert values["service-receiver"]["serviceAccount"]["roleArn"] == outputs["receiver_role_arn"]
    assert values["service-result-storage"]["config"]["resultsTable"] == outputs["results_table"]
    assert values["service-receiver"]["keda"]["podIdentity"]["roleArn"] == outputs["keda_role_arn"]
    # the extractor may read the logs bucket terraform created, and only that one (LOGS_BUCKETS)
    assert values["service-log-extractor"]["config"]["logsBuckets"] == [outputs["logs_bucket"]]
    extractor = values["service-log-extractor"]["config"]
    assert extractor["extractDeadlineSeconds"] == outputs["extract_deadline_seconds"] < outputs["extraction_timeout_seconds"]
    assert extractor["extractMaxBytes"] == outputs["extract_max_bytes"] >= outputs["extraction_timeout_seconds"]


def test_uploaded_log_gives_a_result_through_the_created_resources(applied, services, monkeypatch, root, sample,
                                                                    wait_until):
    outputs, aws_env, _ = applied
    s3 = client("s3", aws_env)
    bucket, key = outputs["logs_bucket"], "terraform-test/app-errors.log"
    # moto enforces the bucket policy's DenyInsecureTransport, and its endpoint is plain HTTP: every client here
    # (the test, the extractor) would get 403. The policy itself is checked in the test above.
    s3.delete_bucket_policy(Bucket=bucket)
    put = s3.put_object(Bucket=bucket, Key=key, Body=sample)
    # The event S3 sends the Lambda (moto cannot deliver it), fed to the handler terraform deployed.
    event = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "awsRegion": "us-east-1",
                          "eventTime": "2026-11-27T10:00:00.000Z",
                          "s3": {"bucket": {"name": bucket},
                                 "object": {"key": key, "size": len(sample), "eTag": put["ETag"].strip('"'),
                                            "versionId": put["VersionId"]}}}]}
    for name, value in aws_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("QUEUE_URL", outputs["queue_url"])
    spec = importlib.util.spec_from_file_location("s3_to_fifo_tf", root / "terraform" / "lambda" / "s3_to_fifo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.handler(event, None)["sent"] == 1

    def stored():
        resp = requests.get(f"{services['STORAGE_URL']}/results", params={"key": key, "bucket": bucket}, timeout=10,
                            headers={"Authorization": f"Bearer {services['RESULTS_READ_TOKEN']}"})
        resp.raise_for_status()
        return resp.json()["items"]

    [result] = wait_until(stored, 60, f"the result of {key} (logs in {services['LOG_DIR']})")
    assert result["counts"] == SAMPLE_COUNTS
    assert result["bucket"] == bucket and result["key"] == key and result["size"] == len(sample)
    # It is in the table terraform created.
    item = client("dynamodb", aws_env).get_item(TableName=outputs["results_table"], Key={"id": {"S": result["id"]}})
    assert "Item" in item
