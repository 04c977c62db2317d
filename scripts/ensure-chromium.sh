#!/usr/bin/env bash
# Browser tests drive Debian's Chromium headless (playwright-core, no browser download). Installs it if missing;
# needs root (as on the project's machines and CI) or an existing /usr/bin/chromium.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "chromium is missing: install Debian's chromium package (apt-get install chromium)" >&2
  exit 1
fi
echo "installing Debian's chromium for the browser tests…" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
