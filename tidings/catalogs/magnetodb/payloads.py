"""Payloads of the MagnetoDB catalog, in namespace ``magnetodb``.

From magnetodb-notification: every payload carries ``tenant_id`` (the
Keystone project); table events describe the table (:class:`TablePayload`),
data-item events the read or write (:class:`DataItemPayload`); ``.error``
events carry ``fault``.  From magnetodb-request-metrics: the request events
the middleware emits (``EVENT_TYPE_REQUEST_*``, ``EVENT_TYPE_DYNAMO_*``)
carry the request (:class:`RequestPayload`: method, path, endpoint, HTTP
status, duration, bytes received and sent), with the data-item details
nested in ``item`` when the service knows them.

Choices: ``table_schema`` is the schema as JSON text and ``state`` a free
string, as the spec says ("string, such as 'active' or 'deleting'");
sizes are in bytes and named ``request_bytes``/``response_bytes`` after
the metrics spec's "request receive bytes"/"response send bytes";
``tenant_id`` is nullable because a request refused before authentication
has none -- set it to None then rather than leaving it out.
"""

from tidings.catalogs import common
from tidings.notifications import payload as payload_mod
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('magnetodb')


@OBJECTS.register
class ExceptionPayload(payload_mod.ExceptionPayload):
    """The fault of an error event."""

    VERSION = '1.0'


@OBJECTS.register
class TablePayload(payload_mod.Payload):
    """A user table: ``magnetodb.task.create_table.*`` and
    ``magnetodb.task.delete_table.*``; ``message`` says what happened
    (error details on ``.error``).

    ``CEILOMETER_IDS``: the table is the resource of its Ceilometer
    meters (``mdb.task.*``; ``tidings ceilometer-definitions --meters``).
    """

    VERSION = '1.0'
    CEILOMETER_IDS = {'resource_id': 'table_name'}
    fields = {
        'tenant_id': fields.StringField(),
        'user_id': fields.StringField(nullable=True),
        'table_name': fields.StringField(),
        'table_schema': fields.StringField(nullable=True),
        'state': fields.StringField(nullable=True),
        'disk_gb': fields.IntegerField(nullable=True),
        'message': fields.StringField(nullable=True),
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }


@OBJECTS.register
class TableUsagePayload(TablePayload):
    """One table's usage over an audit period (``magnetodb.table.usage``,
    emitted by the periodic task).

    ``CEILOMETER_METERS``: its Ceilometer meters, the seconds the table
    existed in the period and its size.
    """

    VERSION = '1.0'
    CEILOMETER_METERS = (
        {'name': 'magnetodb.table.exists', 'type': 'cumulative',
         'unit': 's',
         'volume': ('audit_period_beginning', 'audit_period_ending')},
        {'name': 'magnetodb.table.size', 'type': 'gauge', 'unit': 'GB',
         'volume': 'disk_gb'},
    )
    fields = dict(
        TablePayload.fields,
        audit_period_beginning=fields.DateTimeField(),
        audit_period_ending=fields.DateTimeField())


@OBJECTS.register
class DataItemPayload(payload_mod.Payload):
    """A data-item read or write: the table, the item's keys, the rows it
    touched, the consistency level and the bytes in and out."""

    VERSION = '1.0'
    fields = {
        'tenant_id': fields.StringField(nullable=True),
        'table_name': fields.StringField(),
        'keys': common.JsonDictField(nullable=True),
        'rows_impacted': fields.IntegerField(nullable=True),
        'consistency_level': fields.StringField(nullable=True),
        'request_bytes': fields.IntegerField(nullable=True),
        'response_bytes': fields.IntegerField(nullable=True),
        'message': fields.StringField(nullable=True),
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }


@OBJECTS.register
class RequestPayload(payload_mod.Payload):
    """One API request, REST or DynamoDB-compatible, as the middleware
    saw it.

    ``endpoint`` is the API endpoint (``create_table``, ``put_item``...),
    ``duration_ms`` the time from receiving the request to sending the
    last byte of the response.  Every request and dynamo event of the
    catalog uses this payload, the ``_ERROR_xxx`` ones included (then
    ``status`` is the HTTP error and ``fault`` may tell why).

    ``CEILOMETER_IDS``: the resource of its Ceilometer meters is the
    table, or the tenant for a request naming none (``list_table``).
    """

    VERSION = '1.0'
    CEILOMETER_IDS = {'resource_id': ('table_name', 'tenant_id')}
    fields = {
        'tenant_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'request_id': fields.StringField(nullable=True),
        'method': fields.StringField(),
        'path': fields.StringField(),
        'endpoint': fields.StringField(),
        'status': fields.IntegerField(),
        'duration_ms': fields.FloatField(),
        'request_bytes': fields.IntegerField(nullable=True),
        'response_bytes': fields.IntegerField(nullable=True),
        'table_name': fields.StringField(nullable=True),
        'item': fields.ObjectField('DataItemPayload', nullable=True),
        'message': fields.StringField(nullable=True),
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }


@OBJECTS.register
class RateLimitPayload(payload_mod.Payload):
    """A request refused by the rate limit middleware."""

    VERSION = '1.0'
    fields = {
        'tenant_id': fields.StringField(nullable=True),
        'method': fields.StringField(),
        'path': fields.StringField(),
        'rps_limit': fields.IntegerField(nullable=True),
        'message': fields.StringField(nullable=True),
    }


@OBJECTS.register
class StreamingPayload(payload_mod.Payload):
    """A bulk upload through the streaming server: the items read,
    processed, failed and left unprocessed so far."""

    VERSION = '1.0'
    fields = {
        'tenant_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'table_name': fields.StringField(nullable=True),
        'path': fields.StringField(nullable=True),
        'read_count': fields.IntegerField(nullable=True),
        'processed_count': fields.IntegerField(nullable=True),
        'failed_count': fields.IntegerField(nullable=True),
        'unprocessed_count': fields.IntegerField(nullable=True),
        'message': fields.StringField(nullable=True),
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }
