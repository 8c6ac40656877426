#!/usr/bin/env bash
# Installs the system libraries omnisend-export builds against, when they are missing.
# Debian/Ubuntu: pkg-config, libarchive-dev, zlib1g-dev, libsqlite3-dev.
set -euo pipefail
needed=(pkg-config libarchive-dev zlib1g-dev libsqlite3-dev)
missing=()
for p in "${needed[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (expected a Swift 6 toolchain)" >&2; exit 1; }
