#!/usr/bin/env bash
# Runs `vigil bench http` in a release build, with moto's server as the baseline: installs
# moto[server] (pinned) into a virtual environment under the build folder once, then passes its python.
#
#   scripts/bench-http.sh [vigil bench http options…]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/py-bench
if ! "$venv/bin/python" -c "import moto.server" >/dev/null 2>&1; then
  echo "vigil bench: installing moto[server] 5.1.18 into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "moto[server]==5.1.18" >&2
fi
echo "vigil bench: building vigil (release)" >&2
swift build -c release --product vigil >&2
exec "$(swift build -c release --show-bin-path)/vigil" bench http --moto-python "$venv/bin/python" "$@"
