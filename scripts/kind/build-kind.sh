#!/usr/bin/env bash
# Builds the kind CLI from the Go module proxy into ~/.cache/kubeproof/kind/<version>/kind
# (cached; prints its path on stdout).
STEP=build-kind
. "$(dirname "$0")/lib.sh"
if [ ! -x "$KIND_BIN" ]; then
  command -v go >/dev/null || die "Go is needed to build kind $KIND_VERSION from the module proxy"
  mkdir -p "$KIND_DIR"
  timed "kind $KIND_VERSION: go install from the module proxy" \
    env GOBIN="$KIND_DIR" CGO_ENABLED=0 "${NICE[@]}" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION"
fi
echo "$KIND_BIN"
