#!/usr/bin/env bash
# Installs the real StatsD daemon (npm package "statsd") into .statsd/
# (ignored by git). The functional tests start it on a free port.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${TIDINGS_STATSD_DIR:-$top/.statsd}
if [ -f "$dir/node_modules/statsd/stats.js" ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "install-statsd: npm not found; StatsD functional tests will skip (fail under CI=true)" >&2
    exit 0
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name": "tidings-statsd", "private": true}' > package.json
npm install --no-audit --no-fund --silent statsd@0.9.0 >/dev/null
echo "install-statsd: installed $(node -e 'console.log(require("statsd/package.json").version)') into $dir"
