#!/usr/bin/env bash
# Host setup for the kind provider: a Docker engine that can run kind's privileged node
# containers on this machine.
#  - installs the distribution's docker.io where dockerd is missing and apt exists (else one clear
#    error); the node image build installs its own tools (build-node-image.sh);
#  - when the capability bounding set lacks CAP_SYS_RESOURCE, registers the runc wrapper
#    (runc-drop-sys-resource) as dockerd's default runtime, since docker --privileged fails otherwise;
#  - starts dockerd if no engine answers (no systemd here: a background process logging to
#    /var/log/kubeproof-dockerd.log).
# Needs root for installing and starting; does nothing when the engine already answers and is set up.
STEP=host-setup
. "$(dirname "$0")/lib.sh"

# A Docker engine: installed from the distribution's docker.io only where dockerd is missing and
# apt exists (Debian, Ubuntu); anywhere else one clear error saying what to install.
if ! command -v dockerd >/dev/null && ! docker info >/dev/null 2>&1; then
  command -v apt-get >/dev/null || die "kind needs a Docker engine and none is installed: install Docker (https://docs.docker.com/engine/install/) and start it, then run again"
  [ "$(id -u)" = 0 ] || die "kind needs a Docker engine: install it as root (apt-get install -y docker.io) and start it"
  timed "apt-get install docker.io" env DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io
fi
command -v jq >/dev/null || { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && timed "apt-get install jq" env DEBIAN_FRONTEND=noninteractive apt-get install -y jq; } || true

# CAP_SYS_RESOURCE is capability 24.
capbnd=$(awk '/^CapBnd:/{print $2}' /proc/self/status)
wrapper=""
if (( (16#$capbnd >> 24 & 1) == 0 )); then
  wrapper=/usr/local/sbin/kubeproof-runc
  if ! cmp -s "$SCRIPTS_DIR/runc-drop-sys-resource" "$wrapper" 2>/dev/null; then
    install -m 0755 "$SCRIPTS_DIR/runc-drop-sys-resource" "$wrapper"
    log "installed $wrapper (CAP_SYS_RESOURCE is not in this machine's capability bounding set)"
  fi
fi

daemon_json=/etc/docker/daemon.json
want_json() {
  local cur='{}'
  [ -s "$daemon_json" ] && cur=$(cat "$daemon_json")
  if [ -n "$wrapper" ]; then
    jq --arg p "$wrapper" '.runtimes["kubeproof-runc"] = {path: $p} | .["default-runtime"] = "kubeproof-runc"' <<<"$cur"
  else
    echo "$cur"
  fi
}
restart=0
if [ -n "$wrapper" ]; then
  want=$(want_json)
  if [ "$(jq -S . "$daemon_json" 2>/dev/null)" != "$(jq -S . <<<"$want")" ]; then
    mkdir -p /etc/docker
    printf '%s\n' "$want" >"$daemon_json"
    log "configured dockerd's default runtime: kubeproof-runc ($daemon_json)"
    restart=1
  fi
fi

engine_answers() { docker info >/dev/null 2>&1; }
dockerd_pid() { pgrep -x dockerd | head -1; }

if engine_answers && (( restart )); then
  pid=$(dockerd_pid)
  if [ -n "$pid" ]; then
    log "restarting dockerd (pid $pid) to load the new runtime"
    kill "$pid"
    for _ in $(seq 60); do engine_answers || break; sleep 0.5; done
  else
    die "a Docker engine answers but not from a local dockerd: set its default runtime to $wrapper yourself"
  fi
fi
if ! engine_answers; then
  [ "$(id -u)" = 0 ] || die "no Docker engine answers; start dockerd as root (or run this script as root)"
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl start docker
  else
    log "starting dockerd (log: /var/log/kubeproof-dockerd.log)"
    setsid nohup dockerd >>/var/log/kubeproof-dockerd.log 2>&1 </dev/null &
  fi
  for _ in $(seq 120); do engine_answers && break; sleep 0.5; done
  engine_answers || { tail -20 /var/log/kubeproof-dockerd.log >&2; die "dockerd did not come up"; }
fi
if [ -n "$wrapper" ] && ! docker info --format '{{.DefaultRuntime}}' | grep -qx kubeproof-runc; then
  die "the Docker engine's default runtime is not kubeproof-runc; privileged kind nodes will fail"
fi
log "Docker engine ready ($(docker version --format '{{.Server.Version}}'), runtime $(docker info --format '{{.DefaultRuntime}}'))"
