#!/usr/bin/env bash
# Renders both overlays with `kubectl kustomize` and validates the core kinds against the Kubernetes schemas with
# kubernetes-validate (PyPI, installed into .build-tools/). The custom resources (Strimzi, CloudNativePG, KEDA) are
# checked by the tests (KafkaManifestTests, KubernetesManifestTests). Needs kubectl with kustomize v4 or later
# (kubectl 1.21+; Debian 12's kubernetes-client is 1.20, too old): it fails saying so when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v kubectl >/dev/null || { echo "kubectl is not installed (kubectl 1.21 or later, for kustomize v4)" >&2; exit 1; }
venv=.build-tools/kubernetes-validate
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'kubernetes-validate>=1.30'
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for overlay in dev prod; do
    kubectl kustomize "infra/k8s/overlays/$overlay" > "$out/$overlay.yaml"
    echo "$overlay: $(grep -c '^kind:' "$out/$overlay.yaml") resources rendered"
    # Custom resources have no schema there ("Couldn't find schema" warnings); any core kind that fails is an error.
    "$venv/bin/kubernetes-validate" --kubernetes-version 1.30.0 --strict --no-warn "$out/$overlay.yaml" | grep -v '^INFO' || true
    "$venv/bin/kubernetes-validate" --kubernetes-version 1.30.0 --strict --no-warn --quiet "$out/$overlay.yaml"
    echo "$overlay: core kinds valid"
done
