#!/usr/bin/env bash
# Installs what clusterplay needs on a fresh Debian machine: the C library
# it links (libmpv), the tools its tests and demo drive (ffmpeg, nginx with
# the RTMP module, tmux), and the Go modules. Safe to run again: packages
# already present are not fetched twice.
set -euo pipefail

packages=(gcc pkg-config libmpv-dev mpv ffmpeg nginx libnginx-mod-rtmp tmux)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Go comes with the machine; make sure it is on PATH for the scripts.
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null || { echo "setup: Go is not installed (need Go 1.26 or newer)" >&2; exit 1; }

cd "$(dirname "$0")/.."
go mod download
