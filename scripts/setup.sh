#!/usr/bin/env bash
# Install everything the project needs on a Debian machine: Chromium + fonts (for image
# export and browser tests), nginx (scripts/serve.sh) and a virtualenv with the pinned Python packages.
# Usage: scripts/setup.sh [--dev]   (idempotent; fast when everything is already there)
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
# the page icons are emoji: without this font a local browser shows empty boxes
[ -d /usr/share/fonts/truetype/noto ] || need_apt+=(fonts-noto-color-emoji)
# the reverse proxy of scripts/serve.sh (several app processes for many users)
{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || need_apt+=(nginx)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installiere Debian-Pakete: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

REQ=requirements.txt
[ "${1:-}" = "--dev" ] && REQ=requirements-dev.txt
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=".venv/.installed-$(cat requirements.txt "$REQ" | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r "$REQ"
  touch "$stamp"
fi
