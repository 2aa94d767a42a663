#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint, built once from the Go module proxy into
# the kubeproof cache (pinned version).
set -euo pipefail
# shellcheck source=versions.sh
source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
VERSION=$ACTIONLINT_VERSION
CACHE=${KUBEPROOF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeproof}
BIN="$CACHE/actionlint/$VERSION/actionlint"
if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { echo "actionlint: Go is needed to build actionlint $VERSION (or put the binary at $BIN)" >&2; exit 1; }
  echo "[actionlint] building $VERSION from the Go module proxy" >&2
  GOBIN="$(dirname "$BIN")" CGO_ENABLED=0 go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION"
fi
cd "$(dirname "$0")/.."
"$BIN" .github/workflows/*.yml
echo "actionlint: workflows clean"
