#!/usr/bin/env bash
# Install everything (Debian Chromium, fonts, venv with test packages) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
exec .venv/bin/python -m pytest -q "$@"
