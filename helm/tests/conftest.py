"""What the chart tests share: the helm 3 binary they run (one place, not a copy per module)."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@functools.lru_cache(maxsize=1)
def helm_binary() -> str:
    helm = os.environ.get("HELM") or shutil.which("helm") or str(REPO / ".venv-tools" / "bin" / "helm")
    if not os.access(helm, os.X_OK):
        pytest.fail("helm not found: set HELM=<path to helm 3> (make helm-check installs it into .venv-tools/bin)")
    version = subprocess.run([helm, "version", "--short"], capture_output=True, text=True, check=True).stdout
    if not version.startswith("v3."):
        pytest.fail(f"helm 3 expected, found {version.strip()}")
    return helm
