#!/usr/bin/env bash
# Installs the real AWS clients the end-to-end tests drive (boto3 and the aws CLI, pinned) into a
# virtual environment under the build folder, once; prints its python's path.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/py
if ! "$venv/bin/python" -c "import boto3, awscli" >/dev/null 2>&1; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" >/dev/null 2>&1; then
    echo "vigil test: installing python3-venv" >&2
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  fi
  echo "vigil test: installing boto3 1.43.11 and awscli 1.45.11 into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "boto3==1.43.11" "awscli==1.45.11" >&2
fi
echo "$PWD/$venv/bin/python"
