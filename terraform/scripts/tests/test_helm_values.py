"""The values file `make helm-values` writes: every output the chart needs, in the chart's value paths."""
import json
import subprocess
import sys
from pathlib import Path

from helm_values import LISTS, MAPPING, OPTIONAL

SCRIPT = Path(__file__).resolve().parents[1] / "helm_values.py"
OUTPUTS = {name: {"value": f"v-{name}", "type": "string", "sensitive": False} for name in (
    "region", "queue_url", "receiver_role_arn", "extractor_role_arn", "results_table", "storage_role_arn",
    "logs_bucket", "receiver_service_account", "extractor_service_account", "storage_service_account")}
OUTPUTS["extraction_timeout_seconds"] = {"value": 600, "type": "number", "sensitive": False}
OUTPUTS["extract_deadline_seconds"] = {"value": 540, "type": "number", "sensitive": False}
OUTPUTS["extract_max_bytes"] = {"value": 107374182400, "type": "number", "sensitive": False}


def run(stdin: str):
    return subprocess.run([sys.executable, str(SCRIPT)], input=stdin, capture_output=True, text=True, timeout=30)


def test_values_land_where_the_chart_reads_them():
    out = run(json.dumps(OUTPUTS))
    assert out.returncode == 0, out.stderr
    values = json.loads(out.stdout)
    assert values["global"]["region"] == "v-region"
    assert values["service-receiver"] == {"config": {"queueUrl": "v-queue_url", "extractorTimeoutSeconds": 600},
                                          "serviceAccount": {"roleArn": "v-receiver_role_arn",
                                                             "name": "v-receiver_service_account"}}
    assert values["service-log-extractor"] == {"config": {"logsBuckets": ["v-logs_bucket"], "extractDeadlineSeconds": 540,
                                                          "extractMaxBytes": 107374182400},
                                               "serviceAccount": {"roleArn": "v-extractor_role_arn",
                                                                  "name": "v-extractor_service_account"}}
    assert values["service-result-storage"] == {"config": {"resultsTable": "v-results_table"},
                                                "serviceAccount": {"roleArn": "v-storage_role_arn",
                                                                   "name": "v-storage_service_account"}}


def test_chart_has_every_value_path():
    """Each path exists in the subchart's values.yaml, so a renamed value cannot be missed silently."""
    charts = SCRIPT.parents[2] / "helm"
    for path in {**MAPPING, **OPTIONAL}:
        text = (charts / "values.yaml" if path[0] == "global" else charts / "charts" / path[0] / "values.yaml")
        lines = text.read_text().splitlines()
        assert any(line.strip().startswith(f"{path[-1]}:") for line in lines), path


def test_list_values_wrap_a_single_output_and_keep_a_list():
    """The extractor's logsBuckets is a list: terraform's one logs bucket becomes its only element; an output that
    is a list already (several buckets) is taken as it is."""
    assert LISTS <= set(MAPPING)
    outputs = {name: value["value"] for name, value in OUTPUTS.items()}
    values = json.loads(run(json.dumps({k: {"value": v} for k, v in outputs.items()})).stdout)
    assert values["service-log-extractor"]["config"]["logsBuckets"] == ["v-logs_bucket"]
    outputs["logs_bucket"] = ["logs-a", "logs-b"]
    values = json.loads(run(json.dumps({k: {"value": v} for k, v in outputs.items()})).stdout)
    assert values["service-log-extractor"]["config"]["logsBuckets"] == ["logs-a", "logs-b"]
    # the other values stay as the outputs give them
    assert values["service-receiver"]["config"]["queueUrl"] == "v-queue_url"
    assert values["service-result-storage"]["config"]["resultsTable"] == "v-results_table"


def test_missing_output_and_bad_input_exit_2():
    missing = {k: v for k, v in OUTPUTS.items() if k != "storage_role_arn"}
    out = run(json.dumps(missing))
    assert out.returncode == 2 and "storage_role_arn" in out.stderr
    out = run(json.dumps({k: v for k, v in OUTPUTS.items() if k != "logs_bucket"}))
    assert out.returncode == 2 and "logs_bucket" in out.stderr
    nulled = dict(OUTPUTS, receiver_role_arn={"value": None})
    assert run(json.dumps(nulled)).returncode == 2
    assert run("not json").returncode == 2


def test_optional_output_set_when_present_and_skipped_when_null():
    values = json.loads(run(json.dumps(dict(OUTPUTS, keda_role_arn={"value": "arn:keda"}))).stdout)
    assert values["service-receiver"]["keda"] == {"podIdentity": {"roleArn": "arn:keda"}}
    out = run(json.dumps(dict(OUTPUTS, keda_role_arn={"value": None})))
    assert out.returncode == 0 and "keda" not in json.loads(out.stdout)["service-receiver"]
