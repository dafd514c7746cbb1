"""A small test catalog whose events carry StatsD metric names.

Used by the statsd backend and request-metrics middleware tests, unit and
functional.  It is also a route profile of the request-metrics middleware
(``ROUTES`` and ``payload_factory``, as
``tidings.catalogs.magnetodb.routes`` is): the middleware has no payload of
its own, the catalog brings :class:`RequestPayload`.
"""

from tidings.notifications import payload as payload_mod
from tidings.notifications import registry
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('metricstest')


@OBJECTS.register
class ThingPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'name': fields.StringField(),
    }


@OBJECTS.register
class RequestPayload(payload_mod.Payload):
    """One API request as the request-metrics middleware saw it."""

    VERSION = '1.0'
    fields = {
        'method': fields.StringField(),
        'path': fields.StringField(),
        'endpoint': fields.StringField(nullable=True),
        'action': fields.StringField(nullable=True),
        'status': fields.IntegerField(),
        'duration_ms': fields.FloatField(),
        'request_bytes': fields.IntegerField(),
        'response_bytes': fields.IntegerField(),
        'project_id': fields.StringField(nullable=True),
        'request_id': fields.StringField(nullable=True),
    }


def payload_factory(environ, status, duration_ms, request_bytes,
                    response_bytes):
    """The test catalog's payload factory: a :class:`RequestPayload`."""
    from tidings.middleware import request_metrics
    route = environ.get(request_metrics.ROUTE_KEY)
    params = environ.get(request_metrics.PARAMS_KEY) or {}
    return RequestPayload(
        method=environ.get('REQUEST_METHOD', ''),
        path=request_metrics.full_path(environ),
        endpoint=route.path if route is not None else None,
        action=route.action if route is not None else None,
        status=status, duration_ms=duration_ms,
        request_bytes=request_bytes, response_bytes=response_bytes,
        project_id=params.get('project_id') or params.get('tenant_id'),
        request_id=(environ.get('openstack.request_id')
                    or environ.get('HTTP_X_OPENSTACK_REQUEST_ID')))


EVENTS = registry.EventRegistry('metricstest', objects=OBJECTS)

THING_CREATE = EVENTS.define(
    'EVENT_TYPE_THING_CREATE', 'metricstest.thing.create', 'info',
    ThingPayload, mechanisms=['messaging', 'statsd'],
    metrics=['test.thing.create'])
THING_TWO_METRICS = EVENTS.define(
    'EVENT_TYPE_THING_MOVE', 'metricstest.thing.move', 'info',
    ThingPayload, mechanisms=['statsd'],
    metrics=['test.thing.move', 'test.thing.any'])
TASK_THING_END = EVENTS.define(
    'EVENT_TYPE_TASK_THING_CREATE_END', 'metricstest.task.thing_create.end',
    'audit', ThingPayload, mechanisms=['messaging', 'statsd'],
    metrics=['test.task.create_thing'])
TASK_THING_ERROR = EVENTS.define(
    'EVENT_TYPE_TASK_THING_CREATE_ERROR',
    'metricstest.task.thing_create.error', 'error', ThingPayload,
    mechanisms=['messaging', 'statsd'],
    metrics=['test.task.create_thing.error'])
THING_QUIET = EVENTS.define(
    'EVENT_TYPE_THING_QUIET', 'metricstest.thing.quiet', 'info',
    ThingPayload, mechanisms=['messaging'])

# Request events as the middleware emits them (payload: RequestPayload).
REQUEST_THING_CREATE = EVENTS.define(
    'EVENT_TYPE_REQUEST_THING_CREATE', 'metricstest.req.create_thing',
    'audit', RequestPayload,
    mechanisms=['messaging', 'statsd'], metrics=['test.req.create_thing'])
REQUEST_THING_CREATE_ERROR = EVENTS.define(
    'EVENT_TYPE_REQUEST_THING_CREATE_ERROR',
    'metricstest.req.create_thing.error', 'error',
    RequestPayload, mechanisms=['messaging', 'statsd'],
    metrics=['test.req.create_thing.error'], status_variants=True)
REQUEST_THING_LIST = EVENTS.define(
    'EVENT_TYPE_REQUEST_THING_LIST', 'metricstest.req.list_thing',
    'info', RequestPayload,
    mechanisms=['messaging', 'statsd'], metrics=['test.req.list_thing'])
REQUEST_THING_LIST_ERROR = EVENTS.define(
    'EVENT_TYPE_REQUEST_THING_LIST_ERROR',
    'metricstest.req.list_thing.error', 'error',
    RequestPayload, mechanisms=['messaging', 'statsd'],
    metrics=['test.req.list_thing.error'], status_variants=True)
DYNAMO_THING_CREATE = EVENTS.define(
    'EVENT_TYPE_DYNAMO_THING_CREATE', 'metricstest.dynamo.create_thing',
    'audit', RequestPayload,
    mechanisms=['messaging', 'statsd'],
    metrics=['test.dynamo.create_thing'])
DYNAMO_THING_CREATE_ERROR = EVENTS.define(
    'EVENT_TYPE_DYNAMO_THING_CREATE_ERROR',
    'metricstest.dynamo.create_thing.error', 'error',
    RequestPayload, mechanisms=['messaging', 'statsd'],
    metrics=['test.dynamo.create_thing.error'], status_variants=True)

#: Routes of the test service, in the middleware's route format.
ROUTES = [
    ('POST', '/v1/{project_id}/things', 'EVENT_TYPE_REQUEST_THING_CREATE'),
    ('GET', '/v1/{project_id}/things', 'EVENT_TYPE_REQUEST_THING_LIST'),
    ('POST', '/', 'EVENT_TYPE_DYNAMO_THING_CREATE',
     {'X-Amz-Target': 'DynamoDB_20120810.CreateThing'}),
]


def things_app(environ, start_response):
    """The test service behind the routes.

    ``?status=NNN`` answers with that status; ``?sleep=MS`` waits first;
    ``GET /v1/<p>/things`` streams ``?chunks=N`` chunks of 1000 bytes
    without a Content-Length; ``/boom`` raises.
    """
    import time
    import urllib.parse
    query = dict(urllib.parse.parse_qsl(environ.get('QUERY_STRING', '')))
    if environ.get('PATH_INFO') == '/boom':
        raise RuntimeError('boom')
    if 'sleep' in query:
        time.sleep(int(query['sleep']) / 1000.0)
    length = int(environ.get('CONTENT_LENGTH') or 0)
    body = environ['wsgi.input'].read(length) if length else b''
    status = query.get('status', '200')
    reason = {'200': 'OK', '201': 'Created', '404': 'Not Found',
              '409': 'Conflict', '500': 'Internal Server Error'}
    status_line = '%s %s' % (status, reason.get(status, 'Status'))
    if environ['REQUEST_METHOD'] == 'GET' and \
            environ['PATH_INFO'].endswith('/things'):
        chunks = int(query.get('chunks', '3'))
        start_response(status_line, [('Content-Type', 'text/plain')])
        return (b'x' * 1000 for _ in range(chunks))
    reply = b'{"received": %d}' % len(body)
    start_response(status_line, [('Content-Type', 'application/json'),
                                 ('Content-Length', str(len(reply)))])
    return [reply]


def statsd_notifier(test, port, **options):
    """A Notifier of :data:`EVENTS` whose only backend is statsd, sending
    to ``port`` (None: the default) with these ``[backend_statsd]``
    options; closed at the test's cleanup."""
    from tidings import conf as tidings_conf
    from tidings.notifications import notifier as notifier_mod
    conf = tidings_conf.new_conf()
    conf.set_override('backends', ['statsd'], 'notifications')
    if port is not None:
        conf.set_override('port', port, 'backend_statsd')
    for key, value in options.items():
        conf.set_override(key, value, 'backend_statsd')
    notifier = notifier_mod.Notifier(conf, EVENTS, source='test')
    test.addCleanup(notifier.close)
    return notifier


def thing():
    return ThingPayload(name='t1')


def notify_request_error(notifier, status):
    """Send a failed create request answered ``status`` (its status
    variant), and flush."""
    payload = RequestPayload(
        method='POST', path='/v1/p/things', status=status,
        duration_ms=3.0, request_bytes=10, response_bytes=20)
    notifier.notify(REQUEST_THING_CREATE_ERROR, payload, status=status)
    notifier.flush(5)
