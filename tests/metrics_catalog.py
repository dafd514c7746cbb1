"""A small test catalog whose events carry StatsD metric names.

Used by the statsd backend and request-metrics middleware tests, unit and
functional.
"""

from tidings.middleware import request_metrics
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
    'audit', request_metrics.RequestPayload,
    mechanisms=['messaging', 'statsd'], metrics=['test.req.create_thing'])
REQUEST_THING_CREATE_ERROR = EVENTS.define(
    'EVENT_TYPE_REQUEST_THING_CREATE_ERROR',
    'metricstest.req.create_thing.error', 'error',
    request_metrics.RequestPayload, mechanisms=['messaging', 'statsd'],
    metrics=['test.req.create_thing.error'], status_variants=True)
REQUEST_THING_LIST = EVENTS.define(
    'EVENT_TYPE_REQUEST_THING_LIST', 'metricstest.req.list_thing',
    'info', request_metrics.RequestPayload,
    mechanisms=['messaging', 'statsd'], metrics=['test.req.list_thing'])
REQUEST_THING_LIST_ERROR = EVENTS.define(
    'EVENT_TYPE_REQUEST_THING_LIST_ERROR',
    'metricstest.req.list_thing.error', 'error',
    request_metrics.RequestPayload, mechanisms=['messaging', 'statsd'],
    metrics=['test.req.list_thing.error'], status_variants=True)
DYNAMO_THING_CREATE = EVENTS.define(
    'EVENT_TYPE_DYNAMO_THING_CREATE', 'metricstest.dynamo.create_thing',
    'audit', request_metrics.RequestPayload,
    mechanisms=['messaging', 'statsd'],
    metrics=['test.dynamo.create_thing'])
DYNAMO_THING_CREATE_ERROR = EVENTS.define(
    'EVENT_TYPE_DYNAMO_THING_CREATE_ERROR',
    'metricstest.dynamo.create_thing.error', 'error',
    request_metrics.RequestPayload, mechanisms=['messaging', 'statsd'],
    metrics=['test.dynamo.create_thing.error'], status_variants=True)

#: Routes of the test service, in the middleware's route format.
ROUTES = [
    ('POST', '/v1/{project_id}/things', 'EVENT_TYPE_REQUEST_THING_CREATE'),
    ('GET', '/v1/{project_id}/things', 'EVENT_TYPE_REQUEST_THING_LIST'),
    ('POST', '/', 'EVENT_TYPE_DYNAMO_THING_CREATE',
     {'X-Amz-Target': 'DynamoDB_20120810.CreateThing'}),
]
