"""The request-metrics middleware behind a real WSGI server and HTTP client.

Events go to the memory backend; metrics to a StatsD client aimed at a
local UDP socket.
"""

import http.client
import time
from unittest import mock

import testtools

from tests import metrics_catalog as catalog
from tests import netutil
from tidings.catalogs.magnetodb import routes as magnetodb_routes
from tidings import conf as tidings_conf
from tidings.backends import memory
from tidings.backends import statsd
from tidings.middleware import request_metrics
from tidings.notifications import notifier as notifier_mod
from tidings.objects import errors


def make_notifier(test, registries=catalog.EVENTS):
    conf = tidings_conf.new_conf()
    conf.set_override('backends', ['memory'], 'notifications')
    conf.set_override('level', 'debug', 'notifications')
    backend = memory.MemoryBackend(conf)
    notifier = notifier_mod.Notifier(conf, registries, source='api',
                                     backends=[backend])
    test.addCleanup(notifier.close)
    return notifier, backend


class MiddlewareTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.notifier, self.memory = make_notifier(self)
        self.receiver = netutil.Receiver(self)
        self.client = statsd.StatsdClient(port=self.receiver.port)
        self.addCleanup(self.client.close, 1.0)

    def serve(self, routes=catalog.ROUTES, **kwargs):
        kwargs.setdefault('statsd', self.client)
        kwargs.setdefault('payload_factory', catalog.payload_factory)
        self.middleware = request_metrics.RequestMetricsMiddleware(
            catalog.things_app, self.notifier, routes, **kwargs)
        self.port = netutil.serve_wsgi(self, self.middleware)
        return self.middleware

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=10)
        self.addCleanup(conn.close)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data

    def reported(self, count=1, timeout=5.0):
        """Wait until the middleware reported ``count`` requests."""
        deadline = time.monotonic() + timeout
        while self.middleware.stats()['requests'] < count and \
                time.monotonic() < deadline:
            time.sleep(0.005)
        return self.middleware.stats()

    def metrics(self, count=1):
        self.reported(count)
        self.client.flush(5)
        return self.receiver.drain()

    def metric_names(self, count=1):
        return sorted(line.split(':')[0] for line in self.metrics(count))


class TestEvents(MiddlewareTestCase):

    def test_success_emits_the_endpoint_event(self):
        self.serve()
        status, _ = self.request('POST', '/v1/p1/things', body=b'{"a": 1}')
        self.assertEqual(200, status)
        [message] = self.memory.wait_for('metricstest.req.create_thing')
        self.assertEqual('AUDIT', message['priority'])
        data = message['payload']['metricstest_object.data']
        self.assertEqual(
            {'method': 'POST', 'path': '/v1/p1/things', 'status': 200,
             'endpoint': '/v1/{project_id}/things', 'project_id': 'p1',
             'request_bytes': 8, 'response_bytes': 15},
            {k: data[k] for k in ('method', 'path', 'status', 'endpoint',
                                  'project_id', 'request_bytes',
                                  'response_bytes')})

    def test_error_status_emits_the_error_variant_with_the_status(self):
        self.serve()
        status, _ = self.request('POST', '/v1/p1/things?status=404')
        self.assertEqual(404, status)
        [message] = self.memory.wait_for(
            'metricstest.req.create_thing.error.404')
        self.assertEqual('ERROR', message['priority'])
        self.assertEqual(404, message['payload'][
            'metricstest_object.data']['status'])
        self.assertEqual([], self.memory.by_event_type(
            'metricstest.req.create_thing'))

    def test_the_event_carries_the_latency_as_duration(self):
        self.serve()
        self.request('POST', '/v1/p1/things?sleep=30')
        self.memory.wait_for('metricstest.req.create_thing')
        [note] = list(self.memory.notifications)
        self.assertGreaterEqual(note.duration_ms, 30.0)
        self.assertEqual(note.duration_ms, note.payload.duration_ms)

    def test_dynamo_action_is_routed_by_its_x_amz_target(self):
        self.serve()
        self.request('POST', '/', body=b'{}', headers={
            'X-Amz-Target': 'DynamoDB_20120810.CreateThing'})
        [message] = self.memory.wait_for('metricstest.dynamo.create_thing')
        self.assertEqual('DynamoDB_20120810.CreateThing', message[
            'payload']['metricstest_object.data']['action'])

    def test_other_x_amz_target_is_unmatched(self):
        self.serve()
        self.request('POST', '/', body=b'{}', headers={
            'X-Amz-Target': 'DynamoDB_20120810.DescribeThing'})
        self.assertEqual(1, self.reported()['unmatched'])
        self.assertEqual(0, len(self.memory.messages))

    def test_unmatched_request_emits_no_event(self):
        self.serve()
        self.request('GET', '/health')
        stats = self.reported()
        self.assertEqual((1, 0), (stats['unmatched'], stats['events']))
        self.assertEqual(0, len(self.memory.messages))

    def test_application_exception_reports_500_and_propagates(self):
        routes = catalog.ROUTES + [('GET', '/boom',
                                    'EVENT_TYPE_REQUEST_THING_LIST')]
        self.serve(routes)
        status, _ = self.request('GET', '/boom')
        self.assertEqual(500, status)
        self.memory.wait_for('metricstest.req.list_thing.error.500')

    def test_payload_factory_gets_the_measurements(self):
        seen = []

        def factory(environ, status, duration_ms, request_bytes,
                    response_bytes):
            seen.append((environ['tidings.route_params'], status,
                         request_bytes, response_bytes))
            return catalog.payload_factory(
                environ, status, duration_ms, request_bytes,
                response_bytes)
        self.serve(payload_factory=factory)
        self.request('GET', '/v1/p9/things?chunks=2')
        self.memory.wait_for('metricstest.req.list_thing')
        self.assertEqual([({'project_id': 'p9'}, 200, 0, 2000)], seen)

    def test_failing_payload_factory_never_breaks_the_response(self):
        def factory(*args):
            raise ValueError('no payload today')
        self.serve(payload_factory=factory)
        status, body = self.request('POST', '/v1/p1/things', body=b'abc')
        self.assertEqual((200, b'{"received": 3}'), (status, body))
        stats = self.reported()
        self.assertEqual((1, 0), (stats['event_failures'], stats['events']))

    def test_events_can_be_turned_off(self):
        self.serve(emit_events=False)
        self.request('POST', '/v1/p1/things')
        self.reported()
        self.assertEqual(0, len(self.memory.messages))

    def test_request_id_comes_from_the_request_header(self):
        self.serve()
        self.request('POST', '/v1/p1/things', headers={
            'X-Openstack-Request-Id': 'req-42'})
        [message] = self.memory.wait_for('metricstest.req.create_thing')
        self.assertEqual('req-42', message['payload'][
            'metricstest_object.data']['request_id'])


class TestMetrics(MiddlewareTestCase):

    def test_endpoint_and_node_metrics_of_a_success(self):
        self.serve()
        self.request('POST', '/v1/p1/things', body=b'0123456789')
        lines = self.metrics()
        values = {line.split('|')[0] for line in lines
                  if '.latency:' not in line}
        self.assertEqual({'api.requests:1', 'api.request_bytes:10',
                          'api.response_bytes:16',
                          'test.req.create_thing.requests:1',
                          'test.req.create_thing.request_bytes:10',
                          'test.req.create_thing.response_bytes:16'},
                         values)
        self.assertEqual(2, sum(1 for line in lines
                                if line.endswith('|ms')))

    def test_latency_is_a_timer_in_milliseconds(self):
        self.serve()
        self.request('POST', '/v1/p1/things?sleep=25')
        latencies = [line for line in self.metrics()
                     if line.startswith('api.latency:')]
        [line] = latencies
        self.assertTrue(line.endswith('|ms'))
        self.assertGreaterEqual(float(line.split(':')[1].split('|')[0]), 25)

    def test_errors_are_counted_by_status(self):
        self.serve()
        self.request('POST', '/v1/p1/things?status=409')
        names = self.metric_names()
        self.assertIn('api.errors.409', names)
        self.assertIn('test.req.create_thing.errors.409', names)

    def test_unmatched_request_counts_node_wide_only(self):
        self.serve()
        self.request('GET', '/health')
        self.assertEqual(['api.latency', 'api.request_bytes',
                          'api.requests', 'api.response_bytes',
                          'api.unmatched'], self.metric_names())

    def test_streaming_response_bytes_are_counted_as_they_pass(self):
        self.serve()
        status, data = self.request('GET', '/v1/p1/things?chunks=5')
        self.assertEqual(5000, len(data))
        self.assertIn('test.req.list_thing.response_bytes:5000|c',
                      self.metrics())

    def test_sample_rate_applies_to_metrics(self):
        self.serve(sample_rate=0.5)
        with mock.patch('random.random', return_value=0.1):
            self.request('POST', '/v1/p1/things')
            lines = self.metrics()
        self.assertIn('api.requests:1|c|@0.5', lines)

    def test_sampled_out_request_still_emits_its_event(self):
        self.serve(sample_rate=0.5)
        with mock.patch('random.random', return_value=0.9):
            self.request('POST', '/v1/p1/things')
            self.memory.wait_for('metricstest.req.create_thing')
            self.assertEqual([], self.metrics())

    def test_node_metric_name_is_configurable(self):
        self.serve(node_metric='mdb.api')
        self.request('GET', '/health')
        self.assertIn('mdb.api.unmatched', self.metric_names())

    def test_statsd_client_defaults_to_the_notifiers(self):
        conf = tidings_conf.new_conf()
        conf.set_override('backends', ['statsd'], 'notifications')
        conf.set_override('port', self.receiver.port, 'backend_statsd')
        notifier = notifier_mod.Notifier(conf, catalog.EVENTS)
        self.addCleanup(notifier.close)
        middleware = request_metrics.RequestMetricsMiddleware(
            catalog.things_app, notifier, catalog.ROUTES,
            payload_factory=catalog.payload_factory)
        self.assertIs(notifier.backend('statsd').client, middleware.statsd)


class TestRoutes(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.notifier, _ = make_notifier(self)

    def middleware(self, routes):
        return request_metrics.RequestMetricsMiddleware(
            catalog.things_app, self.notifier, routes,
            payload_factory=catalog.payload_factory)

    def environ(self, method, path, **headers):
        environ = {'REQUEST_METHOD': method, 'SCRIPT_NAME': '',
                   'PATH_INFO': path}
        for name, value in headers.items():
            environ['HTTP_' + name.upper()] = value
        return environ

    def test_placeholder_matches_exactly_one_segment(self):
        route = request_metrics.Route('GET', '/v1/{project_id}/things',
                                      'EVENT_TYPE_REQUEST_THING_LIST')
        self.assertEqual({'project_id': 'p'},
                         route.match('GET', '/v1/p/things', {}))
        self.assertEqual({'project_id': 'p'},
                         route.match('GET', '/v1/p/things/', {}))
        self.assertIsNone(route.match('GET', '/v1/p/q/things', {}))
        self.assertIsNone(route.match('GET', '/v1//things', {}))

    def test_route_matches_on_the_full_path_under_script_name(self):
        middleware = self.middleware(catalog.ROUTES)
        environ = self.environ('GET', '/things')
        environ['SCRIPT_NAME'] = '/v1/p2'
        route, params = middleware.match(environ)
        self.assertEqual(('EVENT_TYPE_REQUEST_THING_LIST', {'project_id':
                                                            'p2'}),
                         (route.event.name, params))

    def test_method_decides_between_routes_of_one_path(self):
        middleware = self.middleware(catalog.ROUTES)
        post, _ = middleware.match(self.environ('POST', '/v1/p/things'))
        get, _ = middleware.match(self.environ('GET', '/v1/p/things'))
        self.assertEqual(('EVENT_TYPE_REQUEST_THING_CREATE',
                          'EVENT_TYPE_REQUEST_THING_LIST'),
                         (post.event.name, get.event.name))

    def test_error_event_is_found_from_the_event_name(self):
        [route] = self.middleware(catalog.ROUTES[:1]).routes
        self.assertEqual('EVENT_TYPE_REQUEST_THING_CREATE_ERROR',
                         route.error_event.name)

    def test_endpoint_metric_defaults_to_the_events_first_metric(self):
        [route] = self.middleware(catalog.ROUTES[:1]).routes
        self.assertEqual('test.req.create_thing', route.metric_base)

    def test_unknown_event_fails_at_startup_naming_the_route(self):
        exc = self.assertRaises(
            errors.RouteError, self.middleware,
            [('POST', '/v1/{p}/tables', 'EVENT_TYPE_REQUEST_NOPE')])
        self.assertIn('POST /v1/{p}/tables', str(exc))
        self.assertIn('EVENT_TYPE_REQUEST_NOPE', str(exc))

    def test_event_without_error_event_fails_at_startup(self):
        exc = self.assertRaises(
            errors.RouteError, self.middleware,
            [('POST', '/x', 'EVENT_TYPE_THING_CREATE')])
        self.assertIn('EVENT_TYPE_THING_CREATE_ERROR', str(exc))

    def test_bad_method_is_a_route_error(self):
        exc = self.assertRaises(
            errors.RouteError, self.middleware,
            [('FETCH', '/x', 'EVENT_TYPE_REQUEST_THING_LIST')])
        self.assertIn("method 'FETCH' is not one of", str(exc))

    def test_sample_rate_out_of_range_is_a_config_error(self):
        exc = self.assertRaises(
            errors.ConfigError, request_metrics.RequestMetricsMiddleware,
            catalog.things_app, self.notifier, catalog.ROUTES,
            sample_rate=0)
        self.assertIn('sample_rate', str(exc))

    def test_routes_may_be_dicts(self):
        middleware = self.middleware([
            {'method': 'GET', 'path': '/v1/{project_id}/things',
             'event': 'EVENT_TYPE_REQUEST_THING_LIST', 'metric': 'lst'}])
        self.assertEqual('lst', middleware.routes[0].metric_base)


class TestMagnetodbRoutes(testtools.TestCase):
    """The MagnetoDB route table against the magnetodb catalog."""

    def setUp(self):
        super().setUp()
        from tidings.catalogs import magnetodb
        self.events = magnetodb.EVENTS
        self.notifier, self.memory = make_notifier(self, self.events)
        self.middleware = request_metrics.for_routes(
            catalog.things_app, self.notifier, magnetodb_routes, statsd=None)

    def event_for(self, method, path, target=None):
        environ = {'REQUEST_METHOD': method, 'SCRIPT_NAME': '',
                   'PATH_INFO': path}
        if target:
            environ['HTTP_X_AMZ_TARGET'] = 'DynamoDB_20120810.' + target
        route, _ = self.middleware.match(environ)
        return route.event.name if route else None

    def test_every_request_and_dynamo_event_of_the_catalog_is_routed(self):
        wanted = {d.name for d in self.events
                  if d.name.startswith(('EVENT_TYPE_REQUEST_',
                                        'EVENT_TYPE_DYNAMO_'))
                  and not d.status_variants and not d.removed
                  and d.name != 'EVENT_TYPE_REQUEST_RATE_LIMITED'}
        self.assertEqual(wanted, {r.event.name
                                  for r in self.middleware.routes})

    def test_rest_paths_map_to_request_events(self):
        data = '/v1/data/p1'
        self.assertEqual(
            ['EVENT_TYPE_REQUEST_TABLE_CREATE',
             'EVENT_TYPE_REQUEST_TABLE_LIST',
             'EVENT_TYPE_REQUEST_TABLE_DELETE',
             'EVENT_TYPE_REQUEST_PUTITEM', 'EVENT_TYPE_REQUEST_QUERY',
             'EVENT_TYPE_REQUEST_BATCHWRITE', 'EVENT_TYPE_REQUEST_BATCHREAD',
             None],
            [self.event_for('POST', data + '/tables'),
             self.event_for('GET', data + '/tables'),
             self.event_for('DELETE', data + '/tables/t1'),
             self.event_for('POST', data + '/tables/t1/put_item'),
             self.event_for('POST', data + '/tables/t1/query'),
             self.event_for('POST', data + '/batch_write_item'),
             self.event_for('POST', data + '/batch_get_item'),
             self.event_for('GET', data + '/tables/t1')])

    def test_dynamo_actions_map_to_dynamo_events(self):
        self.assertEqual(
            ['EVENT_TYPE_DYNAMO_TABLE_CREATE', 'EVENT_TYPE_DYNAMO_SCAN',
             'EVENT_TYPE_DYNAMO_BATCHREAD', None],
            [self.event_for('POST', '/', 'CreateTable'),
             self.event_for('POST', '/', 'Scan'),
             self.event_for('POST', '/', 'BatchGetItem'),
             self.event_for('POST', '/', 'DescribeTable')])

    def test_served_request_emits_the_catalogs_event_and_payload(self):
        port = netutil.serve_wsgi(self, self.middleware)
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
        self.addCleanup(conn.close)
        conn.request('POST', '/v1/data/p1/tables/users/put_item?status=404',
                     body=b'{"item": {}}', headers={'X-User-Id': 'u1'})
        conn.getresponse().read()
        [message] = self.memory.wait_for(
            'magnetodb.req.put_item.error.404')
        data = message['payload']['magnetodb_object.data']
        self.assertEqual(
            {'tenant_id': 'p1', 'user_id': 'u1', 'table_name': 'users',
             'endpoint': 'put_item', 'status': 404, 'request_bytes': 12},
            {k: data[k] for k in ('tenant_id', 'user_id', 'table_name',
                                  'endpoint', 'status', 'request_bytes')})


class TestFilterFactory(testtools.TestCase):

    def test_paste_filter_wraps_an_app_with_routes_by_reference(self):
        notifier, _ = make_notifier(self)
        with mock.patch.object(catalog, 'NOTIFIER', notifier, create=True):
            make_filter = request_metrics.filter_factory(
                {}, routes='tests.metrics_catalog:ROUTES',
                notifier='tests.metrics_catalog:NOTIFIER',
                payload_factory='tests.metrics_catalog:payload_factory',
                sample_rate='0.5', node_metric='svc.api')
            middleware = make_filter(catalog.things_app)
        self.assertEqual((3, 0.5, 'svc.api', notifier),
                         (len(middleware.routes), middleware.sample_rate,
                          middleware.node_metric, middleware.notifier))

    def test_paste_filter_builds_a_notifier_from_catalogs(self):
        make_filter = request_metrics.filter_factory(
            {}, routes='tidings.catalogs.magnetodb.routes:ROUTES',
            catalogs='demo',
            payload_factory='tidings.catalogs.magnetodb.routes:'
                            'payload_factory')
        exc = self.assertRaises(errors.RouteError, make_filter,
                                catalog.things_app)
        self.assertIn('EVENT_TYPE_REQUEST_TABLE_CREATE', str(exc))

    def test_magnetodb_paste_filter_uses_the_magnetodb_catalog(self):
        make_filter = request_metrics.filter_factory(
            {}, routes='tidings.catalogs.magnetodb.routes',
            sample_rate='0.1')
        middleware = make_filter(catalog.things_app)
        self.addCleanup(middleware.notifier.close)
        self.assertEqual(
            (22, 'mdb.api', 0.1, magnetodb_routes.payload_factory),
            (len(middleware.routes), middleware.node_metric,
             middleware.sample_rate, middleware.payload_factory))

    def test_middleware_has_no_payload_of_its_own(self):
        notifier, _ = make_notifier(self)
        exc = self.assertRaises(
            errors.ConfigError, request_metrics.RequestMetricsMiddleware,
            catalog.things_app, notifier, catalog.ROUTES)
        self.assertIn('payload_factory', str(exc))
        self.assertFalse(hasattr(request_metrics, 'RequestPayload'))

    def test_magnetodb_routes_read_the_keys_the_middleware_writes(self):
        self.assertEqual(
            (request_metrics.ROUTE_KEY, request_metrics.PARAMS_KEY),
            (magnetodb_routes.ROUTE_KEY, magnetodb_routes.PARAMS_KEY))

    def test_paste_filter_needs_routes(self):
        exc = self.assertRaises(errors.ConfigError,
                                request_metrics.filter_factory, {})
        self.assertIn('routes', str(exc))

    def test_bad_reference_is_a_config_error(self):
        exc = self.assertRaises(errors.ConfigError,
                                request_metrics.filter_factory, {},
                                routes='tests.metrics_catalog:NOPE')
        self.assertIn('tests.metrics_catalog:NOPE', str(exc))
