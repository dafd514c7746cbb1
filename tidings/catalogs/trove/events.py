"""The event definitions of the trove catalog, with their samples.

Constants are ``EVENT_TYPE_`` plus the event type in upper case with dots
as underscores (``dbaas.instance_create.start`` is
``EVENT_TYPE_DBAAS_INSTANCE_CREATE_START``), except the quota notification:
the spec calls it ``dbaas.quotas`` but gives it the event type
``trove.quota``; its constant keeps the spec's name,
``EVENT_TYPE_DBAAS_QUOTAS``, and the wire carries ``trove.quota``.
"""

import datetime

from tidings.catalogs.trove import payloads
from tidings.notifications import registry

MECHANISMS = ('messaging', 'database', 'log')


def _utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.timezone.utc)


#: Fixed values the samples use, by trait name (every trait the catalog
#: has is here, so each sample sets every field).
SAMPLE_VALUES = {
    # dbaas base traits
    'tenant_id': '3f6d9d8ba8d1453e9d3a6c1ab1b8a6f2',
    'client_ip': '192.0.2.10:50412',
    'server_ip': '198.51.100.5:8779',
    'server_type': 'api',
    'request_id': 'req-5b1f0c5e-3f5a-4d7c-9a8e-2c4b6d8f0a1b',
    'message': 'Quota exceeded for resources: instances',
    'exception': 'Traceback (most recent call last):\n'
                 '  File "trove/instance/service.py", line 312, in create\n'
                 'QuotaExceeded: Quota exceeded for resources: instances\n',
    # ids
    'instance_id': 'a2d6f1e4-0c3b-4b7e-9f5d-1e2c3b4a5d6e',
    'cluster_id': 'c1a5e7b9-2d4f-4a6c-8e0b-3f5d7a9c1e2b',
    'backup_id': 'b7e2d4c6-1a3f-4e5d-9c8b-0a2f4d6e8c1b',
    'configuration_id': 'e4c2a0b8-6d1f-4c3e-a5b7-9d2f0e4c6a8b',
    'parent_id': 'b0a8c6e4-2f1d-4b3a-9e5c-7d6f8a0b2c4e',
    'user_id': '9d8e7f6a5b4c4d3e2f1a0b9c8d7e6f5a',
    'nova_instance_id': 'f0e1d2c3-b4a5-4968-8776-655443322110',
    'nova_volume_id': '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
    'instance_type_id': '7',
    'flavor': '7',
    'new_flavor_id': '8',
    'restore_point': 'b0a8c6e4-2f1d-4b3a-9e5c-7d6f8a0b2c4e',
    'replica_of': 'd3c2b1a0-9f8e-4d7c-b6a5-948372615049',
    # names and descriptions
    'name': 'orders-db',
    'instance_name': 'orders-db',
    'display_name': 'orders-db',
    'instance_type': 'm1.medium',
    'datastore': 'mysql',
    'datastore_version': '5.7',
    'databases': 'orders,audit',
    'users': 'app,report',
    'dbname': 'orders',
    'database': 'orders',
    'username': 'app',
    'description': 'nightly backup of orders-db',
    'availability_zone': 'nova',
    'region': 'RegionOne',
    'service_id': '2f3e4d5c-6b7a-4899-aabb-ccddeeff0011',
    'state': 'active',
    'state_description': 'active',
    'resource': 'instances',
    # numbers
    'volume_size': 20,
    'old_volume_size': 10,
    'new_size': 40,
    'instance_size': 4096,
    'old_instance_size': 2048,
    'replica_count': 1,
    'in_use': 3,
    'reserved': 1,
    'limit': 10,
    # times
    'created_at': _utc(2026, 11, 1, 12, 0, 0),
    'launched_at': _utc(2026, 11, 1, 12, 0, 0),
    'deleted_at': _utc(2026, 11, 2, 9, 30, 0),
    'modify_at': _utc(2026, 11, 1, 15, 45, 0),
    'audit_period_beginning': _utc(2026, 11, 1, 0, 0, 0),
    'audit_period_ending': _utc(2026, 11, 1, 1, 0, 0),
    'updated': _utc(2026, 11, 1, 11, 58, 0),
}
_SERVER_TYPE = {'start': 'api', 'end': 'task', 'error': 'task'}


def sample_factory(cls, **overrides):
    """A callable building ``cls`` with every field set from
    :data:`SAMPLE_VALUES` (fixed values: samples never change)."""
    def sample():
        values = {name: SAMPLE_VALUES[name] for name in cls.fields}
        values.update(overrides)
        return cls(**values)
    sample.__name__ = 'sample_' + cls.obj_name()
    return sample


EVENTS = registry.EventRegistry(
    'trove', lock='../payloads.lock.json', objects=payloads.OBJECTS,
    description='Trove (database as a service): start/end/error '
                'notifications of every state-changing API call '
                '(dbaas.*), instance status notifications (trove.*) and '
                'the periodic exists and quota notifications.')


def _constant(event_type):
    return 'EVENT_TYPE_' + event_type.upper().replace('.', '_')


_STATUS = (
    ('trove.instance.create', payloads.InstancePayload,
     'An instance was created (its resources are now billed).'),
    ('trove.instance.delete', payloads.InstanceDeletePayload,
     'An instance was deleted; deleted_at is when the deletion completed.'),
    ('trove.instance.modify_volume', payloads.InstanceModifyVolumePayload,
     'The volume of an instance was resized; old_volume_size is the size '
     'before.'),
    ('trove.instance.modify_flavor', payloads.InstanceModifyFlavorPayload,
     'An instance was resized to another flavor; old_instance_size is the '
     'RAM before.'),
    ('trove.instance.exists', payloads.InstanceExistsPayload,
     'Periodic: one per active instance per audit period '
     '([trove] exists_notification_interval).'),
)

for _event_type, _cls, _text in _STATUS:
    EVENTS.define(_constant(_event_type), _event_type, 'info', _cls,
                  mechanisms=MECHANISMS, sample=sample_factory(_cls),
                  description=_text)

EVENT_TYPE_DBAAS_QUOTAS = EVENTS.define(
    'EVENT_TYPE_DBAAS_QUOTAS', 'trove.quota', 'info', payloads.QuotaPayload,
    mechanisms=MECHANISMS, sample=sample_factory(payloads.QuotaPayload),
    description='Periodic: the use of one quota resource by one tenant '
                '([trove] quota_notification_interval); the spec names it '
                'dbaas.quotas.')

_PHASE_TEXT = {
    'start': 'The API accepted a %s call.',
    'end': 'A %s call completed.',
    'error': 'A %s call failed; message and exception (the stack trace) '
             'say why.',
}

#: ``tidings catalog check`` findings the .error events accept: the spec
#: carries the exception as the ``message`` and ``exception`` text traits
#: (what Trove and Ceilometer's trove definitions read), and
#: :class:`tidings.catalogs.trove.actions.Action` fills them from the error
#: payload class of each action.
_ERROR_WAIVERS = {
    'TID001': 'the spec carries the exception as the message and exception '
              'text traits (DBaaSErrorPayload.set_exception), not as an '
              'ExceptionPayload; trove.actions.Action.error fills them',
    'TID003': 'each phase has the payload class of its spec traits; '
              'trove.actions.Action builds the .end and .error payloads',
}

for _row in payloads.ACTIONS:
    _action, _api = _row[0], _row[4]
    for _phase in ('start', 'end', 'error'):
        _event_type = 'dbaas.%s.%s' % (_action, _phase)
        _cls = payloads.ACTION_PAYLOADS[_action, _phase]
        EVENTS.define(
            _constant(_event_type), _event_type,
            'error' if _phase == 'error' else 'info', _cls,
            mechanisms=MECHANISMS,
            sample=sample_factory(_cls, server_type=_SERVER_TYPE[_phase]),
            description=_PHASE_TEXT[_phase] % _api,
            lint_ignore=_ERROR_WAIVERS if _phase == 'error' else None)

del _event_type, _cls, _text, _row, _action, _api, _phase
