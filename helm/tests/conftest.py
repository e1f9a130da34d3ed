"""What the chart tests share, as fixtures (test modules never import this module): the helm 3 binary they run (one
place, not a copy per module) and terraform/scripts/helm_values.py, the writer of the values file `make helm-values`
hands the charts."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RELEASE, NAMESPACE = "log-analysis", "log-analysis"   # the release the tests render, as the README installs it
KUBE_VERSION = "1.33.0"                                # the Makefile's KUBE_VERSION: EKS's current version


@pytest.fixture(scope="session")
def helm_binary() -> str:
    """The path of the helm 3 binary: $HELM, else helm on PATH, else .venv-tools/bin/helm (`make helm-check`)."""
    helm = os.environ.get("HELM") or shutil.which("helm") or str(REPO / ".venv-tools" / "bin" / "helm")
    if not os.access(helm, os.X_OK):
        pytest.fail("helm not found: set HELM=<path to helm 3> (make helm-check installs it into .venv-tools/bin)")
    version = subprocess.run([helm, "version", "--short"], capture_output=True, text=True, check=True).stdout
    if not version.startswith("v3."):
        pytest.fail(f"helm 3 expected, found {version.strip()}")
    return helm


@pytest.fixture(scope="session")
def helm_values():
    """The module terraform/scripts/helm_values.py (MAPPING, OPTIONAL, LISTS, helm_values(outputs)), loaded from its
    file: terraform/scripts is a directory of scripts, not a package on sys.path."""
    spec = importlib.util.spec_from_file_location("helm_values", REPO / "terraform" / "scripts" / "helm_values.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def helm_template(helm_binary):
    """helm_template(*args, chart=<the umbrella chart>): the output of `helm template` of the release (RELEASE in
    NAMESPACE, for Kubernetes KUBE_VERSION); fails on helm's error."""
    def helm_template(*args: str, chart: Path = REPO / "helm") -> str:
        proc = subprocess.run(
            [helm_binary, "template", RELEASE, str(chart), "--namespace", NAMESPACE, "--kube-version", KUBE_VERSION,
             *args], capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise AssertionError(f"helm template {chart} {' '.join(args)} failed:\n{proc.stderr}")
        return proc.stdout

    return helm_template
