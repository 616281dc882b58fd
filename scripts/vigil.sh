#!/usr/bin/env bash
# Builds Vigil in release mode (installing what is missing) and runs it with the given arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product vigil >&2
exec .build/release/vigil "$@"
