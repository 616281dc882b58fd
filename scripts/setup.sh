#!/usr/bin/env bash
# Installs the system libraries Vigil builds against, once (idempotent; needs root, as on this machine).
set -euo pipefail
if ! pkg-config --exists sqlite3 2>/dev/null || ! command -v pkg-config >/dev/null; then
  echo "vigil setup: installing libsqlite3-dev and pkg-config" >&2
  apt-get update -qq && apt-get install -y -qq libsqlite3-dev pkg-config >/dev/null
fi
if ! command -v swift >/dev/null; then
  echo "vigil setup: the Swift toolchain (6.1 or later) is required; see https://swift.org/install" >&2
  exit 1
fi
