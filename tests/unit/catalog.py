"""A small catalog shared by the unit tests (namespace ``unitcat``).

Importable by name, so a ``spawn`` child process can rebuild a lifecycle
from it.
"""

import datetime
import os

from tidings.notifications import payload as payload_mod
from tidings.notifications import registry
from tidings.objects import base
from tidings.objects import fields
from tidings.objects import introspect
from tidings.objects import lockfile

OBJECTS = base.ObjectRegistry('unitcat')
#: The catalog's lock file: every payload, and TablePayload 1.0 and 1.1
#: as released before (see :func:`build_lock`).
LOCK = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    'unitcat.lock.json')
CREATED = datetime.datetime(2026, 1, 2, 3, 4, 5,
                            tzinfo=datetime.timezone.utc)


@OBJECTS.register
class ExceptionPayload(payload_mod.ExceptionPayload):
    VERSION = '1.0'


@OBJECTS.register
class DiskPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'name': fields.StringField(),
        'size_gb': fields.IntegerField(),
    }


@OBJECTS.register
class TablePayload(payload_mod.Payload):
    """A table; ``owner_token`` is a secret, ``comment`` came in 1.1 and
    ``tags`` in 1.2."""

    VERSION = '1.2'
    FIELD_VERSIONS = {'comment': '1.1', 'tags': '1.2'}
    SCHEMA = {
        'table_name': ('table', 'name'),
        'tenant_id': ('context', 'tenant'),
        'rows': ('table', 'rows'),
    }
    fields = {
        'table_name': fields.StringField(),
        'tenant_id': fields.StringField(),
        'rows': fields.IntegerField(),
        'comment': fields.StringField(nullable=True),
        'tags': fields.ListOfStringsField(nullable=True),
        'owner_token': fields.SensitiveStringField(nullable=True),
        'disk': fields.ObjectField('DiskPayload', nullable=True),
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }


@OBJECTS.register
class PingPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'n': fields.IntegerField(),
    }


EVENTS = registry.EventRegistry('unitcat', objects=OBJECTS, lock=LOCK)

TABLE_CREATE_START = EVENTS.define(
    'EVENT_TYPE_TABLE_CREATE_START', 'unitcat.table.create.start', 'info',
    TablePayload, mechanisms=['messaging', 'log'])
TABLE_CREATE_END = EVENTS.define(
    'EVENT_TYPE_TABLE_CREATE_END', 'unitcat.table.create.end', 'info',
    TablePayload, mechanisms=['messaging', 'statsd', 'log'],
    metrics=['unitcat.table.create'])
TABLE_CREATE_ERROR = EVENTS.define(
    'EVENT_TYPE_TABLE_CREATE_ERROR', 'unitcat.table.create.error', 'error',
    TablePayload, mechanisms=['messaging', 'statsd', 'log'],
    metrics=['unitcat.table.create.error'])
REQUEST_ERROR = EVENTS.define(
    'EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR',
    'unitcat.req.table_create.error', 'error', TablePayload,
    mechanisms=['statsd'], metrics=['unitcat.req.table_create'],
    status_variants=True)
PING = EVENTS.define(
    'EVENT_TYPE_PING', 'unitcat.host.ping', 'debug', PingPayload,
    mechanisms=['log'])
AUDIT = EVENTS.define(
    'EVENT_TYPE_TABLE_AUDIT', 'unitcat.table.audit', 'audit', PingPayload,
    mechanisms=['database'], source='auditor')
DROPPED = EVENTS.define(
    'EVENT_TYPE_TABLE_DROP', 'unitcat.table.drop', 'warn', PingPayload,
    mechanisms=['messaging'])


class Table:
    """A service-side object a SCHEMA reads from."""

    def __init__(self, name='orders', rows=12):
        self.name = name
        self.rows = rows


def table_payload(**extra):
    payload = TablePayload.from_sources(table=Table(),
                                        context={'tenant': 't-1'})
    for key, value in extra.items():
        setattr(payload, key, value)
    return payload


def released_table_payloads():
    """TablePayload 1.0 (no ``comment``, no ``tags``) and 1.1 (no
    ``tags``), as they were released, each in a registry of its own."""
    out = []
    for version, dropped in (('1.0', ('comment', 'tags')),
                             ('1.1', ('tags',))):
        old = base.ObjectRegistry('unitcat')
        old.register(type('DiskPayload', (payload_mod.Payload,), {
            'VERSION': '1.0', 'fields': dict(DiskPayload.fields),
            '__module__': __name__}))
        old.register(type('ExceptionPayload', (ExceptionPayload,), {
            'VERSION': '1.0', '__module__': __name__}))
        out.append(old.register(type('TablePayload', (payload_mod.Payload,), {
            'VERSION': version, 'SCHEMA': dict(TablePayload.SCHEMA),
            'fields': {k: v for k, v in TablePayload.fields.items()
                       if k not in dropped},
            '__module__': __name__})))
    return out


def build_lock(path=LOCK):
    """The lock file of this catalog, as committed in ``LOCK``::

        python -c 'from tests.unit import catalog; catalog.build_lock().save()'
    """
    lock = lockfile.LockFile(path)
    for cls in released_table_payloads() + list(EVENTS.payload_classes()):
        for each in introspect.with_nested([cls]):
            lock.record(each)
    return lock
