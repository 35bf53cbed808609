#!/usr/bin/env bash
# Installs the comparison peers into bench/.peers only (never the product's .venv or deps).
# Idempotent: `make bench` calls it every time and it does nothing once both are present.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .peers
if [ ! -f .peers/node_modules/aws-local-stepfunctions/package.json ]; then
  [ -f .peers/package.json ] || echo '{"private": true}' > .peers/package.json
  # 3.x declares node>=22 but runs on the node 20 here; the warning is expected.
  npm install --silent --no-audit --no-fund --prefix .peers 'aws-local-stepfunctions@^3'
fi
if [ ! -x .peers/venv/bin/moto_server ]; then
  "${PYTHON:-python3}" -m venv .peers/venv
  .peers/venv/bin/pip install -q 'moto[server]>=5.2.5'
fi
