#!/usr/bin/env bash
# Installs what the console's browser tests need: Debian's Chromium and Python Playwright
# (which drives that Chromium through executable_path; Playwright's own browser download is
# never used, it cannot reach its servers here). Idempotent; run by `make test`.
set -euo pipefail
VENV_BIN="${1:-.venv/bin}"
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
"$VENV_BIN/pip" install -q 'playwright>=1.40,<2'
