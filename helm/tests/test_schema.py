"""The values.schema.json of the umbrella and of each service chart (JSON Schema draft-07; helm checks the values
against them on lint, template, install and upgrade): every value has a schema with a description, the schemas and
values.yaml agree key for key, the defaults pass, and `helm lint` rejects bad values because of them.

Run by `make helm-check` with HELM=<path to helm 3>; fails, not skips, without helm.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm"
KUBE_VERSION = "1.33.0"

SUBCHARTS = ("service-receiver", "service-log-extractor", "service-result-storage")
CHARTS = {"log-analysis": CHART, **{sub: CHART / "charts" / sub for sub in SUBCHARTS}}
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
# Keys a service chart's values carry besides its values.yaml: `enabled` (the umbrella's condition) and `common`
# (helm adds a key for every dependency, here the library chart).
EXTRA_TOP_LEVEL = {"enabled", "common"}


# -- helm --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def helm_lint(helm_binary):
    """helm_lint(chart, *args): `helm lint --strict` of the chart, as a CompletedProcess."""
    def helm_lint(chart: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([helm_binary, "lint", "--strict", "--kube-version", KUBE_VERSION, str(chart), *args],
                              capture_output=True, text=True, timeout=120)

    return helm_lint


def schema_of(chart: str) -> dict:
    return json.loads((CHARTS[chart] / "values.schema.json").read_text())


def values_of(chart: str) -> dict:
    return yaml.safe_load((CHARTS[chart] / "values.yaml").read_text())


def subschemas(schema: dict, path: str = ""):
    """(path, schema) of every property, array item, map value and definition schema below `schema`; a `$ref`
    (to #/definitions/..., the Kubernetes-shaped types) is not followed: its definition is walked itself."""
    for key, sub in (schema.get("definitions") or {}).items():
        yield f"#/definitions/{key}", sub
        yield from subschemas(sub, f"#/definitions/{key}")
    for key, sub in (schema.get("properties") or {}).items():
        where = f"{path}.{key}" if path else key
        yield where, sub
        yield from subschemas(sub, where)
    if isinstance(schema.get("items"), dict):
        yield f"{path}[]", schema["items"]
        yield from subschemas(schema["items"], f"{path}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from subschemas(schema["additionalProperties"], f"{path}.*")


# -- the schemas themselves ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("chart", CHARTS)
def test_schema_is_draft07_and_describes_every_value(chart):
    schema = schema_of(chart)
    assert schema["$schema"] == DRAFT_07
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    undescribed = [path for path, sub in subschemas(schema)
                   if not path.endswith(("[]", ".*")) and not sub.get("description", "").strip()]
    assert not undescribed, f"{chart}: properties without a description: {undescribed}"


def closed_objects(schema: dict, values, path: str = ""):
    """(path, schema keys, values.yaml keys) of every object that the chart defines (not a `$ref` to a
    Kubernetes-shaped definition, which may have keys values.yaml leaves out), is closed (additionalProperties:
    false) in the schema and a mapping in values.yaml."""
    if not isinstance(values, dict) or "properties" not in schema:
        return
    if schema.get("additionalProperties") is False:
        yield path, set(schema["properties"]), set(values)
    for key, sub in schema["properties"].items():
        if key in values:
            yield from closed_objects(sub, values[key], f"{path}.{key}" if path else key)


@pytest.mark.parametrize("chart", CHARTS)
def test_schema_and_values_yaml_agree(chart):
    schema, values = schema_of(chart), values_of(chart)
    problems = []
    for path, in_schema, in_values in closed_objects(schema, values):
        extra = in_schema - in_values - (EXTRA_TOP_LEVEL if path == "" else set())
        if extra:
            problems.append(f"{path or '(root)'}: in the schema, not in values.yaml: {sorted(extra)}")
        if in_values - in_schema:
            problems.append(f"{path or '(root)'}: in values.yaml, not in the schema: {sorted(in_values - in_schema)}")
    for path, sub in subschemas(schema):
        # an object with known keys is closed, or says why not (global, the umbrella's sections, KEDA's fallback)
        if "properties" in sub and sub.get("additionalProperties", True) is not False and not sub.get("$comment"):
            problems.append(f"{path}: neither additionalProperties: false nor a $comment saying why it is open")
    assert not problems, "\n".join(problems)
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
              for e in jsonschema.Draft7Validator(schema).iter_errors(values)]
    assert not errors, f"{chart}: values.yaml does not meet its own schema: {errors}"


def deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        out[key] = deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) \
            else value
    return out


@pytest.mark.parametrize("sub", SUBCHARTS)
def test_umbrella_sections_meet_the_subchart_schemas(sub):
    """The umbrella's values.yaml and helm/ci/full-values.yaml set only keys the service charts know, with valid
    values (helm checks this too; here the message names the file)."""
    schema = schema_of(sub)
    for source in (CHART / "values.yaml", CHART / "ci" / "full-values.yaml"):
        section = yaml.safe_load(source.read_text()).get(sub) or {}
        merged = deep_merge(values_of(sub), section)
        errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in jsonschema.Draft7Validator(schema).iter_errors(merged)]
        assert not errors, f"{source.relative_to(REPO)}, section {sub}: {errors}"


# -- helm enforces them ----------------------------------------------------------------------------------------------

BAD_VALUES = {  # values file -> what helm must say about it
    "replicaCount: two": "replicaCount: Invalid type. Expected: integer, given: string",
    "replicas: 2": "Additional property replicas is not allowed",
    "image:\n  pullPolicy: Sometimes": "image.pullPolicy: image.pullPolicy must be one of the following",
    "serviceAccount:\n  roleArn: my-role": "serviceAccount.roleArn: Does not match pattern",
    "pdb:\n  maxUnavailable: -1": "pdb.maxUnavailable: Must be greater than or equal to 0",
}
CHART_BAD_VALUES = {
    "service-receiver": ("config:\n  waitSeconds: 30", "config.waitSeconds: Must be less than or equal to 20"),
    "service-log-extractor": ("gunicorn:\n  workers: 0", "gunicorn.workers: Must be greater than or equal to 1"),
    "service-result-storage": ("retryMail:\n  concurrencyPolicy: Sometimes",
                               "retryMail.concurrencyPolicy: retryMail.concurrencyPolicy must be one of"),
}


@pytest.mark.parametrize("sub", SUBCHARTS)
def test_helm_lint_rejects_bad_values(sub, tmp_path, helm_lint):
    good = tmp_path / "good.yaml"
    good.write_text("replicaCount: 2\n")
    ok = helm_lint(CHARTS[sub], "-f", str(good))
    assert ok.returncode == 0, f"{sub}: a valid override fails:\n{ok.stdout}{ok.stderr}"
    cases = {**BAD_VALUES, CHART_BAD_VALUES[sub][0]: CHART_BAD_VALUES[sub][1]}
    for i, (text, message) in enumerate(cases.items()):
        bad = tmp_path / f"bad-{i}.yaml"
        bad.write_text(text + "\n")
        proc = helm_lint(CHARTS[sub], "-f", str(bad))
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0, f"{sub}: helm lint accepted {text!r}"
        assert "values don't meet the specifications of the schema" in out and message in out, (text, out)


CREDENTIAL_BAD_VALUES = {  # values file (umbrella) -> what helm must say about it
    "global:\n  credentials:\n    extractorToken:\n      existingSecret: 5":
        "global.credentials.extractorToken.existingSecret: Invalid type. Expected: string, given: integer",
    "global:\n  credentials:\n    resultsReadToken:\n      existingSecret: Not_A_Name":
        "global.credentials.resultsReadToken.existingSecret: Does not match pattern",
    "global:\n  credentials:\n    resultsWriteToken:\n      key: ''":
        "global.credentials.resultsWriteToken.key: String length must be greater than or equal to 1",
    "global:\n  credentials:\n    resultsWriteToken:\n      value: s3cr3t":
        "global.credentials.resultsWriteToken: Additional property value is not allowed",
    "global:\n  credentials:\n    storageToken: {}": "global.credentials: Additional property storageToken is not allowed",
    "global:\n  credentials: token": "global.credentials: Invalid type. Expected: object, given: string",
    "service-log-extractor:\n  config:\n    logsBuckets: my-logs":
        "config.logsBuckets: Invalid type. Expected: array, given: string",
    "service-log-extractor:\n  config:\n    logsBuckets: [My_Logs]": "config.logsBuckets.0: Does not match pattern",
    "service-log-extractor:\n  config:\n    logsBuckets: [my..logs]": "config.logsBuckets.0: Does not match pattern",
    "service-result-storage:\n  config:\n    publicRead: \"yes\"":
        "config.publicRead: Invalid type. Expected: boolean, given: string",
}


def test_helm_lint_rejects_wrongly_typed_credentials_and_buckets(tmp_path, helm_lint):
    good = tmp_path / "good.yaml"
    good.write_text("global:\n  credentials:\n    extractorToken:\n      existingSecret: vault-extractor\n"
                    "      key: current\nservice-log-extractor:\n  config:\n    logsBuckets: [log-analysis-logs-1, a.b.c]\n"
                    "service-result-storage:\n  config:\n    publicRead: true\n")
    ok = helm_lint(CHART, "-f", str(good))
    assert ok.returncode == 0, f"a valid override fails:\n{ok.stdout}{ok.stderr}"
    for i, (text, message) in enumerate(CREDENTIAL_BAD_VALUES.items()):
        bad = tmp_path / f"bad-{i}.yaml"
        bad.write_text(text + "\n")
        proc = helm_lint(CHART, "-f", str(bad))
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0, f"helm lint accepted {text!r}"
        assert "values don't meet the specifications of the schema" in out and message in out, (text, out)
    # a service chart alone types its own credentials too
    bad = tmp_path / "receiver.yaml"
    bad.write_text("global:\n  credentials:\n    extractorToken:\n      existingSecret: [a]\n")
    proc = helm_lint(CHARTS["service-receiver"], "-f", str(bad))
    assert proc.returncode != 0 and "global.credentials.extractorToken.existingSecret: Invalid type" in (
        proc.stdout + proc.stderr), proc.stdout + proc.stderr


def test_helm_lint_rejects_bad_values_through_the_umbrella(tmp_path, helm_lint):
    bad = tmp_path / "bad.yaml"
    bad.write_text("global:\n  imageRegsitry: typo\nservice-receiver:\n  replicaCount: two\n"
                   "service-recevier:\n  enabled: true\n")
    proc = helm_lint(CHART, "-f", str(bad))
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    for message in ("global: Additional property imageRegsitry is not allowed",
                    "Additional property service-recevier is not allowed",
                    "service-receiver:\n- replicaCount: Invalid type. Expected: integer, given: string"):
        assert message in out, (message, out)
