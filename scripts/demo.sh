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
# The dashboards' preview page (the plugin's real panels, served by the collector at /preview/).
if [ ! -d plugin/node_modules ] || [ plugin/package-lock.json -nt plugin/node_modules/.package-lock.json ]; then
  npm ci --prefix plugin --no-audit --no-fund
fi
npm run --prefix plugin --silent build:preview
# Node flags as in collector/src/runtime/node-flags.ts.
exec node --max-semi-space-size=32 collector/dist/main.js --demo "$@"
