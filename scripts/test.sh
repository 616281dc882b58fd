#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, then `swift test` (Swift Testing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The gzip tests compare the decoder with gzip and with Python's zlib, as real compressors; the live-tail
# tests read Server-Sent Events through curl and run `vigil tail --follow` in a tmux pane.
if ! command -v gzip >/dev/null || ! command -v python3 >/dev/null || ! command -v curl >/dev/null \
  || ! command -v tmux >/dev/null; then
  echo "vigil test: installing gzip, python3, curl and tmux (reference compressors, an SSE client, a terminal)" >&2
  apt-get update -qq && apt-get install -y -qq gzip python3 curl tmux >/dev/null
fi
# Style never drifts: the checked-in .swift-format (120 columns), warnings as errors.
swift format lint --strict --recursive --parallel Package.swift Sources Tests Fuzz
swift build --build-tests
# The end-to-end tests drive `vigil serve` with the real clients: boto3 and the aws CLI, pinned.
VIGIL_PYTHON="$(scripts/python-clients.sh)"
export VIGIL_PYTHON
# A hung test fails the run within a deadline and names itself, with every process it left running
# (the whole suite takes a few minutes; CI's own limit would otherwise pass silently).
python3 scripts/deadline.py "${VIGIL_TEST_DEADLINE:-1200}" swift test --skip-build
# Every parser under libFuzzer for a few seconds each (docs/fuzzing.md), so a regression shows at once.
scripts/fuzz.sh --seconds 6
