#!/usr/bin/env bash
# Installs the system libraries Vigil builds against, once (idempotent; needs root, as on this machine).
set -euo pipefail
if ! command -v pkg-config >/dev/null || ! pkg-config --exists sqlite3 zlib libcurl 2>/dev/null; then
  echo "vigil setup: installing libsqlite3-dev, zlib1g-dev, libcurl4-openssl-dev and pkg-config" >&2
  apt-get update -qq && apt-get install -y -qq libsqlite3-dev zlib1g-dev libcurl4-openssl-dev pkg-config >/dev/null
fi
if ! command -v swift >/dev/null; then
  echo "vigil setup: the Swift toolchain (6.1 or later) is required; see https://swift.org/install" >&2
  exit 1
fi
