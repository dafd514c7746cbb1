"""The statsd backend and its batching client, against local sockets."""

import os
import socket
import tempfile
import threading
import time
from unittest import mock

import testtools

from tests import metrics_catalog as catalog
from tests.netutil import Receiver
from tidings import conf as tidings_conf
from tidings.backends import statsd
from tidings.notifications import notifier as notifier_mod
from tidings.objects import errors


class ClientTestCase(testtools.TestCase):

    def client(self, **kwargs):
        kwargs.setdefault('port', self.receiver.port)
        client = statsd.StatsdClient(**kwargs)
        self.addCleanup(client.close, 1.0)
        return client

    def setUp(self):
        super().setUp()
        self.receiver = Receiver(self)

    def assertSent(self, sender, lines):
        """``sender`` (a client or a Notifier), flushed, sent exactly
        ``lines``."""
        sender.flush(5)
        self.assertEqual(lines, self.receiver.receive(len(lines)))


class TestStatsdClient(ClientTestCase):

    def test_incr_sends_a_counter_line(self):
        client = self.client()
        client.incr('mdb.req.create_table')
        self.assertSent(client, ['mdb.req.create_table:1|c'])

    def test_timing_sends_milliseconds(self):
        client = self.client()
        client.timing('mdb.task.create_table', 12.5)
        self.assertSent(client, ['mdb.task.create_table:12.5|ms'])

    def test_gauge_negative_value_is_reset_then_set(self):
        client = self.client()
        client.gauge('queue.depth', -3)
        client.gauge('outbox', 4)
        client.gauge('outbox', -1, delta=True)
        self.assertSent(client, ['queue.depth:0|g', 'queue.depth:-3|g',
                                 'outbox:4|g', 'outbox:-1|g'])

    def test_prefix_is_prepended_with_a_dot(self):
        client = self.client(prefix='prod')
        client.incr('a.b', 3)
        self.assertSent(client, ['prod.a.b:3|c'])

    def test_sampled_metric_carries_the_rate(self):
        client = self.client()
        with mock.patch('random.random', return_value=0.1):
            client.incr('a.b', rate=0.25)
        self.assertSent(client, ['a.b:1|c|@0.25'])

    def test_sampled_out_metric_is_not_sent(self):
        client = self.client(sample_rate=0.25)
        with mock.patch('random.random', return_value=0.9):
            client.incr('a.b')
            client.timing('a.c', 1)
        client.flush(5)
        self.assertEqual(0, client.stats()['sent'])

    def test_metrics_are_batched_into_packets(self):
        client = self.client(flush_interval=5.0)
        for i in range(50):
            client.incr('batch.metric.%d' % i)
        client.flush(5)
        lines = self.receiver.receive(50)
        self.assertEqual(50, len(lines))
        self.assertEqual(1, len(self.receiver.packets))

    def test_packets_never_exceed_max_packet_size(self):
        client = self.client(max_packet_size=200)
        for i in range(500):
            client.timing('some.rather.long.metric.name.%d' % i, i)
        client.flush(5)
        self.assertEqual(500, len(self.receiver.receive(500)))
        self.assertLessEqual(max(len(p) for p in self.receiver.packets), 200)
        self.assertGreater(len(self.receiver.packets), 20)

    def test_a_metric_longer_than_a_packet_is_dropped_and_counted(self):
        client = self.client(max_packet_size=64)
        client.incr('x' * 80)
        client.incr('short')
        self.assertSent(client, ['short:1|c'])
        self.assertEqual(1, client.stats()['oversize'])

    def test_interval_sends_without_flush(self):
        client = self.client(flush_interval=0.05)
        client.incr('lonely')
        self.assertEqual(['lonely:1|c'], self.receiver.receive(1, 5))

    def test_a_full_batch_wakes_the_sender_before_the_interval(self):
        client = self.client(flush_interval=30.0)
        for _ in range(statsd.WAKE_AT):
            client.incr('busy')
        self.assertEqual(statsd.WAKE_AT,
                         len(self.receiver.receive(statsd.WAKE_AT, 5)))

    def test_each_further_batch_wakes_the_sender_again(self):
        client = self.client(flush_interval=30.0)
        for _ in range(3):
            for _ in range(statsd.WAKE_AT):
                client.incr('busy')
            self.assertEqual(statsd.WAKE_AT,
                             len(self.receiver.receive(statsd.WAKE_AT, 5)))

    def test_full_queue_drops_and_counts(self):
        client = self.client(queue_size=10, flush_interval=30.0)
        release = threading.Event()
        self.addCleanup(release.set)
        real_drain = client._drain

        def held(lines):             # the sender cannot drain meanwhile
            release.wait(10)
            real_drain(lines)
        client._worker.deliver = held
        client.put('first:1|c')
        for _ in range(30):
            client.incr('flood')
        self.assertGreaterEqual(client.stats()['dropped'], 20)

    def test_closed_client_drops_and_counts(self):
        client = self.client()
        client.close()
        client.incr('late')
        self.assertEqual(1, client.stats()['dropped'])

    def test_host_is_not_resolved_at_construction(self):
        with mock.patch('socket.getaddrinfo') as getaddrinfo:
            self.client(host='statsd.example.org')
        getaddrinfo.assert_not_called()

    def test_host_is_resolved_again_after_a_failure(self):
        client = self.client(host='statsd.example.org', retry_interval=0)
        real = socket.getaddrinfo
        calls = []

        def flaky(host, *args, **kwargs):
            calls.append(host)
            if len(calls) == 1:
                raise socket.gaierror(-2, 'Name or service not known')
            return real('127.0.0.1', *args, **kwargs)
        with mock.patch('socket.getaddrinfo', side_effect=flaky):
            client.incr('first')
            client.flush(5)
            client.incr('second')
            client.flush(5)
        self.assertEqual(['statsd.example.org'] * 2, calls)
        self.assertEqual(['second:1|c'], self.receiver.receive(1))
        self.assertEqual(1, client.stats()['failed'])

    def test_unreachable_daemon_never_raises_and_counts(self):
        port = self.receiver.port
        self.receiver.sock.close()      # nobody listens there now
        client = self.client(port=port, retry_interval=30)
        for _ in range(5):
            client.incr('nobody.home')
            client.flush(5)
        stats = client.stats()
        # UDP learns of the refusal from the packet after the lost one.
        self.assertEqual(5, stats['sent'] + stats['failed'])
        self.assertGreaterEqual(stats['failed'], 3)

    def test_caller_is_not_blocked_by_a_slow_name_lookup(self):
        client = self.client(host='slow.example.org')
        gate = threading.Event()
        self.addCleanup(gate.set)

        def slow(*args, **kwargs):
            gate.wait(10)
            raise socket.gaierror(-2, 'Name or service not known')
        with mock.patch('socket.getaddrinfo', side_effect=slow):
            client.incr('warmup')
            client.flush(0.2)
            start = time.perf_counter()
            for _ in range(1000):
                client.incr('during.lookup')
            elapsed = time.perf_counter() - start
            gate.set()
        self.assertLess(elapsed, 0.5)

    def test_a_forked_child_sends_through_its_own_sender(self):
        client = self.client()
        client.incr('parent')
        client.flush(5)
        pid = os.fork()
        if pid == 0:            # the child: its sender thread did not fork
            try:
                client.incr('child')
                client.flush(5)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        self.assertEqual(['parent:1|c', 'child:1|c'],
                         self.receiver.receive(2))

    def test_tcp_sends_newline_terminated_lines(self):
        server = socket.socket()
        server.bind(('127.0.0.1', 0))
        server.listen(1)
        self.addCleanup(server.close)
        client = self.client(protocol='tcp', port=server.getsockname()[1])
        client.incr('over.tcp')
        client.timing('over.tcp.ms', 2)
        client.flush(5)
        conn, _ = server.accept()
        self.addCleanup(conn.close)
        conn.settimeout(5)
        data = b''
        while data.count(b'\n') < 2:
            data += conn.recv(4096)
        self.assertEqual(b'over.tcp:1|c\nover.tcp.ms:2|ms\n', data)

    def test_unix_socket_sends_newline_terminated_lines(self):
        path = os.path.join(tempfile.mkdtemp(prefix='tsd'), 's')
        self.addCleanup(os.rmdir, os.path.dirname(path))
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        self.addCleanup(os.unlink, path)
        server.listen(1)
        self.addCleanup(server.close)
        client = self.client(protocol='unix', socket_path=path)
        client.incr('over.unix')
        client.flush(5)
        conn, _ = server.accept()
        self.addCleanup(conn.close)
        conn.settimeout(5)
        self.assertEqual(b'over.unix:1|c\n', conn.recv(4096))

    def test_unix_without_socket_path_is_a_config_error(self):
        exc = self.assertRaises(errors.ConfigError, statsd.StatsdClient,
                                protocol='unix')
        self.assertIn('socket_path', str(exc))

    def test_zero_sample_rate_is_a_config_error(self):
        exc = self.assertRaises(errors.ConfigError, statsd.StatsdClient,
                                sample_rate=0)
        self.assertIn('[backend_statsd] sample_rate = 0', str(exc))


class TestStatsdBackend(ClientTestCase):

    def notifier(self, **options):
        return catalog.statsd_notifier(self, self.receiver.port, **options)

    def thing(self):
        return catalog.thing()

    def test_loaded_by_name_from_conf(self):
        notifier = self.notifier()
        self.assertIsInstance(notifier.backend('statsd'),
                              statsd.StatsdBackend)

    def test_counter_per_event(self):
        notifier = self.notifier()
        notifier.notify(catalog.THING_CREATE, self.thing())
        self.assertSent(notifier, ['test.thing.create:1|c'])

    def test_counter_for_every_metric_of_the_event(self):
        notifier = self.notifier()
        notifier.notify(catalog.THING_TWO_METRICS, self.thing())
        self.assertSent(notifier,
                        ['test.thing.move:1|c', 'test.thing.any:1|c'])

    def test_timer_when_the_notification_has_a_duration(self):
        notifier = self.notifier()
        notifier.notify(catalog.TASK_THING_END, self.thing(),
                        duration_ms=42.25)
        self.assertSent(notifier, ['test.task.create_thing:1|c',
                                   'test.task.create_thing:42.25|ms'])

    def test_status_variant_metric_carries_the_status(self):
        catalog.notify_request_error(self.notifier(), 404)
        self.assertEqual(['test.req.create_thing.error.404:1|c'],
                         self.receiver.receive(1))

    def test_events_without_the_statsd_mechanism_are_not_sent(self):
        notifier = self.notifier()
        notifier.notify(catalog.THING_QUIET, self.thing())
        notifier.notify(catalog.THING_CREATE, self.thing())
        self.assertSent(notifier, ['test.thing.create:1|c'])
        self.assertEqual(1,
                         notifier.backend('statsd').stats()['notifications'])

    def test_prefix_and_sample_rate_from_conf(self):
        notifier = self.notifier(prefix='prod', sample_rate=0.5)
        with mock.patch('random.random', return_value=0.1):
            notifier.notify(catalog.THING_CREATE, self.thing())
        self.assertSent(notifier, ['prod.test.thing.create:1|c|@0.5'])

    def test_bad_conf_fails_at_startup_naming_the_option(self):
        conf = tidings_conf.new_conf()
        conf.set_override('backends', ['statsd'], 'notifications')
        conf.set_override('protocol', 'unix', 'backend_statsd')
        exc = self.assertRaises(errors.ConfigError, notifier_mod.Notifier,
                                conf, catalog.EVENTS)
        self.assertIn('[backend_statsd] socket_path', str(exc))

    def test_client_is_reachable_from_the_notifier(self):
        notifier = self.notifier()
        client = statsd.statsd_client(notifier)
        client.gauge('tidings.messaging.outbox', 7)
        self.assertSent(client, ['tidings.messaging.outbox:7|g'])

    def test_no_client_without_a_statsd_backend(self):
        conf = tidings_conf.new_conf()
        conf.set_override('backends', ['noop'], 'notifications')
        notifier = notifier_mod.Notifier(conf, catalog.EVENTS)
        self.assertIsNone(statsd.statsd_client(notifier))

    def test_stats_count_notifications_and_metrics(self):
        notifier = self.notifier()
        for _ in range(3):
            notifier.notify(catalog.THING_TWO_METRICS, self.thing())
        notifier.flush(5)
        stats = notifier.stats()['statsd']
        self.assertEqual((3, 6, 0), (stats['notifications'], stats['sent'],
                                     stats['queued']))


class TestHealthGauges(ClientTestCase):
    """Backend counters reach StatsD as gauges when statsd is on."""

    def notifier(self, health_interval):
        conf = tidings_conf.new_conf()
        conf.set_override('backends', ['statsd', 'memory'], 'notifications')
        conf.set_override('port', self.receiver.port, 'backend_statsd')
        conf.set_override('health_interval', health_interval,
                          'backend_statsd')
        notifier = notifier_mod.Notifier(conf, catalog.EVENTS, source='test')
        self.addCleanup(notifier.close)
        return notifier

    def test_report_health_sends_each_backend_counter_as_a_gauge(self):
        notifier = self.notifier(0)
        notifier.notify(catalog.THING_CREATE, catalog.ThingPayload(name='a'))
        notifier.notify(catalog.THING_CREATE, catalog.ThingPayload(name='b'))
        notifier.flush(5)
        self.receiver.receive(1)  # the event counter packet
        sent = notifier.backend('statsd').report_health()
        notifier.flush(5)
        lines = self.receiver.receive(1 + sent)
        self.assertIn('tidings.backend.memory.sent:2|g', lines)
        self.assertTrue(any(line.startswith('tidings.backend.statsd.')
                            for line in lines), lines)

    def test_gauges_are_sent_every_health_interval(self):
        self.notifier(0.05)
        lines = self.receiver.receive(1, timeout=5)
        self.assertTrue(lines[0].startswith('tidings.backend.'), lines)
        self.assertTrue(lines[0].endswith('|g'), lines)

    def test_zero_interval_sends_no_gauges(self):
        notifier = self.notifier(0)
        self.assertIsNone(notifier.backend('statsd')._health_thread)
