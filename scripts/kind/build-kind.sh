#!/usr/bin/env bash
# The kind CLI, the way its users get it: `kind` on PATH when it is kind $KIND_VERSION (the
# version whose node images the run names; another, such as a CI runner image's own, is passed
# over with a note), else the cache, else kind's release download, else `go install` from the Go
# module proxy (what works on a machine with no download site). Prints its path.
STEP=kind-cli
. "$(dirname "$0")/lib.sh"
if [ -z "${KUBEPROOF_KIND_NO_PATH:-}" ] && path_kind=$(command -v kind 2>/dev/null); then
  v=$("$path_kind" version 2>/dev/null | awk '{print $2}')
  if [ "$v" = "$KIND_VERSION" ]; then echo "$path_kind"; exit 0; fi
  log "$path_kind is kind ${v:-of unknown version}, not $KIND_VERSION (whose node images the run names): using kind $KIND_VERSION instead"
fi
if [ ! -x "$KIND_BIN" ]; then
  mkdir -p "$KIND_DIR"
  arch=$(uname -m); case "$arch" in x86_64) arch=amd64;; aarch64|arm64) arch=arm64;; esac
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  url="https://kind.sigs.k8s.io/dl/$KIND_VERSION/kind-$os-$arch"
  if [ "${KUBEPROOF_OFFLINE:-}" != 1 ] && [ "${KUBEPROOF_NO_DOWNLOAD:-}" != 1 ] && command -v curl >/dev/null \
    && curl -fsSL --connect-timeout 3 --max-time 120 -o "$KIND_BIN.part" "$url" 2>/dev/null; then
    chmod +x "$KIND_BIN.part" && mv "$KIND_BIN.part" "$KIND_BIN"
    log "kind $KIND_VERSION downloaded from $url"
  else
    rm -f "$KIND_BIN.part"
    command -v go >/dev/null || die "no kind on PATH, no release download reachable, and no Go to build kind $KIND_VERSION from the module proxy: install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)"
    timed "kind $KIND_VERSION: go install from the module proxy" \
      env GOBIN="$KIND_DIR" CGO_ENABLED=0 "${NICE[@]}" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION"
  fi
fi
echo "$KIND_BIN"
