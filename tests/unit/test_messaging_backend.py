"""The messaging backend without a broker: fake:// and scripted
senders stand in for RabbitMQ (the real one is in tests/functional)."""

import ast
import importlib.metadata
import logging
import os
import ssl
import threading
import time
from unittest import mock

import fixtures
import oslo_messaging
import sqlalchemy as sa
import testtools

from tests import forking
from tests import outboxutil
from tidings import conf as tidings_conf
from tidings.backends import messaging
from tidings.backends.messaging import lanes
from tidings.backends.messaging import ledger as ledger_mod
from tidings.backends.messaging import outbox as outbox_mod
from tidings.backends.messaging import plan
from tidings.backends.messaging import publishers
from tidings.backends.messaging import replay
from tidings.backends.messaging import states
from tidings.backends.messaging import tally as tally_mod
from tidings.backends.messaging.publishers import oslo as oslo_publisher
from tidings.backends.messaging.publishers import rabbit as rabbit_publisher
from tidings.catalogs.demo import events
from tidings.notifications import Notifier
from tidings.objects import errors


class ScriptedSender:
    """Records what it publishes; fails while ``down`` is set, blocks
    while ``frozen`` is clear; the next ``cut`` publishes reach the broker
    and lose their connection before any confirm."""

    def __init__(self, world):
        self.world = world

    def publish(self, rows, ahead=None):
        if self.world.intercept is not None:
            return self.world.intercept(self, rows, ahead)
        return self.scripted(rows, ahead)

    def scripted(self, rows, ahead=None):
        world = self.world
        world.frozen.wait(10)
        if world.down:
            world.attempts += 1
            raise publishers.PublishError(0, ConnectionRefusedError(
                'connection refused'))
        with world.lock:
            if world.cut:
                world.cut -= 1
                world.published.extend(rows)
                raise publishers.PublishError(
                    0, ConnectionResetError('reset'), in_doubt=len(rows))
            # A key with no queue bound: returned once (the sender then
            # declares its default queue again).
            returned = [r for r in rows if r.routing_key in world.unbound]
            world.unbound.clear()
            world.published.extend(r for r in rows if r not in returned)
        if ahead is not None:
            ahead()
        return returned

    def probe(self):
        if self.world.down:
            self.world.probes += 1
            raise ConnectionRefusedError('connection refused')

    def close(self):
        pass


class World:
    def __init__(self):
        self.lock = threading.Lock()
        self.published = []
        self.down = False
        self.attempts = 0
        self.probes = 0
        self.frozen = threading.Event()
        self.frozen.set()
        self.unbound = set()
        self.cut = 0
        #: intercept(sender, rows, ahead): every sender's publish, the
        #: senders made already included (sender.scripted: the usual)
        self.intercept = None

    def ids(self):
        with self.lock:
            return [r.message_id for r in self.published]


class MessagingBackendTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.state = self.useFixture(fixtures.TempDir()).path
        self.logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends', level=logging.INFO))

    def conf(self, **options):
        conf = tidings_conf.new_conf()
        conf.set_override('state_path', self.state, 'notifications')
        conf.set_override('backends', ['messaging'], 'notifications')
        options.setdefault('transport_url', 'fake://')
        options.setdefault('retry_interval', 0.01)
        for key, value in options.items():
            group = 'backend_messaging'
            if key == 'notification_format':
                group = 'notifications'
            conf.set_override(key, value, group)
        return conf

    def frozen_world(self):
        """A World whose broker takes nothing until the test ends."""
        world = World()
        world.frozen.clear()
        self.addCleanup(world.frozen.set)
        return world

    def backend(self, world=None, **options):
        conf = self.conf(**options)
        if world is None:
            backend = messaging.MessagingBackend(conf)
        else:
            # Scripted before the constructor starts a replay thread.
            with mock.patch.object(
                    lanes.Senders, '_choose_sender',
                    return_value=lambda: ScriptedSender(world)):
                backend = messaging.MessagingBackend(conf)
        self.addCleanup(backend.close, 1.0)
        return backend

    def settle(self, backend, timeout=5.0):
        """Wait until the overflow thread wrote what overflowed."""
        deadline = time.monotonic() + timeout
        while backend.overflow_queue.pending():
            self.assertLess(time.monotonic(), deadline,
                            'overflow not written')
            time.sleep(0.005)

    def notifier(self, backend):
        return Notifier(backend.conf, [events.EVENTS], source='unit',
                        backends=[backend])

    def emit(self, notifier, count):
        return [notifier.notify(events.EVENT_TYPE_BACKUP_CREATE_START,
                                events.sample_backup()).message_id
                for _ in range(count)]


class TestConfiguration(MessagingBackendTest):

    def assertConfigError(self, option, **options):
        exc = self.assertRaises(errors.ConfigError,
                                messaging.MessagingBackend,
                                self.conf(**options))
        self.assertEqual(('backend_messaging', option),
                         (exc.group, exc.option))
        return exc

    def test_unknown_transport_scheme_names_the_option(self):
        exc = self.assertConfigError(
            'transport_url', transport_url='rabbitt://u:secret@host:5672/')
        self.assertIn('[backend_messaging] transport_url', str(exc))
        self.assertIn("unknown transport 'rabbitt'", str(exc))
        self.assertIn('rabbit', str(exc))

    def test_bad_url_error_hides_the_password(self):
        exc = self.assertConfigError(
            'transport_url', transport_url='rabbitt://u:secret@host:5672/')
        self.assertNotIn('secret', str(exc))

    def test_malformed_transport_url_names_the_option(self):
        exc = self.assertConfigError('transport_url',
                                     transport_url='not a url')
        self.assertIn('expected e.g. rabbit://', str(exc))

    def test_out_of_range_port_is_refused(self):
        self.assertConfigError('transport_url',
                               transport_url='rabbit://h:70000/')

    def test_bad_outbox_url_names_the_option(self):
        exc = self.assertConfigError('outbox_url',
                                     outbox_url='nosuchdb://x/y')
        self.assertIn('SQLAlchemy URL', str(exc))

    def test_topic_with_spaces_is_refused(self):
        self.assertConfigError('topics', topics=['bad topic'])

    def test_unversioned_format_needs_unversioned_topics(self):
        self.assertConfigError('unversioned_topics',
                               notification_format='unversioned',
                               unversioned_topics=[])

    def test_rabbit_url_uses_the_confirm_pipeline(self):
        backend = self.backend(transport_url='rabbit://u:p@127.0.0.1:1/')
        self.assertEqual('pipeline', backend.mode)

    def test_exchange_option_is_where_the_pipeline_publishes(self):
        backend = self.backend(transport_url='rabbit://u:p@127.0.0.1:1/',
                               exchange='tidings_unit')
        self.assertEqual('tidings_unit',
                         backend.senders.new_sender().exchange)

    def test_exchange_defaults_to_the_control_exchange(self):
        backend = self.backend(transport_url='rabbit://u:p@127.0.0.1:1/')
        self.assertEqual('openstack', backend.senders.new_sender().exchange)

    def test_exchange_option_is_where_oslo_messaging_publishes(self):
        backend = self.backend(exchange='tidings_unit')
        self.assertEqual('tidings_unit',
                         backend.senders.new_sender().exchange)

    def test_pipeline_off_goes_through_oslo_messaging(self):
        backend = self.backend(transport_url='rabbit://u:p@127.0.0.1:1/',
                               pipeline=False)
        self.assertEqual('oslo', backend.mode)

    def test_masked_transport_url_hides_passwords(self):
        self.assertEqual(
            'rabbit://u:***@h1:5672,v@h2:5673/vh',
            messaging.mask_transport_url('rabbit://u:pw@h1:5672,v@h2:5673/vh'))

    def test_notifier_loads_the_backend_by_name(self):
        notifier = Notifier(self.conf(), [events.EVENTS], source='unit')
        self.addCleanup(notifier.close, 1.0)
        self.assertIsInstance(notifier.backend('messaging'),
                              messaging.MessagingBackend)


class TestPublisherPlugins(MessagingBackendTest):
    """The publishers are stevedore plugins the plan names."""

    def test_every_publisher_plugin_loads_and_declares_its_guarantee(self):
        found = {ep.name: ep for ep in importlib.metadata.entry_points(
            group=publishers.NAMESPACE)}
        self.assertEqual({'oslo', 'rabbit'}, set(found))
        for name, entry_point in found.items():
            cls = entry_point.load()
            for method in ('probe', 'publish', 'close'):
                self.assertTrue(callable(getattr(cls, method, None)),
                                '%s: no %s()' % (name, method))
            self.assertIn(cls.guarantee, publishers.GUARANTEES, name)

    def test_the_pipeline_plan_loads_the_rabbit_plugin(self):
        backend = self.backend(transport_url='rabbit://u:p@127.0.0.1:1/')
        self.assertEqual('rabbit', backend.plan.publisher)
        sender = backend.senders.new_sender()
        self.assertIsInstance(sender, rabbit_publisher.RabbitPipelineSender)
        self.assertEqual('routed', sender.guarantee)

    def test_the_oslo_plan_loads_the_oslo_plugin_with_its_guarantee(self):
        backend = self.backend(transport_url='rabbit://u:p@127.0.0.1:1/',
                               pipeline=False)
        self.assertEqual('oslo', backend.plan.publisher)
        sender = backend.senders.new_sender()
        self.assertIsInstance(sender, oslo_publisher.OsloSender)
        self.assertEqual('confirmed', sender.guarantee)

    def test_a_publisher_not_installed_is_a_config_error_naming_it(self):
        with mock.patch.dict(plan.PUBLISHERS, pipeline='nowhere'):
            exc = self.assertRaises(
                errors.ConfigError, messaging.MessagingBackend,
                self.conf(transport_url='rabbit://u:secret@127.0.0.1:1/'))
        text = str(exc)
        self.assertIn('[backend_messaging] transport_url = '
                      "'rabbit://u:***@127.0.0.1:1/'", text)
        self.assertIn("publisher 'nowhere'", text)
        self.assertIn('tidings.messaging.publishers', text)
        self.assertIn('installed publishers: oslo, rabbit', text)
        self.assertNotIn('secret', text)


class TestFakeTransport(MessagingBackendTest):
    """Through oslo.messaging's fake:// driver: the private call works and
    a real oslo.messaging listener sees our message_id and timestamp."""

    def listen(self, backend, topic):
        received = []
        done = threading.Event()

        class Endpoint:
            def info(self, ctxt, publisher_id, event_type, payload,
                     metadata):
                received.append((ctxt, publisher_id, event_type, payload,
                                 metadata))
                done.set()

        backend.senders._oslo_sender()
        listener = oslo_messaging.get_notification_listener(
            backend.senders.transport, [oslo_messaging.Target(topic=topic)],
            [Endpoint()], executor='threading')
        listener.start()
        self.addCleanup(listener.wait)
        self.addCleanup(listener.stop)
        return received, done

    def test_fake_listener_gets_our_wire_message(self):
        backend = self.backend(topics=['unit_topic'])
        self.assertEqual('oslo', backend.mode)
        received, done = self.listen(backend, 'unit_topic')
        note = self.notifier(backend).notify(
            events.EVENT_TYPE_BACKUP_CREATE_START, events.sample_backup(),
            context={'request_id': 'req-1'})
        self.assertTrue(done.wait(5))
        ctxt, publisher_id, event_type, payload, metadata = received[0]
        wire = note.to_wire()
        self.assertEqual({'request_id': 'req-1'}, ctxt)
        self.assertEqual(wire['publisher_id'], publisher_id)
        self.assertEqual('demo.backup.create.start', event_type)
        self.assertEqual(wire['payload'], payload)
        self.assertEqual(note.message_id, metadata['message_id'])
        self.assertEqual(note.timestamp, metadata['timestamp'])


class TestDelivery(MessagingBackendTest):

    def test_a_send_after_close_is_dropped_and_counted(self):
        # send()'s direct path (started, open) ends with close(): what
        # comes after is dropped, counted and logged, never queued
        world = World()
        backend = self.backend(world)
        note = self.notifier(backend).notify(
            events.EVENT_TYPE_BACKUP_CREATE_START, events.sample_backup())
        self.assertTrue(backend.wait_delivered(5))
        self.assertTrue(backend.direct)
        backend.close(1.0)
        self.assertFalse(backend.direct)
        backend.send(note)
        stats = backend.stats()
        self.assertEqual((1, 1, 0), (stats['sent'], stats['dropped'],
                                     stats['queued']))
        self.assertEqual([note.message_id], world.ids())
        self.assertIn('backend is closed', self.logs.output)

    def test_publishes_to_topic_dot_priority(self):
        world = World()
        backend = self.backend(world, topics=['a', 'b'])
        ids = self.emit(self.notifier(backend), 1)
        self.assertTrue(backend.wait_delivered(5))
        self.assertEqual(['a.info', 'b.info'],
                         [r.routing_key for r in world.published])
        self.assertEqual(ids * 2, world.ids())

    def test_format_both_sends_unversioned_to_its_topics(self):
        world = World()
        backend = self.backend(world, notification_format='both',
                               unversioned_topics=['legacy'])
        note = self.notifier(backend).notify(
            events.EVENT_TYPE_BACKUP_CREATE_START, events.sample_backup())
        self.assertTrue(backend.wait_delivered(5))
        by_key = {r.routing_key: r.message for r in world.published}
        self.assertEqual({'versioned_notifications.info', 'legacy.info'},
                         set(by_key))
        self.assertEqual(note.to_wire('unversioned'), by_key['legacy.info'])

    def test_messaging_driver_sends_format_1(self):
        world = World()
        backend = self.backend(world, driver='messaging')
        self.emit(self.notifier(backend), 1)
        backend.wait_delivered(5)
        self.assertEqual(1.0, world.published[0].version)

    def test_send_returns_while_the_broker_is_frozen(self):
        world = self.frozen_world()
        backend = self.backend(world)
        notifier = self.notifier(backend)
        start = time.perf_counter()
        self.emit(notifier, 200)
        self.assertLess(time.perf_counter() - start, 1.0)
        self.assertEqual(200, backend.stats()['queued'])

    def test_stats_count_sent(self):
        world = World()
        backend = self.backend(world)
        self.emit(self.notifier(backend), 5)
        backend.wait_delivered(5)
        stats = backend.stats()
        self.assertEqual((5, 0, 0, 0), (stats['sent'], stats['queued'],
                                        stats['outbox'], stats['dropped']))

    def after_one_delivered(self):
        """A backend that has delivered one notification: (world,
        backend, notifier)."""
        world = World()
        backend = self.backend(world)
        notifier = self.notifier(backend)
        self.emit(notifier, 1)
        backend.wait_delivered(5)
        return world, backend, notifier

    def test_callers_never_wake_a_sender_that_was_busy_lately(self):
        world, backend, notifier = self.after_one_delivered()
        worker = backend.senders.lanes[0].worker
        # (the slow path is where a caller would wake the thread)
        slow = self.useFixture(fixtures.MockPatchObject(
            worker, 'put_slow', wraps=worker.put_slow)).mock
        for _ in range(20):
            self.emit(notifier, 1)
            time.sleep(0.001)
        self.assertTrue(backend.wait_delivered(5))
        self.assertEqual(21, len(world.published))
        self.assertEqual(0, slow.call_count)

    def test_an_idle_sender_is_woken_by_the_next_notification(self):
        world, backend, notifier = self.after_one_delivered()
        worker = backend.senders.lanes[0].worker
        worker.busy_for = 0.0           # idle at once from now on
        deadline = time.monotonic() + 5
        while not worker.sleeping:
            self.assertLess(time.monotonic(), deadline, 'never idle')
            time.sleep(0.005)
        start = time.monotonic()
        self.emit(notifier, 1)
        self.assertTrue(backend.wait_delivered(0.5))
        # woken, not found by the one-second idle wait
        self.assertLess(time.monotonic() - start, 0.5)
        self.assertEqual(2, len(world.published))

    def test_the_linger_is_drawn_around_the_option(self):
        backend = self.backend(World(), sender_linger=0.01)
        waits = [backend.senders.linger() for _ in range(2000)]
        self.assertGreaterEqual(min(waits), 0.005)
        self.assertLessEqual(max(waits), 0.015)
        # drawn, not fixed: a fixed wait falls into step with callers
        # that notify at a fixed period
        self.assertGreater(max(waits) - min(waits), 0.008)
        self.assertGreater(len(set(waits)), 1900)
        backend.delivery.state = states.DIVERTING   # broker down: 4x longer
        waits = [backend.senders.linger() for _ in range(200)]
        self.assertGreaterEqual(min(waits), 0.02)
        self.assertLessEqual(max(waits), 0.06)

    def test_sender_linger_of_zero_is_refused(self):
        conf = self.conf()
        self.assertRaises(ValueError, conf.set_override, 'sender_linger',
                          0, 'backend_messaging')

    def test_one_publisher_stays_on_one_sender_thread(self):
        world = World()
        backend = self.backend(world, sender_threads=4)
        ids = self.emit(self.notifier(backend), 50)
        backend.wait_delivered(5)
        self.assertEqual(ids, world.ids())


class TestOutbox(MessagingBackendTest):

    def while_down(self, count, **options):
        """``count`` notifications sent and flushed while the broker of a
        new World is down: (world, backend, notifier, their ids)."""
        world = World()
        world.down = True
        backend = self.backend(world, **options)
        notifier = self.notifier(backend)
        ids = self.emit(notifier, count)
        backend.flush(5)
        return world, backend, notifier, ids

    def test_broker_down_keeps_notifications_in_the_outbox(self):
        _, backend, _, _ = self.while_down(10)
        stats = backend.stats()
        self.assertEqual(10, stats['outbox'])
        self.assertEqual(10, stats['failed'])
        self.assertEqual(0, stats['dropped'])

    def test_outbox_is_replayed_in_order_when_the_broker_is_back(self):
        world, backend, notifier, ids = self.while_down(10)
        world.down = False
        ids += self.emit(notifier, 10)
        self.assertTrue(backend.wait_delivered(10))
        self.assertEqual(ids, world.ids())
        self.assertGreaterEqual(backend.stats()['replayed'], 10)

    def test_a_replay_of_many_batches_sends_each_row_once_in_order(self):
        """Batches of 7: each batch's next one is read while it awaits
        its confirms, and its rows are deleted during the next one's;
        nothing is read twice, nothing is left."""
        world, backend, notifier, ids = self.while_down(
            60, replay_batch=7)
        reads = []
        head = backend.outbox.head

        def recording_head(limit, after=None):
            got = head(limit, after)
            reads.append((after is not None, [r.message_id for r in got]))
            return got
        backend.outbox.head = recording_head
        world.down = False
        self.assertTrue(backend.wait_delivered(10), backend.stats())
        self.assertEqual(ids, world.ids())
        stats = backend.stats()
        self.assertEqual((60, 0, 0), (stats['replayed'], stats['outbox'],
                                      stats['replay_duplicates_possible']))
        # read ahead, every batch after the first
        self.assertEqual(ids[:7], reads[0][1])
        self.assertTrue(all(ahead for ahead, got in reads[1:] if got))
        self.assertEqual(ids, [m for _, got in reads for m in got])

    def test_a_failure_mid_replay_drops_what_was_read_ahead(self):
        """The third batch fails after the next one was read ahead: two
        rows confirmed, three written without a confirm (this broker
        took them).  The unconfirmed ones are read again from the
        outbox's head and sent again, in order; the duplicates are the
        three the backend said to expect."""
        world, backend, notifier, ids = self.while_down(
            30, replay_batch=5)
        failed_before = backend.stats()['failed']
        # the rows tried on the live path say so in the outbox
        tried = {r.message_id for r in backend.outbox.head(100) if r.tries}
        self.assertEqual(len(tried), failed_before)
        calls = []

        def failing_third(sender, rows, ahead):
            calls.append(len(rows))
            if len(calls) == 3:
                with world.lock:
                    world.published.extend(rows)
                if ahead is not None:
                    ahead()      # read ahead, then the broker goes away
                raise publishers.PublishError(
                    2, ConnectionResetError('reset'), in_doubt=3)
            return sender.scripted(rows, ahead)
        # (every sender: the replay thread's may exist already, made for
        # its first check of the broker)
        world.intercept = failing_third
        world.down = False
        self.assertTrue(backend.wait_delivered(10), backend.stats())
        published = world.ids()
        self.assertEqual(ids, list(dict.fromkeys(published)))
        self.assertEqual(ids[12:15], published[15:18])
        stats = backend.stats()
        # each message counted once: the three count unless tried before
        self.assertEqual(len(tried | set(ids[12:15])), stats['failed'])
        self.assertEqual(3, stats['replay_duplicates_possible'])
        self.assertEqual(3, len(published) - len(set(published)))
        self.assertEqual((0, 30), (stats['outbox'], stats['replayed']))

    def test_failed_counts_each_message_once_across_three_outages(self):
        """Ten messages in the outbox; three replays in a row reach the
        broker and lose the connection before any confirm, the fourth
        goes through: ``failed`` says 10 (not 30 or 40), and the 30
        copies the broker got are what ``replay_duplicates_possible``
        said to expect."""
        world, backend, notifier, ids = self.while_down(10)
        world.cut = 3
        world.down = False
        self.assertTrue(backend.wait_delivered(10), backend.stats())
        stats = backend.stats()
        self.assertEqual((0, 10, 10, 30), (
            world.cut, stats['failed'], stats['replayed'],
            stats['replay_duplicates_possible']))
        published = world.ids()
        self.assertEqual(ids, list(dict.fromkeys(published)))
        self.assertEqual(30, len(published) - len(set(published)))

    def test_the_broker_is_checked_every_retry_interval_jittered(self):
        with mock.patch.object(replay.random, 'random',
                               side_effect=[0.0, 1.0]):
            low, high = replay.probe_wait(0.2), replay.probe_wait(0.2)
        self.assertAlmostEqual(0.15, low)
        self.assertAlmostEqual(0.25, high)

    def test_a_damaged_outbox_row_does_not_hold_up_the_replay(self):
        world, backend, _, ids = self.while_down(6)
        self.assertEqual(6, backend.stats()['outbox'])
        with backend.outbox.engine.begin() as conn:   # damaged on disk
            conn.exec_driver_sql(
                "UPDATE tidings_outbox SET body = 'not json' WHERE "
                "message_id = ?", (ids[2],))
        world.down = False
        self.assertTrue(backend.wait_delivered(10))
        self.assertEqual(ids[:2] + ids[3:], world.ids())
        stats = backend.stats()
        self.assertEqual((0, 1, 5), (stats['outbox'],
                                     stats['outbox_discarded'],
                                     stats['replayed']))

    def test_new_notifications_wait_behind_the_outbox(self):
        world, backend, notifier, first = self.while_down(
            3, retry_interval=0.2)
        world.down = False
        later = self.emit(notifier, 3)   # broker is up, outbox is not empty
        self.assertTrue(backend.wait_delivered(10))
        self.assertEqual(first + later, world.ids())

    def test_next_start_replays_what_an_earlier_run_left(self):
        world = World()
        world.down = True
        first = self.backend(world)
        ids = self.emit(self.notifier(first), 5)
        first.close(2)
        self.assertEqual(5, first.outbox.count)
        again = World()
        second = self.backend(again)
        self.assertTrue(second.wait_delivered(10))
        self.assertEqual(ids, again.ids())

    def test_replay_keeps_the_message_id(self):
        world = World()
        world.down = True
        backend = self.backend(world)
        note = self.notifier(backend).notify(
            events.EVENT_TYPE_BACKUP_CREATE_START, events.sample_backup())
        backend.flush(5)
        world.down = False
        backend.wait_delivered(10)
        self.assertEqual(note.to_wire(), world.published[0].message)

    def test_full_queue_goes_to_the_outbox(self):
        world = World()
        world.frozen.clear()
        backend = self.backend(world, queue_size=5)
        self.emit(self.notifier(backend), 20)
        self.settle(backend)
        stats = backend.stats()
        world.frozen.set()
        self.assertGreaterEqual(stats['outbox'], 10)
        self.assertEqual(0, stats['dropped'])

    def test_full_queue_never_writes_the_outbox_on_the_callers_thread(self):
        world = self.frozen_world()
        backend = self.backend(world, queue_size=10)
        writers = outboxutil.outbox_writers(backend)
        ids = self.emit(self.notifier(backend), 500)
        self.settle(backend)
        self.assertNotIn(threading.get_ident(), writers)
        stats = backend.stats()
        self.assertEqual((500, 0), (stats['queued'] + stats['outbox'],
                                    stats['dropped']))
        world.frozen.set()          # the broker is back: nothing lost
        self.assertTrue(backend.wait_delivered(10))
        self.assertEqual(ids, world.ids())

    def test_dropped_when_queue_and_overflow_are_full(self):
        world = self.frozen_world()
        backend = self.backend(world, queue_size=5, overflow_size=5)
        outbox_slow = threading.Event()     # the outbox takes nothing
        self.addCleanup(outbox_slow.set)
        put = backend.outbox.put

        def slow_put(rows):
            outbox_slow.wait(10)
            return put(rows)
        backend.outbox.put = slow_put
        self.emit(self.notifier(backend), 300)
        # at most 5 queued, 5 in flight, 5 being written, 5 overflowed
        self.assertGreaterEqual(backend.stats()['dropped'], 280)
        outbox_slow.set()
        self.settle(backend)
        stats = backend.stats()
        self.assertEqual(300, stats['dropped'] + stats['queued']
                         + stats['outbox'])

    def test_dropped_only_when_queue_and_outbox_are_full(self):
        world = self.frozen_world()
        backend = self.backend(world, queue_size=5, outbox_max_rows=5)
        self.emit(self.notifier(backend), 30)
        self.settle(backend)
        stats = backend.stats()
        self.assertEqual(5, stats['outbox'])
        self.assertGreaterEqual(stats['dropped'], 15)

    def test_drops_are_logged_once_per_burst_with_the_count(self):
        world = self.frozen_world()
        backend = self.backend(world, queue_size=2, overflow_size=2,
                               outbox_max_rows=1)
        self.emit(self.notifier(backend), 30)
        self.settle(backend)
        backend.drops.summary()
        output = self.logs.output
        self.assertEqual(1, output.count('dropped notifications: queue '
                                         'full'))
        self.assertIn('more since the last report', output)

    def test_flush_timeout_moves_the_queue_to_the_outbox(self):
        world = self.frozen_world()
        backend = self.backend(world)
        self.emit(self.notifier(backend), 300)
        self.assertFalse(backend.flush(0.2))
        stats = backend.stats()
        self.assertEqual(300, stats['outbox'] + stats['queued'])
        self.assertLessEqual(stats['queued'], backend.batch_size)

    def test_broker_down_is_reported_once_with_the_option(self):
        world = World()
        world.down = True
        backend = self.backend(world)
        notifier = self.notifier(backend)
        for _ in range(5):
            self.emit(notifier, 2)
            backend.flush(5)
        time.sleep(0.1)
        output = self.logs.output
        self.assertEqual(1, output.count('[backend_messaging] '
                                         'transport_url'))
        self.assertIn('refused the connection', output)
        # tried again and again (a publish, then probes), said once
        self.assertGreater(world.attempts + world.probes, 1)

    def test_replay_reads_no_row_while_the_broker_does_not_answer(self):
        world = World()
        world.down = True
        backend = self.backend(world, retry_interval=0.01,
                               retry_interval_max=0.02)
        self.emit(self.notifier(backend), 20)
        backend.flush(5)
        heads = []
        head = backend.outbox.head

        def counting_head(limit, after=None):
            heads.append(limit)
            return head(limit, after)
        backend.outbox.head = counting_head
        deadline = time.monotonic() + 5
        start = world.probes
        while world.probes < start + 5:
            self.assertLess(time.monotonic(), deadline, 'no probes')
            time.sleep(0.01)
        self.assertEqual([], heads)
        world.down = False
        self.assertTrue(backend.wait_delivered(5))
        self.assertEqual(20, len(world.published))


class TestAdoptInterval(MessagingBackendTest):
    """How often a running process looks for the outbox rows of
    processes that are gone: [backend_messaging] adopt_interval."""

    def adoptions(self, seconds, **options):
        backend = self.backend(World(), **options)
        backend.IDLE_WAIT = 0.01        # the replay thread looks often
        calls = []
        real = backend.ledger.adopt
        with mock.patch.object(backend.ledger, 'adopt',
                               side_effect=lambda: calls.append(1) or real()):
            self.emit(self.notifier(backend), 1)    # starts the threads
            self.assertTrue(backend.wait_delivered(5))
            time.sleep(seconds)
        return len(calls)

    def test_rows_are_looked_for_every_adopt_interval(self):
        self.assertGreaterEqual(self.adoptions(1.0, adopt_interval=0.05), 3)

    def test_adopt_interval_zero_looks_only_at_startup(self):
        self.assertEqual(0, self.adoptions(0.3, adopt_interval=0))

    def test_the_default_looks_every_30_seconds(self):
        self.assertEqual(30.0, self.backend(World()).adopt_interval)
        self.assertEqual(0, self.adoptions(0.3))


class TestDescribeFailure(testtools.TestCase):

    def test_wrong_credentials(self):
        import amqp
        exc = amqp.exceptions.AccessRefused('ACCESS_REFUSED - Login was '
                                            'refused')
        self.assertIn('refused the credentials',
                      plan.describe_failure(exc))

    def test_unknown_host(self):
        import socket
        exc = socket.gaierror(-2, 'Name or service not known')
        self.assertIn('cannot be resolved', plan.describe_failure(exc))

    def test_frozen_broker(self):
        exc = publishers.ConfirmTimeout(
            'no publisher confirm within 2.0s')
        self.assertIn('does not answer', plan.describe_failure(exc))


class TestGuarantees(MessagingBackendTest):
    """What a configuration guarantees, and what stats() and the log say
    about it."""

    def rabbit_conf(self, url='rabbit://u:p@127.0.0.1:1/', **rabbit):
        conf = self.conf(transport_url=url)
        plan._rabbit_conf(conf)
        for key, value in rabbit.items():
            conf.set_override(key, value, 'oslo_messaging_rabbit')
        return conf

    def plan(self, conf):
        backend = messaging.MessagingBackend(conf)
        self.addCleanup(backend.close, 1.0)
        return backend, backend.plan

    def test_quorum_queues_stay_on_the_pipeline(self):
        backend, plan = self.plan(self.rabbit_conf(
            rabbit_quorum_queue=True, rabbit_quorum_delivery_limit=5))
        self.assertEqual(('pipeline', 'routed'), (plan.mode, plan.guarantee))
        sender = backend.senders.new_sender()
        self.assertEqual({'x-queue-type': 'quorum', 'x-delivery-limit': 5},
                         sender.queue_arguments)
        self.assertTrue(sender.durable)
        self.assertEqual([], plan.notes)
        self.assertEqual('routed', backend.stats()['guarantee'])

    def test_ha_queues_stay_on_the_pipeline(self):
        backend, plan = self.plan(self.rabbit_conf(rabbit_ha_queues=True,
                                                   amqp_durable_queues=True))
        self.assertEqual('pipeline', plan.mode)
        self.assertEqual({'x-ha-policy': 'all'},
                         backend.senders.new_sender().queue_arguments)

    def test_tls_stays_on_the_pipeline_with_each_hosts_name(self):
        backend, plan = self.plan(self.rabbit_conf(
            url='rabbit://u:p@h1:5671,u:p@h2:5671/', ssl=True,
            ssl_ca_file='/etc/ca.pem', ssl_version='TLSv1_2'))
        self.assertEqual('pipeline', plan.mode)
        sender = backend.senders.new_sender()
        self.assertEqual([('h1', 5671, 'u', 'p'), ('h2', 5671, 'u', 'p')],
                         sender.hosts)
        options = sender._ssl_for('h2')
        self.assertEqual('/etc/ca.pem', options['ca_certs'])
        self.assertEqual('h2', options['server_hostname'])
        self.assertEqual(ssl.CERT_REQUIRED, options['cert_reqs'])
        self.assertEqual(ssl.PROTOCOL_TLSv1_2, options['ssl_version'])

    def test_a_fallback_is_logged_with_its_reason(self):
        backend, plan = self.plan(self.rabbit_conf(
            kombu_compression='gzip', amqp_durable_queues=True))
        self.assertEqual(('oslo', 'confirmed'), (plan.mode, plan.guarantee))
        self.assertIn('kombu_compression = gzip', self.logs.output)
        self.assertIn('ten times fewer', self.logs.output)

    def test_non_durable_queues_are_said_to_lose_on_restart(self):
        notes = messaging.MessagingBackend.conf_notes(self.rabbit_conf())
        self.assertEqual(1, len(notes))
        self.assertIn('a broker restart loses confirmed notifications',
                      notes[0])
        self.assertEqual([], messaging.MessagingBackend.conf_notes(
            self.rabbit_conf(amqp_durable_queues=True)))

    def test_kafka_is_at_most_once_and_never_counted_sent(self):
        world = World()
        backend = self.backend(world, transport_url='kafka://127.0.0.1:9/')
        self.assertIn('at-most-once', self.logs.output)
        self.emit(self.notifier(backend), 3)
        self.assertTrue(backend.wait_delivered(5))
        stats = backend.stats()
        self.assertEqual(('at-most-once', 0, 3), (
            stats['guarantee'], stats['sent'], stats['unconfirmed']))

    def test_returned_rows_stay_in_the_outbox_and_are_never_sent(self):
        world = World()
        world.unbound.add('versioned_notifications.info')
        backend = self.backend(world)
        ids = self.emit(self.notifier(backend), 5)
        self.assertTrue(backend.wait_delivered(5))
        stats = backend.stats()
        self.assertEqual((0, 5), (stats['sent'], stats['replayed']))
        # every message of the first batch came back (how many the first
        # batch held depends on when the sender thread woke)
        self.assertIn(stats['unroutable'], range(1, 6))
        self.assertEqual(ids, world.ids())
        self.assertEqual(1, self.logs.output.count('no queue is bound'))
        self.assertIn('versioned_notifications.info', self.logs.output)


class TestConfigValidateSaysIt(testtools.TestCase):

    def test_validate_prints_the_notes_as_warnings(self):
        from tidings.cmd import config as config_cmd
        path = self.useFixture(fixtures.TempDir()).path + '/t.conf'
        with open(path, 'w') as f:
            f.write('[notifications]\nbackends = messaging, log\n'
                    '[backend_messaging]\n'
                    'transport_url = kafka://127.0.0.1:9092/\n')
        conf = config_cmd.check([path])
        warnings = config_cmd.warnings_for(conf)
        self.assertEqual(1, len(warnings), warnings)
        self.assertIn('messaging backend: transport kafka:// confirms '
                      'nothing: delivery is at-most-once', warnings[0])


class TestPersistBeforeReturn(MessagingBackendTest):

    def test_the_row_is_in_the_outbox_when_notify_returns(self):
        world = self.frozen_world()
        backend = self.backend(world, persist_before_return=True)
        notifier = self.notifier(backend)
        ids = self.emit(notifier, 3)
        self.assertEqual(3, backend.outbox.count)
        self.assertEqual(0, backend.stats()['queued'])
        world.frozen.set()
        self.assertTrue(backend.wait_delivered(5))
        self.assertEqual(ids, world.ids())
        self.assertEqual(0, backend.outbox.count)

    def test_the_replay_lingers_after_a_batch_shorter_than_a_window(self):
        # Caught up with the callers, the replay lets a few more rows
        # arrive before its next batch (as a sender lingers): fewer,
        # larger batches, each a read, a publish and a delete.
        world = self.frozen_world()
        backend = self.backend(world, persist_before_return=True,
                               sender_linger=0.2)
        waits = []
        real_wait = backend.stopping.wait

        def wait(timeout=None):
            waits.append(timeout)
            return real_wait(timeout)
        backend.stopping.wait = wait
        ids = self.emit(self.notifier(backend), 3)
        world.frozen.set()
        self.assertTrue(backend.wait_delivered(5))
        self.assertEqual(ids, world.ids())
        deadline = time.monotonic() + 5
        while not any(0.1 <= w <= 0.3 for w in waits if w) and \
                time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertTrue(any(0.1 <= w <= 0.3 for w in waits if w), waits)

    def test_close_waits_for_the_outbox_to_drain(self):
        world = World()
        backend = self.backend(world, persist_before_return=True)
        ids = self.emit(self.notifier(backend), 50)
        backend.close(5.0)
        self.assertEqual(ids, world.ids())
        self.assertEqual(0, backend.outbox.count)


class TestFork(MessagingBackendTest):
    """The fork policy of workers.reset_in_child: a forked child's first
    notification starts its own threads and outbox slot."""

    def test_a_forked_childs_first_notification_starts_its_threads(self):
        world = World()
        backend = self.backend(world)
        notifier = self.notifier(backend)
        self.emit(notifier, 3)
        self.assertTrue(backend.wait_delivered(5))
        parent_owner = backend.outbox.owner
        parent_threads = [lane.worker.thread for lane in backend.senders.lanes]

        def child():
            before = (backend.started, backend.pending(),
                      [lane.worker.thread for lane in backend.senders.lanes])
            with world.lock:
                world.published.clear()
            ids = self.emit(notifier, 2)
            delivered = backend.wait_delivered(5)
            threads = [lane.worker.thread for lane in backend.senders.lanes]
            return repr((
                before, delivered, world.ids() == ids,
                backend.started, backend._replayer.is_alive(),
                any(t is not None and t.is_alive() for t in threads),
                any(t in parent_threads for t in threads if t is not None),
                backend.outbox.owner != parent_owner))
        out = forking.in_child(child)
        self.assertTrue(out, 'the child returned nothing')
        (before, delivered, same_ids, started, replaying, sending,
         inherited, own_slot) = ast.literal_eval(out)
        # marked not started, nothing pending: the threads did not fork
        self.assertEqual((False, 0, [None] * len(backend.senders.lanes)),
                         before)
        self.assertEqual((True, True, True, True, True),
                         (delivered, same_ids, started, replaying, sending))
        self.assertFalse(inherited)
        self.assertTrue(own_slot)
        # the parent goes on with its own threads
        ids = self.emit(notifier, 1)
        self.assertTrue(backend.wait_delivered(5))
        self.assertEqual(ids, world.ids()[-1:])
        self.assertEqual(4, backend.stats()['sent'])


class TestAtExit(MessagingBackendTest):

    def test_what_is_queued_at_exit_goes_to_the_outbox_and_is_logged(self):
        world = self.frozen_world()
        backend = self.backend(world)
        self.emit(self.notifier(backend), 1)
        # the sender thread holds the first one, frozen
        deadline = time.monotonic() + 5
        while not backend.senders.lanes[0].worker.inflight:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.005)
        self.emit(self.notifier(backend), 4)
        ledger_mod._at_exit()
        self.assertEqual(4, backend.outbox.count)
        self.assertIn('at exit, without close(): 4 notification(s) still '
                      'queued in memory were written to the outbox',
                      self.logs.output)
        self.assertIn('1 published without their confirm yet may be lost',
                      self.logs.output)
        # the one on the wire may be lost: the ledger keeps it counted
        self.assertEqual(1, ledger(backend))

    def test_a_closed_backend_is_left_alone(self):
        backend = self.backend(World())
        backend.close(1.0)
        self.assertEqual((0, 0), backend.ledger.save_at_exit())
        self.assertNotIn(backend.ledger, ledger_mod._OPEN)


def ledger(backend, owner=None):
    """What the outbox ledger of ``owner`` (the backend's slot by
    default) says its process holds in memory; None without a row."""
    table = backend.outbox.ledger
    with backend.outbox.engine.connect() as conn:
        return conn.execute(sa.select(table.c.in_memory).where(
            table.c.owner == (owner or backend.outbox.owner))).scalar()


class TestLostAtCrash(MessagingBackendTest):
    """The outbox ledger: what a process holds in memory, recorded by its
    threads, reported by the process that takes its slot over."""

    def wait_ledger(self, backend, expected, timeout=5.0):
        deadline = time.monotonic() + timeout
        while ledger(backend) != expected:
            self.assertLess(time.monotonic(), deadline, (
                ledger(backend), backend.stats()))
            time.sleep(0.02)

    def gone(self, count):
        """A process that held a slot of the outbox and ended with
        ``count`` notifications in memory (the kernel frees its slot)."""
        box = outbox_mod.Outbox(
            'sqlite:///' + os.path.join(self.state, 'outbox.sqlite'))
        box.record(count)
        box.close()
        return box.owner

    def test_the_ledger_follows_what_is_held_in_memory(self):
        world = self.frozen_world()
        backend = self.backend(world)
        recorders = set()
        record = backend.outbox.record

        def recording(count, conn=None):
            recorders.add(threading.get_ident())
            return record(count, conn)
        backend.outbox.record = recording
        notifier = self.notifier(backend)
        self.emit(notifier, 5)
        # the sender holds one on the wire (the broker is frozen), four
        # wait behind it
        self.wait_ledger(backend, 5)
        world.frozen.set()
        self.assertTrue(backend.wait_delivered(5))
        self.wait_ledger(backend, 0)
        self.assertTrue(recorders)
        self.assertNotIn(threading.get_ident(), recorders)

    def test_the_tally_follows_each_call_and_each_resolution(self):
        # frozen: one batch on the wire, the rest in memory, every call
        # in the tally at once (no record to wait for)
        world = self.frozen_world()
        backend = self.backend(world)
        notifier = self.notifier(backend)
        self.emit(notifier, 7)
        self.assertEqual(7, backend.outbox.tally.held())
        world.frozen.set()
        self.assertTrue(backend.wait_delivered(5))
        self.assertEqual(0, backend.outbox.tally.held())
        # down: into the outbox, written with the ledger's figure
        world.down = True
        self.emit(notifier, 5)
        backend.flush(5)
        deadline = time.monotonic() + 5
        while backend.outbox.tally.held():
            self.assertLess(time.monotonic(), deadline, backend.stats())
            time.sleep(0.02)
        table = backend.outbox.ledger
        with backend.outbox.engine.connect() as conn:
            stored = conn.execute(sa.select(table.c.stored).where(
                table.c.owner == backend.outbox.owner)).scalar()
        self.assertEqual(stored, backend.outbox.tally.cells[
            tally_mod.STORED])
        self.assertGreaterEqual(stored, 5)
        world.down = False
        self.assertTrue(backend.wait_delivered(10))
        self.assertEqual(0, backend.outbox.tally.held())

    def test_a_clean_close_leaves_no_tally_to_read(self):
        backend = self.backend(World())
        self.emit(self.notifier(backend), 3)
        backend.close()
        again = tally_mod.Tally(backend.outbox.tally.path)
        self.assertIsNone(again.left_by(os.getpid()))

    def test_a_process_killed_holding_notifications_is_reported(self):
        owner = self.gone(6)
        backend = self.backend(World())
        self.assertEqual(owner, backend.outbox.owner)
        self.assertEqual(6, backend.stats()['lost_at_crash'])
        self.assertIn('which held slot slot-0 of the outbox sqlite:///%s/'
                      'outbox.sqlite, ended without closing tidings'
                      % self.state, self.logs.output)
        self.assertIn('with 6 notification(s) in memory at its last '
                      'record (', self.logs.output)
        self.assertIn('[backend_messaging] persist_before_return = true '
                      'loses none', self.logs.output)
        self.assertEqual(0, ledger(backend))

    def test_one_killed_holding_nothing_is_reported_without_a_count(self):
        self.gone(0)
        backend = self.backend(World())
        self.assertEqual(0, backend.stats()['lost_at_crash'])
        self.assertIn('with 0 notification(s) in memory at its last record',
                      self.logs.output)
        self.assertIn('any it accepted after that record is lost too, '
                      'uncounted', self.logs.output)

    def test_one_that_dies_beside_a_running_one_is_reported_by_it(self):
        backend = self.backend(World(), adopt_interval=0.05)
        self.emit(self.notifier(backend), 1)     # its threads run
        owner = self.gone(3)
        self.assertEqual('slot-1', owner)
        deadline = time.monotonic() + 5
        while not backend.stats()['lost_at_crash']:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        self.assertEqual(3, backend.stats()['lost_at_crash'])
        self.assertIsNone(ledger(backend, owner))

    def test_a_clean_close_leaves_nothing_to_report(self):
        world = World()
        backend = self.backend(world)
        self.emit(self.notifier(backend), 50)
        backend.close(5.0)
        self.assertIsNone(ledger(backend))
        again = self.backend(world)
        self.assertEqual(0, again.stats()['lost_at_crash'])
        self.assertNotIn('ended without closing', self.logs.output)

    def emitted_while_down(self, count):
        world = World()
        world.down = True
        backend = self.backend(world)
        self.emit(self.notifier(backend), count)
        return world, backend

    def test_an_exit_with_nothing_in_flight_leaves_nothing_to_report(self):
        _, backend = self.emitted_while_down(20)
        backend.flush(5)
        ledger_mod._at_exit()
        self.assertEqual((None, 20), (ledger(backend), backend.outbox.count))

    def test_a_backend_that_never_sent_ends_cleanly(self):
        self.backend(World()).close(1.0)
        exited = self.backend(World())
        ledger_mod._at_exit()
        exited.outbox.close()        # the process ends: its slot is free
        again = self.backend(World())
        self.assertEqual((exited.outbox.owner, 0), (
            again.outbox.owner, again.stats()['lost_at_crash']))
        self.assertNotIn('ended without closing', self.logs.output)

    def test_a_close_with_the_broker_down_leaves_nothing_in_memory(self):
        world, backend = self.emitted_while_down(50)
        backend.close(5.0)
        again = self.backend(world)
        self.assertEqual((0, 50), (again.stats()['lost_at_crash'],
                                   again.outbox.count))

    def test_persist_before_return_holds_nothing_in_memory(self):
        world = self.frozen_world()
        backend = self.backend(world, persist_before_return=True)
        self.emit(self.notifier(backend), 3)
        time.sleep(3 * backend.LEDGER_INTERVAL)
        self.assertEqual((None, 3), (ledger(backend), backend.outbox.count))
