"""Validates a `helm template` stream (stdin): built-in kinds with kubernetes-validate in strict mode against one
Kubernetes version, custom resources (KEDA) against the hand-written schemas in crd-schemas.yaml.

    helm template ... | .venv-tools/bin/python helm/ci/validate_manifests.py --kubernetes-version 1.33.0 \
        --name defaults --expect Deployment=3

Fails (exit 1) on empty input, on fewer resources of a kind than an --expect KIND=N asks for, on a kind neither
knows (kubernetes-validate itself only warns about those and exits 0), on a resource rendered twice, and on any
invalid resource. Runs in .venv-tools.
"""
from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

CRD_SCHEMAS = Path(__file__).with_name("crd-schemas.yaml")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kubernetes-version", required=True)
    parser.add_argument("--name", default="stdin", help="what was rendered, for the messages")
    parser.add_argument("--expect", action="append", default=[], metavar="KIND=N",
                        help="at least N resources of KIND must be rendered")
    args = parser.parse_args()

    resources = [doc for doc in yaml.safe_load_all(sys.stdin) if doc]
    if not resources:
        print(f"FAIL {args.name}: nothing rendered")
        return 1
    crd_schemas = yaml.safe_load(CRD_SCHEMAS.read_text())
    errors: list[str] = []
    kinds: collections.Counter[str] = collections.Counter()
    custom = 0
    seen: set[tuple[str, str, str]] = set()
    for res in resources:
        if not isinstance(res, dict) or "kind" not in res or "apiVersion" not in res:
            errors.append(f"not a Kubernetes resource: {str(res)[:120]}")
            continue
        meta = res.get("metadata") or {}
        ident = f"{res['kind']}/{meta.get('name')}"
        key = (res["apiVersion"].split("/")[0] + "/" + res["kind"], str(meta.get("namespace")), str(meta.get("name")))
        if key in seen:
            errors.append(f"{ident}: rendered twice")
        seen.add(key)
        kinds[res["kind"]] += 1
        schema = crd_schemas.get(f"{res['apiVersion']}/{res['kind']}")
        if schema is not None:
            custom += 1
            for err in jsonschema.Draft202012Validator(schema).iter_errors(res):
                path = ".".join(str(p) for p in err.absolute_path)
                errors.append(f"{ident} (hand-written schema): {path}: {err.message}")
            continue
        try:
            kubernetes_validate.validate(res, args.kubernetes_version, strict=True)
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(f"{ident}: no schema: {exc.message}")
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            errors.append(f"{ident}: {path}: {exc.message}")
    for expectation in args.expect:
        kind, _, count = expectation.partition("=")
        if kinds[kind] < int(count):
            errors.append(f"{kinds[kind]} {kind} rendered, expected at least {count}")
    for line in errors:
        print(f"ERROR {args.name}: {line}")
    summary = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    if errors:
        print(f"FAIL {args.name}: {len(errors)} errors")
    else:
        print(f"OK {args.name}: {len(resources) - custom} resources valid against Kubernetes {args.kubernetes_version} "
              f"(kubernetes-validate --strict), {custom} custom resources against {CRD_SCHEMAS.name}")
    print(f"   {summary}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
