"""The MagnetoDB catalog: every event of magnetodb-notification-refactoring.

The events are declared below one by one, in the order of the spec's event
list, one ``EVENT_TYPE_... = _define(...)`` per bullet under the *new*
event name, with its level, metric name, delivery mechanisms and note
exactly as the spec gives them (``_ERROR_xxx`` and ``.error.xxx`` spelled
as there, less the ``_xxx``: see below).

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
``REQUEST_RATE_LIMITED`` -> ``rate_limited``).  Each event spells its
event type and metric out; defining it checks both against the rule
(:func:`wire_event_type` of the constant, and :func:`metric_of`: every
metric is ``mdb.`` + the event type without ``magnetodb.``, and without
the ``.end`` of a task: ``EVENT_TYPE_TASK_TABLE_CREATE_END`` is
``magnetodb.task.create_table.end`` with metric ``mdb.task.create_table``,
as the spec names it).

``_ERROR_xxx`` events are one definition each with ``status_variants``,
declared without the ``_xxx``:
``EVENTS['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404']`` has event type
``magnetodb.req.create_table.error.404`` and metric
``mdb.req.create_table.error.404``.

Events the spec marks *removed* are registered with ``removed=`` (and no
mechanism): documented, never emitted.  *no change* events are kept.
:data:`RENAMED` maps each *changed* event's old constant to its new one
(the ``old=`` of its definition).

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
#: The spec's delivery mechanisms, spelled as there.
MS = 'messaging, statsd'
M = 'messaging'

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



def _description(constant, notes, old, removed):
    family, name, phase, _ = split_constant(constant)
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
    if phase:
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

#: Old constant -> new constant, for every event the spec marks changed.
RENAMED = {}


def _define(name, event_type, level, payload, sample, *, notes, metric=None,
            mechanisms=(), status_variants=False, old=None):
    """Define one spec bullet: ``notes`` and ``old`` are the bullet's
    "notes" and "event name" (for a changed event); the event type and
    the metric must follow the naming rule of the module doc."""
    if event_type != wire_event_type(name):
        raise errors.EventDefinitionError(
            'magnetodb: event type %s of %s does not follow the rule (%s)'
            % (event_type, name, wire_event_type(name)))
    if metric and metric != metric_of(event_type):
        raise errors.EventDefinitionError(
            'magnetodb: metric %s of %s does not follow event type %s'
            % (metric, name, event_type))
    removed = notes == 'removed'
    if old:
        RENAMED[old] = name
    return EVENTS.define(
        name, event_type, level, payload, mechanisms=mechanisms,
        metrics=[metric] if metric else [], status_variants=status_variants,
        removed=('removed by magnetodb-notification-refactoring'
                 if removed else None),
        sample=sample, description=_description(name, notes, old, removed))


# -- create table ----------------------------------------------------------

EVENT_TYPE_TASK_TABLE_CREATE_START = _define(
    'EVENT_TYPE_TASK_TABLE_CREATE_START', 'magnetodb.task.create_table.start',
    'audit', payloads.TablePayload, lambda: sample_table('START'),
    mechanisms=M, notes='changed', old='EVENT_TYPE_TABLE_CREATE_START')
EVENT_TYPE_TASK_TABLE_CREATE_END = _define(
    'EVENT_TYPE_TASK_TABLE_CREATE_END', 'magnetodb.task.create_table.end',
    'audit', payloads.TablePayload, lambda: sample_table('END'),
    metric='mdb.task.create_table', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_TABLE_CREATE_END')
EVENT_TYPE_TASK_TABLE_CREATE_ERROR = _define(
    'EVENT_TYPE_TASK_TABLE_CREATE_ERROR', 'magnetodb.task.create_table.error',
    'error', payloads.TablePayload, lambda: sample_table('ERROR'),
    metric='mdb.task.create_table.error', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_TABLE_CREATE_ERROR')
EVENT_TYPE_REQUEST_TABLE_CREATE = _define(
    'EVENT_TYPE_REQUEST_TABLE_CREATE', 'magnetodb.req.create_table', 'audit',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'TABLE_CREATE'),
    metric='mdb.req.create_table', mechanisms=MS, notes='new')
EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR = _define(
    'EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR',
    'magnetodb.req.create_table.error', 'error', payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'TABLE_CREATE', error=True),
    metric='mdb.req.create_table.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_TABLE_CREATE = _define(
    'EVENT_TYPE_DYNAMO_TABLE_CREATE', 'magnetodb.dynamo.create_table', 'audit',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'TABLE_CREATE'),
    metric='mdb.dynamo.create_table', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_TABLE_CREATE_ERROR = _define(
    'EVENT_TYPE_DYNAMO_TABLE_CREATE_ERROR',
    'magnetodb.dynamo.create_table.error', 'error', payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'TABLE_CREATE', error=True),
    metric='mdb.dynamo.create_table.error', mechanisms=MS,
    status_variants=True, notes='new')

# -- delete table ----------------------------------------------------------

EVENT_TYPE_TASK_TABLE_DELETE_START = _define(
    'EVENT_TYPE_TASK_TABLE_DELETE_START', 'magnetodb.task.delete_table.start',
    'audit', payloads.TablePayload, lambda: sample_table('START'),
    mechanisms=M, notes='changed', old='EVENT_TYPE_TABLE_DELETE_START')
EVENT_TYPE_TASK_TABLE_DELETE_END = _define(
    'EVENT_TYPE_TASK_TABLE_DELETE_END', 'magnetodb.task.delete_table.end',
    'audit', payloads.TablePayload, lambda: sample_table('END'),
    metric='mdb.task.delete_table', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_TABLE_DELETE_END')
EVENT_TYPE_TASK_TABLE_DELETE_ERROR = _define(
    'EVENT_TYPE_TASK_TABLE_DELETE_ERROR', 'magnetodb.task.delete_table.error',
    'error', payloads.TablePayload, lambda: sample_table('ERROR'),
    metric='mdb.task.delete_table.error', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_TABLE_DELETE_ERROR')
EVENT_TYPE_REQUEST_TABLE_DELETE = _define(
    'EVENT_TYPE_REQUEST_TABLE_DELETE', 'magnetodb.req.delete_table', 'audit',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'TABLE_DELETE'),
    metric='mdb.req.delete_table', mechanisms=MS, notes='new')
EVENT_TYPE_REQUEST_TABLE_DELETE_ERROR = _define(
    'EVENT_TYPE_REQUEST_TABLE_DELETE_ERROR',
    'magnetodb.req.delete_table.error', 'error', payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'TABLE_DELETE', error=True),
    metric='mdb.req.delete_table.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_TABLE_DELETE = _define(
    'EVENT_TYPE_DYNAMO_TABLE_DELETE', 'magnetodb.dynamo.delete_table', 'audit',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'TABLE_DELETE'),
    metric='mdb.dynamo.delete_table', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_TABLE_DELETE_ERROR = _define(
    'EVENT_TYPE_DYNAMO_TABLE_DELETE_ERROR',
    'magnetodb.dynamo.delete_table.error', 'error', payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'TABLE_DELETE', error=True),
    metric='mdb.dynamo.delete_table.error', mechanisms=MS,
    status_variants=True, notes='new')

# -- list table ------------------------------------------------------------

EVENT_TYPE_REQUEST_TABLE_LIST = _define(
    'EVENT_TYPE_REQUEST_TABLE_LIST', 'magnetodb.req.list_table', 'debug',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'TABLE_LIST'),
    metric='mdb.req.list_table', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_TABLE_LIST')
EVENT_TYPE_REQUEST_TABLE_LIST_ERROR = _define(
    'EVENT_TYPE_REQUEST_TABLE_LIST_ERROR', 'magnetodb.req.list_table.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'TABLE_LIST', error=True),
    metric='mdb.req.list_table.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_TABLE_LIST = _define(
    'EVENT_TYPE_DYNAMO_TABLE_LIST', 'magnetodb.dynamo.list_table', 'debug',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'TABLE_LIST'),
    metric='mdb.dynamo.list_table', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_TABLE_LIST_ERROR = _define(
    'EVENT_TYPE_DYNAMO_TABLE_LIST_ERROR', 'magnetodb.dynamo.list_table.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'TABLE_LIST', error=True),
    metric='mdb.dynamo.list_table.error', mechanisms=MS, status_variants=True,
    notes='new')

# -- put item --------------------------------------------------------------

EVENT_TYPE_REQUEST_PUTITEM = _define(
    'EVENT_TYPE_REQUEST_PUTITEM', 'magnetodb.req.put_item', 'info',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'PUTITEM'),
    metric='mdb.req.put_item', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_DATA_PUTITEM')
EVENT_TYPE_DATA_PUTITEM_START = _define(
    'EVENT_TYPE_DATA_PUTITEM_START', 'magnetodb.data.putitem.start', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('START'),
    notes='removed')
EVENT_TYPE_DATA_PUTITEM_END = _define(
    'EVENT_TYPE_DATA_PUTITEM_END', 'magnetodb.data.putitem.end', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('END'), notes='removed')
EVENT_TYPE_DATA_PUTITEM_ERROR = _define(
    'EVENT_TYPE_DATA_PUTITEM_ERROR', 'magnetodb.data.putitem.error', 'error',
    payloads.DataItemPayload, lambda: sample_data_item('ERROR'),
    notes='removed')
EVENT_TYPE_REQUEST_PUTITEM_ERROR = _define(
    'EVENT_TYPE_REQUEST_PUTITEM_ERROR', 'magnetodb.req.put_item.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'PUTITEM', error=True),
    metric='mdb.req.put_item.error', mechanisms=MS, status_variants=True,
    notes='new')
# The spec's second REQUEST_PUTITEM_ERROR bullet (see the module doc).
EVENT_TYPE_DYNAMO_PUTITEM = _define(
    'EVENT_TYPE_DYNAMO_PUTITEM', 'magnetodb.dynamo.put_item', 'info',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'PUTITEM'),
    metric='mdb.dynamo.put_item', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_PUTITEM_ERROR = _define(
    'EVENT_TYPE_DYNAMO_PUTITEM_ERROR', 'magnetodb.dynamo.put_item.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'PUTITEM', error=True),
    metric='mdb.dynamo.put_item.error', mechanisms=MS, status_variants=True,
    notes='new')

# -- delete item -----------------------------------------------------------

EVENT_TYPE_REQUEST_DELETEITEM = _define(
    'EVENT_TYPE_REQUEST_DELETEITEM', 'magnetodb.req.delete_item', 'info',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'DELETEITEM'),
    metric='mdb.req.delete_item', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_DATA_DELETEITEM')
EVENT_TYPE_DATA_DELETEITEM_START = _define(
    'EVENT_TYPE_DATA_DELETEITEM_START', 'magnetodb.data.deleteitem.start',
    'info', payloads.DataItemPayload, lambda: sample_data_item('START'),
    notes='removed')
EVENT_TYPE_DATA_DELETEITEM_END = _define(
    'EVENT_TYPE_DATA_DELETEITEM_END', 'magnetodb.data.deleteitem.end', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('END'), notes='removed')
EVENT_TYPE_DATA_DELETEITEM_ERROR = _define(
    'EVENT_TYPE_DATA_DELETEITEM_ERROR', 'magnetodb.data.deleteitem.error',
    'error', payloads.DataItemPayload, lambda: sample_data_item('ERROR'),
    notes='removed')
EVENT_TYPE_REQUEST_DELETEITEM_ERROR = _define(
    'EVENT_TYPE_REQUEST_DELETEITEM_ERROR', 'magnetodb.req.delete_item.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'DELETEITEM', error=True),
    metric='mdb.req.delete_item.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_DELETEITEM = _define(
    'EVENT_TYPE_DYNAMO_DELETEITEM', 'magnetodb.dynamo.delete_item', 'info',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'DELETEITEM'),
    metric='mdb.dynamo.delete_item', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_DELETEITEM_ERROR = _define(
    'EVENT_TYPE_DYNAMO_DELETEITEM_ERROR', 'magnetodb.dynamo.delete_item.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'DELETEITEM', error=True),
    metric='mdb.dynamo.delete_item.error', mechanisms=MS, status_variants=True,
    notes='new')

# -- batch write -----------------------------------------------------------

EVENT_TYPE_DATA_BATCHWRITE_START = _define(
    'EVENT_TYPE_DATA_BATCHWRITE_START', 'magnetodb.data.batchwrite.start',
    'info', payloads.DataItemPayload, lambda: sample_data_item('START'),
    notes='removed')
EVENT_TYPE_DATA_BATCHWRITE_END = _define(
    'EVENT_TYPE_DATA_BATCHWRITE_END', 'magnetodb.data.batchwrite.end', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('END'), notes='removed')
EVENT_TYPE_REQUEST_BATCHWRITE = _define(
    'EVENT_TYPE_REQUEST_BATCHWRITE', 'magnetodb.req.batch_write', 'info',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'BATCHWRITE'),
    metric='mdb.req.batch_write', mechanisms=MS, notes='new')
EVENT_TYPE_REQUEST_BATCHWRITE_ERROR = _define(
    'EVENT_TYPE_REQUEST_BATCHWRITE_ERROR', 'magnetodb.req.batch_write.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'BATCHWRITE', error=True),
    metric='mdb.req.batch_write.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_BATCHWRITE = _define(
    'EVENT_TYPE_DYNAMO_BATCHWRITE', 'magnetodb.dynamo.batch_write', 'info',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'BATCHWRITE'),
    metric='mdb.dynamo.batch_write', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_BATCHWRITE_ERROR = _define(
    'EVENT_TYPE_DYNAMO_BATCHWRITE_ERROR', 'magnetodb.dynamo.batch_write.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'BATCHWRITE', error=True),
    metric='mdb.dynamo.batch_write.error', mechanisms=MS, status_variants=True,
    notes='new')

# -- batch read ------------------------------------------------------------

EVENT_TYPE_DATA_BATCHREAD_START = _define(
    'EVENT_TYPE_DATA_BATCHREAD_START', 'magnetodb.data.batchread.start',
    'info', payloads.DataItemPayload, lambda: sample_data_item('START'),
    notes='removed')
EVENT_TYPE_DATA_BATCHREAD_END = _define(
    'EVENT_TYPE_DATA_BATCHREAD_END', 'magnetodb.data.batchread.end', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('END'), notes='removed')
EVENT_TYPE_REQUEST_BATCHREAD = _define(
    'EVENT_TYPE_REQUEST_BATCHREAD', 'magnetodb.req.batch_read', 'info',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'BATCHREAD'),
    metric='mdb.req.batch_read', mechanisms=MS, notes='new')
EVENT_TYPE_REQUEST_BATCHREAD_ERROR = _define(
    'EVENT_TYPE_REQUEST_BATCHREAD_ERROR', 'magnetodb.req.batch_read.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'BATCHREAD', error=True),
    metric='mdb.req.batch_read.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_BATCHREAD = _define(
    'EVENT_TYPE_DYNAMO_BATCHREAD', 'magnetodb.dynamo.batch_read', 'info',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'BATCHREAD'),
    metric='mdb.dynamo.batch_read', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_BATCHREAD_ERROR = _define(
    'EVENT_TYPE_DYNAMO_BATCHREAD_ERROR', 'magnetodb.dynamo.batch_read.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'BATCHREAD', error=True),
    metric='mdb.dynamo.batch_read.error', mechanisms=MS, status_variants=True,
    notes='new')

# -- update item -----------------------------------------------------------

EVENT_TYPE_REQUEST_UPDATEITEM = _define(
    'EVENT_TYPE_REQUEST_UPDATEITEM', 'magnetodb.req.update_item', 'info',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'UPDATEITEM'),
    metric='mdb.req.update_item', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_DATA_UPDATEITEM')
EVENT_TYPE_REQUEST_UPDATEITEM_ERROR = _define(
    'EVENT_TYPE_REQUEST_UPDATEITEM_ERROR', 'magnetodb.req.update_item.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'UPDATEITEM', error=True),
    metric='mdb.req.update_item.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_UPDATEITEM = _define(
    'EVENT_TYPE_DYNAMO_UPDATEITEM', 'magnetodb.dynamo.update_item', 'info',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'UPDATEITEM'),
    metric='mdb.dynamo.update_item', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_UPDATEITEM_ERROR = _define(
    'EVENT_TYPE_DYNAMO_UPDATEITEM_ERROR', 'magnetodb.dynamo.update_item.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'UPDATEITEM', error=True),
    metric='mdb.dynamo.update_item.error', mechanisms=MS, status_variants=True,
    notes='new')

# -- get item --------------------------------------------------------------

EVENT_TYPE_REQUEST_GETITEM = _define(
    'EVENT_TYPE_REQUEST_GETITEM', 'magnetodb.req.get_item', 'info',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'GETITEM'),
    metric='mdb.req.get_item', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_DATA_GETITEM')
EVENT_TYPE_DATA_GETITEM_START = _define(
    'EVENT_TYPE_DATA_GETITEM_START', 'magnetodb.data.getitem.start', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('START'),
    notes='removed')
EVENT_TYPE_DATA_GETITEM_END = _define(
    'EVENT_TYPE_DATA_GETITEM_END', 'magnetodb.data.getitem.end', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('END'), notes='removed')
EVENT_TYPE_REQUEST_GETITEM_ERROR = _define(
    'EVENT_TYPE_REQUEST_GETITEM_ERROR', 'magnetodb.req.get_item.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'GETITEM', error=True),
    metric='mdb.req.get_item.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_GETITEM = _define(
    'EVENT_TYPE_DYNAMO_GETITEM', 'magnetodb.dynamo.get_item', 'info',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'GETITEM'),
    metric='mdb.dynamo.get_item', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_GETITEM_ERROR = _define(
    'EVENT_TYPE_DYNAMO_GETITEM_ERROR', 'magnetodb.dynamo.get_item.error',
    'error', payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'GETITEM', error=True),
    metric='mdb.dynamo.get_item.error', mechanisms=MS, status_variants=True,
    notes='new')

# -- query -----------------------------------------------------------------

EVENT_TYPE_REQUEST_QUERY = _define(
    'EVENT_TYPE_REQUEST_QUERY', 'magnetodb.req.query', 'info',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'QUERY'),
    metric='mdb.req.query', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_DATA_QUERY')
EVENT_TYPE_DATA_QUERY_START = _define(
    'EVENT_TYPE_DATA_QUERY_START', 'magnetodb.data.query.start', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('START'),
    notes='removed')
EVENT_TYPE_DATA_QUERY_END = _define(
    'EVENT_TYPE_DATA_QUERY_END', 'magnetodb.data.query.end', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('END'), notes='removed')
EVENT_TYPE_REQUEST_QUERY_ERROR = _define(
    'EVENT_TYPE_REQUEST_QUERY_ERROR', 'magnetodb.req.query.error', 'error',
    payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'QUERY', error=True),
    metric='mdb.req.query.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_QUERY = _define(
    'EVENT_TYPE_DYNAMO_QUERY', 'magnetodb.dynamo.query', 'info',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'QUERY'),
    metric='mdb.dynamo.query', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_QUERY_ERROR = _define(
    'EVENT_TYPE_DYNAMO_QUERY_ERROR', 'magnetodb.dynamo.query.error', 'error',
    payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'QUERY', error=True),
    metric='mdb.dynamo.query.error', mechanisms=MS, status_variants=True,
    notes='new')

# -- scan ------------------------------------------------------------------

EVENT_TYPE_REQUEST_SCAN = _define(
    'EVENT_TYPE_REQUEST_SCAN', 'magnetodb.req.scan', 'info',
    payloads.RequestPayload, lambda: sample_request('REQUEST', 'SCAN'),
    metric='mdb.req.scan', mechanisms=MS, notes='changed',
    old='EVENT_TYPE_DATA_SCAN')
EVENT_TYPE_DATA_SCAN_START = _define(
    'EVENT_TYPE_DATA_SCAN_START', 'magnetodb.data.scan.start', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('START'),
    notes='removed')
EVENT_TYPE_DATA_SCAN_END = _define(
    'EVENT_TYPE_DATA_SCAN_END', 'magnetodb.data.scan.end', 'info',
    payloads.DataItemPayload, lambda: sample_data_item('END'), notes='removed')
EVENT_TYPE_REQUEST_SCAN_ERROR = _define(
    'EVENT_TYPE_REQUEST_SCAN_ERROR', 'magnetodb.req.scan.error', 'error',
    payloads.RequestPayload,
    lambda: sample_request('REQUEST', 'SCAN', error=True),
    metric='mdb.req.scan.error', mechanisms=MS, status_variants=True,
    notes='new')
EVENT_TYPE_DYNAMO_SCAN = _define(
    'EVENT_TYPE_DYNAMO_SCAN', 'magnetodb.dynamo.scan', 'info',
    payloads.RequestPayload, lambda: sample_request('DYNAMO', 'SCAN'),
    metric='mdb.dynamo.scan', mechanisms=MS, notes='new')
EVENT_TYPE_DYNAMO_SCAN_ERROR = _define(
    'EVENT_TYPE_DYNAMO_SCAN_ERROR', 'magnetodb.dynamo.scan.error', 'error',
    payloads.RequestPayload,
    lambda: sample_request('DYNAMO', 'SCAN', error=True),
    metric='mdb.dynamo.scan.error', mechanisms=MS, status_variants=True,
    notes='new')

# -- streaming -------------------------------------------------------------

EVENT_TYPE_STREAMING_PATH_ERROR = _define(
    'EVENT_TYPE_STREAMING_PATH_ERROR', 'magnetodb.streaming.path.error',
    'error', payloads.StreamingPayload,
    lambda: sample_streaming('ERROR', path_error=True), mechanisms=M,
    notes='no change')
EVENT_TYPE_STREAMING_DATA_START = _define(
    'EVENT_TYPE_STREAMING_DATA_START', 'magnetodb.streaming.data.start',
    'info', payloads.StreamingPayload, lambda: sample_streaming('START'),
    mechanisms=M, notes='no change')
EVENT_TYPE_STREAMING_DATA_END = _define(
    'EVENT_TYPE_STREAMING_DATA_END', 'magnetodb.streaming.data.end', 'info',
    payloads.StreamingPayload, lambda: sample_streaming('END'), mechanisms=M,
    notes='no change')
EVENT_TYPE_STREAMING_DATA_ERROR = _define(
    'EVENT_TYPE_STREAMING_DATA_ERROR', 'magnetodb.streaming.data.error',
    'error', payloads.StreamingPayload, lambda: sample_streaming('ERROR'),
    mechanisms=M, notes='no change')

# -- rate limiting ---------------------------------------------------------

EVENT_TYPE_REQUEST_RATE_LIMITED = _define(
    'EVENT_TYPE_REQUEST_RATE_LIMITED', 'magnetodb.req.rate_limited', 'audit',
    payloads.RateLimitPayload, sample_rate_limited, mechanisms=M,
    notes='no change')

# -- periodic usage, from magnetodb-notification ---------------------------

EVENT_TYPE_TABLE_USAGE = _define(
    'EVENT_TYPE_TABLE_USAGE', 'magnetodb.table.usage', 'info',
    payloads.TableUsagePayload, sample_usage, mechanisms=M, notes='usage')
