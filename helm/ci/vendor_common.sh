#!/usr/bin/env bash
# Vendors the library chart helm/charts/common into every chart that depends on it (file://../common): runs
# `helm dependency update` there, which packages it as charts/common-<version>.tgz and rewrites Chart.lock. Both are
# committed, so `helm template`, `helm lint` and `helm install ./helm` work without a dependency step.
# Run it after every change of helm/charts/common (helm/tests/test_common_library.py fails while a copy is stale).
# Offline: file:// dependencies only; helm's cache and config go to a temporary directory.
#
#   helm/ci/vendor_common.sh [path to helm 3]      (default: $HELM, else .venv-tools/bin/helm)
set -euo pipefail

cd "$(dirname "$0")/../.."
HELM=${1:-${HELM:-.venv-tools/bin/helm}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HELM_CACHE_HOME=$tmp/cache HELM_CONFIG_HOME=$tmp/config HELM_DATA_HOME=$tmp/data

for chart in helm/charts/*/; do
    grep -q 'repository: file://\.\./common$' "$chart/Chart.yaml" || continue
    rm -f "$chart"/charts/common-*.tgz
    "$HELM" dependency update --skip-refresh "$chart"
done
