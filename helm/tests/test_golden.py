"""Golden renderings: what `helm template` renders of the umbrella chart (default values, helm/ci/full-values.yaml)
and of each service chart alone (its defaults, and its own section of full-values.yaml plus `global`) must equal
helm/tests/golden/<rendering>.yaml.

The comparison is on data, not text: every YAML document is parsed, the resources are keyed by
(kind, namespace, name), so comments, key order and document order do not matter. Two values are normalised
before comparing, so that bumping a chart's `version` alone needs no new golden files:
- the `helm.sh/chart` label loses its version (`service-receiver-0.3.0` -> `service-receiver`);
- the pods' `checksum/config` annotation (the sha256 of the rendered ConfigMap text, which carries that label) must
  be a sha256 and is then masked; that it follows the ConfigMap is test_charts.py::test_config_change_rolls_the_pods.

After an intended change of the rendered manifests, regenerate the golden files and review their diff:

    UPDATE_GOLDEN=1 HELM=.venv-tools/bin/helm .venv/bin/python -m pytest -q helm/tests/test_golden.py

With UPDATE_GOLDEN=1 every golden test rewrites its file and reports itself skipped ("rewrote ..."), never passed;
without it a rendering that differs fails, with a diff per resource.

Run by `make helm-check` with HELM=<path to helm 3>; fails, not skips, without helm.
"""
from __future__ import annotations

import difflib
import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm"
FULL_VALUES = CHART / "ci" / "full-values.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
RELEASE, NAMESPACE = "log-analysis", "log-analysis"
KUBE_VERSION = "1.33.0"

SUBCHARTS = ("service-receiver", "service-log-extractor", "service-result-storage")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

CHART_LABEL = "helm.sh/chart"
CHART_VERSION_SUFFIX = re.compile(r"-v?[0-9]+\.[0-9]+\.[0-9]+(?:[-_][0-9A-Za-z._-]+)?$")
CHECKSUM_ANNOTATION = "checksum/config"
SHA256 = re.compile(r"[0-9a-f]{64}")


# -- helm --------------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def helm_binary() -> str:
    helm = os.environ.get("HELM") or shutil.which("helm") or str(REPO / ".venv-tools" / "bin" / "helm")
    if not os.access(helm, os.X_OK):
        pytest.fail("helm not found: set HELM=<path to helm 3> (make helm-check installs it into .venv-tools/bin)")
    version = subprocess.run([helm, "version", "--short"], capture_output=True, text=True, check=True).stdout
    if not version.startswith("v3."):
        pytest.fail(f"helm 3 expected, found {version.strip()}")
    return helm


def helm_template(chart: Path, *args: str) -> str:
    proc = subprocess.run(
        [helm_binary(), "template", RELEASE, str(chart), "--namespace", NAMESPACE, "--kube-version", KUBE_VERSION,
         *args], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"helm template {chart.relative_to(REPO)} {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def section_values(sub: str, directory: Path) -> Path:
    """A values file for the service chart `sub` alone: its section of full-values.yaml, and the globals."""
    full = yaml.safe_load(FULL_VALUES.read_text())
    values = {**full[sub], "global": full["global"]}
    path = directory / f"{sub}-values.yaml"
    path.write_text(yaml.safe_dump(values, sort_keys=False))
    return path


def render(rendering: str, tmp_path: Path) -> str:
    """The `helm template` output of one rendering (see RENDERINGS)."""
    if rendering == "umbrella-defaults":
        return helm_template(CHART)
    if rendering == "umbrella-full-values":
        return helm_template(CHART, "-f", str(FULL_VALUES))
    sub, _, variant = rendering.partition("--")
    assert sub in SUBCHARTS, rendering
    if not variant:
        return helm_template(CHART / "charts" / sub)
    assert variant == "full-values", rendering
    return helm_template(CHART / "charts" / sub, "-f", str(section_values(sub, tmp_path)))


RENDERINGS = ("umbrella-defaults", "umbrella-full-values",
              *SUBCHARTS, *(f"{sub}--full-values" for sub in SUBCHARTS))


# -- comparison as data --------------------------------------------------------------------------------------------

def normalise(node, where: str = ""):
    """A copy of a parsed manifest with the chart version dropped from helm.sh/chart and checksum/config masked."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == CHART_LABEL and isinstance(value, str):
                value = CHART_VERSION_SUFFIX.sub("", value)
            elif key == CHECKSUM_ANNOTATION and isinstance(value, str):
                assert SHA256.fullmatch(value), f"{where}: {CHECKSUM_ANNOTATION} {value!r} is not a sha256"
                value = "<sha256>"
            else:
                value = normalise(value, where)
            out[key] = value
        return out
    if isinstance(node, list):
        return [normalise(item, where) for item in node]
    return node


def resources(text: str) -> dict[str, dict]:
    """The resources of a `helm template` stream, normalised and keyed `kind namespace/name`."""
    out: dict[str, dict] = {}
    for doc in yaml.safe_load_all(text):
        if not doc:
            continue
        meta = doc.get("metadata") or {}
        key = f"{doc.get('kind')} {meta.get('namespace', '')}/{meta.get('name')}"
        assert key not in out, f"{key} rendered twice"
        out[key] = normalise(doc, key)
    return out


def differences(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """Human-readable differences between two keyed sets of resources; empty when they are equal."""
    found = [f"missing (in the golden file, not rendered): {key}" for key in sorted(expected.keys() - actual.keys())]
    found += [f"unexpected (rendered, not in the golden file): {key}"
              for key in sorted(actual.keys() - expected.keys())]
    for key in sorted(expected.keys() & actual.keys()):
        if expected[key] != actual[key]:
            diff = difflib.unified_diff(yaml.safe_dump(expected[key], sort_keys=True).splitlines(),
                                        yaml.safe_dump(actual[key], sort_keys=True).splitlines(),
                                        "golden", "rendered", lineterm="", n=2)
            found.append(f"changed: {key}\n" + "\n".join(diff))
    return found


def golden_path(rendering: str) -> Path:
    return GOLDEN / f"{rendering}.yaml"


def golden_header(rendering: str) -> str:
    return (f"# Golden rendering {rendering!r} for helm/tests/test_golden.py (compared as data, see there).\n"
            "# Do not edit: regenerate with\n"
            "#   UPDATE_GOLDEN=1 HELM=.venv-tools/bin/helm .venv/bin/python -m pytest -q helm/tests/test_golden.py\n")


# -- tests ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rendering", RENDERINGS)
def test_rendering_equals_golden(rendering, tmp_path):
    rendered = render(rendering, tmp_path)
    path = golden_path(rendering)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(golden_header(rendering) + rendered)
        pytest.skip(f"UPDATE_GOLDEN=1: rewrote {path.relative_to(REPO)}")
    assert path.is_file(), f"no golden file {path.relative_to(REPO)}: regenerate them (UPDATE_GOLDEN=1, see above)"
    found = differences(resources(path.read_text()), resources(rendered))
    assert not found, (f"{rendering}: the rendered manifests differ from {path.relative_to(REPO)}; if the change "
                       "is intended, regenerate with UPDATE_GOLDEN=1 (module docstring)\n\n" + "\n\n".join(found))


def test_no_stale_golden_files():
    present = {p.stem for p in GOLDEN.glob("*.yaml")}
    assert present == set(RENDERINGS), (f"golden files without a rendering: {sorted(present - set(RENDERINGS))}; "
                                        f"renderings without a golden file: {sorted(set(RENDERINGS) - present)}")


def test_comparison_catches_changes_and_ignores_noise(tmp_path):
    """The comparison itself: a changed value is reported, comments, order and the chart version are not."""
    golden = golden_path("umbrella-defaults").read_text()
    assert differences(resources(golden), resources(golden)) == []
    changed = render("umbrella-defaults", tmp_path).replace("replicas: 1\n", "replicas: 2\n", 1)
    (found,) = differences(resources(golden), resources(changed))
    assert found.startswith("changed: Deployment log-analysis/") and "+  replicas: 2" in found, found
    docs = golden.split("\n---\n")
    shuffled = "\n---\n".join(reversed(docs)).replace("# Source:", "# moved, Source:")
    bumped = re.sub(r"(helm\.sh/chart: [a-z-]+)-[0-9.]+", r"\1-9.9.9", shuffled)
    assert bumped != golden and differences(resources(golden), resources(bumped)) == []
    extra = golden + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: x\n"
    assert differences(resources(golden), resources(extra)) == ["unexpected (rendered, not in the golden file): "
                                                                "ConfigMap x/extra"]
    with pytest.raises(AssertionError, match="not a sha256"):
        resources(golden.replace("checksum/config: ", "checksum/config: x", 1))
