#!/usr/bin/env bash
# Obtains the pinned binaries the local provider needs and prints the directory that holds them.
#
# Order of attempts per component: already cached -> official release download (users with
# internet) -> build from the Go module proxy (what works on machines with no download site).
# Cache: ${KUBEPROOF_CACHE:-${XDG_CACHE_HOME:-~/.cache}/kubeproof}/<component>/<version>/, never the repo.
# Progress goes to stderr; the only stdout line is the bin directory (scripts read it).
set -euo pipefail

# shellcheck source=versions.sh
source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
METRICS_VERSION=$METRICS_SERVER_VERSION
CACHE=${KUBEPROOF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeproof}
BIN="$CACHE/bin-$KUBE_VERSION"
ARCH=$(uname -m); case "$ARCH" in x86_64) ARCH=amd64;; aarch64|arm64) ARCH=arm64;; esac

log() { printf '[toolchain] %s\n' "$*" >&2; }
die() { printf '[toolchain] error: %s\n' "$*" >&2; exit 1; }

have_go() { command -v go >/dev/null 2>&1; }
need_go() {
  have_go || die "cannot get $1: no release download was reachable and Go is not installed.
  Install Go >= 1.26 (https://go.dev/dl/, or your distribution's golang package) so the
  binaries can be built from the Go module proxy, or put the binaries in $CACHE by hand."
}

# A version that is not a release, or that the module proxy does not serve, fails here in one
# line naming what is served, before anything is built.
[[ "$KUBE_VERSION" =~ ^v1\.[0-9]+\.[0-9]+$ ]] || die "KUBEPROOF_KUBE_VERSION=$KUBE_VERSION is not a Kubernetes release (v1.MINOR.PATCH); supported: ${KUBE_VERSIONS//,/ }"
case ",$KUBE_VERSIONS," in
  *",$KUBE_VERSION,"*) ;;
  *) log "warning: $KUBE_VERSION is not one of the versions kubeproof is tested on (${KUBE_VERSIONS//,/ })" ;;
esac
served_kube_versions() { # the k8s.io/kubernetes releases of the supported minors the module proxy lists
  local lo=${KUBE_VERSIONS%%,*}; lo=${lo#v1.}; lo=${lo%%.*}
  (cd "$(mktemp -d)" && GOFLAGS=-mod=mod go list -m -versions k8s.io/kubernetes 2>/dev/null) | tr ' ' '\n' \
    | awk -v lo="$lo" -F. '/^v1\.[0-9]+\.[0-9]+$/ && $2 >= lo' | tr '\n' ' '
}
# The Go a release's go.mod asks for (1.36 and later: 1.26); an older local Go would try to
# download a toolchain, which an offline machine cannot.
need_go_for() { # <go.mod>
  local want have
  want=$(awk '$1 == "go" {print $2; exit}' "$1")
  have=$(go env GOVERSION); have=${have#go}
  if [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -1)" != "$want" ]; then
    die "k8s.io/kubernetes $KUBE_VERSION needs Go >= $want (its go.mod); this machine's Go is $have: install a newer Go (https://go.dev/dl/)"
  fi
}

# Runs a build command and turns `go build -v` package lines into a progress counter, so a
# 15-minute build on 2 cores shows it is alive without flooding the terminal.
with_progress() {
  local what=$1; shift
  local start=$SECONDS n=0 line logf
  logf=$(mktemp)
  log "$what: building from the Go module proxy (cold builds take minutes)"
  set +e
  ( "$@" ) 2>&1 | while IFS= read -r line; do
    echo "$line" >>"$logf"
    n=$((n + 1))
    if (( n % 100 == 0 )); then log "$what: $n packages compiled, $((SECONDS - start)) s"; fi
  done
  local rc=${PIPESTATUS[0]}
  set -e
  if (( rc != 0 )); then tail -40 "$logf" >&2; rm -f "$logf"; die "$what: build failed (log above)"; fi
  rm -f "$logf"
  log "$what: built in $((SECONDS - start)) s"
}

# try_download <url> <dest>: a release binary for users with internet. Short timeouts: on an
# offline machine this must fail within seconds, not minutes.
try_download() {
  [ "${KUBEPROOF_NO_DOWNLOAD:-}" = 1 ] && return 1
  [ "${KUBEPROOF_OFFLINE:-}" = 1 ] && return 1
  command -v curl >/dev/null 2>&1 || return 1
  local tmp="$2.part"
  if curl -fsSL --connect-timeout 3 --max-time 300 -o "$tmp" "$1" 2>/dev/null; then
    chmod +x "$tmp" && mv "$tmp" "$2" && return 0
  fi
  rm -f "$tmp"; return 1
}

kube_from_proxy() {
  local out=$1; shift
  need_go kubernetes
  local work="$CACHE/build/kubernetes-$KUBE_VERSION"
  mkdir -p "$work" "$out"
  local minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  local staging="v0.${KUBE_VERSION#v1.}"
  if [ ! -f "$work/go.mod.ready" ]; then
    log "kubernetes $KUBE_VERSION: resolving module (the staging replaces come from its own go.mod)"
    local gomod
    gomod=$(cd "$work" && go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" 2>/dev/null | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' || true)
    [ -f "$gomod" ] || die "the Go module proxy ($(go env GOPROXY)) does not serve k8s.io/kubernetes $KUBE_VERSION; it serves: $(served_kube_versions)"
    need_go_for "$gomod"
    local goline godebug
    goline=$(grep -E '^go [0-9]' "$gomod" | head -1)
    godebug=$(awk '/^godebug/{p=1} p{print} p&&/\)/{exit} /^godebug [a-z]/{exit}' "$gomod")
    {
      echo "module kubeproof.local/kube-build"
      echo "$goline"
      [ -n "$godebug" ] && echo "$godebug"
      echo "require k8s.io/kubernetes $KUBE_VERSION"
      # every ./staging/src/k8s.io/<m> replace becomes the published k8s.io/<m> at the staging version
      go mod edit -json "$gomod" | tr -d ' \n\t' | grep -o '"Old":{"Path":"[^"]*"[^}]*},"New":{"Path":"./staging/[^"]*"' \
        | sed -E 's/.*"Old":\{"Path":"([^"]*)".*/replace \1 => \1 '"$staging"'/'
    } >"$work/go.mod"
    echo 'package main' >"$work/main.go"
    (cd "$work" && go mod tidy >/dev/null 2>&1 || true)
    (cd "$work" && go get "k8s.io/kubernetes@$KUBE_VERSION" >&2) || die "go get k8s.io/kubernetes@$KUBE_VERSION failed"
    touch "$work/go.mod.ready"
  fi
  local date; date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$date -X $p.gitCommit=0000000000000000000000000000000000000000"
  done
  local pkgs=() b
  for b in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  with_progress "kubernetes $KUBE_VERSION ($*)" \
    bash -c 'cd "$0" && CGO_ENABLED=0 go build -mod=mod -v -trimpath -ldflags "$1" -o "$2/" "${@:3}"' "$work" "$ld" "$out" "${pkgs[@]}"
}

etcd_from_proxy() {
  need_go etcd
  local work="$CACHE/build/etcd-$ETCD_VERSION"
  mkdir -p "$work"
  if [ ! -f "$work/go.mod" ]; then
    (cd "$work" && printf 'module kubeproof.local/etcd-build\ngo 1.24\n' >go.mod && echo 'package main' >main.go \
      && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2) || die "go get etcd $ETCD_VERSION failed"
  fi
  with_progress "etcd $ETCD_VERSION" bash -c 'cd "$0" && CGO_ENABLED=0 go build -mod=mod -v -trimpath -ldflags "-s -w" -o "$1" go.etcd.io/etcd/server/v3' "$work" "$1"
}

etcd_release() { # <dir>: etcd $ETCD_VERSION in <dir>/etcd, downloaded or built
  mkdir -p "$1"
  [ -x "$1/etcd" ] && return 0
  if try_download "https://github.com/etcd-io/etcd/releases/download/$ETCD_VERSION/etcd-$ETCD_VERSION-linux-$ARCH.tar.gz" "$1/etcd.tgz"; then
    tar -xzf "$1/etcd.tgz" -C "$1" --strip-components=1 && rm -f "$1/etcd.tgz"
  else
    etcd_from_proxy "$1/etcd"
  fi
}

# `toolchain.sh etcd <version>`: that etcd release alone, its path printed, for an image that names
# it (the kind node image carries the etcd kubeadm deploys: 3.7.0 for Kubernetes 1.37).
if [ "${1:-}" = etcd ]; then
  ETCD_VERSION=${2:?usage: toolchain.sh etcd <version>}
  etcd_release "$CACHE/etcd/$ETCD_VERSION"
  echo "$CACHE/etcd/$ETCD_VERSION/etcd"
  exit 0
fi

go_install() { # <what> <module path>@<version> <dest>
  need_go "$1"
  local gobin; gobin=$(mktemp -d)
  with_progress "$1" env GOBIN="$gobin" CGO_ENABLED=0 go install -v -trimpath -ldflags "-s -w" "$2"
  mv "$gobin"/* "$3"; rmdir "$gobin"
}

[ -d "$BIN" ] || mkdir -p "$BIN"
KDIR="$CACHE/kubernetes/$KUBE_VERSION"; [ -d "$KDIR" ] || mkdir -p "$KDIR"
missing=()
for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  [ -x "$KDIR/$b" ] && continue
  try_download "https://dl.k8s.io/release/$KUBE_VERSION/bin/linux/$ARCH/$b" "$KDIR/$b" && { log "$b: downloaded"; continue; }
  missing+=("$b")
done
# kubelet, kubeadm and kube-proxy are only needed by the kind node image build.
if [ "${KUBEPROOF_TOOLCHAIN_NODE:-}" = 1 ]; then
  for b in kubelet kubeadm kube-proxy; do [ -x "$KDIR/$b" ] || missing+=("$b"); done
fi
(( ${#missing[@]} )) && kube_from_proxy "$KDIR" "${missing[@]}"

EDIR="$CACHE/etcd/$ETCD_VERSION"
etcd_release "$EDIR"

WDIR="$CACHE/kwok/$KWOK_VERSION"; [ -d "$WDIR" ] || mkdir -p "$WDIR"
for b in kwok kwokctl; do
  [ -x "$WDIR/$b" ] && continue
  try_download "https://github.com/kubernetes-sigs/kwok/releases/download/$KWOK_VERSION/$b-linux-$ARCH" "$WDIR/$b" && continue
  go_install "$b $KWOK_VERSION" "sigs.k8s.io/kwok/cmd/$b@$KWOK_VERSION" "$WDIR/"
done

MDIR="$CACHE/metrics-server/$METRICS_VERSION"; [ -d "$MDIR" ] || mkdir -p "$MDIR"
if [ ! -x "$MDIR/metrics-server" ]; then
  try_download "https://github.com/kubernetes-sigs/metrics-server/releases/download/$METRICS_VERSION/metrics-server-linux-$ARCH" "$MDIR/metrics-server" \
    || go_install "metrics-server $METRICS_VERSION" "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_VERSION" "$MDIR/"
fi

# The project's own custom metrics API server (scripts/custom-metrics, for HPA-3): built here,
# cached by a hash of its sources.
CM_SRC="$(cd "$(dirname "$0")" && pwd)/custom-metrics"
CM_HASH=$(find "$CM_SRC" -maxdepth 1 \( -name 'go.*' -o -name '*.go' ! -name '*_test.go' \) | sort | xargs cat | sha256sum | cut -c1-12)
CDIR="$CACHE/custom-metrics/$CM_HASH"; [ -d "$CDIR" ] || mkdir -p "$CDIR"
if [ ! -x "$CDIR/kubeproof-custom-metrics" ] && ! have_go; then
  # No release of it exists to download: without Go the custom metrics specs skip, saying why.
  log "warning: kubeproof-custom-metrics needs Go to build; without it the custom metrics (HPA-3) specs are skipped"
  rm -f "$BIN/kubeproof-custom-metrics"
elif [ ! -x "$CDIR/kubeproof-custom-metrics" ]; then
  with_progress "kubeproof-custom-metrics ($CM_HASH)" bash -c 'cd "$0" && CGO_ENABLED=0 go build -mod=mod -v -trimpath -ldflags "-s -w" -o "$1/kubeproof-custom-metrics" .' "$CM_SRC" "$CDIR"
fi

# One directory of symlinks: kwokctl's kubeBinaryPrefix wants the kube binaries side by side.
# Every run of the suite on the local provider calls this script: links already right are left
# alone, with shell builtins only (no process per binary).
for f in "$KDIR"/* "$EDIR/etcd" "$WDIR/kwok" "$WDIR/kwokctl" "$MDIR/metrics-server" "$CDIR/kubeproof-custom-metrics"; do
  link="$BIN/${f##*/}"
  if [ -x "$f" ] && ! { [ -L "$link" ] && [ "$link" -ef "$f" ]; }; then ln -sfn "$f" "$link"; fi
done
cat >"$BIN/versions.json" <<JSON
{"kubernetes":"$KUBE_VERSION","etcd":"$ETCD_VERSION","kwok":"$KWOK_VERSION","metricsServer":"$METRICS_VERSION"}
JSON
log "ready: $BIN"
echo "$BIN"
