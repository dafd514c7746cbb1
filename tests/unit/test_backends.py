"""The bundled backends and the CountingBackend / QueuedBackend machinery."""

import json
import logging
import os
import threading

import fixtures
import testtools

from tests.unit import catalog
from tidings import conf as tidings_conf
from tidings.backends import base
from tidings.backends import jsonfile
from tidings.backends import log as log_backend
from tidings.backends import memory
from tidings.backends import noop
from tidings.notifications import notification as notification_mod
from tidings.notifications import publisher

PUBLISHER = publisher.Publisher('api', 'node-1')


def note(event=catalog.TABLE_CREATE_START, formats=('versioned',), **extra):
    payload = (catalog.table_payload(**extra)
               if event.payload is catalog.TablePayload
               else catalog.PingPayload(n=1))
    return notification_mod.Notification(event, payload, PUBLISHER,
                                         formats=formats)


class TestNoop(testtools.TestCase):

    def test_counts_and_discards(self):
        backend = noop.NoopBackend()
        backend.send(note())
        backend.send(note())
        self.assertEqual({'sent': 0, 'discarded': 2}, backend.stats())

    def test_serves_every_mechanism(self):
        self.assertTrue(noop.NoopBackend().accepts(catalog.AUDIT))


class TestLog(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name='tidings.notifications', level=logging.DEBUG,
            format='%(levelname)s %(message)s'))

    def lines(self):
        return [line for line in self.logger.output.splitlines() if line]

    def test_one_line_per_notification(self):
        backend = log_backend.LogBackend()
        backend.send(note())
        backend.send(note())
        self.assertEqual(2, len(self.lines()))

    def test_text_line_names_priority_event_type_and_publisher(self):
        log_backend.LogBackend().send(note())
        self.assertTrue(self.lines()[0].startswith(
            'INFO INFO unitcat.table.create.start api:node-1 '))

    def test_level_maps_to_the_logging_level(self):
        log_backend.LogBackend().send(note(catalog.TABLE_CREATE_ERROR))
        self.assertTrue(self.lines()[0].startswith('ERROR ERROR '))

    def test_secrets_are_masked(self):
        log_backend.LogBackend().send(note(owner_token='hunter2'))
        self.assertNotIn('hunter2', self.logger.output)
        self.assertIn('"owner_token": "***"', self.logger.output)

    def test_json_line_is_the_wire_message(self):
        message = note()
        log_backend.LogBackend(line_format='json').send(message)
        line = self.lines()[0].split(' ', 1)[1]
        self.assertEqual(message.to_wire(), json.loads(line))

    def test_logger_below_level_writes_nothing(self):
        quiet = self.useFixture(fixtures.FakeLogger(name='quiet',
                                                    level=logging.WARNING))
        backend = log_backend.LogBackend(logger_name='quiet')
        backend.send(note())
        self.assertEqual('', quiet.output)
        self.assertEqual(1, backend.stats()['sent'])

    def test_options_come_from_the_backend_log_group(self):
        conf = tidings_conf.new_conf()
        conf.set_override('logger_name', 'custom', 'backend_log')
        conf.set_override('line_format', 'json', 'backend_log')
        backend = log_backend.LogBackend(conf)
        self.assertEqual(('custom', 'json'),
                         (backend.logger.name, backend.line_format))

    def test_serves_the_log_mechanism_only(self):
        backend = log_backend.LogBackend()
        self.assertTrue(backend.accepts(catalog.PING))          # log
        self.assertFalse(backend.accepts(catalog.AUDIT))        # database
        self.assertFalse(backend.accepts(catalog.DROPPED))      # messaging

    def test_all_events_makes_it_a_tap(self):
        conf = tidings_conf.new_conf()
        conf.set_override('all_events', True, 'backend_log')
        backend = log_backend.LogBackend(conf)
        self.assertTrue(backend.accepts(catalog.AUDIT))
        self.assertTrue(backend.accepts(catalog.DROPPED))
        self.assertFalse(log_backend.LogBackend().accepts(catalog.AUDIT))


def starts_awaited(backend, count, timeout):
    """How many ``unitcat.table.create.start`` notifications
    ``backend.wait_for`` gives back (``count`` wanted)."""
    return len(backend.wait_for('unitcat.table.create.start', count=count,
                                timeout=timeout))


class TestMemory(testtools.TestCase):

    def test_keeps_the_wire_message_and_the_notification(self):
        backend = memory.MemoryBackend()
        message = note()
        backend.send(message)
        self.assertEqual([message], list(backend.notifications))
        self.assertEqual([message.to_wire()], list(backend.messages))

    def test_wait_for_returns_once_the_count_arrived(self):
        backend = memory.MemoryBackend()
        timer = threading.Timer(0.05, lambda: [backend.send(note())
                                               for _ in range(2)])
        timer.start()
        self.addCleanup(timer.cancel)
        self.assertEqual(2, starts_awaited(backend, 2, timeout=5))

    def test_wait_for_gives_what_arrived_after_timeout(self):
        backend = memory.MemoryBackend()
        backend.send(note())
        self.assertEqual(1, starts_awaited(backend, 3, timeout=0.05))

    def test_wait_for_filters_by_event_type(self):
        backend = memory.MemoryBackend()
        backend.send(note())
        backend.send(note(catalog.TABLE_CREATE_END))
        self.assertEqual(['unitcat.table.create.end'], [
            m['event_type'] for m in backend.wait_for(
                'unitcat.table.create.end', timeout=0)])

    def test_oldest_are_forgotten_past_the_limit(self):
        backend = memory.MemoryBackend(max_notifications=2)
        for _ in range(5):
            backend.send(note())
        self.assertEqual(2, len(backend.messages))

    def test_clear_forgets_everything(self):
        backend = memory.MemoryBackend()
        backend.send(note())
        backend.clear()
        self.assertEqual(([], []), (list(backend.messages),
                                    list(backend.notifications)))


class TestJsonFile(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'n.jsonl')

    def backend(self, **kwargs):
        backend = jsonfile.JsonFileBackend(path=self.path, **kwargs)
        self.addCleanup(backend.close)
        return backend

    def read(self, path=None):
        with open(path or self.path) as handle:
            return [json.loads(line) for line in handle]

    def test_one_json_document_per_line(self):
        backend = self.backend()
        first, second = note(), note(catalog.TABLE_CREATE_END)
        backend.send(first)
        backend.send(second)
        self.assertTrue(backend.flush(5))
        self.assertEqual([first.to_wire(), second.to_wire()], self.read())

    def test_both_formats_write_two_lines(self):
        backend = self.backend()
        message = note(formats=('versioned', 'unversioned'))
        backend.send(message)
        backend.flush(5)
        versioned, unversioned = self.read()
        self.assertEqual(message.message_id, unversioned['message_id'])
        self.assertEqual('orders', unversioned['payload']['table_name'])
        self.assertIn('unitcat_object.data', versioned['payload'])

    def test_rotates_when_the_file_would_pass_max_bytes(self):
        backend = self.backend(max_bytes=600, backup_count=3)
        for _ in range(4):
            backend.send(note())
            backend.flush(5)
        self.assertTrue(os.path.exists(self.path + '.1'))
        for path in [self.path] + ['%s.%d' % (self.path, i)
                                   for i in (1, 2, 3)]:
            if os.path.exists(path):
                self.assertLessEqual(os.path.getsize(path), 600)

    def test_rotation_keeps_every_line_in_order(self):
        backend = self.backend(max_bytes=600, backup_count=10)
        sent = [note() for _ in range(4)]
        for message in sent:
            backend.send(message)
            backend.flush(5)
        files = sorted((p for p in os.listdir(self.dir)),
                       key=lambda p: -int(p.rsplit('.', 1)[1])
                       if p[-1].isdigit() else 0)
        ids = [line['message_id'] for p in files
               for line in self.read(os.path.join(self.dir, p))]
        self.assertEqual([m.message_id for m in sent], ids)

    def test_backup_count_limits_the_rotated_files(self):
        backend = self.backend(max_bytes=300, backup_count=2)
        for _ in range(6):
            backend.send(note())
            backend.flush(5)
        self.assertEqual(['n.jsonl', 'n.jsonl.1', 'n.jsonl.2'],
                         sorted(os.listdir(self.dir)))

    def test_backup_count_zero_starts_the_file_over(self):
        backend = self.backend(max_bytes=300, backup_count=0)
        for _ in range(3):
            backend.send(note())
            backend.flush(5)
        self.assertEqual(['n.jsonl'], os.listdir(self.dir))
        self.assertEqual(1, len(self.read()))

    def test_path_and_limits_come_from_conf(self):
        conf = tidings_conf.new_conf()
        conf.set_override('path', self.path, 'backend_jsonfile')
        conf.set_override('max_bytes', 1234, 'backend_jsonfile')
        conf.set_override('backup_count', 7, 'backend_jsonfile')
        backend = jsonfile.JsonFileBackend(conf)
        self.addCleanup(backend.close)
        self.assertEqual((self.path, 1234, 7), (
            backend.path, backend.max_bytes, backend.backup_count))

    def test_default_path_is_under_state_path(self):
        conf = tidings_conf.new_conf()
        conf.set_override('state_path', self.dir, 'notifications')
        backend = jsonfile.JsonFileBackend(conf)
        self.addCleanup(backend.close)
        self.assertEqual(os.path.join(self.dir, 'notifications.jsonl'),
                         backend.path)

    def test_close_writes_what_is_queued(self):
        backend = jsonfile.JsonFileBackend(path=self.path)
        for _ in range(20):
            backend.send(note())
        backend.close()
        self.assertEqual(20, len(self.read()))
        self.assertEqual(20, backend.stats()['sent'])


class Held(base.CountingBackend):
    """A backend holding what it is sent until flushed, through the
    shared counting base only."""

    def __init__(self):
        super().__init__(None, 'held')
        self.held = []

    def send(self, notification):
        if len(self.held) >= 2:
            self.drop(1, 'two held already')
        else:
            self.held.append(notification)

    def pending(self):
        return len(self.held)

    def _drain(self, timeout):
        self.count('sent', len(self.held))
        self.held = []
        return True


class TestCountingBackend(testtools.TestCase):

    def test_counts_drops_and_sums_them_up_at_flush(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name=base.__name__, level=logging.WARNING))
        backend = Held()
        for _ in range(5):
            backend.send(note())
        self.assertEqual({'dropped': 3, 'queued': 2, 'sent': 0,
                          'failed': 0}, backend.stats())
        self.assertTrue(backend.flush(1))
        self.assertEqual({'dropped': 3, 'queued': 0, 'sent': 2,
                          'failed': 0}, backend.stats())
        self.assertIn('held backend dropped notifications: two held '
                      'already', logger.output)
        self.assertIn('2 more since the last report (3 in all)',
                      logger.output)

    def test_the_queued_and_messaging_backends_share_it(self):
        from tidings.backends import messaging
        self.assertTrue(issubclass(base.QueuedBackend, base.CountingBackend))
        # the messaging backend has its own queues: no QueuedBackend worker
        self.assertTrue(issubclass(messaging.MessagingBackend,
                                   base.CountingBackend))
        self.assertFalse(issubclass(messaging.MessagingBackend,
                                    base.QueuedBackend))


class Gate(base.QueuedBackend):
    """A queued backend whose delivery waits until released."""

    queue_size = 2
    batch_size = 1

    def __init__(self, fail=False):
        super().__init__(None, 'gate')
        self.entered = threading.Event()
        self.release = threading.Event()
        self.fail = fail
        self.delivered = []

    def deliver(self, batch):
        self.entered.set()
        self.release.wait(10)
        if self.fail:
            raise OSError('disk gone')
        self.delivered.extend(batch)


class TestQueuedBackend(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name=base.__name__, level=logging.WARNING))

    def blocked(self, fail=False):
        backend = Gate(fail)
        self.addCleanup(backend.close, 1)
        self.addCleanup(backend.release.set)
        backend.send(note())
        self.assertTrue(backend.entered.wait(5))
        return backend

    def test_send_returns_while_delivery_is_blocked(self):
        backend = self.blocked()
        backend.send(note())
        self.assertEqual(2, backend.stats()['queued'])

    def test_overflow_drops_and_counts(self):
        backend = self.blocked()
        for _ in range(9):
            backend.send(note())
        self.assertEqual(7, backend.stats()['dropped'])

    def test_overflow_is_logged_once_per_burst(self):
        backend = self.blocked()
        for _ in range(9):
            backend.send(note())
        lines = [line for line in self.logger.output.splitlines() if line]
        self.assertEqual(1, len(lines), lines)
        self.assertIn('gate backend dropped notifications: queue full',
                      lines[0])

    def test_flush_reports_the_suppressed_drops(self):
        backend = self.blocked()
        for _ in range(9):
            backend.send(note())
        backend.release.set()
        self.assertTrue(backend.flush(5))
        self.assertIn('6 more since the last report (7 in all)',
                      self.logger.output)

    def test_flush_times_out_while_delivery_is_blocked(self):
        backend = self.blocked()
        self.assertFalse(backend.flush(0.05))

    def test_flush_waits_for_delivery(self):
        backend = self.blocked()
        backend.send(note())
        backend.release.set()
        self.assertTrue(backend.flush(5))
        self.assertEqual(2, len(backend.delivered))
        self.assertEqual(0, backend.stats()['queued'])

    def test_failed_delivery_is_counted_and_logged_once(self):
        backend = self.blocked(fail=True)
        backend.send(note())
        backend.release.set()
        backend.flush(5)
        self.assertEqual(2, backend.stats()['failed'])
        self.assertEqual(1, self.logger.output.count(
            'gate backend delivery failed: OSError: disk gone'))

    def test_send_after_close_is_dropped_and_counted(self):
        backend = self.blocked()
        backend.release.set()
        backend.close(5)
        backend.send(note())
        self.assertEqual(1, backend.stats()['dropped'])
        self.assertIn('backend is closed', self.logger.output)

    def test_close_stops_the_worker(self):
        backend = self.blocked()
        backend.release.set()
        backend.close(5)
        self.assertFalse(backend._worker.is_alive())


class TestBurstLog(testtools.TestCase):

    def test_each_record_after_the_quiet_gap_is_logged(self):
        logger = self.useFixture(fixtures.FakeLogger(name='burst'))
        burst = base.BurstLog(logging.getLogger('burst'), 'thing',
                              quiet=0.0)
        burst.record('a')
        burst.record('b')
        self.assertEqual(2, logger.output.count('thing: '))


class _Recorder(base.CloseOnce):
    """Records what close() calls, and whether it was closed by then."""

    def __init__(self):
        self.calls = []

    def flush(self, timeout=None):
        self.calls.append(('flush', timeout, self.closed))
        return True

    def _shutdown(self, timeout):
        self.calls.append(('shutdown', timeout, self.closed))


class TestCloseOnce(testtools.TestCase):

    def test_flushes_then_marks_closed_then_shuts_down(self):
        thing = _Recorder()
        thing.close(3)
        self.assertEqual([('flush', 3, False), ('shutdown', 3, True)],
                         thing.calls)
        self.assertTrue(thing.closed)

    def test_a_second_close_does_nothing(self):
        thing = _Recorder()
        thing.close(3)
        thing.close(7)
        self.assertEqual(['flush', 'shutdown'],
                         [call[0] for call in thing.calls])

    def test_default_timeout_is_five_seconds(self):
        thing = _Recorder()
        thing.close()
        self.assertEqual([5.0, 5.0], [call[1] for call in thing.calls])
