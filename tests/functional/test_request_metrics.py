"""The request-metrics middleware with the real StatsD daemon receiving.

A real WSGI server (wsgiref) serves the test service wrapped in the
middleware; a real HTTP client calls it; the notifier has the statsd and
memory backends, so the endpoint's event metrics and the middleware's own
metrics both reach the daemon.
"""

import http.client
import time
import uuid

from tests.functional import base
from tests.functional import statsd_daemon
from tests import metrics_catalog as catalog
from tests import netutil
from tidings import conf as tidings_conf
from tidings.backends import memory
from tidings.backends import statsd
from tidings.middleware import request_metrics
from tidings.notifications import notifier as notifier_mod


class RequestMetricsDaemonTest(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.daemon = statsd_daemon.start_statsd(self)
        self.tag = 't%s' % uuid.uuid4().hex[:8]
        conf = tidings_conf.new_conf()
        conf.set_override('backends', ['statsd', 'memory'],
                          'notifications')
        conf.set_override('port', self.daemon.port, 'backend_statsd')
        conf.set_override('prefix', self.tag, 'backend_statsd')
        self.memory = memory.MemoryBackend(conf)
        self.notifier = notifier_mod.Notifier(
            conf, catalog.EVENTS, source='api',
            backends=[statsd.StatsdBackend(conf), self.memory])
        self.addCleanup(self.notifier.close)
        self.middleware = request_metrics.RequestMetricsMiddleware(
            catalog.things_app, self.notifier, catalog.ROUTES,
            node_metric='node', payload_factory=catalog.payload_factory)
        self.port = netutil.serve_wsgi(self, self.middleware)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def settle(self, requests):
        deadline = time.monotonic() + 5
        while self.middleware.stats()['requests'] < requests and \
                time.monotonic() < deadline:
            time.sleep(0.005)
        self.notifier.flush(5)
        self.daemon.settle()

    def name(self, metric):
        return '%s.%s' % (self.tag, metric)

    def test_request_counts_per_endpoint_and_node_wide(self):
        for _ in range(3):
            self.request('POST', '/v1/p1/things', body=b'{"n": 1}')
        for _ in range(2):
            self.request('GET', '/v1/p1/things?chunks=2')
        self.request('GET', '/health')
        self.settle(6)
        counters = self.daemon.counters()
        self.assertEqual(
            {'node.requests': 6, 'node.unmatched': 1,
             'test.req.create_thing.requests': 3,
             'test.req.list_thing.requests': 2,
             'test.req.create_thing': 3, 'test.req.list_thing': 2},
            {k: counters.get(self.name(k)) for k in (
                'node.requests', 'node.unmatched',
                'test.req.create_thing.requests',
                'test.req.list_thing.requests',
                'test.req.create_thing', 'test.req.list_thing')})

    def test_request_and_response_bytes_arrive_as_counted(self):
        self.request('POST', '/v1/p1/things', body=b'x' * 300)
        self.request('GET', '/v1/p1/things?chunks=4')
        self.settle(2)
        counters = self.daemon.counters()
        self.assertEqual(
            (300, 17, 0, 4000, 300, 4017),
            (counters[self.name('test.req.create_thing.request_bytes')],
             counters[self.name('test.req.create_thing.response_bytes')],
             counters[self.name('test.req.list_thing.request_bytes')],
             counters[self.name('test.req.list_thing.response_bytes')],
             counters[self.name('node.request_bytes')],
             counters[self.name('node.response_bytes')]))

    def test_errors_arrive_by_status_with_the_error_event_metric(self):
        self.request('POST', '/v1/p1/things?status=404')
        self.request('POST', '/v1/p1/things?status=404')
        self.request('POST', '/v1/p1/things?status=409')
        self.settle(3)
        counters = self.daemon.counters()
        self.assertEqual(
            (2, 1, 2, 2),
            (counters[self.name('node.errors.404')],
             counters[self.name('node.errors.409')],
             counters[self.name('test.req.create_thing.errors.404')],
             counters[self.name('test.req.create_thing.error.404')]))
        self.assertEqual(2, len(self.memory.by_event_type(
            'metricstest.req.create_thing.error.404')))

    def test_latency_arrives_as_timer_values(self):
        self.request('POST', '/v1/p1/things?sleep=40')
        self.request('POST', '/v1/p1/things?sleep=80')
        self.settle(2)
        timers = self.daemon.timers()
        latencies = sorted(timers[self.name(
            'test.req.create_thing.latency')])
        self.assertEqual(2, len(latencies))
        self.assertGreaterEqual(latencies[0], 40)
        self.assertGreaterEqual(latencies[1], 80)
        # the event's own timer carries the same duration
        self.assertEqual(latencies, sorted(timers[self.name(
            'test.req.create_thing')]))

    def test_dynamo_requests_reach_the_daemon(self):
        for _ in range(2):
            self.request('POST', '/', body=b'{}', headers={
                'X-Amz-Target': 'DynamoDB_20120810.CreateThing'})
        self.settle(2)
        counters = self.daemon.counters()
        self.assertEqual((2, 2), (
            counters[self.name('test.dynamo.create_thing.requests')],
            counters[self.name('test.dynamo.create_thing')]))
