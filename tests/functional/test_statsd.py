"""The statsd backend against the real StatsD daemon (npm ``statsd``)."""

import socket
import threading
import time
import uuid
from unittest import mock

from tests.functional import base
from tests.functional import statsd_daemon
from tests import metrics_catalog as catalog
from tidings.backends import statsd


class UdpRelay:
    """Forwards datagrams to the daemon and records each one's size."""

    def __init__(self, test, target_port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.target = ('127.0.0.1', target_port)
        self.sizes = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        test.addCleanup(self.close)

    def _run(self):
        out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        while not self._stop.is_set():
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            self.sizes.append(len(data))
            out.sendto(data, self.target)
        out.close()

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


class StatsdBackendTest(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.tag = 't%s' % uuid.uuid4().hex[:8]

    def daemon(self, **kwargs):
        return statsd_daemon.start_statsd(self, **kwargs)

    def notifier(self, port, **options):
        return catalog.statsd_notifier(self, port, prefix=self.tag,
                                       **options)

    def name(self, metric):
        return '%s.%s' % (self.tag, metric)

    def thing(self):
        return catalog.thing()

    def assertThingsCounted(self, notifier, daemon, count):
        """``count`` THING_CREATE sent through ``notifier`` are counted by
        ``daemon``."""
        for _ in range(count):
            notifier.notify(catalog.THING_CREATE, self.thing())
        notifier.flush(5)
        self.assertEqual(count, daemon.wait_for_counter(
            self.name('test.thing.create'), count))

    def test_event_counters_arrive_with_their_names_and_counts(self):
        daemon = self.daemon()
        notifier = self.notifier(daemon.port)
        for _ in range(25):
            notifier.notify(catalog.THING_CREATE, self.thing())
        for _ in range(3):
            notifier.notify(catalog.THING_TWO_METRICS, self.thing())
        notifier.flush(5)
        self.assertEqual(25, daemon.wait_for_counter(
            self.name('test.thing.create'), 25))
        daemon.settle()
        counters = daemon.counters()
        self.assertEqual((25, 3, 3), (
            counters[self.name('test.thing.create')],
            counters[self.name('test.thing.move')],
            counters[self.name('test.thing.any')]))

    def test_durations_arrive_as_timer_values(self):
        daemon = self.daemon()
        notifier = self.notifier(daemon.port)
        durations = [1.5, 20.0, 333.25]
        for ms in durations:
            notifier.notify(catalog.TASK_THING_END, self.thing(),
                            duration_ms=ms)
        notifier.flush(5)
        values = daemon.wait_for_timer(self.name('test.task.create_thing'),
                                       3)
        self.assertEqual(durations, sorted(values))
        self.assertEqual(3, daemon.counters()[
            self.name('test.task.create_thing')])

    def test_http_status_variant_counter_carries_the_status(self):
        daemon = self.daemon()
        catalog.notify_request_error(self.notifier(daemon.port), 409)
        self.assertEqual(1, daemon.wait_for_counter(
            self.name('test.req.create_thing.error.409'), 1))

    def test_sampled_counters_are_scaled_up_by_the_daemon(self):
        daemon = self.daemon()
        notifier = self.notifier(daemon.port, sample_rate=0.25)
        with mock.patch('random.random', return_value=0.1):
            for _ in range(4):
                notifier.notify(catalog.THING_CREATE, self.thing())
        notifier.flush(5)
        self.assertEqual(16, daemon.wait_for_counter(
            self.name('test.thing.create'), 16))

    def test_client_gauges_arrive(self):
        daemon = self.daemon()
        notifier = self.notifier(daemon.port)
        client = statsd.statsd_client(notifier)
        client.gauge('outbox', 12)
        client.flush(5)
        deadline = time.monotonic() + 5
        while self.name('outbox') not in daemon.gauges() and \
                time.monotonic() < deadline:
            daemon.flushes_since(daemon.flushes, 1)
        self.assertEqual(12, daemon.gauges()[self.name('outbox')])

    def test_packets_never_exceed_max_packet_size(self):
        daemon = self.daemon()
        relay = UdpRelay(self, daemon.port)
        notifier = self.notifier(relay.port, max_packet_size=300)
        for i in range(400):
            notifier.notify(catalog.TASK_THING_END, self.thing(),
                            duration_ms=i)
        notifier.flush(5)
        self.assertEqual(400, daemon.wait_for_counter(
            self.name('test.task.create_thing'), 400))
        self.assertLessEqual(max(relay.sizes), 300)
        self.assertGreater(len(relay.sizes), 40)
        self.assertEqual(400, daemon.timer_counts()[
            self.name('test.task.create_thing')])

    def test_tcp_protocol_reaches_the_daemon(self):
        daemon = self.daemon(tcp=True)
        notifier = self.notifier(daemon.tcp_port, protocol='tcp')
        self.assertThingsCounted(notifier, daemon, 10)

    def test_unix_socket_protocol_reaches_the_daemon(self):
        daemon = self.daemon(unix=True)
        notifier = self.notifier(None, protocol='unix',
                                 socket_path=daemon.socket_path)
        self.assertThingsCounted(notifier, daemon, 10)

    def test_absent_daemon_never_raises_nor_blocks_and_is_counted(self):
        daemon = self.daemon()
        port = daemon.port
        daemon.stop()                 # the daemon is gone now
        notifier = self.notifier(port)
        worst = 0.0
        for _ in range(200):
            start = time.perf_counter()
            notifier.notify(catalog.THING_CREATE, self.thing())
            worst = max(worst, time.perf_counter() - start)
            if _ % 20 == 0:
                notifier.flush(5)
        notifier.flush(5)
        stats = notifier.stats()['statsd']
        self.assertEqual(200, stats['sent'] + stats['failed'])
        self.assertGreater(stats['failed'], 150)
        self.assertLess(worst, 0.05)

    def test_daemon_restart_is_picked_up_again(self):
        daemon = self.daemon()
        notifier = self.notifier(daemon.port, retry_interval=0.1)
        daemon.stop()
        for _ in range(5):
            notifier.notify(catalog.THING_CREATE, self.thing())
            notifier.flush(5)
        failed = notifier.stats()['statsd']['failed']
        second = self.useFixture(statsd_daemon.StatsdDaemon(
            port=daemon.port))
        name = self.name('test.thing.create')
        deadline = time.monotonic() + 10
        while not second.counters().get(name) and \
                time.monotonic() < deadline:
            notifier.notify(catalog.THING_CREATE, self.thing())
            notifier.flush(5)
            second.flushes_since(second.flushes, 0.5)
        self.assertGreater(failed, 0)
        self.assertGreater(second.counters().get(name, 0), 0)
