"""The typed consumer against the real RabbitMQ: every bundled sample sent
by the messaging backend arrives decoded and schema-valid; a replay after
lost publisher confirms delivers duplicates that the de-duplication hands
over once; a payload a minor version ahead decodes, one a major version
ahead gets the typed error; ``tidings listen`` tails the bus from its own
queue.

Each test uses its own exchange and topic (deleted afterwards); the broker
is never stopped (other suites use it at the same time): outages go
through a :class:`~tests.functional.tcpproxy.TcpProxy`.
"""

import copy
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import amqp
import oslo_messaging

from tests.functional import base
from tests.functional import tcpproxy
from tests.functional import test_messaging_rabbit as rabbit
from tidings import catalogs
from tidings import samples as samples_mod
from tidings.backends import messaging
from tidings.catalogs.demo import events as demo
from tidings.consumer import dedup as dedup_mod
from tidings.consumer import endpoint as endpoint_mod
from tidings.notifications import Notifier

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))


class Collector(endpoint_mod.NotificationEndpoint):
    """Keeps every decoded message (``on_event`` handles every event
    type) and every message that could not be decoded."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.cond = threading.Condition()
        self.got = []
        self.bad = []
        self.arrivals = 0

    def dispatch(self, *args, **kwargs):
        with self.cond:
            self.arrivals += 1
        return super().dispatch(*args, **kwargs)

    def on_event(self, payload, meta):
        with self.cond:
            self.got.append((payload, meta))
            self.cond.notify_all()

    def on_undecodable(self, exc, meta):
        with self.cond:
            self.bad.append((exc, meta))
            self.cond.notify_all()

    def wait(self, predicate, timeout=30.0):
        with self.cond:
            return self.cond.wait_for(lambda: predicate(self), timeout)


class ConsumerTestCase(rabbit.RabbitTestCase):

    priorities = endpoint_mod.PRIORITIES

    def conf(self, url=base.RABBIT_URL, **options):
        conf = super().conf(url, **options)
        # non-durable, as oslo.messaging declares by default (and as
        # ``tidings listen`` then declares its own queue)
        conf.set_override('amqp_durable_queues', False,
                          'oslo_messaging_rabbit')
        conf.set_override('executor_thread_pool_size', 4)
        conf.set_override('level', 'debug', 'notifications')
        return conf

    def typed_listener(self, **kwargs):
        kwargs.setdefault('registries', catalogs.load_all())
        endpoint = Collector(**kwargs)
        transport = oslo_messaging.get_notification_transport(
            self.conf(), url=base.RABBIT_URL)
        server = oslo_messaging.get_notification_listener(
            transport, [oslo_messaging.Target(topic=self.topic)],
            [endpoint], executor='threading')
        server.start()
        self.addCleanup(transport.cleanup)
        self.addCleanup(server.wait)
        self.addCleanup(server.stop)
        return endpoint

    def every_event_notifier(self, url=base.RABBIT_URL, **options):
        """A Notifier of every bundled catalog whose messaging backend
        takes every event (whatever mechanisms it names), so each sample
        goes on the bus."""
        conf = self.conf(url, **options)
        backend = messaging.MessagingBackend(conf)
        backend.mechanisms = None
        notifier = Notifier(conf, catalogs.load_all(), source='functional',
                            backends=[backend])
        self.addCleanup(notifier.close, 5.0)
        return notifier, backend


def sampled():
    return [one for registry in catalogs.load_all()
            for _d, one in samples_mod.sampled_definitions(registry)]


class TestEverySample(ConsumerTestCase):

    def test_every_sample_arrives_decoded_and_valid(self):
        endpoint = self.typed_listener(validate=True, invalid='raise')
        notifier, backend = self.every_event_notifier()
        sent = {}
        for definition in sampled():
            note = notifier.notify(definition, definition.sample)
            sent[note.message_id] = note
        self.assertGreater(len(sent), 200)
        self.assertTrue(backend.wait_delivered(30))
        arrived = endpoint.wait(lambda e: len(e.got) + len(e.bad) >=
                                len(sent), 60)
        self.assertEqual([], [str(exc) for exc, _meta in endpoint.bad])
        self.assertTrue(arrived, '%d of %d arrived' % (len(endpoint.got),
                                                       len(sent)))
        self.assertEqual(set(sent), {m.message_id for _p, m in endpoint.got})
        for payload, meta in endpoint.got:
            note = sent[meta.message_id]
            self.assertIs(True, meta.schema_valid, meta.event_type)
            self.assertEqual(note.event_type, meta.event_type)
            self.assertEqual(note.priority, meta.priority)
            self.assertEqual(note.publisher_id, meta.publisher_id)
            self.assertEqual(note.to_wire()['payload'],
                             payload.obj_to_primitive())
            self.assertEqual((), meta.dropped)
        self.addDetail('samples', rabbit._text(str(len(sent))))


class TestReplay(ConsumerTestCase):

    def test_lost_confirms_replay_duplicates_handed_over_once(self):
        endpoint = self.typed_listener(
            registries=[demo.EVENTS],
            dedup=dedup_mod.MemoryDeduplicator(10000))
        proxy = tcpproxy.TcpProxy(5672)
        self.addCleanup(proxy.stop)
        notifier, backend = self.notifier(
            url='rabbit://guest:guest@127.0.0.1:%d/' % proxy.port,
            publish_timeout=0.5)
        ids = self.emit(notifier, 20)
        self.assertTrue(backend.wait_delivered(20))
        # the broker takes the messages; its confirms never come back:
        # the backend sends them to the outbox and replays them later
        proxy.hold_replies()
        ids += self.emit(notifier, 100)
        deadline = time.monotonic() + 20
        while backend.stats()['outbox'] == 0 and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertGreater(backend.stats()['outbox'], 0)
        proxy.cut()
        proxy.release_replies()
        ids += self.emit(notifier, 20)
        self.assertTrue(backend.wait_delivered(30))
        replayed = backend.stats()['replayed']
        self.assertGreater(replayed, 0)
        self.assertTrue(endpoint.wait(lambda e: set(ids) <= {
            m.message_id for _p, m in e.got}, 30))
        time.sleep(1.0)    # a late duplicate would arrive by now
        handled = [meta.message_id for _p, meta in endpoint.got]
        self.assertEqual(sorted(ids), sorted(handled))   # each once
        self.assertEqual(endpoint.arrivals - len(ids),
                         endpoint.stats['duplicates'])
        self.assertGreater(endpoint.stats['duplicates'], 0)
        self.addDetail('duplicates', rabbit._text('%d arrivals, %d '
                       'duplicates, %d replayed' % (
                           endpoint.arrivals, endpoint.stats['duplicates'],
                           replayed)))


class TestVersionsOnTheBus(ConsumerTestCase):

    def test_minor_ahead_decodes_major_ahead_is_the_typed_error(self):
        endpoint = self.typed_listener(registries=[demo.EVENTS],
                                       validate=True)
        transport = oslo_messaging.get_notification_transport(
            self.conf(), url=base.RABBIT_URL)
        self.addCleanup(transport.cleanup)
        newer = oslo_messaging.Notifier(transport, 'newer:host',
                                        driver='messagingv2',
                                        topics=[self.topic])
        primitive = demo.sample_backup().obj_to_primitive()
        ahead = copy.deepcopy(primitive)
        ahead['demo_object.version'] = '1.1'
        ahead['demo_object.data']['colour'] = 'blue'
        major = copy.deepcopy(primitive)
        major['demo_object.version'] = '2.0'
        newer.info({}, 'demo.backup.create.start', ahead)
        newer.info({}, 'demo.backup.create.start', major)
        self.assertTrue(endpoint.wait(lambda e: len(e.got) == 1 and
                                      len(e.bad) == 1))
        payload, meta = endpoint.got[0]
        self.assertEqual(('1.1', '1.0', ('colour',)), (
            meta.payload_version, meta.known_version, meta.dropped))
        self.assertEqual('nightly', payload.name)
        self.assertIsNone(meta.schema_valid)   # no 1.1 schema in the lock
        exc, bad_meta = endpoint.bad[0]
        self.assertEqual('PayloadVersionError', type(exc).__name__)
        self.assertIn('received version 2.0, this consumer knows 1.0',
                      str(exc))
        self.assertEqual('2.0', bad_meta.payload_version)
        self.assertEqual(1, endpoint.stats['undecodable'])


class TestListenCommand(ConsumerTestCase):

    def queue_exists(self, name):
        conn = amqp.Connection('127.0.0.1:5672', userid='guest',
                               password='guest', connect_timeout=5)
        conn.connect()
        try:
            conn.channel().queue_declare(name, passive=True)
            return True
        except amqp.exceptions.NotFound:
            return False
        finally:
            conn.close()

    def start_listen(self, *options):
        """``tidings listen`` on this test's topic, as a process, once its
        queue exists: (process, pool queue name)."""
        child = subprocess.Popen(
            [sys.executable, '-m', 'tidings.cmd.main', 'listen',
             '--transport-url', base.RABBIT_URL, '--topic', self.topic,
             '--exchange', self.exchange, '--catalog', 'demo'] +
            list(options), cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, PYTHONPATH=ROOT))
        self.addCleanup(rabbit._reap, child)
        pool = 'tidings-listen-%s-%d' % (socket.gethostname(), child.pid)
        deadline = time.monotonic() + 30
        while not self.queue_exists(pool):
            self.assertIsNone(child.poll(), child.stderr.read()
                              if child.poll() is not None else '')
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        return child, pool

    def test_tail_from_its_own_queue(self):
        consumer = self.typed_listener(registries=[demo.EVENTS])
        count = 5
        child, pool = self.start_listen('--count', str(count), '--timeout',
                                        '60', '-f', 'json')
        notifier, backend = self.notifier()
        ids = self.emit(notifier, count)
        out, err = child.communicate(timeout=60)
        self.assertEqual(0, child.returncode, err)
        rows = [json.loads(line) for line in out.splitlines()]
        # the listener's threads may print two messages in either order
        self.assertEqual(sorted(ids), sorted(r['message_id'] for r in rows))
        for row in rows:
            self.assertEqual(('demo.backup.create.start', '1.0', True,
                              None), (row['event_type'], row['version'],
                                      row['valid'], row['error']))
            self.assertTrue(row['publisher_id'].startswith('functional:'))
        self.assertIn('%d message(s): %d valid' % (count, count), err)
        # the real consumer lost nothing to the tail, and the tail's own
        # queue is gone
        self.assertTrue(consumer.wait(lambda e: len(e.got) == count))
        self.assertFalse(self.queue_exists(pool))


    def test_ctrl_c_stops_the_listener_and_removes_its_queue(self):
        child, pool = self.start_listen()
        notifier, backend = self.notifier()
        ids = self.emit(notifier, 2)
        header = child.stdout.readline()
        self.assertIn('EVENT TYPE', header)
        rows = [child.stdout.readline(), child.stdout.readline()]
        self.assertTrue(all('demo.backup.create.start' in row and
                            ' valid' in row for row in rows), rows)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
        self.assertEqual(130, child.returncode, err)
        self.assertIn('tidings listen: interrupted', err)
        self.assertIn('2 message(s): 2 valid', err)
        self.assertNotIn('Traceback', err)
        self.assertFalse(self.queue_exists(pool))
        self.assertEqual(2, len(ids))


class DatabaseDedupCases:
    """The database de-duplicator on a real server: the table created on
    first use, shared by a consumer's processes and its restarts.  Mixed
    into one TestCase per server."""

    SERVICE = URL = None

    def setUp(self):
        super().setUp()
        self.require(self.SERVICE)
        self.table = 'tidings_test_seen_%s' % uuid.uuid4().hex[:10]
        first = self.store()
        self.addCleanup(self.drop, first)

    def store(self, **kwargs):
        store = dedup_mod.DatabaseDeduplicator(self.URL, table=self.table,
                                               **kwargs)
        self.addCleanup(store.close)
        return store

    def drop(self, store):
        with store.engine.begin() as conn:
            store.table.drop(conn, checkfirst=True)

    def test_a_restarted_consumer_sees_the_duplicate(self):
        endpoint = Collector(registries=[demo.EVENTS], dedup=self.store())
        message = json.load(open(os.path.join(
            ROOT, 'samples', 'demo', 'demo.backup.create.start.json'),
            encoding='utf-8'))
        endpoint.dispatch_wire(message)
        restarted = Collector(registries=[demo.EVENTS], dedup=self.store())
        restarted.dispatch_wire(message)
        self.assertEqual(1, len(endpoint.got))
        self.assertEqual([], restarted.got)
        self.assertEqual(1, restarted.stats['duplicates'])

    def test_threads_of_two_processes_claim_each_id_once(self):
        stores = [self.store(), self.store()]
        won = []

        def claim(store):
            won.extend(i for i in range(200) if store.claim('m-%d' % i))
        threads = [threading.Thread(target=claim, args=(stores[n % 2],))
                   for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(list(range(200)), sorted(won))

    def test_bounded_by_count_and_age(self):
        store = self.store(max_rows=10, max_age=60, prune_every=10 ** 6)
        now = time.time()
        for i in range(5):
            store.claim('old-%d' % i, now=now - 3600)
        for i in range(20):
            store.claim('new-%d' % i, now=now + i)
        self.assertEqual(15, store.prune(now + 30))
        self.assertEqual(10, len(store))
        self.assertIn('new-19', store)
        self.assertNotIn('new-9', store)


class TestDatabaseDedupPostgreSQL(DatabaseDedupCases,
                                  base.FunctionalTestCase):
    SERVICE, URL = 'postgresql', base.POSTGRES_URL


class TestDatabaseDedupMariaDB(DatabaseDedupCases, base.FunctionalTestCase):
    SERVICE, URL = 'mariadb', base.MARIADB_URL
