"""Start and stop the dashboard server on 127.0.0.1 (for the browser test and the benchmark)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start(port: int, env: dict | None = None, secrets_file: Path | None = None,
          script: Path | None = None) -> subprocess.Popen:
    """Start `streamlit run dashboard.py` (or another script) on 127.0.0.1:port in its own process group.

    ``secrets_file`` replaces every secrets.toml Streamlit would otherwise read (the project's and the
    user's); a path that does not exist means: no secrets, no sign-in.
    """
    command = [sys.executable, "-m", "streamlit", "run", str(script or PROJECT / "dashboard.py"),
               "--server.port", str(port), "--server.address", HOST, "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
    if secrets_file is not None:
        command += ["--secrets.files", str(secrets_file)]
    return subprocess.Popen(command, cwd=PROJECT, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def wait_healthy(port: int, timeout: float = 30.0) -> float:
    """Seconds until GET /_stcore/health answers 'ok'; raises TimeoutError after timeout."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/_stcore/health", timeout=1) as reply:
                if reply.read().decode().strip() == "ok":
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"dashboard on port {port} not healthy after {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """Stop the server by its PID (its whole process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
