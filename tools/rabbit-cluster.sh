#!/usr/bin/env bash
# A separate 3-node RabbitMQ cluster on this machine for the functional
# tests that break a broker (node kill -9, memory alarm, stop_app): nodes
# tidings1@localhost..tidings3@localhost on AMQP ports 5673-5675, their
# own distribution ports, data, logs, config and (empty) plugin list under
# $TIDINGS_CLUSTER_DIR (default /tmp/tidings-rabbit-cluster).  Each node
# also listens for AMQP over TLS on 5683-5685, with a server certificate
# for localhost and 127.0.0.1 signed by a CA made for the cluster
# ($TIDINGS_CLUSTER_DIR/tls/ca.pem, what a client verifies it with).  The system
# node (rabbit@localhost on 5672) is never touched: nothing here reads
# /etc/rabbitmq.
#
#   tools/rabbit-cluster.sh start    # start or reuse; waits until clustered
#   tools/rabbit-cluster.sh stop     # stop the three nodes
#   tools/rabbit-cluster.sh status   # one line per node; exit 1 if one is down
#   tools/rabbit-cluster.sh restart-node N   # start node N again (after a kill)
#
# Uses the Erlang cookie of the rabbitmq user (/var/lib/rabbitmq) when run
# as root, ~/.erlang.cookie otherwise.
set -euo pipefail

DIR=${TIDINGS_CLUSTER_DIR:-/tmp/tidings-rabbit-cluster}
NODES=(1 2 3)
BIN=/usr/lib/rabbitmq/bin
[ -x "$BIN/rabbitmq-server" ] || BIN=$(dirname "$(command -v rabbitmq-server)")

node_name() { echo "tidings$1@localhost"; }
amqp_port() { echo $((5672 + $1)); }
dist_port() { echo $((25772 + $1)); }
tls_port() { echo $((5682 + $1)); }

# The cluster's CA and the nodes' server certificate (once).
make_tls() {
    local tls="$DIR/tls"
    [ -s "$tls/server.pem" ] && [ -s "$tls/ca.pem" ] && return 0
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
        -subj '/CN=tidings test cluster CA' \
        -keyout "$tls/ca.key" -out "$tls/ca.pem" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' \
        -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$tls/san.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" \
        -CAkey "$tls/ca.key" -CAcreateserial -days 3650 \
        -extfile "$tls/san.ext" -out "$tls/server.pem" >/dev/null 2>&1
    chmod 644 "$tls"/*.pem
}

# Run a RabbitMQ command as the user owning the cookie.
as_rabbit() {
    if [ "$(id -u)" = 0 ] && id -u rabbitmq >/dev/null 2>&1; then
        runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq PATH="$PATH" "$@"
    else
        "$@"
    fi
}

ctl() { as_rabbit "$BIN/rabbitmqctl" -q -n "$(node_name "$1")" "${@:2}"; }

port_up() { (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

node_running() { ctl "$1" eval 'ok.' >/dev/null 2>&1; }

prepare() {
    local n=$1 base="$DIR/node$1"
    mkdir -p "$base/mnesia" "$base/log"
    make_tls
    cat > "$base/rabbitmq.conf" <<EOF
listeners.tcp.local = 127.0.0.1:$(amqp_port "$n")
listeners.ssl.local = 127.0.0.1:$(tls_port "$n")
ssl_options.cacertfile = $DIR/tls/ca.pem
ssl_options.certfile = $DIR/tls/server.pem
ssl_options.keyfile = $DIR/tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
loopback_users.guest = true
log.file.level = info
EOF
    echo '[].' > "$base/enabled_plugins"
    : > "$base/rabbitmq-env.conf"
    if [ "$(id -u)" = 0 ] && id -u rabbitmq >/dev/null 2>&1; then
        chown -R rabbitmq: "$DIR"
    fi
}

start_node() {
    local n=$1 base="$DIR/node$1"
    if node_running "$n"; then
        port_up "$(tls_port "$n")" && return 0
        # started by an older version of this script, without TLS
        ctl "$n" stop >/dev/null 2>&1 || true
    fi
    prepare "$n"
    as_rabbit env \
        RABBITMQ_NODENAME="$(node_name "$n")" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$(amqp_port "$n")" \
        RABBITMQ_DIST_PORT="$(dist_port "$n")" \
        RABBITMQ_MNESIA_BASE="$base/mnesia" \
        RABBITMQ_LOG_BASE="$base/log" \
        RABBITMQ_CONFIG_FILE="$base/rabbitmq.conf" \
        RABBITMQ_CONF_ENV_FILE="$base/rabbitmq-env.conf" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins" \
        RABBITMQ_PLUGINS_EXPAND_DIR="$base/plugins-expand" \
        RABBITMQ_PID_FILE="$base/pid" \
        ERL_EPMD_ADDRESS=127.0.0.1 \
        ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}" \
        "$BIN/rabbitmq-server" -detached
}

await_node() {
    local n=$1
    for _ in $(seq 1 90); do
        if ctl "$n" await_startup >/dev/null 2>&1 && port_up "$(amqp_port "$n")" \
                && port_up "$(tls_port "$n")"; then
            return 0
        fi
        sleep 1
    done
    echo "rabbit-cluster: $(node_name "$n") did not start; see $DIR/node$n/log" >&2
    return 1
}

clustered() {
    # every node runs and node 1 sees the three as running members
    local status
    status=$(ctl 1 cluster_status --formatter json 2>/dev/null) || return 1
    for n in "${NODES[@]}"; do
        grep -q "\"running_nodes\":\[[^]]*\"$(node_name "$n")\"" <<<"$status" || return 1
    done
}

join() {
    local n=$1
    ctl "$n" stop_app >/dev/null
    ctl "$n" reset >/dev/null 2>&1
    ctl "$n" join_cluster "$(node_name 1)" >/dev/null 2>&1
    ctl "$n" start_app >/dev/null 2>&1
}

cmd_start() {
    for n in "${NODES[@]}"; do start_node "$n"; done
    for n in "${NODES[@]}"; do await_node "$n"; done
    if ! clustered; then
        for n in "${NODES[@]:1}"; do
            local members
            members=$(ctl 1 cluster_status --formatter json 2>/dev/null || true)
            if ! grep -q "\"disk_nodes\":\[[^]]*\"$(node_name "$n")\"" <<<"$members"; then
                join "$n"
            else
                ctl "$n" start_app >/dev/null 2>&1 || true
            fi
        done
        for n in "${NODES[@]}"; do await_node "$n"; done
        for _ in $(seq 1 30); do clustered && break; sleep 1; done
        clustered || { echo "rabbit-cluster: the nodes did not form a cluster" >&2; return 1; }
    fi
    echo "rabbit-cluster: running (AMQP 127.0.0.1:5673-5675, AMQP over TLS 5683-5685, data $DIR)"
}

cmd_stop() {
    for n in "${NODES[@]}"; do
        if node_running "$n"; then ctl "$n" stop >/dev/null 2>&1 || true; fi
    done
    echo "rabbit-cluster: stopped"
}

cmd_status() {
    local rc=0
    for n in "${NODES[@]}"; do
        if node_running "$n"; then
            echo "$(node_name "$n") running on 127.0.0.1:$(amqp_port "$n")"
        else
            echo "$(node_name "$n") down"; rc=1
        fi
    done
    clustered && echo "clustered: yes" || { echo "clustered: no"; rc=1; }
    return $rc
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    restart-node) start_node "$2"; await_node "$2"; ctl "$2" start_app >/dev/null 2>&1 || true ;;
    *) echo "usage: $0 start|stop|status|restart-node N" >&2; exit 2 ;;
esac
