"""The Senlin catalog: cluster and node action events.

``cluster.<action>.<phase>`` and ``node.<action>.<phase>``, phase ``start``,
``end`` or ``error``; constants ``EVENT_TYPE_CLUSTER_SCALE_OUT_START``...
``.start``/``.end`` are at level ``info``, ``.error`` at ``error``.  Every
event goes to the ``messaging`` and ``database`` mechanisms, the spec's two
default backends (the recommended conf, ``senlin.conf`` beside this module,
turns both on; the JSON file backend is the spec's optional third).

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
from tidings.objects import fields

CLUSTER_ACTIONS = ('create', 'delete', 'update', 'resize', 'scale_out',
                   'scale_in', 'check', 'recover', 'attach_policy',
                   'detach_policy', 'update_policy', 'add_nodes',
                   'del_nodes', 'replace_nodes', 'operation')
NODE_ACTIONS = ('create', 'delete', 'update', 'join', 'leave', 'check',
                'recover', 'operation')
SOURCES = ('engine', 'profile', 'policy')
POLICY_ACTIONS = frozenset(['attach_policy', 'detach_policy',
                            'update_policy'])
PROFILE_NODE_ACTIONS = frozenset(['create', 'delete', 'update', 'check',
                                  'recover', 'operation'])
MECHANISMS = ('messaging', 'database')


def source_of(obj, action):
    """The module generating ``<obj>.<action>`` events."""
    if obj == 'cluster' and action in POLICY_ACTIONS:
        return 'policy'
    if obj == 'node' and action in PROFILE_NODE_ACTIONS:
        return 'profile'
    return 'engine'


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
    description='Senlin cluster and node actions (senlin-generic-event).')

_DESCRIPTION = {
    'start': 'Senlin starts the %s action on a %s.',
    'end': 'The %s action on a %s finished.',
    'error': 'The %s action on a %s failed; exception says why.',
}


def _define_all():
    for obj, actions, payload in (
            ('cluster', CLUSTER_ACTIONS, payloads.ClusterActionPayload),
            ('node', NODE_ACTIONS, payloads.NodeActionPayload)):
        for action in actions:
            for phase in fields.PHASES:
                name = 'EVENT_TYPE_%s_%s_%s' % (obj.upper(), action.upper(),
                                                phase.upper())
                globals()[name] = EVENTS.define(
                    name, '%s.%s.%s' % (obj, action, phase),
                    'error' if phase == 'error' else 'info', payload,
                    mechanisms=MECHANISMS, source=source_of(obj, action),
                    sample=functools.partial(sample, obj, action, phase),
                    description=_DESCRIPTION[phase] % (action, obj))


_define_all()
