"""How a notification fills a row of the event table.

A payload class may say where the queryable columns come from with an
optional ``RECORD`` attribute; its values are dotted field paths into the
payload (nested payloads are walked), or a tuple of paths tried in order::

    class NodePayload(Payload):
        RECORD = {
            'object_id': 'node.id',        # nested payload field
            'object_name': 'node.name',
            'parent_id': 'node.cluster_id',  # the containing object
            'project': 'node.project',
            'user': 'node.user',
            'status': 'node.status',
            'reason': ('node.status_reason', 'fault.exception_message'),
        }

Keys accepted: ``object_type``, ``object_id``, ``object_name``,
``parent_id``, ``action``, ``project``, ``user``, ``request_id``,
``status``, ``reason``.  A value starting with ``=`` is a constant
(``'object_type': '=node'``).  Whatever RECORD does not give comes from
these defaults (the first one set wins):

- ``object_type``: the object part of the event type
  (``cluster`` for ``cluster.create.end``);
- ``object_id``: ``uuid``, ``id``, ``<object>_id``, ``<object>.uuid``,
  ``<object>.id``;
- ``object_name``: ``name``, ``<object>_name``, ``<object>.name``;
- ``parent_id``: ``parent_id``, then ``cluster_id`` (unless that is the
  object's own id);
- ``action`` and ``phase``: from the event type;
- ``project``: ``project_id``, ``tenant_id``, ``project``, ``tenant``;
- ``user``: ``user_id``, ``user``;
- ``request_id``: ``request_id``;
- ``status``: ``status``, ``state``, then the HTTP status of an
  ``_ERROR_xxx`` event;
- ``reason``: ``reason``, ``status_reason``, ``message``,
  ``fault.exception_message``.

When neither RECORD nor the payload gives ``project``, ``user`` or
``request_id``, the notification context (the redacted dict the notifier
hands every backend) does: ``project_id`` / ``tenant_id`` / ``project`` /
``tenant``, ``user_id`` / ``user``, ``request_id`` / ``global_request_id``.

Values are read from the wire payload (so sensitive fields stay masked),
turned into text and cut to the column's length.
"""

import datetime
import json

from tidings.backends import dbschema
from tidings.objects import errors
from tidings.objects import fields
from tidings.objects.schema import VERSIONED

try:   # a C encoder at a fifth of the stdlib's cost (in install_requires;
    import orjson   # the stdlib encoder stays the fallback)
except ImportError:  # pragma: no cover
    orjson = None

RECORD_KEYS = ('object_type', 'object_id', 'object_name', 'parent_id',
               'action', 'project', 'user', 'request_id', 'status',
               'reason')

#: The event table's columns, in the order of :meth:`Plan.values`.
COLUMNS = dbschema.COLUMNS
SHORT = dbschema.SHORT
_INDEX = {name: index for index, name in enumerate(COLUMNS)}
_ID = _INDEX['id']
_TIMESTAMP = _INDEX['timestamp']
_PUBLISHER = _INDEX['publisher_id']
_SOURCE = _INDEX['source']
_VERSION = _INDEX['payload_version']
_PAYLOAD = _INDEX['payload']
_STATUS = _INDEX['status']

_ENCODE = json.JSONEncoder(separators=(',', ':'), default=str).encode


def encode(primitive):
    """The payload column: compact JSON of the wire payload (orjson; a
    value it refuses -- an integer beyond 64 bits, a non-text key -- goes
    through the stdlib encoder, which turns unknown types into text)."""
    if orjson is not None:
        try:
            return orjson.dumps(primitive).decode()
        except TypeError:   # a value orjson does not take: the stdlib's
            pass
    return _ENCODE(primitive)


_CONTEXT = {
    'project': ('project_id', 'tenant_id', 'project', 'tenant'),
    'user': ('user_id', 'user'),
    'request_id': ('request_id', 'global_request_id'),
}


def _default_paths(column, obj):
    if column == 'object_id':
        return ('uuid', 'id', obj + '_id', obj + '.uuid', obj + '.id')
    if column == 'object_name':
        return ('name', obj + '_name', obj + '.name')
    if column == 'parent_id':
        return ('parent_id',) if obj == 'cluster' else (
            'parent_id', 'cluster_id')
    if column == 'project':
        return ('project_id', 'tenant_id', 'project', 'tenant')
    if column == 'user':
        return ('user_id', 'user')
    if column == 'request_id':
        return ('request_id',)
    if column == 'status':
        return ('status', 'state')
    if column == 'reason':
        return ('reason', 'status_reason', 'message',
                'fault.exception_message')
    return ()


def check_record(payload_cls):
    """Validate ``payload_cls.RECORD``; return it (a dict).

    Raises EventDefinitionError naming the payload, the key or path and
    what is accepted.  Catalog tests call it on every payload class.
    """
    record = getattr(payload_cls, 'RECORD', None) or {}
    name = getattr(payload_cls, 'obj_name', lambda: payload_cls.__name__)()
    if not isinstance(record, dict):
        raise errors.EventDefinitionError(
            '%s.RECORD: %r is not a dict of column -> field path' % (
                name, record))
    for key, value in record.items():
        if key not in RECORD_KEYS:
            raise errors.EventDefinitionError(
                '%s.RECORD: key %r is not a column; accepted: %s' % (
                    name, key, ', '.join(RECORD_KEYS)))
        paths = value if isinstance(value, tuple) else (value,)
        for path in paths:
            if not isinstance(path, str) or not path:
                raise errors.EventDefinitionError(
                    '%s.RECORD[%r]: %r is not a dotted field path (or a '
                    'tuple of them, or "=constant")' % (name, key, path))
            if path.startswith('='):
                continue
            first = path.split('.')[0]
            known = getattr(payload_cls, 'fields', {})
            if first not in known:
                raise errors.EventDefinitionError(
                    '%s.RECORD[%r]: path %r starts with %r, which is not a '
                    'field of %s; its fields are: %s' % (
                        name, key, path, first, name,
                        ', '.join(sorted(known))))
    return record


class Plan:
    """Where each column of one event definition's rows comes from.

    Built once per (event definition, payload class) and kept by the
    backend: :meth:`values` then does only dict lookups per notification
    (the writer thread's per-row Python work is what bounds the events/s,
    as it shares the interpreter with the callers).
    """

    __slots__ = ('template', 'paths', 'context', 'fallback_status',
                 'data_key', 'version')

    def __init__(self, definition, payload_cls):
        record = check_record(payload_cls)
        etype = definition.event_type
        obj = etype.object
        template = dict.fromkeys(COLUMNS)
        template.update(level=definition.level,
                        level_rank=fields.LEVEL_RANK[definition.level],
                        event_type=definition.event_type_str,
                        object_type=obj, action=etype.action,
                        phase=etype.phase,
                        payload_name=payload_cls.obj_name())
        paths = []
        context = []
        # The data of a payload only has keys that are its fields: a path
        # starting elsewhere never matches, and is not tried per row.
        known = frozenset(getattr(payload_cls, 'fields', ()))

        def compiled(candidates):
            return tuple(p for p in _compile(candidates) if (
                p if p.__class__ is str else p[0]) in known)

        for column in RECORD_KEYS:
            if column in _CONTEXT:
                context.append((_INDEX[column], _CONTEXT[column]))
            given = record.get(column)
            if given is not None:
                given = given if isinstance(given, tuple) else (given,)
                if given[0].startswith('='):
                    template[column] = given[0][1:]
                    continue
                found = compiled(p for p in given if not p.startswith('='))
                if found:
                    paths.append((_INDEX[column], column, found))
                continue
            defaults = _default_paths(column, obj)
            if column == 'parent_id':
                own = record.get('object_id')
                defaults = tuple(p for p in defaults if p != own)
            found = compiled(defaults)
            if found:
                paths.append((_INDEX[column], column, found))
        self.template = [template[c] for c in COLUMNS]
        self.paths = tuple(paths)
        self.context = tuple(context)
        self.fallback_status = (str(definition.status)
                                if definition.status is not None else None)
        self.data_key = payload_cls.OBJ_SERIAL_NAMESPACE + '.data'
        self.version = payload_cls.VERSION

    def values(self, notification):
        """The row of ``notification``: a list in :data:`COLUMNS` order,
        the timestamp as naive UTC text (``2016-11-04 16:31:36.264673``,
        what SQLite stores and PostgreSQL reads)."""
        formats = notification.formats
        wire = notification.to_wire(
            VERSIONED if VERSIONED in formats else formats[0])
        primitive = wire['payload']
        data = primitive.get(self.data_key)
        if data is None:
            data = _data(primitive)
        row = self.template[:]
        row[_ID] = notification.message_id
        row[_TIMESTAMP] = notification.timestamp
        value = wire['publisher_id']
        row[_PUBLISHER] = (value if value.__class__ is str and
                           len(value) <= SHORT and '\x00' not in value
                           else _text(value, 'publisher_id'))
        value = notification.source
        row[_SOURCE] = (value if value.__class__ is str and
                        len(value) <= SHORT and '\x00' not in value
                        else _text(value, 'source'))
        row[_VERSION] = notification.target_version or self.version
        row[_PAYLOAD] = encode(primitive)
        get = data.get
        for index, column, paths in self.paths:
            for path in paths:
                if path.__class__ is str:
                    value = get(path)
                else:
                    value = _lookup(data, path)
                if value is not None:
                    if value.__class__ is not str or len(value) > SHORT \
                            or '\x00' in value:
                        value = _text(value, column)
                    row[index] = value
                    break
        if self.context:
            context = None
            for index, keys in self.context:
                if row[index] is None:
                    if context is None:
                        context = notification.context or {}   # a dict
                    for key in keys:
                        value = context.get(key)
                        if value is not None:
                            row[index] = _text(value, COLUMNS[index])
                            break
        if row[_STATUS] is None:
            row[_STATUS] = self.fallback_status
        return row

    def row(self, notification):
        """:meth:`values` as a tuple: text, the level rank and None only,
        so the garbage collector stops tracking it at its first pass (a
        queue of rows gives it no work)."""
        return tuple(self.values(notification))


def _compile(paths):
    """Single names stay strings (a dict lookup); dotted ones become
    tuples (walked through nested payloads)."""
    return tuple(p if '.' not in p else tuple(p.split('.')) for p in paths)


def _data(value):
    """The data dict of a versioned primitive, else the value itself."""
    if isinstance(value, dict):
        for key in value:
            if key.endswith('_object.data'):
                return value[key]
    return value


def _lookup(data, path):
    value = data
    for part in path:
        if not isinstance(value, dict):
            return None
        value = _data(value.get(part))
        if value is None:
            return None
    return value


def _text(value, column):
    """``value`` as text a column of every database takes: cut to the
    column's length, NUL replaced by U+FFFD (PostgreSQL refuses NUL in
    text; the payload column keeps it, as ``\\u0000``).  Lone surrogates
    never arrive: the payload's fields and the notifier's context
    redaction refuse them at notify()."""
    if value.__class__ is str and len(value) <= 255 and \
            '\x00' not in value:
        return value
    if not isinstance(value, str):
        if isinstance(value, (dict, list)):
            value = json.dumps(value, sort_keys=True, default=str)
        else:
            value = str(value)
    if '\x00' in value:
        value = value.replace('\x00', '\ufffd')
    limit = dbschema.STRING_LENGTHS.get(column)
    if limit is not None and len(value) > limit:
        value = value[:limit]
    return value


def naive_utc(moment):
    """The event table keeps naive UTC times (one meaning on every
    database, whatever its time zone support)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(
            tzinfo=None)
    return moment


def wire_for_storage(notification):
    """The wire message stored in the payload column: the versioned form
    when the notifier sends it, else the first format."""
    formats = notification.formats
    fmt = VERSIONED if VERSIONED in formats else formats[0]
    return notification.to_wire(fmt)


def build_row(notification, plan):
    """The row (a dict of column values) for one notification."""
    return dbschema.as_dict(plan.values(notification))
