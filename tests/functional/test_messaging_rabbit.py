"""The messaging backend against the real RabbitMQ, with a real
oslo.messaging notification listener, and the faults: broker stopped,
broker frozen, process killed while the broker is down.

Each test uses its own control exchange and topic (deleted afterwards),
durable queues (so messages survive ``rabbitmqctl stop_app``), and a
listener with one dispatch thread (so arrival order is observable).
"""

import gc
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import amqp
import fixtures
import oslo_messaging
from oslo_messaging import opts as om_opts

from tests import outboxutil
from tests.functional import base
from tests.functional import tcpproxy
from tidings import conf as tidings_conf
from tidings.catalogs.demo import events
from tidings.notifications import Notifier

#: What touches the broker or the outbox: none of it may run inside a
#: notify() (in the default mode; see RabbitTestCase.watch_io).
IO_METHODS = (
    ('tidings.backends.messaging.publishers.rabbit', 'RabbitPipelineSender',
     ('connect', 'probe', 'publish', 'close')),
    ('tidings.backends.messaging.publishers.oslo', 'OsloSender',
     ('probe', 'publish', 'close')),
    ('tidings.backends.messaging.outbox', 'Outbox',
     ('put', 'tried', 'head', 'delete', 'delete_read', 'record')))

#: A notify() that waited for a broker's timeout (publish_timeout, 1 s
#: in these tests, or a connect's) would take at least this long.  Not a
#: figure of speed: the calls' worst is in each test's details, and
#: benchmarks/messaging.py measures them.
BROKER_WAIT_S = 1.0

#: The start of a child process's script: argv state, url, topic,
#: exchange, count; a conf with durable queues on that exchange.
CHILD_CONF = r'''
import json, sys, time
from tidings import conf as tidings_conf
from tidings.catalogs.demo import events
from tidings.notifications import Notifier
state, url, topic, exchange, count = sys.argv[1:6]
conf = tidings_conf.new_conf()
from oslo_messaging import opts
for group, group_opts in opts.list_opts():
    if group in (None, 'oslo_messaging_rabbit'):
        conf.register_opts(group_opts, group=group)
conf.set_override('control_exchange', exchange)
conf.set_override('amqp_durable_queues', True, 'oslo_messaging_rabbit')
conf.set_override('state_path', state, 'notifications')
conf.set_override('backends', ['messaging'], 'notifications')
'''

CHILD = CHILD_CONF + r'''
for key, value in (('transport_url', url), ('topics', [topic]),
                   ('publish_timeout', 0.5)):
    conf.set_override(key, value, 'backend_messaging')
notifier = Notifier(conf, [events.EVENTS], source='child')
backend = notifier.backend('messaging')
ids = [notifier.notify(events.EVENT_TYPE_BACKUP_CREATE_START,
                       events.sample_backup()).message_id
       for _ in range(int(count))]
print(json.dumps(ids), flush=True)
deadline = time.monotonic() + 20
while backend.stats()['outbox'] < len(ids) and time.monotonic() < deadline:
    time.sleep(0.05)
print('READY %d' % backend.stats()['outbox'], flush=True)
time.sleep(600)
'''


def rabbitmqctl(*args):
    return subprocess.run(('rabbitmqctl',) + args, capture_output=True,
                          timeout=60)


def broker_accepts(timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = amqp.Connection('127.0.0.1:5672', userid='guest',
                                   password='guest', connect_timeout=1)
            conn.connect()
            conn.close()
            return True
        except Exception:
            time.sleep(0.2)
    return False


class Listener:
    """A real oslo.messaging notification listener; keeps what it gets."""

    def __init__(self, conf, topic):
        self.messages = []
        self.cond = threading.Condition()
        self.transport = oslo_messaging.get_notification_transport(
            conf, url=base.RABBIT_URL)
        listener = self

        class Endpoint:
            def info(self, ctxt, publisher_id, event_type, payload,
                     metadata):
                with listener.cond:
                    listener.messages.append(dict(
                        ctxt=ctxt, publisher_id=publisher_id,
                        event_type=event_type, payload=payload,
                        metadata=metadata, priority='INFO'))
                    listener.cond.notify_all()

        self.server = oslo_messaging.get_notification_listener(
            self.transport, [oslo_messaging.Target(topic=topic)],
            [Endpoint()], executor='threading')
        self.server.start()

    def ids(self):
        with self.cond:
            return [m['metadata']['message_id'] for m in self.messages]

    def wait_for(self, ids, timeout=20.0):
        wanted = set(ids)
        with self.cond:
            self.cond.wait_for(lambda: wanted <= {
                m['metadata']['message_id'] for m in self.messages}, timeout)
        return self.ids()

    def close(self):
        self.server.stop()
        self.server.wait()
        self.transport.cleanup()


class RabbitTestCase(base.FunctionalTestCase):

    #: The broker's AMQP port on 127.0.0.1.
    port = 5672
    #: The priorities whose ``<topic>.<priority>`` queues a test leaves.
    priorities = ('info', 'error')

    def setUp(self):
        super().setUp()
        self.require('rabbitmq')
        self.state = self.useFixture(fixtures.TempDir()).path
        self.topic = 'tidings_test_%s' % uuid.uuid4().hex[:10]
        self.exchange = 'tidings_test_%s' % uuid.uuid4().hex[:10]
        self.addCleanup(self.delete_broker_objects)

    def broker_reachable(self):
        """Whether the broker at :attr:`port` takes connections (this
        one may be restarting after a fault test: wait for it)."""
        return broker_accepts(30)

    def delete_broker_objects(self):
        if not self.broker_reachable():
            return
        conn = amqp.Connection('127.0.0.1:%d' % self.port, userid='guest',
                               password='guest', connect_timeout=5)
        conn.connect()
        channel = conn.channel()
        for priority in self.priorities:
            channel.queue_delete('%s.%s' % (self.topic, priority))
        channel.exchange_delete(self.exchange)
        conn.close()

    def conf(self, url=base.RABBIT_URL, **options):
        conf = tidings_conf.new_conf()
        for group, group_opts in om_opts.list_opts():
            if group in (None, 'oslo_messaging_rabbit'):
                conf.register_opts(group_opts, group=group)
        conf.set_override('control_exchange', self.exchange)
        conf.set_override('executor_thread_pool_size', 1)
        conf.set_override('amqp_durable_queues', True,
                          'oslo_messaging_rabbit')
        conf.set_override('rabbit_interval_max', 1, 'oslo_messaging_rabbit')
        conf.set_override('state_path', self.state, 'notifications')
        conf.set_override('backends', ['messaging'], 'notifications')
        options.setdefault('publish_timeout', 1.0)
        options.setdefault('retry_interval', 0.1)
        options.setdefault('retry_interval_max', 0.5)
        for key, value in dict(transport_url=url, topics=[self.topic],
                               **options).items():
            conf.set_override(key, value, 'backend_messaging')
        return conf

    def listener(self):
        listener = Listener(self.conf(), self.topic)
        self.addCleanup(listener.close)
        return listener

    def notifier(self, **options):
        notifier = Notifier(self.conf(**options), [events.EVENTS],
                            source='functional')
        self.addCleanup(notifier.close, 2.0)
        self.freeze_heap()
        self.watch_io(notifier)
        return notifier, notifier.backend('messaging')

    def watch_io(self, notifier):
        """Note each call of :data:`IO_METHODS` (a publisher talking to
        the broker, the outbox read or written) in :attr:`io_calls`, and
        in :attr:`io_in_notify` the ones made inside a ``notify()`` of
        ``notifier``, on the caller's thread: what "the caller never
        waits for the broker" means, whatever the machine's load makes
        of a call's wall time."""
        if not hasattr(self, 'io_calls'):
            self.io_calls, self.io_in_notify = set(), []
            inside = self._inside_notify = threading.local()
            for module, name, methods in IO_METHODS:
                cls = getattr(importlib.import_module(module), name)
                for method in methods:
                    self.patch(cls, method, self._recording(
                        inside, '%s.%s' % (name, method),
                        getattr(cls, method)))
        inside, real = self._inside_notify, notifier.notify

        def notify(*args, **kwargs):
            inside.on = True
            try:
                return real(*args, **kwargs)
            finally:
                inside.on = False
        notifier.notify = notify

    def _recording(self, inside, name, real):
        def recording(*args, **kwargs):
            if getattr(inside, 'on', False):
                self.io_in_notify.append(name)
            else:
                self.io_calls.add(name)
            return real(*args, **kwargs)
        return recording

    def freeze_heap(self):
        """gc.freeze() once the notifier is set up, as the operator guide
        advises a service to at the end of its startup: a full collection
        of this test process's heap (every module the whole suite
        imported) can take 100 ms on its own, on whichever thread it
        falls (the worst call goes in the details beside it)."""
        if getattr(self, '_heap_frozen', False):
            return
        self._heap_frozen = True
        gc.collect()
        gc.freeze()
        self.addCleanup(gc.unfreeze)
        # and the longest pass the collector still makes on this thread,
        # told beside the caller's worst call when a bound is missed
        self.gc_worst = 0.0
        caller, started = threading.get_ident(), []

        def watch(phase, info):
            if threading.get_ident() != caller:
                return
            if phase == 'start':
                started[:] = [time.perf_counter()]
            elif started:
                self.gc_worst = max(self.gc_worst,
                                    time.perf_counter() - started[0])
        gc.callbacks.append(watch)
        self.addCleanup(gc.callbacks.remove, watch)

    def emit(self, notifier, count, interval=0.0, latencies=None,
             context=None):
        ids = []
        for _ in range(count):
            start = time.perf_counter()
            note = notifier.notify(events.EVENT_TYPE_BACKUP_CREATE_START,
                                   events.sample_backup(), context=context)
            if latencies is not None:
                latencies.append(time.perf_counter() - start)
            ids.append(note.message_id)
            if interval:
                time.sleep(interval)
        return ids

    def assertAllArrivedInOrder(self, sent, received):
        missing = set(sent) - set(received)
        self.assertEqual(set(), missing, '%d of %d notifications lost' % (
            len(missing), len(sent)))
        first_seen = []
        seen = set()
        for message_id in received:
            if message_id not in seen:
                seen.add(message_id)
                first_seen.append(message_id)
        sent_set = set(sent)
        self.assertEqual(sent, [m for m in first_seen if m in sent_set])

    def assertCallerNeverBlocked(self, latencies):
        """No notify() talked to the broker or touched the outbox (see
        watch_io), and none lasted a broker's timeout; the worst call and
        the longest collector pass on the caller in the details."""
        worst = max(latencies)
        gc_worst = getattr(self, 'gc_worst', 0.0)
        self.addDetail('caller_worst_ms', _text(
            '%.3f; longest garbage-collector pass on the caller %.1f' % (
                worst * 1000, gc_worst * 1000)))
        self.assertTrue(self.io_calls, 'nothing reached the broker')
        self.assertEqual([], self.io_in_notify,
                         'notify() waited on the broker or the outbox')
        self.assertLess(worst, BROKER_WAIT_S)


def _text(value):
    from testtools import content
    return content.text_content(value)


class TestListenerSeesTheWireMessage(RabbitTestCase):

    def test_every_field_arrives(self):
        listener = self.listener()
        notifier, backend = self.notifier()
        context = {'request_id': 'req-42', 'project_id': 'p-1'}
        note = notifier.notify(events.EVENT_TYPE_BACKUP_CREATE_START,
                               events.sample_backup(), context=context)
        listener.wait_for([note.message_id])
        got = listener.messages[0]
        wire = note.to_wire()
        # the listener adds its own client_timeout key to the context
        self.assertEqual(context, {k: got['ctxt'][k] for k in context})
        self.assertEqual(wire['publisher_id'], got['publisher_id'])
        self.assertEqual('functional:', got['publisher_id'][:11])
        self.assertEqual('demo.backup.create.start', got['event_type'])
        self.assertEqual(wire['payload'], got['payload'])
        self.assertEqual('demo', got['payload']['demo_object.namespace'])
        self.assertEqual('***', got['payload']['demo_object.data'][
            'encryption_key'])
        self.assertEqual({'message_id': note.message_id,
                          'timestamp': note.timestamp}, got['metadata'])

    def test_messaging_driver_sends_no_envelope(self):
        notifier, backend = self.notifier(driver='messaging')
        note = notifier.notify(events.EVENT_TYPE_BACKUP_CREATE_START,
                               events.sample_backup())
        self.assertTrue(backend.wait_delivered(10))
        conn = amqp.Connection('127.0.0.1:5672', userid='guest',
                               password='guest', connect_timeout=5)
        conn.connect()
        self.addCleanup(conn.close)
        raw = conn.channel().basic_get(self.topic + '.info', no_ack=True)
        body = json.loads(raw.body)
        self.assertNotIn('oslo.message', body)
        for key, value in note.to_wire().items():
            self.assertEqual(value, body[key])

    def test_many_arrive_in_order(self):
        listener = self.listener()
        notifier, backend = self.notifier()
        ids = self.emit(notifier, 2000)
        self.assertAllArrivedInOrder(ids, listener.wait_for(ids))
        self.assertEqual(2000, backend.stats()['sent'])


class TestFaults(RabbitTestCase):

    def test_broker_stopped_during_a_run(self):
        listener = self.listener()
        notifier, backend = self.notifier()
        latencies = []
        ids = self.emit(notifier, 100, 0.002, latencies)
        stopper = threading.Thread(target=rabbitmqctl, args=('stop_app',))
        try:
            stopper.start()
            while stopper.is_alive():
                ids += self.emit(notifier, 1, 0.005, latencies)
            ids += self.emit(notifier, 100, 0.005, latencies)
            self.assertGreater(backend.stats()['outbox'], 0)
        finally:
            stopper.join(60)
            rabbitmqctl('start_app')
            self.assertTrue(broker_accepts(30))
        ids += self.emit(notifier, 100, 0.002, latencies)
        self.assertTrue(backend.wait_delivered(20))
        self.assertAllArrivedInOrder(ids, listener.wait_for(ids, 25))
        self.assertGreater(backend.stats()['replayed'], 0)
        self.assertCallerNeverBlocked(latencies)

    def proxied(self, **options):
        """A notifier whose broker is behind a TCP proxy the test
        controls: (proxy, notifier, backend)."""
        proxy = tcpproxy.TcpProxy(5672)
        self.addCleanup(proxy.stop)
        notifier, backend = self.notifier(
            url='rabbit://guest:guest@127.0.0.1:%d/' % proxy.port,
            publish_timeout=0.5, **options)
        return proxy, notifier, backend

    def test_broker_frozen(self):
        listener = self.listener()
        proxy, notifier, backend = self.proxied()
        latencies = []
        ids = self.emit(notifier, 100, 0.002, latencies)
        proxy.freeze()
        ids += self.emit(notifier, 300, 0.005, latencies)
        self.assertGreater(backend.stats()['outbox'], 0)
        proxy.cut()
        proxy.thaw()
        ids += self.emit(notifier, 100, 0.002, latencies)
        self.assertTrue(backend.wait_delivered(20))
        self.assertAllArrivedInOrder(ids, listener.wait_for(ids))
        self.assertCallerNeverBlocked(latencies)

    def test_full_queue_with_the_broker_frozen_loses_nothing(self):
        listener = self.listener()
        proxy, notifier, backend = self.proxied(queue_size=10)
        writers = outboxutil.outbox_writers(backend)
        latencies = []
        ids = self.emit(notifier, 20, 0.002, latencies)
        proxy.freeze()
        ids += self.emit(notifier, 400, 0.001, latencies)
        stats = backend.stats()
        self.assertGreater(
            stats['overflowed'] + backend.overflow_queue.pending(), 0)
        proxy.cut()
        proxy.thaw()
        self.assertTrue(backend.wait_delivered(20))
        self.assertNotIn(threading.get_ident(), writers)
        self.assertEqual(0, backend.stats()['dropped'])
        self.assertAllArrivedInOrder(ids, listener.wait_for(ids))
        self.assertCallerNeverBlocked(latencies)

    def child(self, proxy, count):
        """A process emitting ``count`` notifications through ``proxy``
        into this test's outbox (see CHILD)."""
        child = subprocess.Popen(
            [sys.executable, '-c', CHILD, self.state,
             'rabbit://guest:guest@127.0.0.1:%d/' % proxy.port, self.topic,
             self.exchange, str(count)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
        self.addCleanup(_reap, child)
        return child

    def test_killed_process_loses_nothing_from_the_outbox(self):
        proxy = tcpproxy.TcpProxy(5672)
        self.addCleanup(proxy.stop)
        proxy.freeze()
        child = self.child(proxy, 200)
        ids = json.loads(child.stdout.readline())
        ready = child.stdout.readline()
        self.assertEqual('READY 200', ready.strip())
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        listener = self.listener()
        notifier, backend = self.notifier()    # same outbox, real broker
        self.assertTrue(backend.wait_delivered(20))
        self.assertAllArrivedInOrder(ids, listener.wait_for(ids))
        self.assertEqual(200, backend.stats()['replayed'])

    def test_processes_sharing_an_outbox_lose_nothing_and_keep_order(self):
        proxy = tcpproxy.TcpProxy(5672)
        self.addCleanup(proxy.stop)
        proxy.freeze()
        children = []
        for _ in range(2):
            children.append(self.child(proxy, 150))
        sent = []
        for child in children:
            sent.append(json.loads(child.stdout.readline()))
            # each counts its own rows only: 150, not 300
            self.assertEqual('READY 150', child.stdout.readline().strip())
        for child in children:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        listener = self.listener()
        notifier, backend = self.notifier()    # same outbox, real broker
        self.assertTrue(backend.wait_delivered(20))
        received = listener.wait_for(sent[0] + sent[1])
        for ids in sent:
            self.assertAllArrivedInOrder(ids, received)
        stats = backend.stats()
        self.assertEqual((300, 150), (stats['replayed'], stats['adopted']))

    def test_a_killed_workers_outbox_is_taken_over_by_a_running_one(self):
        proxy = tcpproxy.TcpProxy(5672)
        self.addCleanup(proxy.stop)
        proxy.freeze()
        listener = self.listener()
        notifier, backend = self.notifier()    # running, real broker
        backend.adopt_interval = 0.2
        child = self.child(proxy, 100)
        ids = json.loads(child.stdout.readline())
        self.assertEqual('READY 100', child.stdout.readline().strip())
        mine = self.emit(notifier, 20)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        self.assertAllArrivedInOrder(ids, listener.wait_for(mine + ids))
        self.assertTrue(backend.wait_delivered(20))
        self.assertEqual(100, backend.stats()['adopted'])


class TestBadBroker(RabbitTestCase):

    def setUp(self):
        super().setUp()
        self.logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends'))

    def test_wrong_credentials_reported_once_and_kept(self):
        notifier, backend = self.notifier(
            url='rabbit://guest:wrong@127.0.0.1:5672/')
        for _ in range(3):
            self.emit(notifier, 5)
            backend.flush(5)
        output = self.logs.output
        self.assertEqual(1, output.count('[backend_messaging] transport_url'),
                         output)
        self.assertIn('refused the credentials', output)
        self.assertNotIn('wrong', output)
        self.assertEqual(15, backend.stats()['outbox'])

    def test_unreachable_host_reported_once_and_kept(self):
        port = base.free_port()
        notifier, backend = self.notifier(
            url='rabbit://guest:guest@127.0.0.1:%d/' % port)
        latencies = []
        for _ in range(3):
            self.emit(notifier, 5, latencies=latencies)
            backend.flush(5)
        output = self.logs.output
        self.assertEqual(1, output.count('[backend_messaging] transport_url'),
                         output)
        self.assertIn('refused the connection', output)
        self.assertEqual(15, backend.stats()['outbox'])
        self.assertCallerNeverBlocked(latencies)


def _reap(child):
    if child.poll() is None:
        child.kill()
    child.wait(10)
    if child.stdout:
        child.stdout.close()
