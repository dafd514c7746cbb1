"""What the messaging backend guarantees, on the real broker and on a
cluster of our own (``tools/rabbit-cluster.sh``: nodes on 5673-5675,
never the system node for anything disruptive).

Every test counts message_ids with an independent consumer (py-amqp
``basic_get`` on the queue the notifications land in) and says how many
were lost and how many came twice.
"""

import json
import logging
import subprocess
import time

import amqp
import fixtures

from tests.functional import base
from tests.functional import test_messaging_rabbit as rabbit_tests

#: The test cluster's first node (tools/rabbit-cluster.sh).
CLUSTER_NODE = 'tidings1@localhost'
CLUSTER_PORT = 5673


def consume_ids(port, queue, timeout=20.0, expected=None, idle=1.0):
    """The message_ids taken off ``queue`` by a consumer of its own, in
    order: until ``expected`` arrived (then ``idle`` seconds more, to see
    duplicates) or ``timeout``."""
    conn = amqp.Connection('127.0.0.1:%d' % port, userid='guest',
                           password='guest', connect_timeout=5)
    conn.connect()
    ids = []

    def on_message(message):
        body = json.loads(message.body)
        if 'oslo.message' in body:
            body = json.loads(body['oslo.message'])
        ids.append(body['message_id'])

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

    port = 5672

    def conf(self, url=None, **options):
        rabbit = options.pop('rabbit', {})
        conf = super().conf(
            url or 'rabbit://guest:guest@127.0.0.1:%d/' % self.port,
            **options)
        for key, value in rabbit.items():
            conf.set_override(key, value, 'oslo_messaging_rabbit')
        return conf

    def notifier(self, **options):
        from tidings.catalogs.demo import events
        from tidings.notifications import Notifier
        notifier = Notifier(self.conf(**options), [events.EVENTS],
                            source='functional')
        self.addCleanup(notifier.close, 2.0)
        return notifier, notifier.backend('messaging')

    def emit(self, notifier, count):
        from tidings.catalogs.demo import events
        return [notifier.notify(events.EVENT_TYPE_BACKUP_CREATE_START,
                                events.sample_backup()).message_id
                for _ in range(count)]


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

    def delete_broker_objects(self):
        if not base.port_open('127.0.0.1', self.port):
            return
        conn = amqp.Connection('127.0.0.1:%d' % self.port, userid='guest',
                               password='guest', connect_timeout=5)
        conn.connect()
        channel = conn.channel()
        for priority in ('info', 'error'):
            channel.queue_delete('%s.%s' % (self.topic, priority))
        channel.exchange_delete(self.exchange)
        conn.close()

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
