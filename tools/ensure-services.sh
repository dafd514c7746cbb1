#!/usr/bin/env bash
# Starts any of the local services the functional tests use that is down.
set -u
up() { (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_up() { for _ in $(seq 1 60); do up "$1" && return 0; sleep 1; done; echo "ensure-services: port $1 still down" >&2; return 1; }
rc=0
if ! up 5432; then pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start; wait_up 5432 || rc=1; fi
if ! up 3306; then start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; wait_up 3306 || rc=1; fi
if ! up 5672; then rabbitmq-server -detached; wait_up 5672 || rc=1; fi
if ! up 6379; then redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log; wait_up 6379 || rc=1; fi
# RabbitMQ's port opens before the app is ready: wait for it.
if command -v rabbitmqctl >/dev/null 2>&1; then
    for _ in $(seq 1 60); do rabbitmqctl -q await_startup >/dev/null 2>&1 && break; sleep 1; done
    rabbitmqctl -q start_app >/dev/null 2>&1 || true
fi
exit $rc
