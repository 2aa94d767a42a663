#!/usr/bin/env bash
# Installs kubeproof's custom metrics API server (scripts/custom-metrics) into a kind cluster that
# kubeproof did not build (the GitHub workflow's kind clusters; kubeproof's own node image has the
# image already): builds the binary with Go, wraps it in an image, loads it into the nodes and
# applies scripts/kind/custom-metrics.yaml. The `existing` provider then finds it by its label.
#   install-custom-metrics.sh <kind cluster name>
STEP=custom-metrics
. "$(dirname "$0")/lib.sh"
cluster=${1:?usage: install-custom-metrics.sh <kind cluster name>}
command -v kind >/dev/null || die "kind is not on PATH"
command -v kubectl >/dev/null || die "kubectl is not on PATH"
build_custom_metrics_image
timed "kind load into $cluster" kind load docker-image kubeproof/custom-metrics:1 --name "$cluster"
kubectl --context "kind-$cluster" apply -f "$SCRIPTS_DIR/custom-metrics.yaml" >/dev/null
kubectl --context "kind-$cluster" wait --for=condition=Available apiservice/v1beta2.custom.metrics.k8s.io --timeout=180s >/dev/null \
  || die "the custom metrics API did not become available: $(kubectl --context "kind-$cluster" -n kube-system get pods -l app.kubernetes.io/name=kubeproof-custom-metrics -o wide)"
log "custom.metrics.k8s.io served in $cluster"
