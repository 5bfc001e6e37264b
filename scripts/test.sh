#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "[test] installing Debian chromium (needed for end-to-end tests)" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
npx tsc -p tsconfig.json --noEmit
npx vitest run
npm run test:e2e
