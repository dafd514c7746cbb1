"""The MagnetoDB catalog: every event of magnetodb-notification-refactoring.

:data:`SPEC` below is the spec's event list, one row per bullet, under the
*new* event name, with its level, metric name, delivery mechanisms and
note exactly as the spec gives them (``_ERROR_xxx`` and ``.error.xxx``
spelled as there).  The registry is built from it.

Wire event types.  The spec names constants and metrics but no event
types; the dotted form is ``magnetodb.`` + the metric name without
``mdb.``, and events without a metric follow the same rule through the
constant:

- ``EVENT_TYPE_REQUEST_<NAME>[_ERROR_xxx]`` -> ``magnetodb.req.<op>
  [.error.xxx]`` (``EVENT_TYPE_REQUEST_TABLE_CREATE`` ->
  ``magnetodb.req.create_table``, metric ``mdb.req.create_table``);
- ``EVENT_TYPE_DYNAMO_<NAME>[_ERROR_xxx]`` -> ``magnetodb.dynamo.<op>...``;
- ``EVENT_TYPE_TASK_<NAME>_<PHASE>`` -> ``magnetodb.task.<op>.<phase>``
  (``..._START`` has no metric but the same family as ``..._END``);
- any other ``EVENT_TYPE_<FUNCTION_NAME>[_<PHASE>]`` -> ``magnetodb.`` +
  the function name's words dotted, + phase
  (``EVENT_TYPE_STREAMING_DATA_START`` -> ``magnetodb.streaming.data.start``,
  ``EVENT_TYPE_TABLE_USAGE`` -> ``magnetodb.table.usage``, the removed
  ``EVENT_TYPE_DATA_PUTITEM_START`` -> ``magnetodb.data.putitem.start``,
  its wire name in magnetodb-notification).

``<op>`` is the operation's name in the metrics (:data:`OPERATIONS`:
``TABLE_CREATE`` -> ``create_table``, ``PUTITEM`` -> ``put_item``;
``REQUEST_RATE_LIMITED`` -> ``rate_limited``).  Building the registry
checks that every metric is ``mdb.`` + the event type without
``magnetodb.`` (and without the ``.end`` of a task:
``EVENT_TYPE_TASK_TABLE_CREATE_END`` is ``magnetodb.task.create_table.end``
with metric ``mdb.task.create_table``, as the spec names it).

``_ERROR_xxx`` events are one definition each with ``status_variants``:
``EVENTS['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404']`` has event type
``magnetodb.req.create_table.error.404`` and metric
``mdb.req.create_table.error.404``.

Events the spec marks *removed* are registered with ``removed=`` (and no
mechanism): documented, never emitted.  *no change* events are kept.
:data:`RENAMED` maps each *changed* event's old constant to its new one.

Spec slips and choices:

- the "put item" section has two bullets named ``REQUEST_PUTITEM_ERROR``;
  the second one defines ``EVENT_TYPE_DYNAMO_PUTITEM`` (its new event name,
  level info, metric ``mdb.dynamo.put_item``), which is what is registered.
- ``EVENT_TYPE_TABLE_USAGE`` (``magnetodb.table.usage``) is not in the
  refactoring spec; it is magnetodb-notification's periodic usage event
  (level info as that spec's envelope, messaging), emitted by
  :mod:`tidings.catalogs.magnetodb.usage` and disabled by default.
- magnetodb-notification writes ``magnetodb.table..start`` and
  ``magnetodb.data.query,start/.end``: read as ``<object>.<action>.start``
  and ``.start``/``.end``.
- the table list events keep the spec's level ``debug``: below the default
  ``[notifications] level = info``, so they are delivered only when the
  operator lowers the level.
"""

import datetime

from tidings.catalogs.magnetodb import payloads
from tidings.notifications import registry
from tidings.objects import errors

PREFIX = 'magnetodb'
METRIC_PREFIX = 'mdb'
MS = 'messaging, statsd'
M = 'messaging'

#: The spec's event list: (new event name, level, metric name,
#: delivery mechanisms, notes, old event name).  None stands for "n/a".
SPEC = (
    # create table
    ('EVENT_TYPE_TASK_TABLE_CREATE_START', 'audit', None, M, 'changed',
     'EVENT_TYPE_TABLE_CREATE_START'),
    ('EVENT_TYPE_TASK_TABLE_CREATE_END', 'audit', 'mdb.task.create_table',
     MS, 'changed', 'EVENT_TYPE_TABLE_CREATE_END'),
    ('EVENT_TYPE_TASK_TABLE_CREATE_ERROR', 'error',
     'mdb.task.create_table.error', MS, 'changed',
     'EVENT_TYPE_TABLE_CREATE_ERROR'),
    ('EVENT_TYPE_REQUEST_TABLE_CREATE', 'audit', 'mdb.req.create_table', MS,
     'new', None),
    ('EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_xxx', 'error',
     'mdb.req.create_table.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_TABLE_CREATE', 'audit', 'mdb.dynamo.create_table',
     MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_TABLE_CREATE_ERROR_xxx', 'error',
     'mdb.dynamo.create_table.error.xxx', MS, 'new', None),
    # delete table
    ('EVENT_TYPE_TASK_TABLE_DELETE_START', 'audit', None, M, 'changed',
     'EVENT_TYPE_TABLE_DELETE_START'),
    ('EVENT_TYPE_TASK_TABLE_DELETE_END', 'audit', 'mdb.task.delete_table',
     MS, 'changed', 'EVENT_TYPE_TABLE_DELETE_END'),
    ('EVENT_TYPE_TASK_TABLE_DELETE_ERROR', 'error',
     'mdb.task.delete_table.error', MS, 'changed',
     'EVENT_TYPE_TABLE_DELETE_ERROR'),
    ('EVENT_TYPE_REQUEST_TABLE_DELETE', 'audit', 'mdb.req.delete_table', MS,
     'new', None),
    ('EVENT_TYPE_REQUEST_TABLE_DELETE_ERROR_xxx', 'error',
     'mdb.req.delete_table.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_TABLE_DELETE', 'audit', 'mdb.dynamo.delete_table',
     MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_TABLE_DELETE_ERROR_xxx', 'error',
     'mdb.dynamo.delete_table.error.xxx', MS, 'new', None),
    # list table
    ('EVENT_TYPE_REQUEST_TABLE_LIST', 'debug', 'mdb.req.list_table', MS,
     'changed', 'EVENT_TYPE_TABLE_LIST'),
    ('EVENT_TYPE_REQUEST_TABLE_LIST_ERROR_xxx', 'error',
     'mdb.req.list_table.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_TABLE_LIST', 'debug', 'mdb.dynamo.list_table', MS,
     'new', None),
    ('EVENT_TYPE_DYNAMO_TABLE_LIST_ERROR_xxx', 'error',
     'mdb.dynamo.list_table.error.xxx', MS, 'new', None),
    # put item
    ('EVENT_TYPE_REQUEST_PUTITEM', 'info', 'mdb.req.put_item', MS,
     'changed', 'EVENT_TYPE_DATA_PUTITEM'),
    ('EVENT_TYPE_DATA_PUTITEM_START', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_DATA_PUTITEM_END', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_DATA_PUTITEM_ERROR', 'error', None, None, 'removed', None),
    ('EVENT_TYPE_REQUEST_PUTITEM_ERROR_xxx', 'error',
     'mdb.req.put_item.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_PUTITEM', 'info', 'mdb.dynamo.put_item', MS, 'new',
     None),
    ('EVENT_TYPE_DYNAMO_PUTITEM_ERROR_xxx', 'error',
     'mdb.dynamo.put_item.error.xxx', MS, 'new', None),
    # delete item
    ('EVENT_TYPE_REQUEST_DELETEITEM', 'info', 'mdb.req.delete_item', MS,
     'changed', 'EVENT_TYPE_DATA_DELETEITEM'),
    ('EVENT_TYPE_DATA_DELETEITEM_START', 'info', None, None, 'removed',
     None),
    ('EVENT_TYPE_DATA_DELETEITEM_END', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_DATA_DELETEITEM_ERROR', 'error', None, None, 'removed',
     None),
    ('EVENT_TYPE_REQUEST_DELETEITEM_ERROR_xxx', 'error',
     'mdb.req.delete_item.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_DELETEITEM', 'info', 'mdb.dynamo.delete_item', MS,
     'new', None),
    ('EVENT_TYPE_DYNAMO_DELETEITEM_ERROR_xxx', 'error',
     'mdb.dynamo.delete_item.error.xxx', MS, 'new', None),
    # batch write
    ('EVENT_TYPE_DATA_BATCHWRITE_START', 'info', None, None, 'removed',
     None),
    ('EVENT_TYPE_DATA_BATCHWRITE_END', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_REQUEST_BATCHWRITE', 'info', 'mdb.req.batch_write', MS,
     'new', None),
    ('EVENT_TYPE_REQUEST_BATCHWRITE_ERROR_xxx', 'error',
     'mdb.req.batch_write.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_BATCHWRITE', 'info', 'mdb.dynamo.batch_write', MS,
     'new', None),
    ('EVENT_TYPE_DYNAMO_BATCHWRITE_ERROR_xxx', 'error',
     'mdb.dynamo.batch_write.error.xxx', MS, 'new', None),
    # batch read
    ('EVENT_TYPE_DATA_BATCHREAD_START', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_DATA_BATCHREAD_END', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_REQUEST_BATCHREAD', 'info', 'mdb.req.batch_read', MS,
     'new', None),
    ('EVENT_TYPE_REQUEST_BATCHREAD_ERROR_xxx', 'error',
     'mdb.req.batch_read.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_BATCHREAD', 'info', 'mdb.dynamo.batch_read', MS,
     'new', None),
    ('EVENT_TYPE_DYNAMO_BATCHREAD_ERROR_xxx', 'error',
     'mdb.dynamo.batch_read.error.xxx', MS, 'new', None),
    # update item
    ('EVENT_TYPE_REQUEST_UPDATEITEM', 'info', 'mdb.req.update_item', MS,
     'changed', 'EVENT_TYPE_DATA_UPDATEITEM'),
    ('EVENT_TYPE_REQUEST_UPDATEITEM_ERROR_xxx', 'error',
     'mdb.req.update_item.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_UPDATEITEM', 'info', 'mdb.dynamo.update_item', MS,
     'new', None),
    ('EVENT_TYPE_DYNAMO_UPDATEITEM_ERROR_xxx', 'error',
     'mdb.dynamo.update_item.error.xxx', MS, 'new', None),
    # get item
    ('EVENT_TYPE_REQUEST_GETITEM', 'info', 'mdb.req.get_item', MS,
     'changed', 'EVENT_TYPE_DATA_GETITEM'),
    ('EVENT_TYPE_DATA_GETITEM_START', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_DATA_GETITEM_END', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_REQUEST_GETITEM_ERROR_xxx', 'error',
     'mdb.req.get_item.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_GETITEM', 'info', 'mdb.dynamo.get_item', MS, 'new',
     None),
    ('EVENT_TYPE_DYNAMO_GETITEM_ERROR_xxx', 'error',
     'mdb.dynamo.get_item.error.xxx', MS, 'new', None),
    # query
    ('EVENT_TYPE_REQUEST_QUERY', 'info', 'mdb.req.query', MS, 'changed',
     'EVENT_TYPE_DATA_QUERY'),
    ('EVENT_TYPE_DATA_QUERY_START', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_DATA_QUERY_END', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_REQUEST_QUERY_ERROR_xxx', 'error',
     'mdb.req.query.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_QUERY', 'info', 'mdb.dynamo.query', MS, 'new',
     None),
    ('EVENT_TYPE_DYNAMO_QUERY_ERROR_xxx', 'error',
     'mdb.dynamo.query.error.xxx', MS, 'new', None),
    # scan
    ('EVENT_TYPE_REQUEST_SCAN', 'info', 'mdb.req.scan', MS, 'changed',
     'EVENT_TYPE_DATA_SCAN'),
    ('EVENT_TYPE_DATA_SCAN_START', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_DATA_SCAN_END', 'info', None, None, 'removed', None),
    ('EVENT_TYPE_REQUEST_SCAN_ERROR_xxx', 'error',
     'mdb.req.scan.error.xxx', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_SCAN', 'info', 'mdb.dynamo.scan', MS, 'new', None),
    ('EVENT_TYPE_DYNAMO_SCAN_ERROR_xxx', 'error',
     'mdb.dynamo.scan.error.xxx', MS, 'new', None),
    # streaming
    ('EVENT_TYPE_STREAMING_PATH_ERROR', 'error', None, M, 'no change',
     None),
    ('EVENT_TYPE_STREAMING_DATA_START', 'info', None, M, 'no change', None),
    ('EVENT_TYPE_STREAMING_DATA_END', 'info', None, M, 'no change', None),
    ('EVENT_TYPE_STREAMING_DATA_ERROR', 'error', None, M, 'no change',
     None),
    # rate limiting
    ('EVENT_TYPE_REQUEST_RATE_LIMITED', 'audit', None, M, 'no change', None),
    # periodic usage, from magnetodb-notification
    ('EVENT_TYPE_TABLE_USAGE', 'info', None, M, 'usage', None),
)

#: MagnetoDB operation names, as the metrics spell them.
OPERATIONS = {
    'TABLE_CREATE': 'create_table', 'TABLE_DELETE': 'delete_table',
    'TABLE_LIST': 'list_table', 'PUTITEM': 'put_item',
    'DELETEITEM': 'delete_item', 'UPDATEITEM': 'update_item',
    'GETITEM': 'get_item', 'BATCHWRITE': 'batch_write',
    'BATCHREAD': 'batch_read', 'QUERY': 'query', 'SCAN': 'scan',
    'RATE_LIMITED': 'rate_limited',
}
_FAMILIES = {'REQUEST': 'req', 'DYNAMO': 'dynamo', 'TASK': 'task'}
_PHASES = ('START', 'END', 'ERROR')
_LOCATIONS = {'REQUEST': 'the request middleware',
              'DYNAMO': 'the request middleware (DynamoDB-compatible API)',
              'TASK': 'the storage manager and async task executor',
              'STREAMING': 'the streaming server',
              'DATA': 'the storage manager',
              'TABLE': 'the periodic usage task'}

#: Old constant -> new constant, for every event the spec marks changed.
RENAMED = {row[5]: row[0] for row in SPEC if row[5]}


def split_constant(constant):
    """``(family, name, phase, status_variants)`` of a spec constant.

    ``EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_xxx`` gives ``('REQUEST',
    'TABLE_CREATE', 'ERROR', True)``.
    """
    words = constant[len('EVENT_TYPE_'):]
    variants = words.endswith('_ERROR_xxx')
    if variants:
        words = words[:-len('_xxx')]
    phase = None
    head, _, last = words.rpartition('_')
    if last in _PHASES and head:
        words, phase = head, last
    family, _, name = words.partition('_')
    if family not in _FAMILIES:
        family, name = None, words
    return family, name, phase, variants


def wire_event_type(constant):
    """The dotted event type of a spec constant (see the module doc)."""
    family, name, phase, _ = split_constant(constant)
    if family is None:
        parts = [PREFIX] + name.lower().split('_')
    else:
        parts = [PREFIX, _FAMILIES[family], OPERATIONS[name]]
    if phase:
        parts.append(phase.lower())
    return '.'.join(parts)


def metric_of(event_type):
    """The metric name the rule gives an event type: ``mdb.`` + the type
    without ``magnetodb.``, a task's ``.end`` left out (the ``.end``
    metric times the whole task; ``.error`` counts failures)."""
    name = METRIC_PREFIX + event_type[len(PREFIX):]
    if name.endswith('.end'):
        name = name[:-len('.end')]
    return name


# Samples: fixed ids and values.

_UTC = datetime.timezone.utc
TENANT = 'a2f8d9c1e3b54f6a8b7c9d0e1f2a3b4c'
USER = '7c4e2f1a9b8d4e6f8a0b1c2d3e4f5a6b'
REQUEST_ID = 'req-3f5b7c9d-1e2f-4a6b-8c0d-2e4f6a8b0c1d'
TABLE = 'user_profiles'
SCHEMA = ('{"attribute_definitions": [{"attribute_name": "user_id", '
          '"attribute_type": "S"}], "key_schema": [{"attribute_name": '
          '"user_id", "key_type": "HASH"}]}')
PERIOD_BEGINNING = datetime.datetime(2026, 11, 1, 0, 0, 0, tzinfo=_UTC)
PERIOD_ENDING = datetime.datetime(2026, 11, 1, 1, 0, 0, tzinfo=_UTC)
DATA_OPERATIONS = frozenset(['PUTITEM', 'DELETEITEM', 'UPDATEITEM',
                             'GETITEM', 'BATCHWRITE', 'BATCHREAD', 'QUERY',
                             'SCAN'])
_METHODS = {'TABLE_CREATE': 'POST', 'TABLE_DELETE': 'DELETE',
            'TABLE_LIST': 'GET', 'GETITEM': 'POST', 'QUERY': 'POST',
            'SCAN': 'POST', 'BATCHREAD': 'POST'}


def sample_fault(message='Table user_profiles already exists'):
    return payloads.ExceptionPayload(
        module_name='magnetodb.storage.manager.async_simple_impl',
        function_name='create_table', exception='TableAlreadyExistsException',
        exception_message=message)


def sample_table(phase=None):
    return payloads.TablePayload(
        tenant_id=TENANT, user_id=USER, table_name=TABLE,
        table_schema=SCHEMA,
        state={'START': 'creating', 'END': 'active',
               'ERROR': 'create_failed'}.get(phase, 'active'),
        disk_gb=1,
        message={'START': 'Table creation started',
                 'END': 'Table created',
                 'ERROR': 'Table creation failed'}.get(phase),
        fault=sample_fault() if phase == 'ERROR' else None)


def sample_usage():
    return payloads.TableUsagePayload(
        tenant_id=TENANT, user_id=USER, table_name=TABLE,
        table_schema=SCHEMA, state='active', disk_gb=3,
        message='Table usage for the audit period',
        audit_period_beginning=PERIOD_BEGINNING,
        audit_period_ending=PERIOD_ENDING)


def sample_item():
    return payloads.DataItemPayload(
        table_name=TABLE, keys={'user_id': 'u-1001'}, rows_impacted=1,
        consistency_level='QUORUM', request_bytes=312,
        response_bytes=48)


def sample_request(family, name, error=False):
    op = OPERATIONS[name]
    if family == 'DYNAMO':
        path = '/'
    elif name.startswith('TABLE_'):
        path = '/v1/data/%s/tables%s' % (
            TENANT, '' if name == 'TABLE_LIST' else '/' + TABLE)
    else:
        path = '/v1/data/%s/tables/%s/%s' % (TENANT, TABLE, op)
    return payloads.RequestPayload(
        tenant_id=TENANT, user_id=USER, request_id=REQUEST_ID,
        method=_METHODS.get(name, 'POST') if family != 'DYNAMO' else 'POST',
        path=path, endpoint=op, status=404 if error else 200,
        duration_ms=12.5, request_bytes=312,
        response_bytes=96 if error else 48,
        table_name=None if name == 'TABLE_LIST' else TABLE,
        item=sample_item() if name in DATA_OPERATIONS and not error
        else None,
        message='Table %s does not exist' % TABLE if error else None)


def sample_rate_limited():
    return payloads.RateLimitPayload(
        tenant_id=TENANT, method='POST',
        path='/v1/data/%s/tables/%s/put_item' % (TENANT, TABLE),
        rps_limit=100, message='Rate limit of 100 requests per second '
                               'exceeded')


def sample_streaming(phase, path_error=False):
    done = phase != 'START'
    return payloads.StreamingPayload(
        tenant_id=TENANT, user_id=USER, table_name=TABLE,
        path='/v1/data/%s/tables/%s/bulk_load' % (TENANT, TABLE),
        read_count=1000 if done else 0,
        processed_count={'START': 0, 'END': 1000}.get(phase, 990),
        failed_count=10 if phase == 'ERROR' else 0,
        unprocessed_count=0,
        message='Bad streaming path' if path_error else None,
        fault=sample_fault('Connection to the storage lost')
        if phase == 'ERROR' and not path_error else None)


def sample_data_item(phase):
    payload = sample_item()
    payload.tenant_id = TENANT
    if phase == 'ERROR':
        payload.fault = sample_fault('Item not written')
    return payload


def _payload_and_sample(constant):
    family, name, phase, variants = split_constant(constant)
    error = phase == 'ERROR'
    if name == 'RATE_LIMITED':
        return payloads.RateLimitPayload, sample_rate_limited
    if family in ('REQUEST', 'DYNAMO'):
        return payloads.RequestPayload, (
            lambda: sample_request(family, name, error))
    if family == 'TASK':
        return payloads.TablePayload, lambda: sample_table(phase)
    if name == 'TABLE_USAGE':
        return payloads.TableUsagePayload, sample_usage
    if name.startswith('STREAMING_'):
        return payloads.StreamingPayload, (
            lambda: sample_streaming(phase, name == 'STREAMING_PATH'))
    if name.startswith('DATA_'):
        return payloads.DataItemPayload, lambda: sample_data_item(phase)
    raise errors.EventDefinitionError(
        'magnetodb: no payload for %s' % constant)


def _description(constant, notes, old, removed):
    family, name, phase, variants = split_constant(constant)
    where = ('the rate limit middleware' if name == 'RATE_LIMITED'
             else _LOCATIONS[family or name.split('_')[0]])
    if removed:
        return ('Removed by the notification refactoring (was emitted by '
                'the storage manager); the request event of the '
                'middleware reports the operation.')
    if name == 'TABLE_USAGE':
        return ('Usage of one table over an audit period, one per table; '
                'periodic, disabled by default '
                '([magnetodb] usage_notification_interval).')
    text = 'Emitted by %s' % where
    if variants:
        text += ' when the request fails; xxx is the HTTP status'
    elif phase:
        text += ' (%s)' % phase.lower()
    text += '. Spec note: %s.' % notes
    if old:
        text += ' Formerly %s.' % old
    return text


EVENTS = registry.EventRegistry(
    'magnetodb', lock='../payloads.lock.json', objects=payloads.OBJECTS,
    description='MagnetoDB key-value storage: requests, DynamoDB-compatible '
                'API, async table tasks, streaming, rate limiting and '
                'usage (magnetodb-notification-refactoring).')


def _define(row):
    constant, level, metric, mechanisms, notes, old = row
    removed = notes == 'removed'
    family, name, phase, variants = split_constant(constant)
    if variants:
        constant = constant[:-len('_xxx')]
        metric = metric[:-len('.xxx')]
    event_type = wire_event_type(row[0])
    if metric and metric != metric_of(event_type):
        raise errors.EventDefinitionError(
            'magnetodb: metric %s of %s does not follow event type %s'
            % (metric, constant, event_type))
    payload, sample = _payload_and_sample(row[0])
    return EVENTS.define(
        constant, event_type, level, payload,
        mechanisms=[m.strip() for m in mechanisms.split(',')]
        if mechanisms else [],
        metrics=[metric] if metric else [], status_variants=variants,
        removed=('removed by magnetodb-notification-refactoring'
                 if removed else None),
        sample=sample, description=_description(constant, notes, old,
                                                removed))


for _row in SPEC:
    _definition = _define(_row)
    globals()[_definition.name] = _definition
del _row, _definition
