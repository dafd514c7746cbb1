"""The test RabbitMQ cluster of ``tools/rabbit-cluster.sh`` (three nodes
on 5673-5675, the system node untouched): its names, a node killed and
started again, and a consumer timing each arrival.  Shared by the
functional tests and ``benchmarks/messaging.py --cluster``."""

import json
import os
import signal
import subprocess
import threading
import time

import amqp

#: The first node, where a URL naming the three connects first.
NODE = 'tidings1@localhost'
PORTS = (5673, 5674, 5675)
DIR = os.environ.get('TIDINGS_CLUSTER_DIR', '/tmp/tidings-rabbit-cluster')
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'tools', 'rabbit-cluster.sh')
#: A transport URL naming the three nodes.
URL = 'rabbit://%s/' % ','.join('guest:guest@127.0.0.1:%d' % port
                                for port in PORTS)


def kill_node(n):
    """SIGKILL node ``n`` (1-3): the broker process dies at once."""
    with open('%s/node%d/pid' % (DIR, n)) as f:
        os.kill(int(f.read().strip()), signal.SIGKILL)


def restart_node(n):
    """Start node ``n`` again and wait until it is back in the cluster."""
    return subprocess.run(['bash', SCRIPT, 'restart-node', str(n)],
                          capture_output=True, timeout=300)


def message_id(body):
    """The message_id of a notification as it is on the wire (the
    oslo.messaging envelope or not)."""
    body = json.loads(body)
    if 'oslo.message' in body:
        body = json.loads(body['oslo.message'])
    return body['message_id']


class Consumer(threading.Thread):
    """A consumer of its own on one node, timing each arrival."""

    def __init__(self, port, queue):
        super().__init__(daemon=True)
        self.port, self.queue = port, queue
        self.arrivals = []      # (monotonic time, message_id)
        self.done = threading.Event()
        self.ready = threading.Event()

    def run(self):
        conn = amqp.Connection('127.0.0.1:%d' % self.port, userid='guest',
                               password='guest', connect_timeout=5)
        conn.connect()

        def on_message(message):
            self.arrivals.append((time.monotonic(),
                                  message_id(message.body)))

        channel = conn.channel()
        channel.basic_qos(0, 1000, False)
        channel.basic_consume(self.queue, callback=on_message, no_ack=True)
        self.ready.set()
        while not self.done.is_set():
            try:
                conn.drain_events(timeout=0.2)
            except TimeoutError:
                pass
        conn.close()

    def ids(self):
        return [mid for _, mid in self.arrivals]

    def first_of(self, ids):
        """When the first of ``ids`` arrived (monotonic), or None."""
        wanted = set(ids)
        return min((t for t, mid in self.arrivals if mid in wanted),
                   default=None)
