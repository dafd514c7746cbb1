"""Shared pieces of the database backend tests: a small catalog shaped
like Senlin's (a node inside a cluster) and helpers for rows and tables.
"""

import datetime
import uuid

from tidings.backends import database
from tidings.backends import dbschema
from tidings.backends import partitions
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import payload as payload_mod
from tidings.notifications import registry
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('dbtest')


@OBJECTS.register
class ExceptionPayload(payload_mod.ExceptionPayload):
    VERSION = '1.0'


@OBJECTS.register
class ClusterPayload(payload_mod.Payload):
    """No RECORD: every column comes from the defaults."""

    VERSION = '1.0'
    fields = {
        'id': fields.UUIDField(),
        'name': fields.StringField(),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'status_reason': fields.StringField(nullable=True),
        'password': fields.SensitiveStringField(nullable=True),
    }


@OBJECTS.register
class NodeInfoPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'id': fields.UUIDField(),
        'name': fields.StringField(),
        'cluster_id': fields.StringField(nullable=True),
        'project': fields.StringField(nullable=True),
        'user': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'status_reason': fields.StringField(nullable=True),
    }


@OBJECTS.register
class NodeActionPayload(payload_mod.Payload):
    """Senlin-like: the node is nested; RECORD says where things are."""

    VERSION = '1.2'
    RECORD = {
        'object_id': 'node.id',
        'object_name': 'node.name',
        'parent_id': 'node.cluster_id',
        'project': 'node.project',
        'user': 'node.user',
        'status': 'node.status',
        'reason': ('node.status_reason', 'fault.exception_message'),
    }
    fields = {
        'node': fields.ObjectField('NodeInfoPayload'),
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }


EVENTS = registry.EventRegistry('dbtest', objects=OBJECTS)
CLUSTER_CREATE_END = EVENTS.define(
    'CLUSTER_CREATE_END', 'cluster.create.end', 'info', ClusterPayload,
    mechanisms=['database'])
CLUSTER_DELETE_ERROR = EVENTS.define(
    'CLUSTER_DELETE_ERROR', 'cluster.delete.error', 'error',
    ClusterPayload, mechanisms=['database'])
CLUSTER_CHECK = EVENTS.define(
    'CLUSTER_CHECK', 'senlin.cluster.check', 'debug', ClusterPayload,
    mechanisms=['database'])
NODE_UPDATE_END = EVENTS.define(
    'NODE_UPDATE_END', 'node.update.end', 'warn', NodeActionPayload,
    mechanisms=['database'])
REQUEST_ERROR = EVENTS.define(
    'REQUEST_ERROR', 'api.request.error', 'error', ClusterPayload,
    mechanisms=['database'], status_variants=True)
MESSAGING_ONLY = EVENTS.define(
    'MESSAGING_ONLY', 'cluster.resize.end', 'info', ClusterPayload,
    mechanisms=['messaging'])


def bad_record_catalog():
    """A catalog of its own whose one event's payload has a RECORD key
    that is not a column: ``(events, event, payload class)``."""
    name = 'dbtest_%s' % uuid.uuid4().hex[:8]
    objects = base.ObjectRegistry(name)

    @objects.register
    class BrokenRecordPayload(payload_mod.Payload):
        RECORD = {'colour': 'name'}
        fields = {'name': fields.StringField()}

    events = registry.EventRegistry(name, objects=objects)
    broken = events.define('BROKEN', 'thing.break.end', 'info',
                           BrokenRecordPayload, mechanisms=['database'])
    return events, broken, BrokenRecordPayload


def cluster(project='p1', **kw):
    values = dict(id=str(uuid.uuid4()), name='web', project_id=project,
                  user_id='u1', status='ACTIVE', status_reason='ok')
    values.update(kw)
    return ClusterPayload(**values)


def node(project='p1', cluster_id='c-1', fault=None, **kw):
    values = dict(id=str(uuid.uuid4()), name='web-1',
                  cluster_id=cluster_id, project=project, user='u2',
                  status='ERROR', status_reason='boot failed')
    values.update(kw)
    return NodeActionPayload(node=NodeInfoPayload(**values), fault=fault)


def notifier(backend, level='debug'):
    from tidings import conf as tidings_conf
    conf = tidings_conf.new_conf()
    conf.set_override('level', level, 'notifications')
    return notifier_mod.Notifier(conf, EVENTS, source='engine',
                                 backends=[backend])


def unique_prefix():
    return 't%s_' % uuid.uuid4().hex[:10]


def make_backend(test, url, prefix=None, **options):
    """A DatabaseBackend on ``url`` with its own tables, dropped (and the
    backend closed) at cleanup."""
    prefix = prefix or unique_prefix()
    options.setdefault('flush_interval', 0.01)
    backend = database.DatabaseBackend(None, url=url, table_prefix=prefix,
                                       **options)
    test.addCleanup(drop_tables, url, prefix)
    test.addCleanup(backend.close, 2.0)
    return backend


def schema(test, url, revision=None):
    """``(prefix, engine)``: a table prefix no table has yet and an engine
    on ``url`` (both dropped at ``test``'s cleanup), the tables migrated
    to ``revision`` (``'head'`` for the latest; None: none made)."""
    prefix = unique_prefix()
    test.addCleanup(drop_tables, url, prefix)
    engine = dbschema.create_engine(url)
    test.addCleanup(engine.dispose)
    if revision is not None:
        dbschema.upgrade(engine, prefix, revision)
    return prefix, engine


def partitioned_schema(engine, prefix, days):
    """The event table of ``prefix`` partitioned by day, with a partition
    for each of ``days`` (dates) only: the migrations run without the
    upkeep that makes today's and the next days' (MariaDB adds days after
    its last one only, so older days could not be added after those)."""
    from alembic import command
    with engine.connect() as conn:
        with dbschema.migration_lock(conn, prefix):
            command.upgrade(dbschema.alembic_config(conn, prefix, 'day'),
                            'head')
    partitions.add_days(engine, dbschema.table_name(prefix), days)


def drop_tables(url, prefix):
    engine = dbschema.create_engine(url)
    try:
        dbschema.drop_all(engine, prefix)
    finally:
        engine.dispose()


T0 = datetime.datetime(2026, 1, 1, 12, 0, 0)


def row(**kw):
    """An event table row with sensible values; override any column."""
    values = dict.fromkeys(dbschema.STRING_LENGTHS)
    values.update(id=str(uuid.uuid4()), timestamp=T0, level='info',
                  level_rank=20, event_type='cluster.create.end',
                  object_type='cluster', action='create', phase='end',
                  project='p1', reason=None, payload='{}')
    values.update(kw)
    if 'level' in kw and 'level_rank' not in kw:
        values['level_rank'] = fields.LEVEL_RANK[kw['level']]
    return values


def insert_rows(engine, prefix, rows):
    table = dbschema.get_table(prefix)
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
