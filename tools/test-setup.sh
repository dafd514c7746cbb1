#!/usr/bin/env bash
# What the test suite needs besides Python packages: the real StatsD daemon
# (npm, into .statsd/), the AsyncAPI parser (npm, into .asyncapi/),
# graphviz's `dot` (the docs tests build the docs), a RabbitMQ cluster of
# the tests' own and Ceilometer's virtualenv.
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
# A RabbitMQ cluster of the tests' own (3 nodes on 5673-5675, the system
# broker untouched) for the functional tests that break a broker; started
# once and reused (tools/rabbit-cluster.sh stop stops it).
if command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    bash "$here/rabbit-cluster.sh" start >/dev/null ||
        echo "test-setup: could not start the test RabbitMQ cluster; its tests will skip (fail under CI=true)" >&2
else
    echo "test-setup: rabbitmq-server not found: the cluster tests will skip (fail under CI=true)" >&2
fi
# Ceilometer 27 in its own virtualenv (~/.cache/tidings/venv-ceilometer-27,
# once per machine, about 80 s) for tests/functional/test_ceilometer.py,
# which would otherwise create it on first use.
if ! python3 "$here/../tests/functional/ceilometer_peer.py" >/dev/null; then
    echo "test-setup: could not create the Ceilometer virtualenv; tests/functional/test_ceilometer.py will skip (fail under CI=true)" >&2
fi
