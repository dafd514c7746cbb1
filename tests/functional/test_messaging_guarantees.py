"""What the messaging backend guarantees, on the real broker and on a
cluster of our own (``tools/rabbit-cluster.sh``: nodes on 5673-5675,
never the system node for anything disruptive).

Every test counts message_ids with an independent consumer (py-amqp
``basic_get`` on the queue the notifications land in) and says how many
were lost and how many came twice.
"""

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import amqp
import fixtures
from testtools.content import text_content

from tests.functional import base
from tests.functional import cluster
from tests.functional import tcpproxy
from tests.functional import test_messaging_rabbit as rabbit_tests
from tidings.backends.messaging import outbox
from tidings.backends.messaging.publishers import rabbit as rabbit_publisher

#: The test cluster's first node (tools/rabbit-cluster.sh).
CLUSTER_NODE = cluster.NODE
CLUSTER_PORT = cluster.PORTS[0]
CLUSTER_DIR = cluster.DIR
CLUSTER_SCRIPT = cluster.SCRIPT


#: A process notifying as fast as it can with the options of argv[6:]
#: (key=value, [backend_messaging]), printing each message_id once
#: notify() returned it, and the time then; the test kills it with
#: SIGKILL mid-stream.
EMITTER = rabbit_tests.CHILD_CONF + r'''
conf.set_override('transport_url', url, 'backend_messaging')
conf.set_override('topics', [topic], 'backend_messaging')
for option in sys.argv[6:]:
    key, value = option.split('=', 1)
    conf.set_override(key, json.loads(value), 'backend_messaging')
notifier = Notifier(conf, [events.EVENTS], source='child')
for _ in range(int(count)):
    note = notifier.notify(events.EVENT_TYPE_BACKUP_CREATE_START,
                           events.sample_backup())
    sys.stdout.write('%s %.6f\n' % (note.message_id, time.time()))
    sys.stdout.flush()
sys.stdout.write('DONE\n')
sys.stdout.flush()
time.sleep(600)
'''


def consume_ids(port, queue, timeout=20.0, expected=None, idle=1.0):
    """The message_ids taken off ``queue`` by a consumer of its own, in
    order: until ``expected`` arrived (then ``idle`` seconds more, to see
    duplicates) or ``timeout``."""
    conn = amqp.Connection('127.0.0.1:%d' % port, userid='guest',
                           password='guest', connect_timeout=5)
    conn.connect()
    ids = []

    def on_message(message):
        ids.append(cluster.message_id(message.body))

    try:
        channel = conn.channel()
        channel.basic_qos(0, 1000, False)
        channel.basic_consume(queue, callback=on_message, no_ack=True)
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            before = len(ids)
            try:
                conn.drain_events(timeout=0.2)
            except TimeoutError:
                pass
            if len(ids) != before:
                quiet_since = time.monotonic()
            elif (expected is None or len(ids) >= expected) and \
                    time.monotonic() - quiet_since >= idle:
                break
        return ids
    finally:
        conn.close()


def lost_and_duplicates(sent, received):
    return (len(set(sent) - set(received)),
            len(received) - len(set(received)))


class GuaranteeTestCase(rabbit_tests.RabbitTestCase):

    def conf(self, url=None, **options):
        rabbit = options.pop('rabbit', {})
        conf = super().conf(
            url or 'rabbit://guest:guest@127.0.0.1:%d/' % self.port,
            **options)
        for key, value in rabbit.items():
            conf.set_override(key, value, 'oslo_messaging_rabbit')
        return conf


class TestConfirmedMeansRouted(GuaranteeTestCase):

    def test_no_queue_bound_keeps_the_rows_and_declares_the_queue_again(self):
        """The issue's row 'the consumer's queue deleted and re-declared':
        with no queue bound, nothing is counted sent; the returned rows
        stay in the outbox until the default queue is declared again,
        then arrive: 0 lost."""
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends', level=logging.WARNING))
        notifier, backend = self.notifier()
        self.assertEqual(('pipeline', 'routed'),
                         (backend.mode, backend.stats()['guarantee']))
        queue = '%s.info' % self.topic
        first = self.emit(notifier, 200)
        self.assertTrue(backend.wait_delivered(20))
        self.assertEqual(first, consume_ids(self.port, queue,
                                            expected=200))
        # The consumer deletes its queue: nothing is bound to the key.
        conn = amqp.Connection('127.0.0.1:%d' % self.port, userid='guest',
                               password='guest', connect_timeout=5)
        conn.connect()
        conn.channel().queue_delete(queue)
        conn.close()
        second = self.emit(notifier, 500)
        self.assertTrue(backend.wait_delivered(20), backend.stats())
        stats = backend.stats()
        received = consume_ids(self.port, queue, expected=500)
        self.assertEqual((0, 0), lost_and_duplicates(second, received))
        self.assertGreater(stats['unroutable'], 0, stats)
        # returned ones were replayed, never counted sent
        self.assertEqual(700, stats['sent'] + stats['replayed'], stats)
        self.assertEqual(0, stats['outbox'])
        self.assertEqual(1, logs.output.count('no queue is bound'),
                         logs.output)
        self.assertIn(queue, logs.output)

    def test_a_queue_deleted_while_another_is_bound_is_not_seen(self):
        """The issue's row 'the consumer's queue deleted', the case no
        publisher can see (stated in the operator guide's "Delivery
        guarantees"): another queue is still bound to the key, so the
        broker routes every message there and confirms it; the deleted
        queue is not declared again and its consumer misses what was
        sent meanwhile."""
        notifier, backend = self.notifier()
        queue = '%s.info' % self.topic
        audit = '%s.audit' % queue
        self.emit(notifier, 10)
        self.assertTrue(backend.wait_delivered(20))
        conn = amqp.Connection('127.0.0.1:%d' % self.port, userid='guest',
                               password='guest', connect_timeout=5)
        conn.connect()
        self.addCleanup(conn.close)
        channel = conn.channel()
        channel.queue_declare(audit, durable=True, auto_delete=False)
        self.addCleanup(channel.queue_delete, audit)
        channel.queue_bind(audit, self.exchange, routing_key=queue)
        channel.queue_delete(queue)
        ids = self.emit(notifier, 300)
        self.assertTrue(backend.wait_delivered(20), backend.stats())
        stats = backend.stats()
        self.assertEqual(ids, consume_ids(self.port, audit, expected=300))
        self.assertEqual((0, 310), (stats['unroutable'], stats['sent']))
        self.assertEqual(0, stats['outbox'])
        # the consumer's own queue is gone: what it would have read is
        # in the audit queue only
        error = self.assertRaises(amqp.exceptions.NotFound,
                                  conn.channel().queue_declare, queue,
                                  passive=True)
        self.assertIn(queue, str(error))

    def test_non_durable_queues_are_warned_about_at_startup(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends', level=logging.WARNING))
        self.notifier(rabbit={'amqp_durable_queues': False})
        self.assertIn('a broker restart loses confirmed notifications',
                      logs.output)


class ClusterTestCase(GuaranteeTestCase):
    """On the test cluster (tools/rabbit-cluster.sh start)."""

    port = CLUSTER_PORT

    def setUp(self):
        super().setUp()
        if not base.port_open('127.0.0.1', self.port):
            self.unavailable('the test cluster is not running on '
                             '127.0.0.1:%d: tools/rabbit-cluster.sh start'
                             % self.port)

    def broker_reachable(self):
        return base.port_open('127.0.0.1', self.port)

    def watermark(self, value):
        out = subprocess.run(
            ['rabbitmqctl', '-q', '-n', CLUSTER_NODE,
             'set_vm_memory_high_watermark', value],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(0, out.returncode, out.stderr)

    def paced(self, notifier, seconds, rate=2000, latencies=None):
        from tidings.catalogs.demo import events
        ids, start = [], time.monotonic()
        while time.monotonic() - start < seconds:
            began = time.perf_counter()
            ids.append(notifier.notify(events.EVENT_TYPE_BACKUP_CREATE_START,
                                       events.sample_backup()).message_id)
            if latencies is not None:
                latencies.append(time.perf_counter() - began)
            delay = start + len(ids) / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        return ids

    def assertCallerNeverWaitedForTheBroker(self, latencies):
        """As assertCallerNeverBlocked, with the p50/p99/max in the
        details: on the cluster, with a node electing leaders or in an
        alarm, this shared 2-CPU machine makes single calls of tens of
        milliseconds that are the OS's and the interpreter's."""
        ordered = sorted(latencies)
        self.addDetail('caller_ms', text_content(
            'p50 %.3f p99 %.3f max %.3f' % (
                ordered[len(ordered) // 2] * 1000,
                ordered[int(len(ordered) * 0.99)] * 1000,
                ordered[-1] * 1000)))
        self.assertCallerNeverBlocked(latencies)

    def queue_info(self, queue):
        """(type, durable) of ``queue`` as the broker lists it."""
        out = subprocess.run(
            ['rabbitmqctl', '-q', '-n', CLUSTER_NODE, 'list_queues',
             '--no-table-headers', 'name', 'type', 'durable'],
            capture_output=True, text=True, timeout=60)
        for line in out.stdout.splitlines():
            fields = line.split()
            if fields and fields[0] == queue:
                return fields[1], fields[2]
        self.fail('queue %s not listed: %s %s' % (queue, out.stdout,
                                                  out.stderr))


class TestQueueTypesOnThePipeline(ClusterTestCase):

    def check_delivery(self, rabbit, queue_type, durable):
        notifier, backend = self.notifier(rabbit=rabbit)
        self.assertEqual('pipeline', backend.mode)
        sent = self.emit(notifier, 2000)
        self.assertTrue(backend.wait_delivered(30), backend.stats())
        queue = '%s.info' % self.topic
        self.assertEqual((queue_type, durable), self.queue_info(queue))
        received = consume_ids(self.port, queue, expected=len(sent))
        self.assertEqual((0, 0), lost_and_duplicates(sent, received))
        self.assertEqual(sent, received)
        self.assertEqual(2000, backend.stats()['sent'])

    def test_quorum_queues_on_the_pipeline(self):
        self.check_delivery({'rabbit_quorum_queue': True,
                             'amqp_durable_queues': False},
                            'quorum', 'true')

    def test_durable_classic_queues_on_the_pipeline(self):
        self.check_delivery({'amqp_durable_queues': True}, 'classic',
                            'true')

    def test_a_dead_first_host_fails_over_to_the_next(self):
        """Multi-host URL: the first host refuses, the second takes it."""
        dead = base.free_port()
        url = ('rabbit://guest:guest@127.0.0.1:%d,guest:guest@127.0.0.1:%d/'
               % (dead, self.port))
        notifier, backend = self.notifier(url=url, rabbit={
            'rabbit_quorum_queue': True})
        self.assertEqual('pipeline', backend.mode)
        sent = self.emit(notifier, 300)
        self.assertTrue(backend.wait_delivered(30), backend.stats())
        received = consume_ids(self.port, '%s.info' % self.topic,
                               expected=len(sent))
        self.assertEqual((0, 0), lost_and_duplicates(sent, received))


class KilledEmitterCase(GuaranteeTestCase):
    """A child process running EMITTER, to be killed."""

    def emitter(self, count, url=None, **options):
        args = [sys.executable, '-c', EMITTER, self.state,
                url or 'rabbit://guest:guest@127.0.0.1:%d/' % self.port,
                self.topic, self.exchange, str(count)]
        args += ['%s=%s' % (k, json.dumps(v)) for k, v in options.items()]
        child = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
        self.addCleanup(rabbit_tests._reap, child)
        return child


class TestKilledProcess(KilledEmitterCase):
    """The issue's row "kill -9 ...": with persist_before_return, every
    notify() that returned is in the outbox; a fresh backend replays what
    the killed one had not had confirmed."""

    def test_persist_before_return_loses_nothing_to_kill_9(self):
        child = self.emitter(20000, persist_before_return=True)
        returned = []
        # kill it mid-stream, some rows published, some not yet
        while len(returned) < 3000:
            line = child.stdout.readline()
            self.assertTrue(line, 'the emitter stopped early')
            returned.append(line.split()[0])
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        self.assertNotIn('DONE', returned)
        notifier, backend = self.notifier()
        left = backend.stats()['outbox']
        # nothing was held in memory: nothing to count lost
        self.assertEqual(0, backend.stats()['lost_at_crash'])
        self.assertTrue(backend.wait_delivered(30), backend.stats())
        received = consume_ids(self.port, '%s.info' % self.topic,
                               expected=len(returned))
        lost, duplicates = lost_and_duplicates(returned, received)
        self.addDetail('figures', text_content(
            'returned before the kill: %d; left in the outbox: %d; '
            'received: %d; duplicates: %d' % (
                len(returned), left, len(received), duplicates)))
        self.assertEqual(0, lost)
        self.assertGreater(left, 0)


class TestKilledInTheDefaultMode(KilledEmitterCase):
    """The issue's row "kill -9 ..." in the default mode: what the killed
    process held in memory is lost, and the next start says how many."""

    def returned(self, child, until):
        """(message_id, UNIX time notify() returned it) of what ``child``
        printed, until ``until(lines)`` is true or its output ends."""
        lines = []
        while not until(lines):
            line = child.stdout.readline()
            if not line:
                break
            if line.strip() != 'DONE':
                message_id, at = line.split()
                lines.append((message_id, float(at)))
        return lines

    def last_record(self):
        """The killed process's ledger: (in memory, UNIX time written)."""
        db = sqlite3.connect(os.path.join(self.state, 'outbox.sqlite'))
        try:
            return db.execute('SELECT in_memory, written_at FROM '
                              'tidings_outbox_ledger').fetchone()
        finally:
            db.close()

    def restart(self, logs):
        """A fresh backend on the killed one's state: (backend, what it
        counted lost_at_crash, the message_ids it replayed to the
        queue)."""
        notifier, backend = self.notifier()
        lost = backend.stats()['lost_at_crash']
        self.assertTrue(backend.wait_delivered(30), backend.stats())
        replayed = []
        if backend.stats()['replayed']:    # (else no queue was declared)
            replayed = consume_ids(self.port, '%s.info' % self.topic,
                                   expected=backend.stats()['replayed'])
        # said, whatever the count, from the killed process's tally
        self.assertIn('ended without closing tidings', logs.output)
        self.assertIn('with %d notification(s) in memory when it ended, '
                      'by its tally' % lost, logs.output)
        return backend, lost, replayed

    def test_kill_9_while_the_broker_refuses_is_counted(self):
        """The broker refuses connections: each batch goes to the outbox;
        the child is killed mid-stream, notifying at full speed.  What it
        returned and is not in the queue (from the outbox, replayed by
        the next start) is what its tally counts lost: the calls after
        the ledger's last record too.  (One more when the kill fell
        between the tally's count of a call and the child's line saying
        it returned.)"""
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends', level=logging.WARNING))
        dead = 'rabbit://guest:guest@127.0.0.1:%d/' % base.free_port()
        child = self.emitter(20000, url=dead)
        returned = self.returned(child, lambda lines: len(lines) >= 3000)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        returned += self.returned(child, lambda lines: False)
        in_memory, written_at = self.last_record()
        backend, lost, replayed = self.restart(logs)
        ids = [message_id for message_id, _ in returned]
        missing = len(set(ids) - set(replayed))
        after_record = sum(1 for _, at in returned if at >= written_at)
        self.addDetail('figures', text_content(
            'returned %d; replayed from the outbox %d; neither: %d; '
            'counted lost_at_crash %d (the ledger said %d); returned after '
            'the ledger\'s last record %d, in the %.3f s between it and the '
            'last returned' % (
                len(ids), len(set(replayed)), missing, lost, in_memory,
                after_record, returned[-1][1] - written_at)))
        self.assertEqual(set(), set(replayed) - set(ids))
        self.assertIn(lost - missing, (0, 1))

    def test_kill_9_while_the_broker_hangs_is_counted_exactly(self):
        """The broker takes the connection and answers nothing (a frozen
        proxy): the sender waits on its first batch, the rest wait in
        memory; the child stops notifying and is killed: every
        notification it returned is counted lost, none reached the
        queue."""
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends', level=logging.WARNING))
        proxy = tcpproxy.TcpProxy(self.port)
        self.addCleanup(proxy.stop)
        proxy.freeze()
        child = self.emitter(
            500, url='rabbit://guest:guest@127.0.0.1:%d/' % proxy.port,
            publish_timeout=120.0)
        returned = self.returned(child, lambda lines: len(lines) >= 500)
        # (no wait for the ledger's next record: the tally has them all)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        proxy.stop()
        backend, lost, replayed = self.restart(logs)
        self.addDetail('figures', text_content(
            'returned %d; counted lost_at_crash %d; replayed %d' % (
                len(returned), lost, len(replayed))))
        self.assertEqual((500, 500, []), (len(returned), lost, replayed))


class TestFlowControl(ClusterTestCase):
    """The issue's row "broker memory alarm": on the test cluster (never
    the system node), the memory watermark set so low that the broker
    blocks publishers, then put back."""

    def block_for(self, seconds):
        """Notify at 2,000/s through a memory alarm of ``seconds``: no
        loss, no duplicate (what was in flight stayed on its connection),
        the backend ``blocked`` meanwhile."""
        notifier, backend = self.notifier(rabbit={
            'rabbit_quorum_queue': True}, publish_timeout=1.0)
        latencies = []
        ids = self.paced(notifier, 1.0, latencies=latencies)
        self.addCleanup(self.watermark, '0.4')
        self.watermark('0.0000001')
        deadline = time.monotonic() + 15
        while not backend.stats()['blocked_now']:
            self.assertLess(time.monotonic(), deadline, backend.stats())
            ids += self.paced(notifier, 0.2, latencies=latencies)
        ids += self.paced(notifier, seconds, latencies=latencies)
        during = backend.stats()
        self.watermark('0.4')
        self.assertTrue(backend.wait_delivered(60), backend.stats())
        stats = backend.stats()
        received = consume_ids(self.port, '%s.info' % self.topic,
                               expected=len(ids), timeout=60)
        lost, duplicates = lost_and_duplicates(ids, received)
        self.addDetail('figures', text_content(
            'emitted %d; outbox during the block %d; received %d; '
            'duplicates %d; caller max %.1f ms; stats %s' % (
                len(ids), during['outbox'], len(received), duplicates,
                max(latencies) * 1000, stats)))
        self.assertEqual('blocked', during['state'])
        self.assertEqual(0, lost)
        # what was in flight stayed on its connection: not sent twice
        self.assertEqual(0, duplicates)
        self.assertGreaterEqual(stats['blocked'], 1)
        self.assertFalse(stats['blocked_now'])
        self.assertEqual('normal', stats['state'])
        self.assertEqual(len(ids), stats['sent'] + stats['replayed'])
        self.assertCallerNeverWaitedForTheBroker(latencies)

    def test_memory_alarm_stops_sending_and_loses_nothing(self):
        self.block_for(5.0)

    def test_a_longer_alarm_sends_nothing_twice_either(self):
        # (the issue measured copies growing with the alarm's length)
        self.block_for(15.0)


#: Seconds from a node's SIGKILL to the first delivery of a notification
#: emitted after it (see test_quorum_queues_survive_the_publishers_node).
FIRST_DELIVERY_S = 5.0


class TestNodeKilled(ClusterTestCase):
    """The issue's row "publisher's node killed": quorum queues on the
    3-node cluster, a URL naming the three nodes, the node tidings is
    connected to killed with SIGKILL mid-stream."""

    def kill_node(self, n):
        cluster.kill_node(n)
        self.addCleanup(cluster.restart_node, n)

    def test_quorum_queues_survive_the_publishers_node(self):
        notifier, backend = self.notifier(url=cluster.URL, rabbit={
            'rabbit_quorum_queue': True}, publish_timeout=1.0)
        queue = '%s.info' % self.topic
        latencies = []
        ids = self.paced(notifier, 0.5, latencies=latencies)
        self.assertTrue(backend.wait_delivered(20))
        consumer = cluster.Consumer(5675, queue)
        consumer.start()
        self.assertTrue(consumer.ready.wait(10))
        ids += self.paced(notifier, 1.0, latencies=latencies)
        killed_at, at_kill = time.monotonic(), len(ids)
        self.kill_node(1)      # the first host: where tidings connected
        ids += self.paced(notifier, 4.0, latencies=latencies)
        self.assertTrue(backend.wait_delivered(60), backend.stats())
        deadline = time.monotonic() + 30
        while set(ids) - set(consumer.ids()) and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        consumer.done.set()
        consumer.join(5)
        received = consumer.ids()
        first_after = consumer.first_of(ids[at_kill:])
        lost, duplicates = lost_and_duplicates(ids, received)
        stats = backend.stats()
        self.addDetail('figures', text_content(
            'emitted %d, lost %d, duplicates %d, first delivery %.2f s '
            'after the kill, caller max %.1f ms; stats %s' % (
                len(ids), lost, duplicates,
                (first_after or 0) - killed_at, max(latencies) * 1000,
                stats)))
        self.assertEqual(0, lost)
        # the duplicates are what the backend said to expect, at most
        self.assertLessEqual(duplicates,
                             stats['replay_duplicates_possible'])
        self.assertGreaterEqual(stats['failed'], 1)
        self.assertIsNotNone(first_after)
        # Failover works: the bound is loose (a node electing leaders on
        # a starved CPU takes seconds); the figure the 2 s is
        # judged by is benchmarks/messaging.py --cluster's
        # node_kill_first_delivery_s (0.36-0.42 s on 2026-12-04).
        self.assertLess(first_after - killed_at, FIRST_DELIVERY_S)
        self.assertCallerNeverWaitedForTheBroker(latencies)

    def test_classic_durable_queue_waits_for_its_home_node(self):
        """The issue's row "classic durable queues on a cluster,
        publisher's node killed": the queue lives on node 1 (declared
        there), tidings publishes through node 2; with node 1 killed
        nothing is counted sent or lost: the notifications wait in the
        outbox (returned or refused) until node 1 is back."""
        queue = '%s.info' % self.topic
        first, backend = self.notifier(rabbit={'amqp_durable_queues': True})
        ids = self.emit(first, 10)          # declares the queue on node 1
        self.assertTrue(backend.wait_delivered(20))
        notifier, backend = self.notifier(
            url='rabbit://guest:guest@127.0.0.1:5674/',
            rabbit={'amqp_durable_queues': True}, publish_timeout=1.0)
        self.kill_node(1)
        ids += self.paced(notifier, 2.0, rate=500)
        time.sleep(2.0)
        during = backend.stats()
        self.assertGreater(during['outbox'], 0, during)
        subprocess.run(['bash', CLUSTER_SCRIPT, 'restart-node', '1'],
                       capture_output=True, timeout=300)
        self.assertTrue(backend.wait_delivered(60), backend.stats())
        received = consume_ids(5674, queue, expected=len(ids), timeout=60)
        lost, duplicates = lost_and_duplicates(ids, received)
        self.addDetail('figures', text_content(
            'emitted %d, lost %d, duplicates %d; while node 1 was down: '
            '%s' % (len(ids), lost, duplicates, during)))
        self.assertEqual(0, lost)


class TestBrokerRestarts(ClusterTestCase):
    """The issue's rows "three 3-s outages 2 s apart" and "broker
    ``stop_app`` with non-durable queues": the first node of the test
    cluster (where the classic queue lives) stopped and started with
    ``rabbitmqctl stop_app`` / ``start_app`` while notifying at
    2,000/s; an independent consumer counts the message_ids afterwards
    (the queue holds them: durable, persistent)."""

    def ctl(self, command):
        out = subprocess.run(['rabbitmqctl', '-q', '-n', CLUSTER_NODE,
                              command], capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(0, out.returncode, out.stderr)

    def stop_app(self):
        """The node's broker stopped (its Erlang node runs on); started
        again at the end of the test whatever happens."""
        self.addCleanup(self.start_app)
        self.ctl('stop_app')

    def start_app(self):
        self.ctl('start_app')
        self.assertTrue(base.port_open('127.0.0.1', self.port, 5))

    def through_outages(self, notifier, backend, count, down, up):
        """Notify at 2,000/s for a second, then through ``count`` outages,
        ``up`` seconds apart, then a second more: (the message_ids, and
        for each outage the seconds from ``stop_app`` to ``start_app``'s
        return and the outbox count at the end of its up window).

        Each outage is ``stop_app``, ``down`` seconds, ``start_app``, in
        a thread: the node refuses connections for a second or two more
        than ``down`` (its stop and start take that long on this
        machine).  The node is started again at the end of the test
        whatever happens."""
        during = []

        def run():
            for _ in range(count):
                began = time.monotonic()
                self.ctl('stop_app')
                time.sleep(down)
                self.ctl('start_app')
                took = time.monotonic() - began
                time.sleep(up)
                during.append((round(took, 1), backend.stats()['outbox']))
        ids = self.paced(notifier, 1.0)
        self.assertTrue(backend.wait_delivered(20))
        self.addCleanup(self.start_app)
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        while thread.is_alive():
            ids += self.paced(notifier, 0.5)
        thread.join()
        ids += self.paced(notifier, 1.0)
        return ids, during

    def check_all_arrived(self, ids, backend, details):
        queue = '%s.info' % self.topic
        self.assertTrue(backend.wait_delivered(120), backend.stats())
        stats = backend.stats()
        received = consume_ids(self.port, queue, expected=len(ids),
                               timeout=120)
        lost, duplicates = lost_and_duplicates(ids, received)
        self.addDetail('figures', text_content(
            'emitted %d, lost %d, duplicates %d; %s; stats %s' % (
                len(ids), lost, duplicates, details, stats)))
        self.assertEqual(0, lost)
        # each notification confirmed once by the backend's count, none
        # dropped
        self.assertEqual(len(ids), stats['sent'] + stats['replayed'])
        self.assertEqual((0, 0, 0), (stats['dropped'], stats['unroutable'],
                                     stats['outbox']))
        # the duplicates are what the backend said to expect, at most: a
        # message written without its confirm before the connection went
        self.assertLessEqual(duplicates,
                             stats['replay_duplicates_possible'])
        # a message counts once in failed, however many tries it took
        self.assertLessEqual(stats['failed'], len(ids))
        return stats, duplicates

    def test_three_short_outages_lose_nothing(self):
        notifier, backend = self.notifier(publish_timeout=1.0)
        # every message published without its confirm, each try
        unconfirmed = []
        tried = backend.senders.tried

        def recording(rows):
            unconfirmed.extend(row.message_id for row in rows)
            return tried(rows)
        backend.senders.tried = recording
        ids, during = self.through_outages(notifier, backend, 3, 0.5, 2.0)
        stats, _ = self.check_all_arrived(
            ids, backend, '(seconds from stop_app to start_app done, '
            'outbox at the end of the up window) %s; %d tries without a '
            'confirm, of %d messages' % (during, len(unconfirmed),
                                         len(set(unconfirmed))))
        # each outage put notifications in the outbox, and each left
        # messages without their confirm: counted failed, each once
        self.assertGreater(stats['replayed'], 0)
        self.assertGreaterEqual(stats['failed'], 3)
        self.assertEqual(len(set(unconfirmed)), stats['failed'])

    def test_stop_app_with_durable_queues_loses_nothing(self):
        """``amqp_durable_queues = true`` (what the operator guide tells
        operators): a ``stop_app`` of a few seconds while notifying."""
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends', level=logging.WARNING))
        notifier, backend = self.notifier(
            publish_timeout=1.0, rabbit={'amqp_durable_queues': True})
        self.assertNotIn('a broker restart loses', logs.output)
        ids, during = self.through_outages(notifier, backend, 1, 2.0, 0.0)
        self.check_all_arrived(ids, backend, 'durable queue, %s' % during)

    def test_stop_app_with_non_durable_queues_loses_what_was_queued(self):
        """oslo.messaging's default ``amqp_durable_queues = false``: the
        warning at startup; notifications confirmed (counted sent) and
        waiting in the queue are gone with it when the node stops, as
        the warning says; what is sent after the restart arrives (the
        queue is declared again)."""
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends', level=logging.WARNING))
        notifier, backend = self.notifier(
            publish_timeout=1.0, rabbit={'amqp_durable_queues': False})
        self.assertIn('a broker restart loses confirmed notifications',
                      logs.output)
        queue = '%s.info' % self.topic
        before = self.emit(notifier, 500)
        self.assertTrue(backend.wait_delivered(20))
        self.assertEqual(500, backend.stats()['sent'])
        self.assertEqual(('classic', 'false'), self.queue_info(queue))
        self.stop_app()
        self.start_app()
        # the queue went with the node's stop: all 500 lost, confirmed
        conn = amqp.Connection('127.0.0.1:%d' % self.port, userid='guest',
                               password='guest', connect_timeout=5)
        conn.connect()
        self.addCleanup(conn.close)
        self.assertRaises(amqp.exceptions.NotFound,
                          conn.channel().queue_declare, queue, passive=True)
        after = self.emit(notifier, 500)
        self.assertTrue(backend.wait_delivered(60), backend.stats())
        received = consume_ids(self.port, queue, expected=500)
        self.addDetail('figures', text_content(
            'before the restart: 500 confirmed, %d received; after: 500 '
            'emitted, %d received; stats %s' % (
                len(set(before) & set(received)), len(received),
                backend.stats())))
        self.assertEqual(set(), set(before) & set(received))
        self.assertEqual((0, 0), lost_and_duplicates(after, received))
        self.assertEqual(1000, backend.stats()['sent']
                         + backend.stats()['replayed'])


class TestPipelinedPublish(GuaranteeTestCase):
    """The pipelined publisher's many-window publish (the replay's), on
    the system broker: windows ahead of their confirms, ``ahead`` called
    once every row is written, returns matched to their window."""

    def sender(self, **options):
        sender = rabbit_publisher.RabbitPipelineSender(
            [('127.0.0.1', self.port, 'guest', 'guest')],
            exchange=self.exchange, **options)
        self.addCleanup(sender.close)
        return sender

    def rows(self, count, topic=None):
        key = '%s.info' % (topic or self.topic)
        return [outbox.Row(n, 'm-%d' % n, key, 2.0, {'n': n},
                           {'message_id': 'm-%d' % n, 'n': n})
                for n in range(count)]

    def test_windows_go_ahead_of_their_confirms(self):
        sender = self.sender(window=100, depth=4)
        rows = self.rows(2500)
        seen = []

        def ahead():
            # every row written, not all confirmed yet
            seen.append((sender._tag, sender._acked))
        self.assertEqual([], sender.publish(rows, ahead=ahead))
        tag, acked = seen[0]
        self.assertEqual(1, len(seen))
        self.assertEqual(2500, tag)
        self.assertLessEqual(acked, 2500)
        self.assertEqual(2500, sender._acked)
        received = consume_ids(self.port, '%s.info' % self.topic,
                               expected=2500)
        self.assertEqual([r.message_id for r in rows], received)

    def test_returns_are_matched_to_their_window(self):
        """Rows of a key whose queue is gone, in several windows in flight
        at once: each of them is either returned (whichever window's
        confirms were awaited when its return arrived) or, once the
        sender declared the queue again, in that queue; never both,
        never neither."""
        sender = self.sender(window=10, depth=4)
        other = '%s_gone' % self.topic
        self.addCleanup(self.delete_queue, '%s.info' % other)
        sender.publish(self.rows(1, other))     # declares its queue
        self.delete_queue('%s.info' % other)
        mixed = self.rows(60)
        for row in mixed[::3]:
            row.routing_key = '%s.info' % other
        returned = [r.message_id for r in sender.publish(mixed)]
        wanted = [r.message_id for r in mixed[::3]]
        self.assertNotEqual([], returned)
        self.assertEqual(wanted[:len(returned)], returned)
        queued = consume_ids(self.port, '%s.info' % other,
                             expected=len(wanted) - len(returned))
        self.assertEqual(wanted[len(returned):], queued)
        self.assertEqual([r.message_id for r in mixed
                          if r.message_id not in wanted],
                         consume_ids(self.port, '%s.info' % self.topic,
                                     expected=40))

    def delete_queue(self, name):
        conn = amqp.Connection('127.0.0.1:%d' % self.port, userid='guest',
                               password='guest', connect_timeout=5)
        conn.connect()
        try:
            conn.channel().queue_delete(name)
        finally:
            conn.close()
