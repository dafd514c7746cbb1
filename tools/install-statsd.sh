#!/usr/bin/env bash
# Installs the real StatsD daemon (npm package "statsd") into .statsd/
# (ignored by git). The functional tests start it on a free port.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
exec bash "$top/tools/install-npm.sh" "${TIDINGS_STATSD_DIR:-$top/.statsd}" \
    statsd 0.9.0 "StatsD functional tests"
