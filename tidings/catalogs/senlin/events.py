"""The Senlin catalog: cluster and node action events.

``cluster.<action>.<phase>`` and ``node.<action>.<phase>``, phase ``start``,
``end`` or ``error``; constants ``EVENT_TYPE_CLUSTER_SCALE_OUT_START``...
(each assigned by name at the end of this module, in the order of
:data:`CLUSTER_ACTIONS` and :data:`NODE_ACTIONS`, one per action and
phase).  ``.start``/``.end`` are at level ``info``, ``.error`` at
``error``.  Every event goes to the ``messaging`` and ``database``
mechanisms, the spec's two default backends (the recommended conf,
``senlin.conf`` beside this module, turns both on; the JSON file backend is
the spec's optional third).

The spec names the actions only by example, so the actions are Senlin's
own (``senlin.common.consts``): for clusters create, delete, update,
resize, scale_out, scale_in, check, recover, attach_policy, detach_policy,
update_policy, add_nodes, del_nodes, replace_nodes and operation; for
nodes create, delete, update, join, leave, check, recover and operation.

Sources.  The spec wants events filterable by the module that generates
them, ``engine``, ``profile`` or ``policy`` (``[notifications]
include_sources`` / ``exclude_sources``).  Each event definition carries the
module that does the work it reports:

- ``policy``: binding policies to a cluster (``cluster.attach_policy``,
  ``detach_policy``, ``update_policy``);
- ``profile``: what a profile plugin does to the physical resource behind
  a node (``node.create``, ``delete``, ``update``, ``check``, ``recover``,
  ``operation``);
- ``engine``: every other cluster action and node membership changes
  (``node.join``, ``node.leave``), which the engine does itself.

The source is also the publisher source, so ``publisher_id`` reads
``engine:<host>``, ``profile:<host>`` or ``policy:<host>``.
"""

import datetime
import functools

from tidings.catalogs.senlin import payloads
from tidings.notifications import registry

CLUSTER_ACTIONS = ('create', 'delete', 'update', 'resize', 'scale_out',
                   'scale_in', 'check', 'recover', 'attach_policy',
                   'detach_policy', 'update_policy', 'add_nodes',
                   'del_nodes', 'replace_nodes', 'operation')
NODE_ACTIONS = ('create', 'delete', 'update', 'join', 'leave', 'check',
                'recover', 'operation')
SOURCES = ('engine', 'profile', 'policy')
MECHANISMS = ('messaging', 'database')


# Samples: fixed ids and times.

_UTC = datetime.timezone.utc
PROJECT = '6e18cc2bdbeb48a5b3cad2dc499f6804'
USER = '5e5bf8027826429c96af157f68dc9072'
CLUSTER_ID = 'e1cfd82b-3bb8-4e53-b4b8-2b1c4e1b4a0c'
NODE_ID = '0b3e9bd5-6c0e-4b57-9a7d-7e1c3f0e2a41'
PROFILE_ID = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d'
ACTION_ID = 'c9d1f2e3-4b5a-4c6d-8e7f-0a1b2c3d4e5f'
INIT_AT = datetime.datetime(2016, 12, 1, 10, 0, 0, tzinfo=_UTC)
CREATED_AT = datetime.datetime(2016, 12, 1, 10, 0, 5, tzinfo=_UTC)
_PHASE_STATUS = {'start': 'RUNNING', 'end': 'SUCCEEDED', 'error': 'FAILED'}


def sample_cluster():
    return payloads.ClusterPayload(
        id=CLUSTER_ID, name='web-cluster', profile_id=PROFILE_ID,
        init_at=INIT_AT, created_at=CREATED_AT, updated_at=None,
        min_size=1, max_size=5, desired_capacity=2, timeout=3600,
        status='ACTIVE', status_reason='Cluster creation succeeded.',
        metadata={}, data={}, user=USER, project=PROJECT, dependents={})


def sample_node():
    return payloads.NodePayload(
        id=NODE_ID, name='node-web-001', profile_id=PROFILE_ID,
        cluster_id=CLUSTER_ID,
        physical_id='8d6b5e3f-1c2a-4b7e-9f0d-3a4c5b6e7f80', index=1,
        role=None, init_at=INIT_AT, created_at=CREATED_AT, updated_at=None,
        status='ACTIVE', status_reason='Creation succeeded', metadata={},
        data={}, user=USER, project=PROJECT, dependents={})


def sample_action(obj, action, phase):
    name = '%s_%s' % (obj.upper(), action.upper())
    done = phase != 'start'
    return payloads.ActionPayload(
        id=ACTION_ID, name='%s_%s' % (name.lower(), ACTION_ID[:8]),
        created_at=CREATED_AT,
        target=CLUSTER_ID if obj == 'cluster' else NODE_ID, action=name,
        start_time=1480586405.0, end_time=1480586467.5 if done else None,
        timeout=3600, status=_PHASE_STATUS[phase],
        status_reason={'start': 'Action started',
                       'end': 'Action completed successfully',
                       'error': 'Action failed'}[phase],
        inputs={}, outputs={}, data={}, user=USER, project=PROJECT)


def sample_exception():
    return payloads.ExceptionPayload(
        module_name='senlin.engine.actions.base',
        function_name='execute', exception='ResourceNotFound',
        exception_message="The profile 'a0b1c2d3' could not be found.")


def sample(obj, action, phase):
    """The sample payload of ``<obj>.<action>.<phase>``."""
    cls = (payloads.ClusterActionPayload if obj == 'cluster'
           else payloads.NodeActionPayload)
    payload = cls(action=sample_action(obj, action, phase),
                  exception=sample_exception() if phase == 'error' else None)
    payload._set_field(obj, sample_cluster() if obj == 'cluster'
                       else sample_node())
    return payload


EVENTS = registry.EventRegistry(
    'senlin', lock='../payloads.lock.json', objects=payloads.OBJECTS,
    description='Senlin cluster and node actions (senlin-generic-event). '
                'The database backend\'s rows read with the columns of '
                'Senlin\'s ``event`` table through the view '
                '``<prefix>senlin_event`` (operator guide, "Senlin\'s event '
                'table").')

_DESCRIPTION = {
    'start': 'Senlin starts the %s action on a %s.',
    'end': 'The %s action on a %s finished.',
    'error': 'The %s action on a %s failed; exception says why.',
}


def _define(name, event_type, level, payload, source):
    """Define ``<obj>.<action>.<phase>``: delivered by :data:`MECHANISMS`,
    its sample and description follow from the event type."""
    obj, action, phase = event_type.split('.')
    return EVENTS.define(
        name, event_type, level, payload, mechanisms=MECHANISMS,
        source=source, sample=functools.partial(sample, obj, action, phase),
        description=_DESCRIPTION[phase] % (action, obj))


# cluster.<action>.<phase>: ClusterActionPayload
EVENT_TYPE_CLUSTER_CREATE_START = _define(
    'EVENT_TYPE_CLUSTER_CREATE_START', 'cluster.create.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_CREATE_END = _define(
    'EVENT_TYPE_CLUSTER_CREATE_END', 'cluster.create.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_CREATE_ERROR = _define(
    'EVENT_TYPE_CLUSTER_CREATE_ERROR', 'cluster.create.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_DELETE_START = _define(
    'EVENT_TYPE_CLUSTER_DELETE_START', 'cluster.delete.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_DELETE_END = _define(
    'EVENT_TYPE_CLUSTER_DELETE_END', 'cluster.delete.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_DELETE_ERROR = _define(
    'EVENT_TYPE_CLUSTER_DELETE_ERROR', 'cluster.delete.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_UPDATE_START = _define(
    'EVENT_TYPE_CLUSTER_UPDATE_START', 'cluster.update.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_UPDATE_END = _define(
    'EVENT_TYPE_CLUSTER_UPDATE_END', 'cluster.update.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_UPDATE_ERROR = _define(
    'EVENT_TYPE_CLUSTER_UPDATE_ERROR', 'cluster.update.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_RESIZE_START = _define(
    'EVENT_TYPE_CLUSTER_RESIZE_START', 'cluster.resize.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_RESIZE_END = _define(
    'EVENT_TYPE_CLUSTER_RESIZE_END', 'cluster.resize.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_RESIZE_ERROR = _define(
    'EVENT_TYPE_CLUSTER_RESIZE_ERROR', 'cluster.resize.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_SCALE_OUT_START = _define(
    'EVENT_TYPE_CLUSTER_SCALE_OUT_START', 'cluster.scale_out.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_SCALE_OUT_END = _define(
    'EVENT_TYPE_CLUSTER_SCALE_OUT_END', 'cluster.scale_out.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_SCALE_OUT_ERROR = _define(
    'EVENT_TYPE_CLUSTER_SCALE_OUT_ERROR', 'cluster.scale_out.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_SCALE_IN_START = _define(
    'EVENT_TYPE_CLUSTER_SCALE_IN_START', 'cluster.scale_in.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_SCALE_IN_END = _define(
    'EVENT_TYPE_CLUSTER_SCALE_IN_END', 'cluster.scale_in.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_SCALE_IN_ERROR = _define(
    'EVENT_TYPE_CLUSTER_SCALE_IN_ERROR', 'cluster.scale_in.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_CHECK_START = _define(
    'EVENT_TYPE_CLUSTER_CHECK_START', 'cluster.check.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_CHECK_END = _define(
    'EVENT_TYPE_CLUSTER_CHECK_END', 'cluster.check.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_CHECK_ERROR = _define(
    'EVENT_TYPE_CLUSTER_CHECK_ERROR', 'cluster.check.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_RECOVER_START = _define(
    'EVENT_TYPE_CLUSTER_RECOVER_START', 'cluster.recover.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_RECOVER_END = _define(
    'EVENT_TYPE_CLUSTER_RECOVER_END', 'cluster.recover.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_RECOVER_ERROR = _define(
    'EVENT_TYPE_CLUSTER_RECOVER_ERROR', 'cluster.recover.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_ATTACH_POLICY_START = _define(
    'EVENT_TYPE_CLUSTER_ATTACH_POLICY_START', 'cluster.attach_policy.start',
    'info', payloads.ClusterActionPayload, 'policy')
EVENT_TYPE_CLUSTER_ATTACH_POLICY_END = _define(
    'EVENT_TYPE_CLUSTER_ATTACH_POLICY_END', 'cluster.attach_policy.end',
    'info', payloads.ClusterActionPayload, 'policy')
EVENT_TYPE_CLUSTER_ATTACH_POLICY_ERROR = _define(
    'EVENT_TYPE_CLUSTER_ATTACH_POLICY_ERROR', 'cluster.attach_policy.error',
    'error', payloads.ClusterActionPayload, 'policy')

EVENT_TYPE_CLUSTER_DETACH_POLICY_START = _define(
    'EVENT_TYPE_CLUSTER_DETACH_POLICY_START', 'cluster.detach_policy.start',
    'info', payloads.ClusterActionPayload, 'policy')
EVENT_TYPE_CLUSTER_DETACH_POLICY_END = _define(
    'EVENT_TYPE_CLUSTER_DETACH_POLICY_END', 'cluster.detach_policy.end',
    'info', payloads.ClusterActionPayload, 'policy')
EVENT_TYPE_CLUSTER_DETACH_POLICY_ERROR = _define(
    'EVENT_TYPE_CLUSTER_DETACH_POLICY_ERROR', 'cluster.detach_policy.error',
    'error', payloads.ClusterActionPayload, 'policy')

EVENT_TYPE_CLUSTER_UPDATE_POLICY_START = _define(
    'EVENT_TYPE_CLUSTER_UPDATE_POLICY_START', 'cluster.update_policy.start',
    'info', payloads.ClusterActionPayload, 'policy')
EVENT_TYPE_CLUSTER_UPDATE_POLICY_END = _define(
    'EVENT_TYPE_CLUSTER_UPDATE_POLICY_END', 'cluster.update_policy.end',
    'info', payloads.ClusterActionPayload, 'policy')
EVENT_TYPE_CLUSTER_UPDATE_POLICY_ERROR = _define(
    'EVENT_TYPE_CLUSTER_UPDATE_POLICY_ERROR', 'cluster.update_policy.error',
    'error', payloads.ClusterActionPayload, 'policy')

EVENT_TYPE_CLUSTER_ADD_NODES_START = _define(
    'EVENT_TYPE_CLUSTER_ADD_NODES_START', 'cluster.add_nodes.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_ADD_NODES_END = _define(
    'EVENT_TYPE_CLUSTER_ADD_NODES_END', 'cluster.add_nodes.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_ADD_NODES_ERROR = _define(
    'EVENT_TYPE_CLUSTER_ADD_NODES_ERROR', 'cluster.add_nodes.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_DEL_NODES_START = _define(
    'EVENT_TYPE_CLUSTER_DEL_NODES_START', 'cluster.del_nodes.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_DEL_NODES_END = _define(
    'EVENT_TYPE_CLUSTER_DEL_NODES_END', 'cluster.del_nodes.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_DEL_NODES_ERROR = _define(
    'EVENT_TYPE_CLUSTER_DEL_NODES_ERROR', 'cluster.del_nodes.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_REPLACE_NODES_START = _define(
    'EVENT_TYPE_CLUSTER_REPLACE_NODES_START', 'cluster.replace_nodes.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_REPLACE_NODES_END = _define(
    'EVENT_TYPE_CLUSTER_REPLACE_NODES_END', 'cluster.replace_nodes.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_REPLACE_NODES_ERROR = _define(
    'EVENT_TYPE_CLUSTER_REPLACE_NODES_ERROR', 'cluster.replace_nodes.error',
    'error', payloads.ClusterActionPayload, 'engine')

EVENT_TYPE_CLUSTER_OPERATION_START = _define(
    'EVENT_TYPE_CLUSTER_OPERATION_START', 'cluster.operation.start',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_OPERATION_END = _define(
    'EVENT_TYPE_CLUSTER_OPERATION_END', 'cluster.operation.end',
    'info', payloads.ClusterActionPayload, 'engine')
EVENT_TYPE_CLUSTER_OPERATION_ERROR = _define(
    'EVENT_TYPE_CLUSTER_OPERATION_ERROR', 'cluster.operation.error',
    'error', payloads.ClusterActionPayload, 'engine')

# node.<action>.<phase>: NodeActionPayload
EVENT_TYPE_NODE_CREATE_START = _define(
    'EVENT_TYPE_NODE_CREATE_START', 'node.create.start',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_CREATE_END = _define(
    'EVENT_TYPE_NODE_CREATE_END', 'node.create.end',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_CREATE_ERROR = _define(
    'EVENT_TYPE_NODE_CREATE_ERROR', 'node.create.error',
    'error', payloads.NodeActionPayload, 'profile')

EVENT_TYPE_NODE_DELETE_START = _define(
    'EVENT_TYPE_NODE_DELETE_START', 'node.delete.start',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_DELETE_END = _define(
    'EVENT_TYPE_NODE_DELETE_END', 'node.delete.end',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_DELETE_ERROR = _define(
    'EVENT_TYPE_NODE_DELETE_ERROR', 'node.delete.error',
    'error', payloads.NodeActionPayload, 'profile')

EVENT_TYPE_NODE_UPDATE_START = _define(
    'EVENT_TYPE_NODE_UPDATE_START', 'node.update.start',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_UPDATE_END = _define(
    'EVENT_TYPE_NODE_UPDATE_END', 'node.update.end',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_UPDATE_ERROR = _define(
    'EVENT_TYPE_NODE_UPDATE_ERROR', 'node.update.error',
    'error', payloads.NodeActionPayload, 'profile')

EVENT_TYPE_NODE_JOIN_START = _define(
    'EVENT_TYPE_NODE_JOIN_START', 'node.join.start',
    'info', payloads.NodeActionPayload, 'engine')
EVENT_TYPE_NODE_JOIN_END = _define(
    'EVENT_TYPE_NODE_JOIN_END', 'node.join.end',
    'info', payloads.NodeActionPayload, 'engine')
EVENT_TYPE_NODE_JOIN_ERROR = _define(
    'EVENT_TYPE_NODE_JOIN_ERROR', 'node.join.error',
    'error', payloads.NodeActionPayload, 'engine')

EVENT_TYPE_NODE_LEAVE_START = _define(
    'EVENT_TYPE_NODE_LEAVE_START', 'node.leave.start',
    'info', payloads.NodeActionPayload, 'engine')
EVENT_TYPE_NODE_LEAVE_END = _define(
    'EVENT_TYPE_NODE_LEAVE_END', 'node.leave.end',
    'info', payloads.NodeActionPayload, 'engine')
EVENT_TYPE_NODE_LEAVE_ERROR = _define(
    'EVENT_TYPE_NODE_LEAVE_ERROR', 'node.leave.error',
    'error', payloads.NodeActionPayload, 'engine')

EVENT_TYPE_NODE_CHECK_START = _define(
    'EVENT_TYPE_NODE_CHECK_START', 'node.check.start',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_CHECK_END = _define(
    'EVENT_TYPE_NODE_CHECK_END', 'node.check.end',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_CHECK_ERROR = _define(
    'EVENT_TYPE_NODE_CHECK_ERROR', 'node.check.error',
    'error', payloads.NodeActionPayload, 'profile')

EVENT_TYPE_NODE_RECOVER_START = _define(
    'EVENT_TYPE_NODE_RECOVER_START', 'node.recover.start',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_RECOVER_END = _define(
    'EVENT_TYPE_NODE_RECOVER_END', 'node.recover.end',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_RECOVER_ERROR = _define(
    'EVENT_TYPE_NODE_RECOVER_ERROR', 'node.recover.error',
    'error', payloads.NodeActionPayload, 'profile')

EVENT_TYPE_NODE_OPERATION_START = _define(
    'EVENT_TYPE_NODE_OPERATION_START', 'node.operation.start',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_OPERATION_END = _define(
    'EVENT_TYPE_NODE_OPERATION_END', 'node.operation.end',
    'info', payloads.NodeActionPayload, 'profile')
EVENT_TYPE_NODE_OPERATION_ERROR = _define(
    'EVENT_TYPE_NODE_OPERATION_ERROR', 'node.operation.error',
    'error', payloads.NodeActionPayload, 'profile')
