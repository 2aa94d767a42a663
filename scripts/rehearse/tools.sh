#!/usr/bin/env bash
# The tools a rehearsal needs, each built once from the Go module proxy into <dir>/tools:
#   act <version>                 the engine that runs the workflow (nektos/act)
#   kind-<version>/kind           the kind versions the workflow's kind-action steps ask for
#   image-bin/kind                kind v0.32.0, the runner image's own (a kind of another version on PATH)
#   kubectl-v<minor>/kubectl      kubectl of each minor the toolchain has built here (bin-v<minor>.*)
# Usage: tools.sh <dir> <act version> <kind version>...
set -euo pipefail
dir=${1:?usage: tools.sh <dir> <act version> <kind version>...}; act=${2:?}; shift 2
log() { echo "[rehearse] $*" >&2; }
build() { # <bin dir> <module@version> <name>
  [ -x "$1/$3" ] && return 0
  log "$2: go install from the module proxy"
  mkdir -p "$1"
  (cd "$(mktemp -d)" && GOBIN="$1" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$2") >&2
}
build "$dir/tools/act-$act" "github.com/nektos/act@$act" act
for v in "$@"; do build "$dir/tools/kind-$v" "sigs.k8s.io/kind@$v" kind; done
build "$dir/tools/image-bin" "sigs.k8s.io/kind@v0.32.0" kind
cache=${KUBEPROOF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeproof}
for b in "$cache"/bin-v*/kubectl; do
  [ -x "$b" ] || continue
  v=$(basename "$(dirname "$b")"); minor=$(echo "${v#bin-}" | cut -d. -f1,2)
  mkdir -p "$dir/tools/kubectl-$minor" && install -m 755 "$b" "$dir/tools/kubectl-$minor/kubectl"
done
# the image's own kubectl (1.36 on the image): the toolchain's of that minor where built here
[ -x "$dir/tools/kubectl-v1.36/kubectl" ] && ln -sf "$dir/tools/kubectl-v1.36/kubectl" "$dir/tools/image-bin/kubectl"
chmod -R a+rX "$dir/tools"
