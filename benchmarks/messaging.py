"""Notifications delivered through RabbitMQ: tidings beside its peers.

All against the local RabbitMQ (``--url``), with the demo catalog's
``demo.backup.create.start`` payload (a small nested payload), each path
publishing to its own fresh topic:

- ``tidings_per_s``: notify() N times, as fast as the caller goes, until
  the broker confirmed every message (publisher confirms, pipelined);
- ``oslo_messaging_per_s``: oslo.messaging ``Notifier`` (messagingv2, its
  rabbit driver confirms each message) with the same wire payload;
- ``kombu_confirmed_per_s``: kombu ``Producer.publish`` with
  ``confirm_publish`` (one confirm per message);
- ``nova_per_s`` (``--with-nova``, else null): Nova 34's full
  ``ServiceStatusNotification.emit`` through the same broker (its
  messagingv2 driver, rabbit transport, confirms on; a unique exchange and
  topic), run in Nova's own virtualenv (see nova_peer.py); counted only
  when the queue holds every message it sent;
- ``caller_p50_us`` / ``caller_p99_us`` / ``caller_max_us``: notify()
  latency at a steady ``--rate`` for ``--steady`` seconds: the median
  over ``--rounds`` runs (each round's p99 in ``caller_p99_rounds_us``),
  the max of all;
- ``caller_gc_max_us`` / ``steady_full_collections``: the longest
  garbage-collector pass on the caller's thread during the steady runs,
  and the full passes on any thread (see the outage keys below);
- ``floor_caller_p50_us`` / ``floor_caller_p99_us`` /
  ``floor_caller_max_us``: the same paced loop with the noop backend (the
  machine's own jitter and the cost of building the notification, no
  sender thread), run right after each steady run;
  ``caller_over_floor_p99_us``: the median of what the messaging backend
  adds to the floor's p99 in the same round;
- ``ledger_records_per_s`` / ``ledger_cpu_us_per_notification``: the
  records of the outbox ledger (what the process holds in memory, for
  ``lost_at_crash``) during the steady runs, per second, and the CPU time
  of the backend's thread writing them over the notifications emitted
  (null for a tidings without the ledger);
- with ``--persist-first``: ``persist_caller_p50_us`` /
  ``persist_caller_p99_us`` / ``persist_caller_max_us`` (and each round's
  p99 in ``persist_caller_p99_rounds_us``): the same steady run with
  ``[backend_messaging] persist_before_return = true`` (notify() commits
  the outbox row before it returns), one per round after the floor run;
- ``outage_caller_max_us``: worst notify() latency while the broker is
  stopped (``rabbitmqctl stop_app`` for ``--outage`` seconds, then
  ``start_app``) at the same rate, ``outage_caller_p99_us`` beside it;
- ``outage_full_collections`` / ``outage_full_collection_max_us``: the
  garbage collector's full passes during that window (on any thread: one
  holds every thread up for its whole length), and the longest;
  ``outage_caller_gc_max_us``: the longest pass of any generation run on
  the caller's thread there (when it is close to the caller's max, the
  interpreter made that call slow);
- ``lost``: message_ids of the outage run missing from the queue after
  the replay (durable queue, read back with a plain AMQP consumer);
- ``drain_rows_per_s`` (``--drain-backlog`` rows, 20,000 by default; not
  with ``--no-drain``): a backlog left in the outbox by a notifier whose
  broker refused connections, replayed by a fresh notifier on the real
  broker while it notifies at ``--rate``: backlog rows replayed per
  second, from the notifier's start until the last of them is confirmed
  (``drain_seconds``), and ``drain_over_live_rate``, its ratio to the
  live rate; ``drain_steady_rows_per_s``: the same from the first batch
  confirmed (``drain_first_replayed_s`` after the start: the notifier's
  startup, its connection and the first batch); ``drain_cpu_us_per_row``:
  this process's CPU time (every thread: the caller, the sender writing
  the live notifications to the outbox, the replay) over the backlog rows
  replayed and the live notifications emitted meanwhile, and
  ``drain_cpu_share``, that CPU time over the wall time (well under 1.0:
  the process waited for the broker or for a CPU); ``drain_lost``:
  messages the queue holds fewer than were emitted (backlog and live);
  ``drain_broker_cpu_us_per_row``: the broker's CPU time (the process
  listening on port 5672, found in /proc) over the same rows;
  ``--only drain`` runs nothing else, ``--rounds`` times: the medians,
  each run's figures in ``drain_rounds``; with ``--base TREE`` each round
  is a pair of runs, TREE's tidings and this checkout's, which goes first
  alternating (``base_*`` beside ``drain_*``, each pair in
  ``drain_pairs``);
- with ``--cluster``: ``cluster_quorum_per_s`` beside ``single_per_s``,
  ``tidings_per_s`` on the 3-node test cluster (``tools/rabbit-cluster.sh
  start``; the URL names the three nodes, quorum queues) and on the
  single broker, alternately ``--rounds`` times (medians, each round in
  ``*_rounds_per_s``), and ``cluster_over_single``, their ratio; then the
  publisher's node killed: ``node_kill_first_delivery_s``, the seconds
  from the first node's SIGKILL to the first delivery (to a consumer on
  the third node) of a notification emitted after it, at ``--rate`` with
  quorum queues, with ``node_kill_lost``, ``node_kill_duplicates`` (and
  ``node_kill_duplicates_possible``, what the backend said to expect) and
  the callers' ``node_kill_caller_p99_us`` / ``node_kill_caller_max_us``;
- ``pinned`` (``--pin``): this process on the first CPU and the local
  RabbitMQ on the others, as the operator guide advises, else null: on a
  two-CPU machine the broker otherwise takes the caller's CPU while it
  handles the messages, and the caller's tail shows the broker's work;
- ``load_avg_start`` / ``load_avg_end``: the machine's 1-minute load
  average around the run (the caller's tail follows it: on a busy machine
  the OS, not tidings, makes most slow calls);
- with ``--sched`` (Linux): ``caller_slow_calls`` (notify() calls over
  100 µs in the steady run) and ``caller_slow_runq`` (how many of them
  spent at least half their time waiting for a CPU in the run queue, read
  from /proc/self/task/<tid>/schedstat outside the timed window).

    python benchmarks/messaging.py [--json] [--count 10000] [--rate 2000]
        [--rounds 3] [--outage 10] [--no-outage] [--with-nova] [--sched]
        [--gc-freeze] [--pin] [--persist-first] [--drain-backlog 20000]
        [--no-drain] [--only drain [--base TREE]] [--cluster]

The outage part needs ``rabbitmqctl`` (run as root); it always starts the
broker again.
"""

import argparse
import gc
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings

import common

warnings.filterwarnings('ignore')

HERE = os.path.dirname(os.path.abspath(__file__))
URL = os.environ.get('TIDINGS_TEST_RABBIT_URL',
                     'rabbit://guest:guest@127.0.0.1:5672/')


def percentile(values, pct):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * pct / 100.0))]


def topic():
    return 'bench_%s' % uuid.uuid4().hex[:10]


def sample():
    from tidings.catalogs.demo import events
    return events.sample_backup()


def make_notifier(url, state, topic_name, durable=False, exchange=None,
                  rabbit=None, **options):
    from tidings import conf as tidings_conf
    from tidings.catalogs.demo import events
    from tidings.notifications import Notifier
    conf = tidings_conf.new_conf()
    conf.set_override('state_path', state, 'notifications')
    conf.set_override('backends', ['messaging'], 'notifications')
    conf.set_override('transport_url', url, 'backend_messaging')
    conf.set_override('topics', [topic_name], 'backend_messaging')
    for key, value in options.items():
        conf.set_override(key, value, 'backend_messaging')
    if durable or rabbit:
        # A durable exchange of its own: durability must never leak onto
        # the shared 'openstack' exchange other services declare.
        from oslo_messaging import opts
        for group, group_opts in opts.list_opts():
            if group in (None, 'oslo_messaging_rabbit'):
                conf.register_opts(group_opts, group=group)
        if durable:
            conf.set_override('amqp_durable_queues', True,
                              'oslo_messaging_rabbit')
        for key, value in (rabbit or {}).items():
            conf.set_override(key, value, 'oslo_messaging_rabbit')
        conf.set_override('control_exchange', exchange)
    return Notifier(conf, [events.EVENTS], source='bench')


def amqp_connection(port=5672):
    import amqp
    conn = amqp.Connection('127.0.0.1:%d' % port, userid='guest',
                           password='guest', connect_timeout=5)
    conn.connect()
    return conn


def delete_queues(names, exchange=None, port=5672):
    try:
        conn = amqp_connection(port)
        channel = conn.channel()
        for name in names:
            channel.queue_delete(name)
        if exchange:
            channel.exchange_delete(exchange)
        conn.close()
    except Exception:
        pass


def read_message_ids(queue_name, timeout=5.0):
    """Every message_id in the queue (read, acked: the queue is emptied)."""
    conn = amqp_connection()
    channel = conn.channel()
    ids = []
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < timeout:
        msg = channel.basic_get(queue_name, no_ack=True)
        if msg is None:
            time.sleep(0.05)
            continue
        idle_since = time.monotonic()
        body = json.loads(msg.body)
        if 'oslo.message' in body:
            body = json.loads(body['oslo.message'])
        ids.append(body['message_id'])
        if len(ids) % 1000 == 0:
            idle_since = time.monotonic()
    channel.queue_delete(queue_name)
    conn.close()
    return ids


# the paths


def bench_tidings(url, count, state, rabbit=None, port=5672):
    """notify() ``count`` times until every message is confirmed;
    (delivered/s or None, stats).  ``rabbit``: [oslo_messaging_rabbit]
    overrides (then on an exchange of its own), ``port``: the broker's
    port for the clean-up."""
    from tidings.catalogs.demo import events
    name = topic()
    exchange = None
    if rabbit:
        exchange = 'bench_exchange_%s' % uuid.uuid4().hex[:10]
    notifier = make_notifier(url, state, name, rabbit=rabbit,
                             exchange=exchange,
                             queue_size=max(count, 10000))
    backend = notifier.backend('messaging')
    payload = sample()
    event = events.EVENT_TYPE_BACKUP_CREATE_START
    notifier.notify(event, payload)            # connect, declare
    backend.wait_delivered(10)
    start = time.perf_counter()
    for _ in range(count):
        notifier.notify(event, payload)
    delivered = backend.wait_delivered(120)
    elapsed = time.perf_counter() - start
    stats = backend.stats()
    notifier.close()
    delete_queues([name + '.info'], exchange, port)
    return (count / elapsed if delivered else None), stats


#: The test cluster of tools/rabbit-cluster.sh: three nodes, 5673-5675.
CLUSTER_PORTS = (5673, 5674, 5675)
CLUSTER_URL = 'rabbit://%s/' % ','.join(
    'guest:guest@127.0.0.1:%d' % port for port in CLUSTER_PORTS)


def bench_cluster(url, count, state, rounds=3):
    """``tidings_per_s`` on one broker (``url``) and on the 3-node test
    cluster with quorum queues, alternately ``rounds`` times: the medians
    and their ratio (cluster / single)."""
    single, cluster = [], []
    for _ in range(rounds):
        single.append(bench_tidings(url, count, state)[0] or 0.0)
        cluster.append(bench_tidings(
            CLUSTER_URL, count, state, rabbit={'rabbit_quorum_queue': True},
            port=CLUSTER_PORTS[0])[0] or 0.0)
    single_per_s = statistics.median(single)
    cluster_per_s = statistics.median(cluster)
    return {'single_per_s': single_per_s,
            'single_rounds_per_s': [round(v) for v in single],
            'cluster_quorum_per_s': cluster_per_s,
            'cluster_quorum_rounds_per_s': [round(v) for v in cluster],
            'cluster_over_single': cluster_per_s / single_per_s
            if single_per_s else None}


def broker_pid(port=5672):
    """The pid of the process listening on 127.0.0.1:``port`` (the
    broker), read from /proc (Linux, run as root or as the broker's
    user), or None."""
    try:
        with open('/proc/net/tcp') as table:
            lines = table.read().splitlines()[1:]
    except OSError:
        return None
    wanted = '0100007F:%04X' % port
    inodes = {fields[9] for fields in map(str.split, lines)
              if fields[1] == wanted and fields[3] == '0A'}
    links = {'socket:[%s]' % inode for inode in inodes}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            fds = os.listdir('/proc/%s/fd' % pid)
            if any(os.readlink('/proc/%s/fd/%s' % (pid, fd)) in links
                   for fd in fds):
                return int(pid)
        except OSError:
            continue
    return None


def process_cpu(pid):
    """CPU seconds (user + system) process ``pid`` used so far, or None."""
    if pid is None:
        return None
    try:
        with open('/proc/%d/stat' % pid) as stat:
            fields = stat.read().rsplit(')', 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def bench_node_kill(rate, state, before=1.0, after=4.0):
    """Quorum queues on the test cluster, a consumer on the third node,
    notify() at ``rate``; the first node (where the publisher connected)
    killed with SIGKILL after ``before`` seconds, then ``after`` seconds
    more; the node started again.  The seconds from the kill to the
    first delivery of a notification emitted after it, lost and
    duplicates (read by the consumer), the callers' p99/max."""
    if os.path.dirname(HERE) not in sys.path:
        sys.path.append(os.path.dirname(HERE))
    from tests.functional import cluster
    from tidings.catalogs.demo import events
    name = topic()
    notifier = make_notifier(cluster.URL, state, name, exchange=name,
                             rabbit={'rabbit_quorum_queue': True},
                             publish_timeout=1.0)
    backend = notifier.backend('messaging')
    event, payload = events.EVENT_TYPE_BACKUP_CREATE_START, sample()
    ids = []
    latencies = paced(notifier, event, payload, rate, 0.2, ids)
    backend.wait_delivered(20)
    consumer = cluster.Consumer(cluster.PORTS[2], name + '.info')
    consumer.start()
    consumer.ready.wait(10)
    latencies += paced(notifier, event, payload, rate, before, ids)
    killed_at, at_kill = time.monotonic(), len(ids)
    cluster.kill_node(1)
    try:
        latencies += paced(notifier, event, payload, rate, after, ids)
        delivered = backend.wait_delivered(60)
        deadline = time.monotonic() + 30
        while set(ids) - set(consumer.ids()) and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        stats = backend.stats()
        notifier.close()
    finally:
        consumer.done.set()
        consumer.join(5)
        cluster.restart_node(1)
    first = consumer.first_of(ids[at_kill:])
    received = consumer.ids()
    return {'node_kill_first_delivery_s': None if first is None
            else first - killed_at,
            'node_kill_emitted': len(ids),
            'node_kill_lost': len(set(ids) - set(received))
            if delivered else None,
            'node_kill_duplicates': len(received) - len(set(received)),
            'node_kill_duplicates_possible':
                stats['replay_duplicates_possible'],
            'node_kill_caller_p99_us': percentile(latencies, 99),
            'node_kill_caller_max_us': max(latencies)}


def fill_outbox(state, name, count):
    """``count`` notifications of topic ``name`` left in the outbox under
    ``state`` by a notifier whose broker refuses connections (a port
    nothing listens on), closed: what a service finds after an outage."""
    from tidings.catalogs.demo import events
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        dead = sock.getsockname()[1]
    notifier = make_notifier(
        'rabbit://guest:guest@127.0.0.1:%d/' % dead, state, name,
        queue_size=count, overflow_size=count, publish_timeout=0.5)
    backend = notifier.backend('messaging')
    payload = sample()
    event = events.EVENT_TYPE_BACKUP_CREATE_START
    for _ in range(count):
        notifier.notify(event, payload)
    notifier.close(60)
    return backend.stats()['outbox']


def bench_replay_drain(url, backlog, rate, state, timeout=60.0):
    """A backlog of ``backlog`` rows in the outbox replayed by a fresh
    notifier while it notifies at ``rate`` per second: the backlog's
    rows replayed per second (counted until the backlog is gone, or
    ``timeout``), its ratio to the live rate, and lost (read back from
    the queue, backlog and live)."""
    from tidings.catalogs.demo import events
    name = topic()
    left = fill_outbox(state, name, backlog)
    broker = broker_pid()
    broker_start = process_cpu(broker)
    cpu_start = time.process_time()
    start = time.perf_counter()
    notifier = make_notifier(url, state, name)
    backend = notifier.backend('messaging')
    counters = backend.counters
    drained, first = [], []

    def during(_t):
        replayed = counters['replayed']
        if not first and replayed:
            first.append((time.perf_counter() - start, replayed))
        if not drained and replayed >= left:
            drained.append(time.perf_counter() - start)
        if drained or time.perf_counter() - start > timeout:
            raise StopIteration

    ids = []
    try:
        paced(notifier, events.EVENT_TYPE_BACKUP_CREATE_START, sample(),
              rate, timeout, ids, during)
    except StopIteration:
        pass
    elapsed = drained[0] if drained else time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    broker_cpu = process_cpu(broker)
    if broker_cpu is not None and broker_start is not None:
        broker_cpu -= broker_start
    replayed = min(counters['replayed'], left)
    delivered = backend.wait_delivered(120)
    stats = backend.stats()
    notifier.close()
    queued = queue_length(name + '.info', left + len(ids), timeout=10)
    delete_queues([name + '.info'])
    per_s = replayed / elapsed
    steady = None
    if first and elapsed > first[0][0]:
        steady = (replayed - first[0][1]) / (elapsed - first[0][0])
    return {'drain_backlog': left, 'drain_rows_per_s': per_s,
            'drain_first_replayed_s': first[0][0] if first else None,
            'drain_cpu_share': cpu / elapsed,
            'drain_cpu_us_per_row': cpu * 1e6 / max(1, replayed + len(ids)),
            'drain_broker_cpu_us_per_row': None if broker_cpu is None
            else broker_cpu * 1e6 / max(1, replayed + len(ids)),
            'drain_steady_rows_per_s': steady,
            'drain_over_live_rate': per_s / rate,
            'drain_seconds': elapsed, 'drain_done': bool(drained),
            'drain_live_emitted': len(ids),
            'drain_lost': None if not delivered else max(
                0, left + len(ids) - queued),
            'drain_stats': stats}


#: The drain figures --only drain gives as medians (and per run).
DRAIN_KEYS = ('drain_rows_per_s', 'drain_over_live_rate',
              'drain_cpu_us_per_row', 'drain_broker_cpu_us_per_row',
              'drain_steady_rows_per_s', 'drain_seconds', 'drain_cpu_share')


def drain_rounds(args, state):
    """``--only drain``: :func:`bench_replay_drain` ``--rounds`` times;
    the medians of its figures, each run's in ``drain_rounds``.  With
    ``--base TREE``, each round is a pair of runs in child processes, one
    with TREE's tidings and one with this checkout's, which goes first
    alternating: ``base_*`` beside ``drain_*`` and each pair's ratio
    (head / base) in ``drain_pairs``."""
    if args.base:
        return drain_pairs(args)
    runs = [bench_replay_drain(args.url, args.drain_backlog, args.rate,
                               state) for _ in range(args.rounds)]
    out = dict(runs[-1], **drain_medians(runs))
    out['drain_rounds'] = [
        {key: round(run[key], 2) if isinstance(run[key], float) else run[key]
         for key in DRAIN_KEYS[:4] + ('drain_lost',)}
        for run in runs]
    out['rate'] = args.rate
    return out


def drain_medians(runs, prefix='drain_'):
    out = {}
    for key in DRAIN_KEYS:
        values = [run[key] for run in runs if run.get(key) is not None]
        out[prefix + key[len('drain_'):]] = statistics.median(
            values) if values else None
    return out


def drain_child(tree, args):
    """One --only drain run in a child process with ``tree``'s tidings."""
    env = dict(os.environ, PYTHONPATH=tree)
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), '--only', 'drain',
         '--rounds', '1', '--json', '--url', args.url, '--rate',
         str(args.rate), '--drain-backlog', str(args.drain_backlog)],
        env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def drain_pairs(args):
    head_tree = os.path.dirname(HERE)
    base_tree = os.path.abspath(args.base)
    head, base, pairs = [], [], []
    for index in range(args.rounds):
        order = [('base', base_tree), ('head', head_tree)]
        if index % 2:
            order.reverse()
        got = {label: drain_child(tree, args) for label, tree in order}
        head.append(got['head'])
        base.append(got['base'])
        pairs.append({
            'first': order[0][0],
            'rows_per_s': [round(got['base']['drain_rows_per_s']),
                           round(got['head']['drain_rows_per_s'])],
            'cpu_us_per_row': [round(got['base']['drain_cpu_us_per_row'], 1),
                               round(got['head']['drain_cpu_us_per_row'], 1)],
            'lost': [got['base']['drain_lost'], got['head']['drain_lost']],
            'load_avg': round(got['head']['load_avg_end'], 1)})
    out = dict(drain_medians(head), **drain_medians(base, 'base_'))
    out['drain_pairs'] = pairs
    out['base'] = base_tree
    out['rate'] = args.rate
    return out


def bench_oslo(url, count):
    import oslo_messaging
    from oslo_config import cfg
    name = topic()
    conf = cfg.ConfigOpts()
    conf([])
    transport = oslo_messaging.get_notification_transport(conf, url=url)
    notifier = oslo_messaging.Notifier(transport, 'bench:host',
                                       driver='messagingv2', topics=[name])
    payload = sample().obj_to_primitive()
    notifier.info({}, 'demo.backup.create.start', payload)
    start = time.perf_counter()
    for _ in range(count):
        notifier.info({}, 'demo.backup.create.start', payload)
    elapsed = time.perf_counter() - start
    transport.cleanup()
    delete_queues([name + '.info'])
    return count / elapsed


def bench_kombu(count):
    import kombu
    name = topic()
    payload = sample().obj_to_primitive()
    with kombu.Connection('amqp://guest:guest@127.0.0.1:5672//',
                          transport_options={'confirm_publish': True}) as c:
        exchange = kombu.Exchange('openstack', 'topic', durable=False)
        queue = kombu.Queue(name, exchange, routing_key=name, durable=False)
        producer = c.Producer()
        queue(c.default_channel).declare()
        start = time.perf_counter()
        for _ in range(count):
            producer.publish({'payload': payload}, exchange=exchange,
                             routing_key=name, serializer='json')
        elapsed = time.perf_counter() - start
        queue(c.default_channel).delete()
    return count / elapsed


def bench_nova(url, count):
    """Nova's emit through the broker, per second (None when it failed or
    the queue does not hold every message it sent)."""
    sys.path.insert(0, HERE)
    import nova_peer
    name = topic()
    exchange = 'bench_nova_%s' % uuid.uuid4().hex[:10]
    try:
        result = nova_peer.run(nova_peer.BUS_SCRIPT, url, name, exchange,
                               count)
        if result is None:
            return None
        queued = queue_length(name + '.info', result['emitted'])
        if queued != result['emitted']:
            print('nova: %d messages sent, %d in the queue' % (
                result['emitted'], queued), file=sys.stderr)
            return None
        return result['nova_per_s']
    finally:
        delete_queues([name + '.info'], exchange)


def queue_length(name, expected, timeout=5.0):
    """Messages in queue ``name``, waiting up to ``timeout`` for
    ``expected``."""
    conn = amqp_connection()
    try:
        deadline = time.monotonic() + timeout
        while True:
            channel = conn.channel()
            _, count, _ = channel.queue_declare(name, passive=True)
            channel.close()
            if count >= expected or time.monotonic() > deadline:
                return count
            time.sleep(0.1)
    finally:
        conn.close()


class frozen_gc:
    """With ``on``, gc.freeze() around the block, as a service would once
    at the end of its startup (what it imported is never scanned again).
    """

    def __init__(self, on):
        self.on = on

    def __enter__(self):
        if self.on:
            gc.collect()
            gc.freeze()

    def __exit__(self, *exc_info):
        if self.on:
            gc.unfreeze()


class GcWatch:
    """The garbage collector's passes during a block: how many full
    (generation 2) passes ran, on any thread, and the longest pass of any
    generation that ran on this thread (the caller's): when a caller's
    worst call is one of those, the interpreter, not the backend, made
    it slow."""

    def __init__(self):
        self.full = 0
        self.full_max_us = 0.0
        self.caller_max_us = 0.0
        self._started = {}
        self._caller = threading.get_ident()

    def _callback(self, phase, info):
        ident = threading.get_ident()
        if phase == 'start':
            self._started[ident] = time.perf_counter()
            return
        took = (time.perf_counter() - self._started.pop(
            ident, time.perf_counter())) * 1e6
        if info['generation'] == 2:
            self.full += 1
            self.full_max_us = max(self.full_max_us, took)
        if ident == self._caller:
            self.caller_max_us = max(self.caller_max_us, took)

    def __enter__(self):
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc_info):
        gc.callbacks.remove(self._callback)


def paced(notifier, event, payload, rate, seconds, ids=None,
          during=None, sched=None):
    """notify() at ``rate`` per second for ``seconds``; the latency of
    each call in µs.  ``during(t)`` is called between calls.  With
    ``sched`` (a list), each call's run-queue wait in µs is appended to
    it (read before and after the timed window)."""
    latencies = []
    interval = 1.0 / rate
    stats = common.SchedStat() if sched is not None else None
    if stats is not None and stats.fd is None:
        stats = None
    waited = 0
    start = time.perf_counter()
    next_at = start
    end = start + seconds
    while True:
        now = time.perf_counter()
        if now >= end:
            break
        if now < next_at:
            time.sleep(min(next_at - now, 0.001))
            continue
        next_at += interval
        if stats is not None:
            waited = stats.read()[1]
        t0 = time.perf_counter()
        note = notifier.notify(event, payload)
        latencies.append((time.perf_counter() - t0) * 1e6)
        if stats is not None:
            sched.append((stats.read()[1] - waited) * 1e6)
        if ids is not None:
            ids.append(note.message_id)
        if during is not None:
            during(now - start)
    if stats is not None:
        stats.close()
    return latencies


def watch_ledger(backend):
    """Count the records of ``backend``'s outbox ledger and the CPU time
    of the thread writing each: ``[records, seconds]``, or None for a
    tidings without the ledger."""
    record = getattr(backend.outbox, 'record', None)
    if record is None:
        return None
    seen = [0, 0.0]

    def timed(*args, **kwargs):
        began = time.thread_time()
        try:
            return record(*args, **kwargs)
        finally:
            seen[0] += 1
            seen[1] += time.thread_time() - began
    backend.outbox.record = timed
    return seen


def bench_steady(url, rate, seconds, state, sched=None, freeze=False,
                 passes=None, ledgers=None, **options):
    """The paced run through the broker; the latencies.  ``passes`` (a
    list) gets the run's GcWatch, ``ledgers`` what watch_ledger saw;
    ``options`` are [backend_messaging] overrides
    (persist_before_return)."""
    from tidings.catalogs.demo import events
    name = topic()
    notifier = make_notifier(url, state, name, **options)
    backend = notifier.backend('messaging')
    payload = sample()
    event = events.EVENT_TYPE_BACKUP_CREATE_START
    notifier.notify(event, payload)
    backend.wait_delivered(10)
    ledger = watch_ledger(backend)
    with frozen_gc(freeze), GcWatch() as watch:
        latencies = paced(notifier, event, payload, rate, seconds,
                          sched=sched)
    if passes is not None:
        passes.append(watch)
    if ledgers is not None and ledger is not None:
        ledgers.append(ledger[:])
    backend.wait_delivered(30)
    notifier.close()
    delete_queues([name + '.info'])
    return latencies


def bench_floor(rate, seconds, freeze=False):
    """The same paced notify() with the noop backend: what this machine's
    own jitter costs the caller, without any sender thread."""
    from tidings import conf as tidings_conf
    from tidings.backends import noop
    from tidings.catalogs.demo import events
    from tidings.notifications import Notifier
    conf = tidings_conf.new_conf()
    notifier = Notifier(conf, [events.EVENTS], source='bench',
                        backends=[noop.NoopBackend(conf)])
    with frozen_gc(freeze):
        return paced(notifier, events.EVENT_TYPE_BACKUP_CREATE_START,
                     sample(), rate, seconds)


def broker_wait(up, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            amqp_connection().close()
            if up:
                return True
        except Exception:
            if not up:
                return True
        time.sleep(0.2)
    return False


def bench_outage(url, rate, outage, state, freeze=False):
    """Stop the broker for ``outage`` seconds while notifying at ``rate``;
    (latencies during the outage, all latencies, lost, stats).  With
    ``freeze``, gc.freeze() once the notifier is set up, as a service
    following the operator guide does at the end of its startup."""
    from tidings.catalogs.demo import events
    name = topic()
    exchange = 'bench_exchange_%s' % uuid.uuid4().hex[:10]
    notifier = make_notifier(url, state, name, durable=True,
                             exchange=exchange)
    backend = notifier.backend('messaging')
    payload = sample()
    event = events.EVENT_TYPE_BACKUP_CREATE_START
    ids = []
    notifier.notify(event, payload)   # declares the durable queue
    backend.wait_delivered(10)
    ids_warm = []
    before = paced(notifier, event, payload, rate, 1.0, ids_warm)
    stopper = threading.Thread(target=subprocess.run, args=(
        ['rabbitmqctl', 'stop_app'],), kwargs={'capture_output': True})
    during = []
    with frozen_gc(freeze):
        try:
            stopper.start()
            # the stop itself takes a moment; the outage window is counted
            # from when connections are refused
            with GcWatch() as passes:
                during += paced(notifier, event, payload, rate, outage, ids)
        finally:
            stopper.join()
            subprocess.run(['rabbitmqctl', 'start_app'], capture_output=True)
            broker_wait(True)
        after = paced(notifier, event, payload, rate, 2.0, ids)
    delivered = backend.wait_delivered(60)
    stats = backend.stats()
    notifier.close()
    received = set(read_message_ids(name + '.info'))
    delete_queues([], exchange)
    sent = ids_warm + ids
    lost = sum(1 for mid in sent if mid not in received)
    return during, before + during + after, lost, delivered, stats, \
        passes


def steady_rounds(args, state):
    """The steady run and the floor, alternately, ``--rounds`` times.

    The machine's own jitter moves from one run to the next (the floor's
    p99 varies by half on a shared VM), so each round pairs a steady run
    with a floor run made just after it; the figures are the median over
    the rounds, every round's p99 is reported beside them, and the max is
    the worst call of all rounds.
    """
    rounds = []
    passes = []
    ledgers = []
    sched = [] if args.sched else None
    persisted = []
    for _ in range(args.rounds):
        steady = bench_steady(args.url, args.rate, args.steady, state,
                              sched, args.gc_freeze, passes, ledgers)
        floor = bench_floor(args.rate, args.steady, args.gc_freeze)
        rounds.append((steady, floor))
        if args.persist_first:
            persisted.append(bench_steady(
                args.url, args.rate, args.steady, state, None,
                args.gc_freeze, persist_before_return=True))
    out = {
        'caller_p50_us': statistics.median(
            percentile(steady, 50) for steady, _ in rounds),
        'caller_p99_us': statistics.median(
            percentile(steady, 99) for steady, _ in rounds),
        'caller_max_us': max(max(steady) for steady, _ in rounds),
        'caller_gc_max_us': max(w.caller_max_us for w in passes),
        'steady_full_collections': sum(w.full for w in passes),
        'floor_caller_p50_us': statistics.median(
            percentile(floor, 50) for _, floor in rounds),
        'floor_caller_p99_us': statistics.median(
            percentile(floor, 99) for _, floor in rounds),
        'floor_caller_max_us': max(max(floor) for _, floor in rounds),
        'caller_p99_rounds_us': [round(percentile(steady, 99), 1)
                                 for steady, _ in rounds],
        'floor_caller_p99_rounds_us': [round(percentile(floor, 99), 1)
                                       for _, floor in rounds],
        'caller_over_floor_p99_us': statistics.median(
            percentile(steady, 99) - percentile(floor, 99)
            for steady, floor in rounds),
        'ledger_records_per_s': None,
        'ledger_cpu_us_per_notification': None,
    }
    if ledgers:
        out['ledger_records_per_s'] = round(sum(
            records for records, _ in ledgers) / (
                len(ledgers) * args.steady), 1)
        out['ledger_cpu_us_per_notification'] = round(sum(
            cpu for _, cpu in ledgers) * 1e6 / sum(
                len(steady) for steady, _ in rounds), 3)
    if persisted:
        out['persist_caller_p50_us'] = statistics.median(
            percentile(run, 50) for run in persisted)
        out['persist_caller_p99_us'] = statistics.median(
            percentile(run, 99) for run in persisted)
        out['persist_caller_max_us'] = max(max(run) for run in persisted)
        out['persist_caller_p99_rounds_us'] = [
            round(percentile(run, 99), 1) for run in persisted]
    if sched:
        walls = [wall for steady, _ in rounds for wall in steady]
        slow = [(wall, runq) for wall, runq in zip(walls, sched, strict=True)
                if wall > 100]
        out['caller_slow_calls'] = len(slow)
        out['caller_slow_runq'] = sum(
            1 for wall, runq in slow if runq >= wall / 2)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--json', action='store_true')
    parser.add_argument('--url', default=URL)
    parser.add_argument('--count', type=int, default=10000)
    parser.add_argument('--peer-count', type=int, default=3000)
    parser.add_argument('--rate', type=float, default=2000)
    parser.add_argument('--steady', type=float, default=5.0)
    parser.add_argument('--rounds', type=int, default=3,
                        help='steady and floor runs, alternately (the '
                             'median is reported)')
    parser.add_argument('--persist-first', action='store_true',
                        help='also a steady run per round with '
                             '[backend_messaging] persist_before_return = '
                             'true (persist_caller_* beside caller_* and '
                             'the floor)')
    parser.add_argument('--drain-backlog', type=int, default=20000,
                        help='rows in the outbox for the replay drain run '
                             '(drain_*), replayed while --rate continues')
    parser.add_argument('--no-drain', action='store_true')
    parser.add_argument('--only', choices=['drain'],
                        help='run only that part (drain: the replay drain '
                             'run, drain_* keys; with --rounds N, N runs, '
                             'each one in drain_rounds)')
    parser.add_argument('--base', metavar='TREE',
                        help='with --only drain: pairs of runs, another '
                             'checkout\'s tidings (e.g. a worktree of '
                             'main) beside this one, alternately')
    parser.add_argument('--cluster', action='store_true',
                        help='also tidings_per_s on the 3-node test '
                             'cluster (tools/rabbit-cluster.sh, quorum '
                             'queues) beside the single broker, alternately '
                             '--rounds times: cluster_* and the ratio')
    parser.add_argument('--outage', type=float, default=10.0)
    parser.add_argument('--no-outage', action='store_true')
    parser.add_argument('--with-nova', action='store_true',
                        help='also Nova 34 through the broker (its own '
                             'virtualenv, benchmarks/.venv-nova)')
    parser.add_argument('--sched', action='store_true',
                        help='tell how many slow calls waited for a CPU')
    parser.add_argument('--pin', action='store_true',
                        help='run on the first CPU with the local RabbitMQ '
                             'pinned to the others (reported as pinned)')
    parser.add_argument('--gc-freeze', action='store_true',
                        help='steady, floor and outage runs after '
                             'gc.freeze() (the advice of the operator '
                             'guide); reported as gc_frozen: true')
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)
    host, port = '127.0.0.1', 5672
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        sys.exit('RabbitMQ is not reachable at %s:%d' % (host, port))
    state = tempfile.mkdtemp(prefix='tidings-bench-')
    out = {'load_avg_start': os.getloadavg()[0]}
    try:
        with common.pinned(args.pin, ['beam.smp'], 'RabbitMQ') as where:
            out['pinned'] = where
            if args.only == 'drain':
                out.update(drain_rounds(args, state))
                return report(out, args.json)
            out['tidings_per_s'], tstats = bench_tidings(args.url, args.count,
                                                         state)
            out['oslo_messaging_per_s'] = bench_oslo(args.url, args.peer_count)
            out['kombu_confirmed_per_s'] = bench_kombu(args.peer_count)
            out['nova_per_s'] = None
            if args.with_nova:
                out['nova_per_s'] = bench_nova(args.url, args.peer_count)
            out.update(steady_rounds(args, state))
            if not args.no_drain:
                out.update(bench_replay_drain(args.url, args.drain_backlog,
                                              args.rate, state))
            if args.cluster:
                out.update(bench_cluster(args.url, args.count, state,
                                         args.rounds))
                out.update(bench_node_kill(args.rate, state))
            out['outage_caller_max_us'] = None
            out['outage_caller_p99_us'] = None
            out['outage_full_collections'] = None
            out['outage_full_collection_max_us'] = None
            out['outage_caller_gc_max_us'] = None
            out['lost'] = None
            if not args.no_outage:
                during, _all, lost, delivered, ostats, passes = \
                    bench_outage(args.url, args.rate, args.outage, state,
                                 args.gc_freeze)
                out['outage_caller_max_us'] = max(during)
                out['outage_caller_p99_us'] = percentile(during, 99)
                out['outage_full_collections'] = passes.full
                out['outage_full_collection_max_us'] = passes.full_max_us
                out['outage_caller_gc_max_us'] = passes.caller_max_us
                out['lost'] = lost
                out['outage_stats'] = ostats
            out['tidings_stats'] = tstats
            out['rate'] = args.rate
            out['gc_frozen'] = args.gc_freeze
            out['count'] = args.count
    finally:
        shutil.rmtree(state, ignore_errors=True)
    return report(out, args.json)


def report(out, as_json):
    """Print ``out`` (JSON, or one key a line); the exit status."""
    out['load_avg_end'] = os.getloadavg()[0]
    if as_json:
        print(json.dumps(out, indent=2, sort_keys=True))
        return 0
    for key in sorted(out):
        value = out[key]
        if isinstance(value, float):
            value = '%.1f' % value
        print('%-24s %s' % (key, value))
    return 0


if __name__ == '__main__':
    sys.exit(main())
