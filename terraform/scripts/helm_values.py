"""Turns `terraform output -json` into a values file for `helm install` (JSON is valid YAML):

    terraform -chdir=terraform output -json | python terraform/scripts/helm_values.py > values-aws.yaml
    helm install log-analysis ./helm -n "$(terraform -chdir=terraform output -raw namespace)" --create-namespace \
        -f values-aws.yaml --set global.imageRegistry=<registry>

`make helm-values` does both steps into terraform/build/helm-values.json. Exit status 2 when an output is
missing (run `terraform apply` first).
"""
from __future__ import annotations

import json
import sys

# helm value path -> terraform output
MAPPING = {
    ("global", "region"): "region",
    ("service-receiver", "config", "queueUrl"): "queue_url",
    ("service-receiver", "config", "extractorTimeoutSeconds"): "extraction_timeout_seconds",
    ("service-receiver", "serviceAccount", "roleArn"): "receiver_role_arn",
    # IRSA trusts exactly these names (in output "namespace", which `helm install --namespace` must use)
    ("service-receiver", "serviceAccount", "name"): "receiver_service_account",
    ("service-log-extractor", "serviceAccount", "roleArn"): "extractor_role_arn",
    ("service-log-extractor", "serviceAccount", "name"): "extractor_service_account",
    # the only bucket the extractor may read (LOGS_BUCKETS); the chart takes a list, see LISTS
    ("service-log-extractor", "config", "logsBuckets"): "logs_bucket",
    # its bounds per object, under the receiver's timeout above
    ("service-log-extractor", "config", "extractDeadlineSeconds"): "extract_deadline_seconds",
    ("service-log-extractor", "config", "extractMaxBytes"): "extract_max_bytes",
    ("service-result-storage", "config", "resultsTable"): "results_table",
    ("service-result-storage", "serviceAccount", "roleArn"): "storage_role_arn",
    ("service-result-storage", "serviceAccount", "name"): "storage_service_account",
}


# set only when terraform created it (null output: the chart's default stays)
OPTIONAL = {
    ("service-receiver", "keda", "podIdentity", "roleArn"): "keda_role_arn",
}

# helm values that are lists: an output that is not a list becomes the list's one element
LISTS = {
    ("service-log-extractor", "config", "logsBuckets"),
}


def helm_values(outputs: dict) -> dict:
    """Values from the outputs (`{"name": {"value": ...}}`); raises KeyError naming a missing output."""
    values: dict = {}
    for path, name in {**MAPPING, **OPTIONAL}.items():
        value = outputs.get(name, {}).get("value")
        if value in (None, ""):
            if path in OPTIONAL:
                continue
            raise KeyError(name)
        if path in LISTS and not isinstance(value, list):
            value = [value]
        node = values
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return values


def main() -> int:
    try:
        values = helm_values(json.load(sys.stdin))
    except ValueError as exc:
        print(f"helm_values: input is not `terraform output -json`: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"helm_values: terraform output {exc} is missing or null (create_eks=false has no role ARNs; "
              "run `terraform apply` first)", file=sys.stderr)
        return 2
    json.dump(values, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
