#!/usr/bin/env bash
# What the test suite needs besides Python packages: the real StatsD daemon
# (npm, into .statsd/), the AsyncAPI parser (npm, into .asyncapi/) and
# graphviz's `dot` (the docs tests build the docs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/install-statsd.sh"
bash "$here/install-asyncapi.sh"
if ! command -v dot >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test-setup: installing graphviz (for the docs tests)"
        (apt-get update -qq && apt-get install -y -qq graphviz >/dev/null) ||
            echo "test-setup: could not install graphviz" >&2
    else
        echo "test-setup: graphviz 'dot' is missing: install it (apt-get install graphviz)" >&2
    fi
fi
