#!/usr/bin/env bash
# npm run test:e2e: builds the web app, runs the Playwright suite against a real server whose
# embedded database and log are kept in .e2e/, then scans both for card and bank numbers.
# Extra arguments go to `playwright test`.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .e2e
mkdir -p .e2e
npx vite build --config web/vite.config.ts --logLevel warn
E2E_DATA_DIR="$PWD/.e2e/db" E2E_LOG_FILE="$PWD/.e2e/server.log" E2E_LOG_LEVEL=info npx playwright test "$@"
npx tsx test/scan-e2e.ts "$PWD/.e2e/db" "$PWD/.e2e/server.log"
