#!/usr/bin/env bash
# Installs the real AWS clients the end-to-end tests drive (boto3 and the aws CLI, pinned), and the
# independent checkers (cryptography, aiosmtpd), into a
# virtual environment under the build folder, once; prints its python's path.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/py
if ! "$venv/bin/python" -c "import boto3, awscli, cryptography, aiosmtpd" >/dev/null 2>&1; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" >/dev/null 2>&1; then
    echo "vigil test: installing python3-venv" >&2
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  fi
  echo "vigil test: installing boto3 1.43.11, awscli 1.45.11, cryptography 46.0.3 and aiosmtpd 1.4.6 into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  # cryptography verifies SNS signatures as receivers do; aiosmtpd is the SMTP sink e-mail tests send to.
  "$venv/bin/pip" install -q "boto3==1.43.11" "awscli==1.45.11" "cryptography==46.0.3" "aiosmtpd==1.4.6" >&2
fi
echo "$PWD/$venv/bin/python"
