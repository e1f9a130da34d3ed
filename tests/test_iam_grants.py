"""The IRSA policies in terraform/iam.tf grant what the services' code calls: a call the role lacks works on the
local stack (moto does not enforce IAM) and is AccessDenied on AWS. No terraform needed (test_terraform_apply checks
the applied roles against its own list)."""
import re


def _policy_actions(iam_tf: str, name: str) -> set[str]:
    """The actions of data "aws_iam_policy_document" "<name>" in iam.tf."""
    start = iam_tf.index(f'data "aws_iam_policy_document" "{name}" {{')
    depth, end = 0, start
    for end in range(iam_tf.index("{", start), len(iam_tf)):
        depth += {"{": 1, "}": -1}.get(iam_tf[end], 0)
        if depth == 0:
            break
    return set(re.findall(r'"([a-z0-9]+:[A-Za-z]+)"', iam_tf[start:end]))


def _dynamodb_calls(source: str) -> set[str]:
    """dynamodb:<Operation> for each self.client.<operation>( in ResultStore's source."""
    return {"dynamodb:" + "".join(w.capitalize() for w in op.split("_"))
            for op in re.findall(r"self\.client\.([a-z_]+)\(", source)}


def test_the_storage_role_grants_every_dynamodb_call_of_the_result_store(root):
    calls = _dynamodb_calls((root / "service-result-storage" / "app" / "dynamodb_handler.py").read_text())
    assert {"dynamodb:PutItem", "dynamodb:Query"} <= calls   # the scan finds the calls at all
    granted = _policy_actions((root / "terraform" / "iam.tf").read_text(), "storage")
    assert calls - granted == set()
