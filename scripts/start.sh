#!/usr/bin/env bash
# Start the dashboard on the bundled data: http://127.0.0.1:${PORT:-8501}
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/streamlit run dashboard.py --server.port "${PORT:-8501}" --server.address 127.0.0.1
