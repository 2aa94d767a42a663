#!/usr/bin/env bash
# The machine a rehearsal's jobs run on, made like GitHub's ubuntu-24.04 runner where it matters to
# the workflow: a non-root user `runner` with passwordless sudo and Docker without sudo, and the
# image's own tools on PATH (tools/image-bin: kind v0.32.0; a Go linked into /usr/bin, as the
# image's Configure-Toolset does; Debian's Chromium for its Google Chrome). Needs root. Idempotent.
# Prints nothing but progress on stderr.
set -euo pipefail
dir=${1:?usage: runner.sh <rehearsal dir> [--keep-home]}
keep_home=${2:-}
log() { echo "[rehearse] $*" >&2; }
[ "$(id -u)" = 0 ] || { log "error: making the runner user needs root (sudo npm run rehearse)"; exit 1; }
if ! command -v sudo >/dev/null; then
  log "apt-get install sudo"
  apt-get install -y -qq sudo >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq sudo >/dev/null; }
fi
# the image's Google Chrome, for the report job's screenshots: Debian's Chromium stands in
if [ ! -x /usr/bin/chromium ]; then
  log "apt-get install chromium (standing in for the image's Google Chrome)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
fi
if ! id runner >/dev/null 2>&1; then
  log "user runner (uid 1001 on GitHub's image), with passwordless sudo"
  useradd -m -s /bin/bash runner
fi
# A hosted runner starts from a fresh machine: the runner's home goes back to the skeleton (its
# caches with it), unless asked to keep it for iterating. Jobs of one rehearsal share it.
if [ "$keep_home" != --keep-home ]; then
  log "a fresh home for runner"
  find /home/runner -mindepth 1 -delete
  cp -rT /etc/skel /home/runner && chown -R runner:runner /home/runner
fi
mkdir -p /etc/sudoers.d
echo "runner ALL=(ALL) NOPASSWD:ALL" >/etc/sudoers.d/runner && chmod 440 /etc/sudoers.d/runner
getent group docker >/dev/null && usermod -aG docker runner
mkdir -p "$dir/tools" "$dir/runs" "$dir/cache" "$dir/node"
chown runner:runner "$dir" "$dir/runs" "$dir/cache" "$dir/node"
chmod 755 "$dir" "$dir/tools"
