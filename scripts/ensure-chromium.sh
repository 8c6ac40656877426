#!/usr/bin/env bash
# Makes sure Debian's headless-capable Chromium is installed, for the report's browser tests
# (Tests/ExportEndToEndTests/ReportBrowserTests.swift). Prints the browser's path and exits 0
# when it is there (installing it with apt-get when missing and allowed), exits 1 otherwise.
#   scripts/ensure-chromium.sh            # install when missing (needs root)
#   NO_INSTALL=1 scripts/ensure-chromium.sh   # only look
set -u
find_browser() {
  for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  done
  return 1
}
if find_browser; then exit 0; fi
if [ "${NO_INSTALL:-0}" = "1" ]; then echo "chromium is not installed" >&2; exit 1; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is not installed and cannot be installed here (needs root and apt-get): apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
{ apt-get update -qq && apt-get install -y -qq chromium; } >&2 || {
  echo "apt-get install chromium failed" >&2
  exit 1
}
find_browser || { echo "chromium installed but not found on PATH" >&2; exit 1; }
