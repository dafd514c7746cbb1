"""Payloads of the Senlin catalog, in namespace ``senlin``.

Versioned objects for the cluster, the node, the action and the exception
(the spec: "model all events as versioned objects"), nested into one
payload per kind of event: :class:`ClusterActionPayload` and
:class:`NodeActionPayload`.  Field names follow Senlin's own objects, so
``ClusterPayload.from_sources(cluster=cluster_obj)`` copies them.

``RECORD`` on the two event payloads maps the queryable columns of the
event table (the database backend reads it) to dotted paths into the
payload, keeping the columns of Senlin's ``event`` table: object id and
name, the cluster (``parent_id``; for a cluster event the cluster itself,
as Senlin's ``cluster_id`` column), the action, its status and reason, the
project and user of the action.  Level and object type come from the
notification itself.  The view ``<prefix>senlin_event`` (migration 0004)
reads those rows back under the names of Senlin's ``event`` table
(``oid``, ``oname``, ``otype``, ``cluster_id``, ``status_reason``,
``meta_data``...; the operator guide, "Senlin's event table").
"""

from tidings.catalogs import common
from tidings.notifications import payload as payload_mod
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('senlin')

#: senlin.common.consts.CLUSTER_STATUSES
CLUSTER_STATUSES = ('INIT', 'ACTIVE', 'CREATING', 'UPDATING', 'RESIZING',
                    'DELETING', 'CHECKING', 'RECOVERING', 'CRITICAL',
                    'ERROR', 'WARNING', 'OPERATING')
#: senlin.common.consts.NODE_STATUSES
NODE_STATUSES = ('INIT', 'ACTIVE', 'ERROR', 'WARNING', 'CREATING',
                 'UPDATING', 'DELETING', 'RECOVERING', 'OPERATING')
#: senlin.common.consts.ACTION_STATUSES
ACTION_STATUSES = ('INIT', 'WAITING', 'READY', 'RUNNING', 'SUSPENDED',
                   'SUCCEEDED', 'FAILED', 'CANCELLED',
                   'WAITING_LIFECYCLE_COMPLETION')

_CLUSTER = ('id', 'name', 'profile_id', 'init_at', 'created_at',
            'updated_at', 'min_size', 'max_size', 'desired_capacity',
            'timeout', 'status', 'status_reason', 'metadata', 'data',
            'user', 'project', 'dependents')
_NODE = ('id', 'name', 'profile_id', 'cluster_id', 'physical_id', 'index',
         'role', 'init_at', 'created_at', 'updated_at', 'status',
         'status_reason', 'metadata', 'data', 'user', 'project',
         'dependents')
_ACTION = ('id', 'name', 'created_at', 'target', 'action', 'start_time',
           'end_time', 'timeout', 'status', 'status_reason', 'inputs',
           'outputs', 'data', 'user', 'project')


@OBJECTS.register
class ExceptionPayload(payload_mod.ExceptionPayload):
    """What went wrong, on ``.error`` events."""

    VERSION = '1.0'


@OBJECTS.register
class ClusterPayload(payload_mod.Payload):
    """A cluster as the engine sees it when the event happens."""

    VERSION = '1.0'
    SCHEMA = {name: ('cluster', name) for name in _CLUSTER}
    fields = {
        'id': fields.UUIDField(),
        'name': fields.StringField(),
        'profile_id': fields.UUIDField(),
        'init_at': fields.DateTimeField(),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'min_size': fields.IntegerField(),
        'max_size': fields.IntegerField(),
        'desired_capacity': fields.IntegerField(),
        'timeout': fields.IntegerField(nullable=True),
        'status': fields.EnumField(CLUSTER_STATUSES),
        'status_reason': fields.StringField(nullable=True),
        'metadata': common.JsonDictField(nullable=True),
        'data': common.JsonDictField(nullable=True),
        'user': fields.StringField(),
        'project': fields.StringField(),
        'dependents': common.JsonDictField(nullable=True),
    }


@OBJECTS.register
class NodePayload(payload_mod.Payload):
    """A node; ``cluster_id`` is null for an orphan node."""

    VERSION = '1.0'
    SCHEMA = {name: ('node', name) for name in _NODE}
    fields = {
        'id': fields.UUIDField(),
        'name': fields.StringField(),
        'profile_id': fields.UUIDField(),
        'cluster_id': fields.StringField(nullable=True),
        'physical_id': fields.StringField(nullable=True),
        'index': fields.IntegerField(),
        'role': fields.StringField(nullable=True),
        'init_at': fields.DateTimeField(),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'status': fields.EnumField(NODE_STATUSES),
        'status_reason': fields.StringField(nullable=True),
        'metadata': common.JsonDictField(nullable=True),
        'data': common.JsonDictField(nullable=True),
        'user': fields.StringField(),
        'project': fields.StringField(),
        'dependents': common.JsonDictField(nullable=True),
    }


@OBJECTS.register
class ActionPayload(payload_mod.Payload):
    """The action being run (``action`` is Senlin's action name, e.g.
    ``CLUSTER_SCALE_OUT``; start/end times are epoch seconds)."""

    VERSION = '1.0'
    SCHEMA = {name: ('action', name) for name in _ACTION}
    fields = {
        'id': fields.UUIDField(),
        'name': fields.StringField(),
        'created_at': fields.DateTimeField(nullable=True),
        'target': fields.UUIDField(),
        'action': fields.StringField(),
        'start_time': fields.FloatField(nullable=True),
        'end_time': fields.FloatField(nullable=True),
        'timeout': fields.IntegerField(nullable=True),
        'status': fields.EnumField(ACTION_STATUSES),
        'status_reason': fields.StringField(nullable=True),
        'inputs': common.JsonDictField(nullable=True),
        'outputs': common.JsonDictField(nullable=True),
        'data': common.JsonDictField(nullable=True),
        'user': fields.StringField(),
        'project': fields.StringField(),
    }


class _ActionEventPayload(payload_mod.Payload):
    #: The field holding the object acted on: ``cluster`` or ``node``.
    OBJECT = None

    @classmethod
    def build(cls, obj, action, exception=None):
        """The payload from Senlin's objects (attributes or dict keys);
        ``exception`` may be an exception or an ExceptionPayload."""
        target = OBJECTS.get(cls.OBJECT.capitalize() + 'Payload')
        if isinstance(exception, BaseException):
            exception = ExceptionPayload.from_exception(exception)
        payload = cls()
        payload._set_field(cls.OBJECT, target.from_sources(
            **{cls.OBJECT: obj}))
        payload.action = ActionPayload.from_sources(action=action)
        payload.exception = exception
        return payload


@OBJECTS.register
class ClusterActionPayload(_ActionEventPayload):
    """``cluster.<action>.<phase>``: the cluster, the action and, on
    ``.error``, the exception."""

    VERSION = '1.0'
    OBJECT = 'cluster'
    RECORD = {
        'object_id': 'cluster.id',
        'object_name': 'cluster.name',
        'parent_id': 'cluster.id',
        'action': 'action.action',
        'status': 'action.status',
        'reason': 'action.status_reason',
        'project': 'action.project',
        'user': 'action.user',
    }
    fields = {
        'cluster': fields.ObjectField('ClusterPayload'),
        'action': fields.ObjectField('ActionPayload'),
        'exception': fields.ObjectField('ExceptionPayload', nullable=True),
    }


@OBJECTS.register
class NodeActionPayload(_ActionEventPayload):
    """``node.<action>.<phase>``: the node, the action and, on ``.error``,
    the exception."""

    VERSION = '1.0'
    OBJECT = 'node'
    RECORD = {
        'object_id': 'node.id',
        'object_name': 'node.name',
        'parent_id': 'node.cluster_id',
        'action': 'action.action',
        'status': 'action.status',
        'reason': 'action.status_reason',
        'project': 'action.project',
        'user': 'action.user',
    }
    fields = {
        'node': fields.ObjectField('NodePayload'),
        'action': fields.ObjectField('ActionPayload'),
        'exception': fields.ObjectField('ExceptionPayload', nullable=True),
    }
