"""The library chart helm/charts/common and its vendored copies: every service chart depends on it (file://../common),
carries an up-to-date copy of it (charts/common-<version>.tgz, Chart.lock), and keeps no copies of its templates.

A stale copy would mean the service charts render alone with another library than through the umbrella (which uses
helm/charts/common itself). After changing the library run helm/ci/vendor_common.sh.
"""
from __future__ import annotations

import fnmatch
import re
import tarfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm"
COMMON = CHART / "charts" / "common"
SUBCHARTS = ("service-receiver", "service-log-extractor", "service-result-storage")
DEFINE = re.compile(r"""\{\{-?\s*define\s+"([^"]+)"\s*-?\}\}""")
FIX = "run helm/ci/vendor_common.sh"


def chart_yaml(path: Path) -> dict:
    return yaml.safe_load((path / "Chart.yaml").read_text())


def helmignored(relative: str, patterns: list[str]) -> bool:
    parts = relative.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if any(fnmatch.fnmatch(part, pattern) for part in parts) or fnmatch.fnmatch(relative, pattern):
            return True
    return False


def library_files() -> dict[str, bytes]:
    """The files `helm package` takes from helm/charts/common (.helmignore applied)."""
    patterns = [line.strip() for line in (COMMON / ".helmignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    return {str(p.relative_to(COMMON)): p.read_bytes() for p in sorted(COMMON.rglob("*"))
            if p.is_file() and not helmignored(str(p.relative_to(COMMON)), patterns)}


def vendored_files(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name.split("/", 1)[1]: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def test_library_chart():
    meta = chart_yaml(COMMON)
    assert meta["type"] == "library" and meta["name"] == "common"
    assert not list((COMMON / "templates").glob("[!_]*")), "a library's templates are all partials (_*.tpl)"
    umbrella = {d["name"]: d for d in chart_yaml(CHART)["dependencies"]}
    assert umbrella["common"] == {"name": "common", "version": meta["version"], "repository": "file://charts/common"}


@pytest.mark.parametrize("sub", SUBCHARTS)
def test_service_chart_depends_on_an_up_to_date_copy_of_the_library(sub):
    chart = CHART / "charts" / sub
    version = chart_yaml(COMMON)["version"]
    expected = {"name": "common", "version": version, "repository": "file://../common"}
    assert expected in chart_yaml(chart)["dependencies"], f"{sub}: Chart.yaml must depend on {expected}"
    lock = yaml.safe_load((chart / "Chart.lock").read_text())
    assert expected in lock["dependencies"], f"{sub}: Chart.lock is stale ({FIX})"
    archives = sorted(p.name for p in (chart / "charts").glob("common-*.tgz"))
    assert archives == [f"common-{version}.tgz"], f"{sub}: charts/ holds {archives} ({FIX})"
    vendored, source = vendored_files(chart / "charts" / archives[0]), library_files()
    assert vendored.keys() == source.keys(), f"{sub}: the vendored library has other files ({FIX})"
    # helm package re-serialises Chart.yaml (comments go): that one is compared as data
    assert yaml.safe_load(vendored.pop("Chart.yaml")) == yaml.safe_load(source.pop("Chart.yaml")), FIX
    stale = sorted(name for name in source if vendored[name] != source[name])
    assert not stale, f"{sub}: vendored copies differ from helm/charts/common: {stale} ({FIX})"


@pytest.mark.parametrize("sub", SUBCHARTS)
def test_service_chart_keeps_no_copies_of_the_library(sub):
    """A chart defines only templates of its own (named <chart>.*), none that the library has under the same name."""
    shared = {name.removeprefix("common.") for path in (COMMON / "templates").glob("*.tpl")
              for name in DEFINE.findall(path.read_text())}
    assert {"fullname", "labels", "deployment", "pdb", "serviceAccount", "networkPolicy"} <= shared
    for path in (CHART / "charts" / sub / "templates").iterdir():
        for name in DEFINE.findall(path.read_text()):
            assert name.startswith(f"{sub}."), f"{path.relative_to(REPO)}: defines {name!r}"
            assert name.removeprefix(f"{sub}.") not in shared, (
                f"{path.relative_to(REPO)}: {name!r} duplicates common.{name.removeprefix(sub + '.')}")
    annotations = chart_yaml(CHART / "charts" / sub).get("annotations") or {}
    assert annotations.get("log-analysis/component"), f"{sub}: Chart.yaml needs annotations.log-analysis/component"
