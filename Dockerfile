# Quartiersmonitor Bochum: one Streamlit process per container (scale with replicas behind a proxy;
# see deploy/ and docs/DEPLOYMENT.md). Not built on the development machine (no Docker daemon there).
FROM debian:12-slim

ENV DEBIAN_FRONTEND=noninteractive PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# python3 of Debian 12 is 3.11, the version the project is tested with; Chromium and the fonts
# serve the image, PDF and slide exports (kaleido finds /usr/bin/chromium itself)
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv chromium fonts-dejavu-core \
      fonts-noto-color-emoji ca-certificates \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin quartier \
 && mkdir -p /data && chown quartier:quartier /data

WORKDIR /app
COPY requirements.txt .
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --disable-pip-version-check -r requirements.txt
COPY --chown=root:root . .

# the data store lives on a volume (shared by every replica); behind a proxy nobody is a local editor
ENV PATH=/opt/venv/bin:$PATH QUARTIERSMONITOR_DATA_DIR=/data QUARTIERSMONITOR_NETWORK=1
USER quartier
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python3", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]
# 0.0.0.0 inside the container: the proxy reaches it over the container network (the project's
# .streamlit/config.toml binds 127.0.0.1 for the local set-up; the command line overrides it)
CMD ["python3", "-m", "streamlit", "run", "dashboard.py", "--server.port", "8501", "--server.address", "0.0.0.0", \
     "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
