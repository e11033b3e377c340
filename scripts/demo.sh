#!/usr/bin/env bash
# The whole local demo in one command: installs what is missing, builds, then starts InfluxDB and
# the collector with the demo company (a year of history backfilled) and prints the URLs.
# Extra arguments go to the collector, e.g. `bash scripts/demo.sh --speed 60`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-services.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
exec node collector/dist/main.js --demo "$@"
